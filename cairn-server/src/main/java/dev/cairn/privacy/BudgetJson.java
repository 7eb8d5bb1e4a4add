package dev.cairn.privacy;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ObjectNode;

/** A holder's account as the budget endpoints answer it. */
final class BudgetJson {

    private BudgetJson() {
    }

    static ObjectNode write(PrivacyBudgets.Status status) {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("object", "privacy.budget");
        json.put("kind", status.holder().kind().wire());
        json.put("id", status.holder().id());
        json.put("epsilon", status.budget().epsilon());
        json.put("delta", status.budget().delta());
        json.put("source", status.set() ? "admin" : "configuration");
        json.put("spent_epsilon", status.spent());
        json.put("left_epsilon", status.left());
        json.put("charges", status.charges());
        return json;
    }
}
