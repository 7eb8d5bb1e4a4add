package dev.cairn.annotation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One question a queue asks about each item. A rating names a float metric; a choice names a
 * categorical or boolean metric, or without one picks the best of the answer's choices; a ranking
 * orders the answer's choices, best first; a text is a free comment.
 */
record Question(String name, Type type, String metric) {

    enum Type {
        RATING, CHOICE, RANKING, TEXT;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static List<Question> readAll(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > 20) {
            throw AnnotationErrors.invalid("questions", "'questions' must be an array of 1 to 20 questions");
        }
        List<Question> questions = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            Question question = read(node.get(i), "questions[" + i + "]");
            if (!names.add(question.name())) {
                throw AnnotationErrors.invalid("questions[" + i + "].name", "Question name '" + question.name() + "' is used twice");
            }
            questions.add(question);
        }
        return questions;
    }

    private static Question read(JsonNode node, String path) {
        if (!(node instanceof ObjectNode object)) {
            throw AnnotationErrors.invalid(path, "'" + path + "' must be an object");
        }
        JsonNode name = object.get("name");
        if (name == null || !name.isString() || !name.asString().matches("[A-Za-z0-9_.-]{1,64}")) {
            throw AnnotationErrors.invalid(path + ".name", "'" + path + ".name' must be 1 to 64 letters, digits, '_', '.' or '-'");
        }
        JsonNode type = object.get("type");
        Type parsed = null;
        for (Type t : Type.values()) {
            if (type != null && type.isString() && t.wire().equals(type.asString())) {
                parsed = t;
            }
        }
        if (parsed == null) {
            throw AnnotationErrors.invalid(path + ".type", "'" + path + ".type' must be one of rating, choice, ranking, text");
        }
        JsonNode metric = object.get("metric");
        if (metric != null && !metric.isNull() && !metric.isString()) {
            throw AnnotationErrors.invalid(path + ".metric", "'" + path + ".metric' must be a metric's name");
        }
        String metricName = metric == null || metric.isNull() ? null : metric.asString();
        if (parsed == Type.RATING && metricName == null) {
            throw AnnotationErrors.invalid(path + ".metric", "A rating question records a metric: '" + path + ".metric' is required");
        }
        if ((parsed == Type.RANKING || parsed == Type.TEXT) && metricName != null) {
            throw AnnotationErrors.invalid(path + ".metric", "A " + parsed.wire() + " question records no metric");
        }
        return new Question(name.asString(), parsed, metricName);
    }

    ObjectNode toJson(ObjectNode into) {
        into.put("name", name).put("type", type.wire());
        if (metric != null) {
            into.put("metric", metric);
        }
        return into;
    }
}
