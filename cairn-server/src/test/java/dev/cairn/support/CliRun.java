package dev.cairn.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import dev.cairn.cli.CairnCommand;

/** One run of the {@code cairn} command line in this JVM: its exit code and what it printed. */
public record CliRun(int exit, String stdout, String stderr) {

    /** Runs {@code cairn ARGS}, capturing its standard output and error while it runs. */
    public static CliRun run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            int exit = CairnCommand.commandLine().execute(args);
            return new CliRun(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
