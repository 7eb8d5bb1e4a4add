package dev.cairn.datasets;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.OwnerOnlyFiles;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.jobs.Job;
import dev.cairn.platform.jobs.JobHandler;
import org.springframework.stereotype.Component;

/**
 * Runs a background export: writes the dataset in its format to a file under
 * {@code <data-dir>/datasets/exports/}, recording progress after each page of rows. A run that is
 * repeated (the job queue runs a job at least once) writes the file again from the start.
 */
@Component
class DatasetExportJob implements JobHandler {

    static final String KIND = "dataset.export";
    /** Kept short in the table: enough to see what failed. */
    private static final int MAX_ERROR_CHARS = 500;

    private final DatasetRepository datasets;
    private final DatasetExportRepository exports;
    private final DatasetExporter exporter;
    private final Path directory;

    DatasetExportJob(DatasetRepository datasets, DatasetExportRepository exports, DatasetExporter exporter,
                     PlatformProperties platform) {
        this.datasets = datasets;
        this.exports = exports;
        this.exporter = exporter;
        this.directory = platform.dataDir().resolve("datasets").resolve("exports");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean isLong() {
        return true;
    }

    /** Deletes an export's file, finished or not. */
    void discard(String exportId) throws IOException {
        Files.deleteIfExists(file(exportId));
        Files.deleteIfExists(directory.resolve(exportId + ".jsonl.part"));
    }

    /** Where a finished export's file is. */
    Path file(String exportId) {
        return directory.resolve(exportId + ".jsonl");
    }

    @Override
    public void run(Job job) throws IOException {
        String id = JsonBodies.JSON.readTree(job.payload()).path("export_id").asString();
        DatasetExport export = exports.find(id).orElse(null);
        if (export == null || "done".equals(export.state()) || "expired".equals(export.state())) {
            return; // gone, done by an earlier run whose completion the queue did not hear of, or expired by an erasure
        }
        try {
            Dataset dataset = datasets.builtIn(export.datasetId(), export.workspace());
            if (!exports.running(id)) {
                return; // expired by an erasure before it started
            }
            Path part = directory.resolve(id + ".jsonl.part");
            DatasetExporter.Written written;
            try (OutputStream out = new BufferedOutputStream(OwnerOnlyFiles.newOutputStream(part))) {
                written = exporter.write(dataset, ExportFormat.of(export.format()), out,
                        (rows, lines, bytes) -> exports.progress(id, rows, lines, bytes));
            }
            Files.move(part, file(id), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (!exports.done(id, written, Instant.now())) {
                discard(id); // an erasure expired it while it was written: the file may hold erased rows
            }
        } catch (IOException | RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            exports.failed(id, message.length() > MAX_ERROR_CHARS ? message.substring(0, MAX_ERROR_CHARS) : message, Instant.now());
            throw e;
        }
    }
}
