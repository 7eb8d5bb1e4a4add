package dev.cairn.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;

import dev.cairn.access.Principal;
import dev.cairn.platform.ApiError;
import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.jobs.JobQueue;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/datasets/{id}/exports}: an export as a background job, for versions too large to stream
 * in one request: start it, watch its progress, then download the file it wrote.
 */
@RestController
@RequestMapping(path = "/v1/datasets/{datasetId}/exports", produces = MediaType.APPLICATION_JSON_VALUE)
public class DatasetExportController {

    private final DatasetRepository datasets;
    private final DatasetExportRepository exports;
    private final DatasetExportJob job;
    private final JobQueue queue;
    private final long maxBodyBytes;

    DatasetExportController(DatasetRepository datasets, DatasetExportRepository exports, DatasetExportJob job, JobQueue queue,
                            PlatformProperties platform) {
        this.datasets = datasets;
        this.exports = exports;
        this.job = job;
        this.queue = queue;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping
    ResponseEntity<ObjectNode> start(@PathVariable String datasetId, HttpServletRequest http) throws IOException {
        Principal principal = Principal.of(http);
        Dataset dataset = datasets.builtIn(datasetId, principal.workspace());
        ObjectNode body = JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes));
        for (String name : body.propertyNames()) {
            if (!"format".equals(name)) {
                throw DatasetException.invalid("unknown_parameter", name, "Unknown field '" + name + "'; an export takes 'format'");
            }
        }
        JsonNode format = body.get("format");
        if (format != null && !format.isString()) {
            throw DatasetException.invalid("invalid_type", "format", "'format' must be a string");
        }
        ExportFormat shape = ExportFormat.of(format == null ? null : format.asString());
        DatasetExport export = new DatasetExport(Ids.newId("dx"), dataset.id(), dataset.workspace(), shape.wire(), "queued",
                0, dataset.rows(), 0, 0, null, Instant.now(), null);
        exports.create(export);
        ObjectNode payload = JsonBodies.JSON.createObjectNode().put("export_id", export.id());
        queue.enqueue(DatasetExportJob.KIND, dataset.workspace(), JsonBodies.JSON.writeValueAsString(payload));
        return ResponseEntity.accepted().body(describe(export));
    }

    @GetMapping("/{exportId}")
    ObjectNode get(@PathVariable String datasetId, @PathVariable String exportId, HttpServletRequest http) {
        return describe(export(datasetId, exportId, Principal.of(http)));
    }

    @GetMapping(path = "/{exportId}/content", produces = {"application/jsonl", MediaType.ALL_VALUE})
    ResponseEntity<StreamingResponseBody> content(@PathVariable String datasetId, @PathVariable String exportId,
                                                  HttpServletRequest http) {
        DatasetExport export = export(datasetId, exportId, Principal.of(http));
        if ("expired".equals(export.state())) {
            throw new DatasetException(new ApiError(410, "invalid_request_error", "export_expired", null,
                    "Export '" + export.id() + "' was deleted: " + export.error()));
        }
        if (!"done".equals(export.state()) || !Files.exists(job.file(export.id()))) {
            throw new DatasetException(new ApiError(409, "invalid_request_error", "export_not_ready", null,
                    "Export '" + export.id() + "' is " + export.state() + "; its content is there once it is done"));
        }
        StreamingResponseBody body = out -> Files.copy(job.file(export.id()), out);
        return ResponseEntity.ok().contentType(DatasetController.JSON_LINES)
                .header("Content-Disposition", "attachment; filename=\"" + datasetId + "." + export.format() + ".jsonl\"")
                .body(body);
    }

    private DatasetExport export(String datasetId, String exportId, Principal principal) {
        datasets.builtIn(datasetId, principal.workspace());
        return exports.find(exportId)
                .filter(e -> e.datasetId().equals(datasetId) && e.workspace().equals(principal.workspace()))
                .orElseThrow(() -> new DatasetException(new ApiError(404, "invalid_request_error", "export_not_found", "id",
                        "No export '" + exportId + "' of dataset '" + datasetId + "'")));
    }

    private static ObjectNode describe(DatasetExport export) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", export.id());
        json.put("object", "dataset.export");
        json.put("dataset_id", export.datasetId());
        json.put("format", export.format());
        json.put("state", export.state());
        ObjectNode progress = json.putObject("progress");
        progress.put("rows_done", export.rowsDone());
        progress.put("rows_total", export.rowsTotal());
        progress.put("lines", export.lines());
        progress.put("bytes", export.bytes());
        if (export.error() != null) {
            json.put("error", export.error());
        }
        json.put("created_at", export.createdAt().getEpochSecond());
        if (export.finishedAt() != null) {
            json.put("finished_at", export.finishedAt().getEpochSecond());
        }
        return json;
    }
}
