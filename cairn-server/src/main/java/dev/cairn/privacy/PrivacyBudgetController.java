package dev.cairn.privacy;

import java.util.List;

import dev.cairn.access.Principal;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PageLimit;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/privacy/budgets}: the caller's workspace's privacy budgets, each holder's budget,
 * ε spent and left, and how many charges it took; one holder at {@code /{kind}/{id}}.
 */
@RestController
@RequestMapping(path = "/v1/privacy/budgets", produces = MediaType.APPLICATION_JSON_VALUE)
class PrivacyBudgetController {

    private static final int MAX_PAGE = 100;

    private final PrivacyBudgets budgets;
    private final BudgetHolders holders;

    PrivacyBudgetController(PrivacyBudgets budgets, BudgetHolders holders) {
        this.budgets = budgets;
        this.holders = holders;
    }

    /** The holders charged or given a budget, datasets then annotators (by id), {@code kind} alone when given. */
    @GetMapping
    ObjectNode list(@RequestParam(required = false) String kind, @RequestParam(required = false) String after,
                    @RequestParam(required = false) String limit, HttpServletRequest http) {
        BudgetHolder.Kind only = kind == null ? null : BudgetHolder.Kind.parse(kind, "kind");
        int pageSize = PageLimit.parse(limit, 20, MAX_PAGE);
        List<PrivacyBudgets.Status> page = budgets.list(Principal.of(http).workspace(), only, after, pageSize + 1);
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode data = json.putArray("data");
        page.stream().limit(pageSize).forEach(status -> data.add(BudgetJson.write(status)));
        boolean more = page.size() > pageSize;
        json.put("has_more", more);
        json.put("next_after", more ? page.get(pageSize - 1).holder().id() : null);
        return json;
    }

    @GetMapping("/{kind}/{id}")
    ObjectNode get(@PathVariable String kind, @PathVariable String id, HttpServletRequest http) {
        String workspace = Principal.of(http).workspace();
        BudgetHolder holder = new BudgetHolder(BudgetHolder.Kind.parse(kind, "kind"), id);
        holders.requireIn(workspace, holder);
        return BudgetJson.write(budgets.status(workspace, holder, new RunRdp()));
    }
}
