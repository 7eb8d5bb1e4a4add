package dev.cairn.privacy;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import dev.cairn.access.Principal;
import dev.cairn.platform.AdminAction;
import dev.cairn.platform.JsonBodies;
import dev.cairn.platform.PlainIds;
import dev.cairn.platform.PlatformProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /admin/privacy/budgets/{workspace}/{kind}/{id}}: one holder's budget, set over the configured
 * default of its kind, read, or deleted so the default applies again. Every change is an
 * {@link AdminAction}, so the audit log records it; what was spent stays spent.
 */
@RestController
@RequestMapping(path = "/admin/privacy/budgets/{workspace}/{kind}/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
class PrivacyBudgetAdminController {

    private static final Set<String> FIELDS = Set.of("epsilon", "delta");

    private final PrivacyBudgets budgets;
    private final BudgetHolders holders;
    private final ApplicationEventPublisher events;
    private final long maxBodyBytes;

    PrivacyBudgetAdminController(PrivacyBudgets budgets, BudgetHolders holders, ApplicationEventPublisher events,
                                 PlatformProperties platform) {
        this.budgets = budgets;
        this.holders = holders;
        this.events = events;
        this.maxBodyBytes = platform.gateway().maxBodySize().toBytes();
    }

    @GetMapping
    ObjectNode get(@PathVariable String workspace, @PathVariable String kind, @PathVariable String id) {
        BudgetHolder holder = holder(workspace, kind, id);
        return BudgetJson.write(budgets.status(workspace, holder, new RunRdp()));
    }

    @PutMapping
    ObjectNode put(@PathVariable String workspace, @PathVariable String kind, @PathVariable String id,
                   HttpServletRequest http) throws IOException {
        BudgetHolder holder = holder(workspace, kind, id);
        NumberFields body = NumberFields.of(JsonBodies.parseObject(JsonBodies.read(http, maxBodyBytes)), "", FIELDS);
        Budget budget = Budget.checked(body.number("epsilon"), body.number("delta"), "");
        String actor = Principal.of(http).keyId();
        budgets.set(workspace, holder, budget, actor);
        events.publishEvent(new AdminAction("admin.privacy.budget.set", workspace, actor, Map.of("kind", holder.kind().wire(),
                "id", holder.id(), "epsilon", budget.epsilon(), "delta", budget.delta())));
        return BudgetJson.write(budgets.status(workspace, holder, new RunRdp()));
    }

    /** Deletes the budget set for the holder; the configured default applies again, and the answer shows it. */
    @DeleteMapping
    ObjectNode delete(@PathVariable String workspace, @PathVariable String kind, @PathVariable String id,
                      HttpServletRequest http) {
        BudgetHolder holder = holder(workspace, kind, id);
        if (!budgets.unset(workspace, holder)) {
            throw PrivacyException.budgetNotSet(holder);
        }
        events.publishEvent(new AdminAction("admin.privacy.budget.deleted", workspace, Principal.of(http).keyId(),
                Map.of("kind", holder.kind().wire(), "id", holder.id())));
        ObjectNode json = BudgetJson.write(budgets.status(workspace, holder, new RunRdp()));
        json.put("deleted", true);
        return json;
    }

    private BudgetHolder holder(String workspace, String kind, String id) {
        PlainIds.workspace(workspace, "workspace");
        BudgetHolder holder = new BudgetHolder(BudgetHolder.Kind.parse(kind, "kind"), id);
        holders.requireIn(workspace, holder);
        return holder;
    }
}
