package dev.cairn.memory;

import java.util.ArrayList;
import java.util.List;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;

/**
 * all-MiniLM-L6-v2 (384 dimensions) run in process by ONNX Runtime; the model and its tokenizer
 * ship inside the LangChain4j jar, so this works offline. Loaded on first use (about 2 s).
 */
final class LocalEmbedder implements Embedder {

    static final String MODEL = "all-minilm-l6-v2";

    private volatile AllMiniLmL6V2EmbeddingModel model;

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        List<Embedding> embeddings = loaded().embedAll(segments).content();
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        embeddings.forEach(e -> vectors.add(Embedder.normalize(e.vector())));
        return vectors;
    }

    private AllMiniLmL6V2EmbeddingModel loaded() {
        AllMiniLmL6V2EmbeddingModel loaded = model;
        if (loaded == null) {
            synchronized (this) {
                loaded = model;
                if (loaded == null) {
                    // The model's own executor would use every core for one batch; callers
                    // (the embedding job, a recall) already run on their own threads.
                    loaded = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
                    model = loaded;
                }
            }
        }
        return loaded;
    }
}
