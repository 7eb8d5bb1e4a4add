package dev.cairn.memory;

import tools.jackson.databind.node.ObjectNode;

/**
 * Cairn's own calls to a model, for memory's fact extraction. The gateway makes them through its
 * pipeline like a client's, so the guard, the rate limits and budgets, the usage ledger and the
 * audit log see them; memory knows only this contract, not the gateway.
 */
public interface OwnModelCalls {

    /** Whether {@code model} names a configured provider's model. */
    boolean routes(String model);

    /**
     * Asks {@code call.model()} for a JSON answer and returns its text as the guard let it through.
     * The instructions and the prompt are both Cairn's own, sent as instructions (system messages).
     * Throws what the gateway would have answered a client with when the call fails.
     */
    String complete(Call call);

    /**
     * One call: whose workspace it serves and counts against, the model, what its audit entry is
     * called and what it adds to say why the call was made, the instructions and the prompt.
     */
    record Call(String workspace, String model, String auditType, ObjectNode auditData, String instructions, String prompt) {
    }
}
