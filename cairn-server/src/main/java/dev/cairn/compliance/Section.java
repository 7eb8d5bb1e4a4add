package dev.cairn.compliance;

import java.util.List;

import dev.cairn.platform.JsonBodies;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One section of a report: the articles it serves, its figures and, where the articles set a bar
 * (six months of logs, say), whether it is met: {@code pass}, {@code fail} or {@code info}.
 */
public record Section(String id, String title, List<String> articles, String summary, String status,
                      List<Figure> figures, List<String> notes) {

    public Section {
        articles = List.copyOf(articles);
        figures = List.copyOf(figures);
        notes = List.copyOf(notes);
    }

    ObjectNode toJson() {
        ObjectNode json = JsonBodies.JSON.createObjectNode();
        json.put("id", id);
        json.put("title", title);
        ArrayNode list = json.putArray("articles");
        articles.forEach(list::add);
        json.put("summary", summary);
        json.put("status", status);
        ArrayNode figureList = json.putArray("figures");
        figures.forEach(f -> figureList.add(f.toJson()));
        ArrayNode noteList = json.putArray("notes");
        notes.forEach(noteList::add);
        return json;
    }
}
