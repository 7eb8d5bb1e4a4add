package dev.cairn.cli;

import java.io.PrintStream;
import java.util.function.Function;

import dev.cairn.access.ApiKeyRepository;
import dev.cairn.access.ApiKeyService;
import dev.cairn.audit.AuditExporter;
import dev.cairn.audit.KeyFiles;
import dev.cairn.audit.LogIdentity;
import dev.cairn.datasets.DatasetBundleWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command-line action against the data dir, with only what that action uses built by
 * hand: no Spring application, no web server, no embedding model, so that a command answers in
 * about a second whether or not a server is running. Only the action's result reaches stdout.
 */
final class OfflineContext implements AutoCloseable {

    private final OfflineSettings settings;
    private OfflineDatabase database;
    private OfflineAudit audit;

    private OfflineContext(OfflineSettings settings) {
        this.settings = settings;
    }

    static int run(String command, CommonOptions common, Function<OfflineContext, String> action) {
        PrintStream stdout = System.out;
        System.setOut(System.err); // library logs must not mix with the command's output
        QuietLogs quiet = QuietLogs.start();
        try (OfflineContext context = new OfflineContext(OfflineSettings.load(common))) {
            String output = action.apply(context);
            stdout.println(output);
            stdout.flush();
            return 0;
        } catch (RuntimeException e) {
            System.err.println("cairn " + command + ": " + CliErrors.rootMessage(e));
            return 1;
        } finally {
            quiet.close();
            System.setOut(stdout);
        }
    }

    /** The keys, for reading. */
    ApiKeyRepository keyRepository() {
        return new ApiKeyRepository(database().jdbc());
    }

    /** The keys, for changes that the audit log records as the server's admin API does. */
    ApiKeyService keyService() {
        return new ApiKeyService(keyRepository(), audit().adminActions());
    }

    /** The log's name and signing key; needs no database. */
    LogIdentity logIdentity() {
        return new LogIdentity(settings.audit(), settings.keyFiles());
    }

    /** The master and signing key files; needs no database. */
    KeyFiles keyFiles() {
        return settings.keyFiles();
    }

    AuditExporter auditExporter() {
        return audit().exporter();
    }

    DatasetBundleWriter datasetWriter() {
        return audit().datasetWriter();
    }

    private OfflineDatabase database() {
        if (database == null) {
            database = OfflineDatabase.open(settings);
        }
        return database;
    }

    private OfflineAudit audit() {
        if (audit == null) {
            audit = OfflineAudit.open(settings, database());
        }
        return audit;
    }

    @Override
    public void close() {
        try {
            if (audit != null) {
                audit.close();
            }
        } finally {
            if (database != null) {
                database.close();
            }
        }
    }

    /**
     * Warnings and errors only while a command runs, as the server's {@code logging.level.root=WARN}
     * gave it before: a command's own output is its answer, and the libraries' start-up lines are
     * noise. Logback is asked through its API when it is the logger in use; the level it had is
     * put back afterwards, since tests run commands inside a longer-lived JVM.
     */
    private record QuietLogs(ch.qos.logback.classic.Logger root, ch.qos.logback.classic.Level previous) {

        static QuietLogs start() {
            if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
                QuietLogs quiet = new QuietLogs(root, root.getLevel());
                root.setLevel(ch.qos.logback.classic.Level.WARN);
                return quiet;
            }
            return new QuietLogs(null, null);
        }

        void close() {
            if (root != null) {
                root.setLevel(previous);
            }
        }
    }
}
