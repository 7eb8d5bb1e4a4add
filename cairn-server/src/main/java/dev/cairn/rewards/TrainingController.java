package dev.cairn.rewards;

import java.io.IOException;
import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PageLimit;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/training/runs}: trains reward models in the background, shows progress, cancels, renders model cards. */
@RestController
@RequestMapping(path = "/v1/training/runs", produces = MediaType.APPLICATION_JSON_VALUE)
class TrainingController {

    private static final int MAX_PAGE = 100;

    private final TrainingRuns runs;
    private final long maxBodyBytes;

    TrainingController(TrainingRuns runs, PlatformProperties platform) {
        this.runs = runs;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @PostMapping
    ResponseEntity<ObjectNode> start(HttpServletRequest http) throws IOException {
        TrainingRequest request = TrainingRequest.read(JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes)));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(describe(runs.start(Principal.of(http), request)));
    }

    @GetMapping
    ObjectNode list(@RequestParam(required = false) String after, @RequestParam(required = false) String limit,
                    HttpServletRequest http) {
        int pageSize = PageLimit.parse(limit, 20, MAX_PAGE);
        List<TrainingRun> page = runs.list(Principal.of(http), after, pageSize + 1);
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        page.stream().limit(pageSize).forEach(run -> data.add(describe(run)));
        boolean more = page.size() > pageSize;
        json.put("has_more", more);
        json.put("next_after", more ? page.get(pageSize - 1).id() : null);
        return json;
    }

    @GetMapping("/{id}")
    ObjectNode get(@PathVariable String id, HttpServletRequest http) {
        return describe(runs.get(Principal.of(http), id));
    }

    @PostMapping("/{id}/cancel")
    ObjectNode cancel(@PathVariable String id, HttpServletRequest http) {
        return describe(runs.cancel(Principal.of(http), id));
    }

    @GetMapping(path = "/{id}/model-card", produces = "text/markdown;charset=UTF-8")
    String modelCard(@PathVariable String id, HttpServletRequest http) {
        return runs.modelCard(Principal.of(http), id);
    }

    private static ObjectNode describe(TrainingRun run) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", run.id());
        json.put("object", "training.run");
        json.put("created_at", run.createdAt().getEpochSecond());
        json.put("state", run.state());
        json.put("dataset_id", run.datasetId());
        json.put("model", run.modelName());
        ObjectNode progress = json.putObject("progress");
        progress.put("step", run.step());
        progress.put("steps", run.steps());
        json.set("settings", JsonBodies.JSON.readTree(run.settings()));
        json.set("metrics", run.metrics() == null ? null : JsonBodies.JSON.readTree(run.metrics()));
        json.put("record_log_index", run.recordIndex());
        json.put("error", run.error());
        json.put("finished_at", run.finishedAt() == null ? null : run.finishedAt().getEpochSecond());
        return json;
    }
}
