package dev.cairn.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

import dev.cairn.audit.AuditExporter;
import dev.cairn.datasets.DatasetBundleWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn export audit}: the audit log as a bundle that {@code cairn verify --dir} checks offline;
 * {@code cairn export dataset}: a dataset version as a bundle that {@code cairn verify --dataset} checks.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Export data.",
        subcommands = {ExportCommand.Audit.class, ExportCommand.Dataset.class})
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

    @Command(name = "dataset", mixinStandardHelpOptions = true,
            description = "Write a dataset version's rows, manifest and the proofs of its lineage to a directory.")
    static class Dataset implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "ID", description = "The dataset version, ds_…")
        String id;
        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to write the bundle.")
        Path out;

        @Override
        public Integer call() {
            return OfflineContext.run("export dataset", common, context -> {
                try {
                    DatasetBundleWriter.Summary summary = context.datasetWriter()
                            .write(id, out, context.logIdentity().verifier().vkey());
                    return String.format("exported %d rows of %s with %d source entries, cut at checkpoint %d, to %s",
                            summary.rows(), id, summary.entries(), summary.cutSize(), out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
