package dev.cairn.gateway.anthropic;

/**
 * Anthropic's {@code stop_reason} and OpenAI's {@code finish_reason}, each in terms of the other: the
 * {@code anthropic} provider reads answers one way, the {@code /v1/messages} API writes them the other.
 */
public final class StopReasons {

    private StopReasons() {
    }

    /** OpenAI's finish_reason for an Anthropic stop_reason; null while the message is unfinished (null). */
    public static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            // end_turn, stop_sequence, pause_turn, and reasons added after this was written.
            default -> "stop";
        };
    }

    /**
     * Anthropic's stop_reason for an OpenAI finish_reason; null for null. OpenAI's {@code stop}
     * covers a stop sequence as well as a natural end; the caller who knows which sequence matched
     * says {@code stop_sequence} itself.
     */
    public static String stopReason(String finishReason) {
        if (finishReason == null) {
            return null;
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }
}
