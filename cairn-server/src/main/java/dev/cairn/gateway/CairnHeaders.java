package dev.cairn.gateway;

import java.util.function.UnaryOperator;

import dev.cairn.guard.InputGuard;
import dev.cairn.guard.OutputGuard;
import dev.cairn.memory.ConversationMemory;

/**
 * The {@code Cairn-*} request headers the pipeline reads, as sent (null when absent); each step
 * that interprets one checks its value and answers 400 for a bad one.
 *
 * @param subject whose content the request is ({@code Cairn-Subject}), for the audit log's sealing
 * @param thread  the conversation thread ({@code Cairn-Thread})
 * @param memory  whether to recall memory into the prompt ({@code Cairn-Memory})
 * @param restore   whether the caller gets its own redacted values back ({@code Cairn-Guard-Restore})
 * @param fallbacks the models to fall back to, comma-separated ({@code Cairn-Fallbacks})
 * @param bestOf    how many candidates to choose the answer from ({@code Cairn-Best-Of})
 * @param rewardModel the reward model that chooses it ({@code Cairn-Reward-Model})
 * @param documents which messages hold retrieved documents, for the input guard ({@code Cairn-Documents})
 */
public record CairnHeaders(String subject, String thread, String memory, String restore, String fallbacks, String bestOf,
                           String rewardModel, String documents) {

    public static final String SUBJECT = "Cairn-Subject";
    public static final String FALLBACKS = "Cairn-Fallbacks";

    public static final CairnHeaders NONE = new CairnHeaders(null, null, null, null, null, null, null, null);

    /** Reads them through {@code header}, a lookup of a request header by name. */
    public static CairnHeaders read(UnaryOperator<String> header) {
        return new CairnHeaders(header.apply(SUBJECT), header.apply(ConversationMemory.THREAD_HEADER),
                header.apply(ConversationMemory.MEMORY_HEADER), header.apply(OutputGuard.RESTORE_HEADER),
                header.apply(FALLBACKS), header.apply(BestOf.HEADER), header.apply(BestOf.MODEL_HEADER),
                header.apply(InputGuard.DOCUMENTS_HEADER));
    }
}
