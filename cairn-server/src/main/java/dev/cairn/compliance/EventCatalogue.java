package dev.cairn.compliance;

import java.util.Map;

/**
 * What each type of audit entry records, in words an auditor reads (docs/audit-format.md has the
 * members). Art. 12 asks that the log's events be identifiable; this is the key to them.
 */
final class EventCatalogue {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("gateway.chat.completions", "A chat completion request: the key and workspace, model asked for and "
                    + "deployment that answered, routing attempts, guard verdicts with their spans, status, latency, tokens; "
                    + "the messages and answers sealed under the data subject's key"),
            Map.entry("gateway.embeddings", "An embeddings request: model, provider, status, latency, tokens, how many "
                    + "vectors; the input sealed under the data subject's key, the vectors not kept"),
            Map.entry("memory.extraction", "Cairn's own model call to extract memories from a conversation: model, thread, "
                    + "turns shown, tokens; the prompt and answer sealed"),
            Map.entry("admin.key.created", "An API key created: its id, name, role and allowed models (never the secret)"),
            Map.entry("admin.key.revoked", "An API key revoked"),
            Map.entry("admin.models.updated", "A model group (routing) changed, before and after"),
            Map.entry("admin.models.deleted", "A model group deleted, with what it was"),
            Map.entry("admin.guard.policy.updated", "A workspace's guard policy changed, before and after"),
            Map.entry("admin.guard.policy.deleted", "A workspace's guard policy removed, with what it was"),
            Map.entry("admin.config.changed", "The configuration in force at start: providers and their base URLs, "
                    + "aliases, prices, limits and audit settings (never secrets)"),
            Map.entry("admin.feedback.metric.set", "A feedback metric defined or changed"),
            Map.entry("admin.feedback.metric.deleted", "A feedback metric deleted"),
            Map.entry("admin.privacy.budget.set", "A privacy budget set for a dataset or annotator"),
            Map.entry("admin.privacy.budget.deleted", "A privacy budget removed"),
            Map.entry("annotation.queue.created", "An annotation queue created: its filter and questions"),
            Map.entry("annotation.queue.updated", "An annotation queue changed"),
            Map.entry("annotation.queue.archived", "An annotation queue archived"),
            Map.entry("feedback.metric", "A human's score of a logged interaction, citing its entry"),
            Map.entry("feedback.comment", "A human's comment on a logged interaction, citing its entry; the text sealed"),
            Map.entry("feedback.demonstration", "A human's better answer to a logged interaction; the text sealed"),
            Map.entry("feedback.preference", "A human's preference between two answers, citing their entries"),
            Map.entry("subject.erased", "A data subject erased: its keys destroyed, so its sealed content is unreadable"),
            Map.entry("subject.erasure.completed", "What an erasure removed per store (memory, limits, jobs, datasets), counts only"),
            Map.entry("dataset.built", "A dataset version built from the log: its filter, sources and Merkle root of rows"),
            Map.entry("dataset.rows_erased", "Rows taken out of a dataset version after an erasure, with their leaf hashes"),
            Map.entry("training.completed", "A reward model trained: dataset, settings, privacy spent, metrics, model card"),
            Map.entry("privacy.charged", "Privacy budget spent by a computation, per dataset and annotator"),
            Map.entry("compliance.report", "A compliance report generated: its kind, period and digest"),
            Map.entry("memory.item.deleted", "A memory item deleted, with its thread (no content)"),
            Map.entry("memory.thread.deleted", "A memory thread deleted, with how many items it held"),
            Map.entry("memory.workspace.deleted", "A workspace's memory deleted, with how many threads and items"));

    private EventCatalogue() {
    }

    static String describe(String type) {
        return TYPES.getOrDefault(type, "An entry of a type this version of Cairn does not describe");
    }
}
