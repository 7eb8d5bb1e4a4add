package dev.cairn.platform.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process model as Cairn builds it (own ONNX Runtime session, no arena, caller's thread)
 * gives the vectors LangChain4j's stock all-MiniLM-L6-v2 gives, so recall quality and vectors
 * stored by earlier versions are unaffected.
 */
class LocalEmbedderTest {

    @TempDir
    Path dir;

    @Test
    void sameVectorsAsLangChain4jsModelAndNoScratchFileLeftBehind() throws IOException {
        String longText = "The cairn on the ridge marks the pass where hikers rest before the last climb. ".repeat(60);
        List<String> texts = List.of("Prefers aisle seats on long flights.", "seat preference", longText, "ok");
        Path scratch = dir.resolve("data");
        LocalEmbedder embedder = new LocalEmbedder(scratch, 1);
        assertThat(embedder.isLoaded()).isFalse();

        List<float[]> ours = embedder.embed(texts);

        assertThat(embedder.isLoaded()).isTrue();
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).as("the unpacked model file is deleted once the session exists").isEmpty();
        }
        AllMiniLmL6V2EmbeddingModel stock = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
        List<float[]> theirs = stock.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream()
                .map(e -> Embedder.normalize(e.vector())).toList();
        for (int i = 0; i < texts.size(); i++) {
            assertThat(ours.get(i)).hasSize(384);
            assertThat(dot(ours.get(i), ours.get(i))).isCloseTo(1.0, within(1e-5));
            assertThat(dot(ours.get(i), theirs.get(i))).as("cosine with the stock model, text %d", i).isGreaterThan(0.99999);
        }
        assertThat(dot(ours.get(0), ours.get(1))).as("related texts are closer than unrelated ones")
                .isGreaterThan(dot(ours.get(0), ours.get(3)));
    }

    @Test
    void moreThreadsGiveTheSameVectors() {
        List<String> texts = List.of("Prefers aisle seats on long flights.", "The meeting moved to Thursday.");
        List<float[]> one = new LocalEmbedder(dir, 1).embed(texts);
        List<float[]> two = new LocalEmbedder(dir, 2).embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(dot(one.get(i), two.get(i))).isGreaterThan(0.99999);
        }
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
