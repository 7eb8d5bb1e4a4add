package dev.cairn.datasets;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import dev.cairn.platform.JsonBodies;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a dataset version in one format, a page of rows at a time, so that no more than a page is
 * ever held: to a response as it streams, or to a file in a background export.
 */
@Component
class DatasetExporter {

    /** Told after each page: rows read so far, lines and bytes written so far. */
    interface Progress {
        void page(long rows, long lines, long bytes) throws IOException;
    }

    /** What one export wrote. */
    record Written(long rows, long lines, long bytes) {
    }

    private final DatasetRepository repository;

    DatasetExporter(DatasetRepository repository) {
        this.repository = repository;
    }

    Written write(Dataset dataset, ExportFormat format, OutputStream out, Progress progress) throws IOException {
        long after = -1;
        long rows = 0;
        long lines = 0;
        long bytes = 0;
        while (true) {
            List<DatasetRepository.Row> page = repository.rows(dataset.id(), after);
            for (DatasetRepository.Row row : page) {
                after = row.ordinal();
                rows++;
                if (row.erased()) {
                    continue; // its subject was erased: the manifest says which rows are omitted
                }
                if (format == ExportFormat.JSONL) {
                    bytes += line(out, row.data());
                    lines++;
                    continue;
                }
                JsonNode parsed = JsonBodies.JSON.readTree(row.data());
                for (ObjectNode line : format.lines(parsed)) {
                    bytes += line(out, JsonBodies.JSON.writeValueAsBytes(line));
                    lines++;
                }
            }
            progress.page(rows, lines, bytes);
            if (page.size() < DatasetRepository.PAGE) {
                break;
            }
        }
        out.flush();
        return new Written(rows, lines, bytes);
    }

    private static int line(OutputStream out, byte[] data) throws IOException {
        out.write(data);
        out.write('\n');
        return data.length + 1;
    }
}
