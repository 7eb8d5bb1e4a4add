package dev.cairn.datasets;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.jobs.JobQueue;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/datasets}: queues the build of a frozen dataset version of the caller's workspace from a
 * filter, describes it with its build's progress and then its manifest, and streams its export page by
 * page from the database.
 */
@RestController
@RequestMapping(path = "/v1/datasets", produces = MediaType.APPLICATION_JSON_VALUE)
public class DatasetController {

    static final MediaType JSON_LINES = MediaType.parseMediaType("application/jsonl");

    private final DatasetBuilder builder;
    private final DatasetRepository repository;
    private final DatasetExporter exporter;
    private final JobQueue queue;
    private final TransactionTemplate transactions;
    private final long maxBodyBytes;

    public DatasetController(DatasetBuilder builder, DatasetRepository repository, DatasetExporter exporter, JobQueue queue,
                             TransactionTemplate transactions, PlatformProperties platform) {
        this.builder = builder;
        this.repository = repository;
        this.exporter = exporter;
        this.queue = queue;
        this.transactions = transactions;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    /** Cuts the version now and answers it at once, {@code building}; its job writes the rows. */
    @PostMapping
    ResponseEntity<ObjectNode> build(HttpServletRequest http) throws IOException {
        Principal principal = Principal.of(http);
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes));
        for (String name : body.propertyNames()) {
            if (!"filter".equals(name)) {
                throw DatasetException.invalid("unknown_parameter", name, "Unknown field '" + name + "'; a dataset is built from {\"filter\":{…}}");
            }
        }
        DatasetFilter filter = DatasetFilter.read(body.get("filter"));
        Dataset cut = builder.cut(Ids.newId("ds"), principal, filter);
        // The version and its job are one transaction: neither is ever there without the other.
        Dataset dataset = transactions.execute(status -> {
            Dataset queued = cut.buildingBy(queue.enqueue(DatasetBuildJob.KIND, cut.workspace(), DatasetBuildJob.payload(cut.id())));
            repository.create(queued);
            return queued;
        });
        return ResponseEntity.accepted().location(URI.create("/v1/datasets/" + dataset.id())).body(describe(dataset));
    }

    @GetMapping("/{id}")
    ObjectNode get(@PathVariable String id, HttpServletRequest http) {
        return describe(settled(repository.in(id, Principal.of(http).workspace())));
    }

    @GetMapping(path = "/{id}/export", produces = {"application/jsonl", MediaType.ALL_VALUE})
    ResponseEntity<StreamingResponseBody> export(@PathVariable String id,
                                                 @RequestParam(name = "format", required = false) String format,
                                                 HttpServletRequest http) {
        ExportFormat shape = ExportFormat.of(format);
        Dataset dataset = dataset(id, Principal.of(http));
        StreamingResponseBody body = out -> exporter.write(dataset, shape, out, (rows, lines, bytes) -> { });
        return ResponseEntity.ok().contentType(JSON_LINES)
                .header("Content-Disposition", "attachment; filename=\"" + dataset.id() + "." + shape.wire() + ".jsonl\"")
                .body(body);
    }

    private Dataset dataset(String id, Principal principal) {
        return repository.builtIn(id, principal.workspace());
    }

    /**
     * A version still {@code building} whose job can no longer run (the process of its last attempt died,
     * so the queue gave up without the job saying so) is failed here, or it would look on its way forever.
     * Its job's own failure, and a build that finished meanwhile, win: {@code failed} only changes a
     * version that is still building.
     */
    private Dataset settled(Dataset dataset) {
        if (!dataset.isBuilding() || queue.pending(dataset.progress().buildJob())) {
            return dataset;
        }
        repository.failed(dataset.id(), new Dataset.Failure("build_abandoned",
                "The build's job ended without finishing it (its last attempt was cut short); build a new version"));
        return repository.find(dataset.id()).orElse(dataset);
    }

    private ObjectNode describe(Dataset dataset) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", dataset.id());
        json.put("object", "dataset");
        json.put("created_at", dataset.createdAt().getEpochSecond());
        json.put("state", dataset.state());
        json.set("filter", JsonBodies.JSON.readTree(dataset.filter()));
        json.put("rows", dataset.rows());
        json.put("skipped", dataset.skipped());
        json.put("feedback", dataset.feedback());
        // While building, how far the scan of the log has got towards the cut: scanned_through of
        // checkpoint_size is the share done, since every source is below the cut.
        ObjectNode progress = json.putObject("progress");
        progress.put("interactions_scanned", dataset.progress().scanned());
        progress.put("rows_written", dataset.rows());
        progress.put("scanned_through", dataset.progress().scannedThrough());
        progress.put("checkpoint_size", dataset.checkpointSize());
        if (dataset.failure() != null) {
            ObjectNode error = json.putObject("error");
            error.put("code", dataset.failure().code());
            error.put("message", dataset.failure().message());
            error.putNull("param");
        }
        ObjectNode manifest = json.putObject("manifest");
        manifest.put("log_index", dataset.manifestIndex());
        manifest.put("rows_root", dataset.rowsRoot());
        manifest.put("checkpoint_size", dataset.checkpointSize());
        manifest.put("checkpoint", dataset.checkpointNote());
        // The logged manifest cannot change; what erasures took out since is told beside it.
        List<Long> erased = repository.erasedOrdinals(dataset.id());
        ObjectNode erasure = manifest.putObject("erasure");
        erasure.put("rows_omitted", erased.size());
        erased.forEach(erasure.putArray("rows")::add);
        repository.erasureEntries(dataset.id()).forEach(erasure.putArray("log_indexes")::add);
        return json;
    }
}
