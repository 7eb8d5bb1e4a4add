package dev.cairn.datasets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

import dev.cairn.audit.ErasureParticipant;
import dev.cairn.ledger.Hashes;
import org.springframework.stereotype.Component;

/**
 * Takes an erased subject's rows out of the dataset versions that hold them. A row's content is
 * deleted and its leaf hash kept, so the version's {@code rows_root} and the proofs over it stay
 * valid; each version's loss is owed a {@code dataset.rows_erased} audit entry, since its
 * {@code dataset.built} entry cannot change, which {@link ErasureRecords} writes. Later builds need
 * nothing: the subject's sealed content can no longer be opened, so the builder leaves it out.
 */
@Component
class DatasetErasure implements ErasureParticipant {

    private final DatasetRepository repository;
    private final ErasureRecords records;
    private final ErasureFence fence;
    private final DatasetExportRepository exports;
    private final DatasetExportJob exportFiles;

    DatasetErasure(DatasetRepository repository, ErasureRecords records, ErasureFence fence,
                   DatasetExportRepository exports, DatasetExportJob exportFiles) {
        this.repository = repository;
        this.records = records;
        this.fence = fence;
        this.exports = exports;
        this.exportFiles = exportFiles;
    }

    @Override
    public String name() {
        return "datasets";
    }

    @Override
    public List<Holding> erase(Erasure erasure) {
        // The rows are gone once this returns, whatever happens to the entries: a failed append is
        // owed in the database and retried, rather than failing an erasure that has already happened.
        List<Holding> held = fence.erasing(() -> repository.erase(erasure, Hashes::leafHash));
        // Background export files of those versions were written with the rows: they go, and say why.
        for (Holding holding : held) {
            for (String export : exports.expire(holding.id(), Instant.now())) {
                try {
                    exportFiles.discard(export);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not delete export " + export + " of an erased subject's rows", e);
                }
            }
        }
        records.payOwed();
        return held;
    }

    /** Rows' content is overwritten in place. */
    @Override
    public List<String> tables() {
        return List.of("dataset_rows");
    }

    /** The versions whose {@code dataset.rows_erased} entry is not in the log yet. */
    @Override
    public List<Owed> owed() {
        return repository.owedErasures().stream().map(o -> new Owed(o.datasetId(), o.erasureIndex())).toList();
    }
}
