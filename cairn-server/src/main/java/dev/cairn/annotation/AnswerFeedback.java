package dev.cairn.annotation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.cairn.feedback.FeedbackRecorder;
import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns one answer into the feedback it means: a rating or a choice with a metric is that metric's
 * value; a choice without one prefers the chosen choice to each other; a ranking prefers each choice
 * to the next; a text is a comment.
 */
final class AnswerFeedback {

    private AnswerFeedback() {
    }

    static List<FeedbackRecorder.Item> items(Question question, JsonNode answer, String requestId, int choices, String path) {
        List<FeedbackRecorder.Item> items = new ArrayList<>();
        switch (question.type()) {
            case RATING -> {
                if (!answer.isNumber()) {
                    throw AnnotationErrors.invalid(path, "'" + path + "' must be a number");
                }
                items.add(metric(requestId, question.metric(), answer, path));
            }
            case CHOICE -> {
                if (question.metric() != null) {
                    items.add(metric(requestId, question.metric(), answer, path));
                } else {
                    int chosen = choice(answer, choices, path);
                    for (int other = 0; other < choices; other++) {
                        if (other != chosen) {
                            items.add(preference(requestId, chosen, other, path));
                        }
                    }
                }
            }
            case RANKING -> {
                if (!answer.isArray() || answer.size() != choices || choices < 2) {
                    throw AnnotationErrors.invalid(path, "'" + path + "' must order all " + choices
                            + " choices of the answer, best first (indexes from 0)");
                }
                Set<Integer> seen = new HashSet<>();
                for (int i = 0; i < answer.size(); i++) {
                    if (!seen.add(choice(answer.get(i), choices, path))) {
                        throw AnnotationErrors.invalid(path, "'" + path + "' names choice " + answer.get(i) + " twice");
                    }
                }
                for (int i = 0; i + 1 < answer.size(); i++) {
                    items.add(preference(requestId, answer.get(i).asInt(), answer.get(i + 1).asInt(), path));
                }
            }
            case TEXT -> {
                if (!answer.isString() || answer.asString().isBlank()) {
                    throw AnnotationErrors.invalid(path, "'" + path + "' must be a non-empty string");
                }
                ObjectNode body = JsonBodies.JSON.createObjectNode().put("request_id", requestId).put("comment", answer.asString());
                items.add(new FeedbackRecorder.Item(body, path));
            }
        }
        return items;
    }

    private static FeedbackRecorder.Item metric(String requestId, String metric, JsonNode value, String path) {
        ObjectNode body = JsonBodies.JSON.createObjectNode().put("request_id", requestId).put("metric", metric);
        body.set("value", value);
        return new FeedbackRecorder.Item(body, path);
    }

    private static FeedbackRecorder.Item preference(String requestId, int chosen, int rejected, String path) {
        return new FeedbackRecorder.Item(JsonBodies.JSON.createObjectNode().put("request_id", requestId)
                .put("chosen_choice", chosen).put("rejected_choice", rejected), path);
    }

    private static int choice(JsonNode answer, int choices, String path) {
        if (choices < 2 || !answer.isIntegralNumber() || answer.asInt() < 0 || answer.asInt() >= choices) {
            throw AnnotationErrors.invalid(path, "'" + path + "' must be the index of one of the answer's " + choices
                    + " choices (from 0); choosing needs at least two");
        }
        return answer.asInt();
    }
}
