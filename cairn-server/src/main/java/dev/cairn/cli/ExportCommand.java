package dev.cairn.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

import dev.cairn.audit.AuditExporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn export audit}: the audit log as a bundle that {@code cairn verify --dir} checks offline. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export data.",
        subcommands = ExportCommand.Audit.class)
class ExportCommand {

    @Command(name = "audit", mixinStandardHelpOptions = true,
            description = "Write the audit log (tiles, entries, checkpoints, vkey) to a directory.")
    static class Audit implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Option(names = "--from", paramLabel = "TIME", description = "Only entries from this ISO-8601 time on.")
        Instant from;
        @Option(names = "--to", paramLabel = "TIME", description = "Only entries before this ISO-8601 time.")
        Instant to;
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to write the bundle.")
        Path out;

        @Override
        public Integer call() {
            return OfflineContext.run("export audit", common, context -> {
                AuditExporter.Summary summary = context.auditExporter().export(out, from, to);
                return String.format("exported %d of %d entries, %d tiles and %d checkpoints to %s",
                        summary.entries(), summary.treeSize(), summary.tiles(), summary.checkpoints(), out);
            });
        }
    }
}
