package dev.cairn.gateway;

import tools.jackson.databind.JsonNode;

/** What the upstream answered, as it answered it: the audit entry, usage and memory read it from here. */
sealed interface Answer {

    Usage usage();

    /** The first choice's content as the upstream gave it; null when it has none. */
    String content();

    /** A non-streamed answer: the provider's body and, when it had one, its parsed tree. */
    record Whole(ProviderResult result) implements Answer {

        @Override
        public Usage usage() {
            return result.usage();
        }

        @Override
        public String content() {
            JsonNode content = result.tree() == null ? null : result.tree().path("choices").path(0).path("message").path("content");
            return content != null && content.isString() ? content.stringValue() : null;
        }

        /** Whether the upstream's content filter stopped every choice ({@code finish_reason: content_filter}). */
        boolean filtered() {
            JsonNode choices = result.tree() == null ? null : result.tree().get("choices");
            if (choices == null || !choices.isArray() || choices.isEmpty()) {
                return false;
            }
            for (JsonNode choice : choices) {
                if (!"content_filter".equals(choice.path("finish_reason").asString(""))) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * An answer withheld from the client and from the audit entry (it could not be recorded
     * exactly): only its usage is kept, since the upstream did the work.
     */
    record Withheld(Usage usage) implements Answer {

        @Override
        public String content() {
            return null;
        }
    }

    /**
     * A streamed answer: its transcript (null when neither the audit log nor memory needed one)
     * and the usage its last chunk reported.
     */
    record Streamed(StreamTranscript transcript, Usage usage) implements Answer {

        @Override
        public String content() {
            if (transcript == null) {
                return null;
            }
            JsonNode content = transcript.choices().path(0).path("message").path("content");
            return content.isString() ? content.stringValue() : null;
        }
    }
}
