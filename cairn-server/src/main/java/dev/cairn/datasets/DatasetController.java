package dev.cairn.datasets;

import java.io.IOException;
import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/datasets}: builds a frozen dataset version of the caller's workspace from a filter,
 * describes it with its manifest, and streams its export page by page from the database.
 */
@RestController
@RequestMapping(path = "/v1/datasets", produces = MediaType.APPLICATION_JSON_VALUE)
public class DatasetController {

    static final MediaType JSON_LINES = MediaType.parseMediaType("application/jsonl");

    private final DatasetBuilder builder;
    private final DatasetRepository repository;
    private final DatasetExporter exporter;
    private final long maxBodyBytes;

    public DatasetController(DatasetBuilder builder, DatasetRepository repository, DatasetExporter exporter,
                             PlatformProperties platform) {
        this.builder = builder;
        this.repository = repository;
        this.exporter = exporter;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping
    ObjectNode build(HttpServletRequest http) throws IOException {
        Principal principal = Principal.of(http);
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes));
        for (String name : body.propertyNames()) {
            if (!"filter".equals(name)) {
                throw DatasetException.invalid("unknown_parameter", name, "Unknown field '" + name + "'; a dataset is built from {\"filter\":{…}}");
            }
        }
        DatasetFilter filter = DatasetFilter.read(body.get("filter"));
        return describe(builder.build(principal, filter));
    }

    @GetMapping("/{id}")
    ObjectNode get(@PathVariable String id, HttpServletRequest http) {
        return describe(dataset(id, Principal.of(http)));
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
