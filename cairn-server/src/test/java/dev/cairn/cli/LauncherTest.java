package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./cairn} launcher's JVM defaults: a heap sized for a gateway, given only where the
 * operator's own options say nothing of the kind. The real script runs in a copy of the checkout
 * whose {@code java} prints the arguments it was given.
 */
class LauncherTest {

    @TempDir
    Path root;

    @BeforeEach
    void checkout() throws IOException {
        Files.copy(Path.of("../cairn"), root.resolve("cairn"));
        Path jdk = root.resolve("jdk/bin");
        Files.createDirectories(jdk);
        executable(jdk.resolve("java"), "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        executable(jdk.resolve("javac"), "#!/bin/sh\n");
        Files.writeString(root.resolve("jdk/release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"25.0.3\"\n");
        Files.createDirectories(root.resolve(".mvn"));
        Files.copy(Path.of("../.mvn/gateway-jvm-options.sh"), root.resolve(".mvn/gateway-jvm-options.sh"));
        Files.writeString(root.resolve(".mvn/select-jdk.sh"), "export JAVA_HOME=\"" + root.resolve("jdk") + "\"\n");
        // No sources in this copy, so the jar counts as fresh and nothing is built.
        Files.createDirectories(root.resolve("cairn-server/target"));
        Files.writeString(root.resolve("cairn-server/target/cairn-server-exec.jar"), "not a real jar");
    }

    private static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs the copied launcher with the operator's environment; its output, line by line. */
    private List<String> launch(Map<String, String> env) throws Exception {
        return launch(env, "serve", "--port", "9399");
    }

    private List<String> launch(Map<String, String> env, String... command) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of("bash", root.resolve("cairn").toString()));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().keySet().removeAll(List.of("CAIRN_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
        builder.environment().put("XDG_CACHE_HOME", root.resolve("cache").toString());
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        // Output to a file, not a pipe: reading a pipe to its end would wait for a launcher that hangs.
        Path output = Files.createTempFile(root, "launch", ".out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(process.isAlive()).as("the launcher still runs after 30 s: %s", out).isFalse();
        assertThat(process.exitValue()).as(out).isZero();
        return Arrays.asList(out.strip().split("\n"));
    }

    @Test
    void withoutOperatorOptionsTheHeapIsSizedForAGateway() throws Exception {
        List<String> args = launch(Map.of());

        assertThat(args).contains("-Xmx512m", "-Xms64m", "-XX:+UseParallelGC", "-XX:TrimNativeHeapInterval=60000")
                .noneMatch(a -> a.startsWith("-XX:G1"));
        assertThat(args.subList(args.indexOf("-jar"), args.size()))
                .as("the server's own arguments come after the jar").endsWith("serve", "--port", "9399");
    }

    @Test
    void shortCommandsCompileWithC1OnlyAndTheServerDoesNot() throws Exception {
        assertThat(launch(Map.of())).doesNotContain("-XX:TieredStopAtLevel=1");
        assertThat(launch(Map.of(), "keys", "list")).contains("-XX:TieredStopAtLevel=1").endsWith("keys", "list")
                .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile=")); // no archive made by the stand-in java
        try (var copies = Files.list(root.resolve("cache/cairn"))) {
            Path copy = copies.filter(Files::isDirectory).findFirst().orElseThrow();
            Files.writeString(copy.resolve("commands.jsa"), "an archive");
            assertThat(launch(Map.of(), "keys", "list")).contains("-XX:SharedArchiveFile=" + copy.resolve("commands.jsa"));
            assertThat(launch(Map.of())).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile="));
        }
        assertThat(launch(Map.of("CAIRN_JAVA_OPTS", "-XX:TieredStopAtLevel=4"), "log", "vkey"))
                .contains("-XX:TieredStopAtLevel=4").doesNotContain("-XX:TieredStopAtLevel=1");
    }

    @Test
    void theOperatorsHeapSettingsReplaceTheDefaults() throws Exception {
        List<String> args = launch(Map.of("CAIRN_JAVA_OPTS", "-Xmx2g -XX:+UseZGC"));

        assertThat(args).contains("-Xmx2g", "-XX:+UseZGC", "-Xms64m")
                .doesNotContain("-Xmx512m", "-XX:+UseParallelGC").noneMatch(a -> a.startsWith("-XX:G1"));
    }

    @Test
    void anyCollectorChoiceOrOptionsTheLauncherCannotReadLeaveTheCollectorToTheOperator() throws Exception {
        // Two collectors selected would stop the JVM ("Multiple garbage collectors selected").
        for (Map<String, String> env : List.of(
                Map.of("_JAVA_OPTIONS", "-XX:+UseG1GC"),
                Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g\n-XX:+UseSerialGC"),
                Map.of("JDK_JAVA_OPTIONS", "-XX:-UseParallelGC"),
                Map.of("CAIRN_JAVA_OPTS", "-XX:MaxGCPauseMillis=50 -XX:G1HeapRegionSize=4m"),
                Map.of("CAIRN_JAVA_OPTS", "@/etc/cairn/jvm.args"),
                Map.of("CAIRN_JAVA_OPTS", "-XX:VMOptionsFile=/etc/cairn/jvm.options"))) {
            assertThat(launch(env)).as(env.toString()).doesNotContain("-XX:+UseParallelGC");
        }
    }

    @Test
    void anOperatorWhoChoosesG1GetsItsIdleCollection() throws Exception {
        assertThat(launch(Map.of("CAIRN_JAVA_OPTS", "-XX:+UseG1GC")))
                .contains("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=60000").doesNotContain("-XX:+UseParallelGC");
        assertThat(launch(Map.of("CAIRN_JAVA_OPTS", "-XX:G1HeapRegionSize=4m")))
                .as("G1 tuning means G1").contains("-XX:G1PeriodicGCInterval=60000").doesNotContain("-XX:+UseParallelGC");
        assertThat(launch(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseG1GC -XX:G1PeriodicGCInterval=0")))
                .doesNotContain("-XX:G1PeriodicGCInterval=60000", "-XX:+UseParallelGC");
    }

    @Test
    void aHeapSizedAsAShareOfMemoryCountsAsTheOperatorsChoice() throws Exception {
        List<String> args = launch(Map.of("CAIRN_JAVA_OPTS", "-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=10"));

        assertThat(args).contains("-XX:MaxRAMPercentage=50", "-XX:InitialRAMPercentage=10")
                .doesNotContain("-Xmx512m", "-Xms64m");
    }

    @Test
    void nativeHeapTrimmingOnlyOnJdksThatKnowTheFlagAndUnlessTheOperatorChose() throws Exception {
        assertThat(launch(Map.of("CAIRN_JAVA_OPTS", "-XX:TrimNativeHeapInterval=0")))
                .contains("-XX:TrimNativeHeapInterval=0").doesNotContain("-XX:TrimNativeHeapInterval=60000");
        // Before 21.0.4 and 22.0.1 the flag was experimental, and the JVM would refuse to start with it.
        for (String version : List.of("21", "21.0.0", "21.0.3", "22", "22.0.0")) {
            Files.writeString(root.resolve("jdk/release"), "JAVA_VERSION=\"" + version + "\"\n");
            assertThat(launch(Map.of())).as(version).contains("-Xmx512m").noneMatch(a -> a.startsWith("-XX:TrimNativeHeapInterval"));
        }
        for (String version : List.of("21.0.4", "21.0.10", "22.0.1", "23", "25.0.3")) {
            Files.writeString(root.resolve("jdk/release"), "JAVA_VERSION=\"" + version + "\"\n");
            assertThat(launch(Map.of())).as(version).contains("-XX:TrimNativeHeapInterval=60000");
        }
    }

    @Test
    void optionsGivenThroughTheJvmsOwnVariablesAreHonouredToo() throws Exception {
        List<String> args = launch(Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g -Xms256m -XX:+UseSerialGC"));

        assertThat(args).doesNotContain("-Xmx512m", "-Xms64m", "-XX:+UseParallelGC");
    }

    /**
     * One cached copy of the jar, not one more per build: older copies (extracted, or the jars that
     * earlier launchers kept) go unless a process has a file of one open (a server running from it)
     * or one was used in the last minute (a launcher about to run it).
     */
    @Test
    void olderCachedCopiesGoUnlessInUseOrJustUsed() throws Exception {
        Path cache = root.resolve("cache/cairn");
        Files.createDirectories(cache);
        java.nio.file.attribute.FileTime hourAgo = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(1)));
        Path unused = Files.writeString(cache.resolve("cairn-server-0000000000000001.jar"), "old");
        Path open = Files.writeString(cache.resolve("cairn-server-0000000000000002.jar"), "old, still running");
        Path interrupted = Files.writeString(cache.resolve("cairn-server-0000000000000003.jar.tmp.123"), "half a copy");
        Path justUsed = Files.writeString(cache.resolve("cairn-server-0000000000000004.jar"), "another launcher's");
        Path unusedDir = Files.createDirectories(cache.resolve("cairn-server-0000000000000005"));
        Files.writeString(unusedDir.resolve("cairn-server-exec.jar"), "old, extracted");
        Path openDir = Files.createDirectories(cache.resolve("cairn-server-0000000000000006"));
        Path openDirJar = Files.writeString(openDir.resolve("cairn-server-exec.jar"), "old, extracted, still running");
        for (Path file : List.of(unused, open, interrupted, unusedDir, openDir)) {
            Files.setLastModifiedTime(file, hourAgo);
        }

        try (InputStream running = Files.newInputStream(open); InputStream alsoRunning = Files.newInputStream(openDirJar)) {
            launch(Map.of());
            launch(Map.of()); // the current copy is kept from one run to the next
        }

        try (var cached = Files.list(cache)) {
            assertThat(cached.map(p -> p.getFileName().toString()).filter(name -> name.startsWith("cairn-server-")).sorted().toList())
                    .hasSize(4)
                    .contains(open.getFileName().toString(), justUsed.getFileName().toString(), openDir.getFileName().toString())
                    .anyMatch(name -> name.matches("cairn-server-[0-9a-f]{16}") && !name.startsWith("cairn-server-000"));
        }
    }

    /** The jar is hashed once per build, not at every command: its digest is kept with the jar's identity. */
    @Test
    void theJarIsHashedOncePerBuild() throws Exception {
        launch(Map.of());
        Path id = root.resolve("cache/cairn/jar-id");
        String first = Files.readString(id);
        Files.writeString(id, first.replaceFirst(" [0-9a-f]{16}$", " 00000000000000ff"));

        assertThat(launch(Map.of())).as("the kept digest names the copy").anyMatch(a -> a.contains("cairn-server-00000000000000ff/"));
        Files.writeString(root.resolve("cairn-server/target/cairn-server-exec.jar"), "a new build");
        assertThat(launch(Map.of())).as("a new build is hashed again").noneMatch(a -> a.contains("cairn-server-00000000000000ff/"));
    }

    /**
     * The stand-in {@code java} above shows which flags the launcher passes, not whether a JVM
     * starts with them: two collectors selected, one by the launcher and one through a variable it
     * missed, stop the JVM before any server code runs. Here the launcher starts the JDK running
     * this test, on a jar whose main class reports the collectors and heap it got.
     */
    @Test
    void aRealJvmStartsWithTheCollectorTheOperatorOrTheLauncherChose() throws Exception {
        Files.writeString(root.resolve(".mvn/select-jdk.sh"), "export JAVA_HOME=\"" + System.getProperty("java.home") + "\"\n");
        writeProbeJar(root.resolve("cairn-server/target/cairn-server-exec.jar"));

        assertThat(launch(Map.of())).contains("gc=PS Scavenge", "max_heap_mib<=512");
        // Read before the command line, so a launcher -Xmx512m would silently override it.
        assertThat(launch(Map.of("JDK_JAVA_OPTIONS", "-Xmx1g"))).contains("gc=PS Scavenge", "max_heap_mib>512");
        assertThat(launch(Map.of("_JAVA_OPTIONS", "-XX:+UseG1GC"))).contains("gc=G1 Young Generation");
        assertThat(launch(Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC"))).contains("gc=Copy");
        assertThat(launch(Map.of("JDK_JAVA_OPTIONS", "-XX:-UseParallelGC")))
                .anyMatch(line -> line.startsWith("gc=")).doesNotContain("gc=PS Scavenge");
        assertThat(launch(Map.of("CAIRN_JAVA_OPTS", "-XX:+UseZGC"))).anyMatch(line -> line.startsWith("gc=ZGC"));
    }

    /** What the real-JVM test runs instead of the server: the collectors in use and the heap limit. */
    public static final class JvmProbe {
        public static void main(String[] args) {
            ManagementFactory.getGarbageCollectorMXBeans().forEach(gc -> System.out.println("gc=" + gc.getName()));
            System.out.println(Runtime.getRuntime().maxMemory() <= 512L << 20 ? "max_heap_mib<=512" : "max_heap_mib>512");
        }
    }

    private static void writeProbeJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, JvmProbe.class.getName());
        String entry = JvmProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream probe = JvmProbe.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            probe.transferTo(out);
            out.closeEntry();
        }
    }
}
