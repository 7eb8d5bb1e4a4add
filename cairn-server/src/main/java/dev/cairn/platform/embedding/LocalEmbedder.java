package dev.cairn.platform.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cairn.platform.OwnerOnlyFiles;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * all-MiniLM-L6-v2 (384 dimensions) run in process by ONNX Runtime, one per process for memory's
 * recall and the guard's semantic stage; the model and its tokenizer
 * ship inside the LangChain4j jar, so this works offline. Loaded on first use (about 2 s).
 *
 * <p>The session is built here rather than by LangChain4j's {@link AllMiniLmL6V2EmbeddingModel},
 * the same model file, tokenizer and mean pooling, for the sake of resident memory (measured in
 * docs/architecture.md): LangChain4j reads the 90 MB model into a growing byte array on the Java
 * heap (some 250 MB of heap touched, which the JVM keeps committed), and its session pools memory
 * in ONNX Runtime's arena and runs a spinning intra-op thread pool. Here the model is copied to a
 * scratch file that ONNX Runtime reads natively and that is deleted as soon as the session exists,
 * the arena and memory patterns are off (texts vary in length, so a pattern rarely repeats), and
 * inference runs on the calling thread unless {@code threads} asks for more.
 */
public final class LocalEmbedder implements Embedder {

    /** all-MiniLM-L6-v2's vector size, known before the model is loaded. */
    public static final int DIMENSIONS = 384;

    public static final String MODEL = "all-minilm-l6-v2";
    /**
     * The same model with its weights quantised to int8 (LangChain4j's {@code -q} build): about
     * half the CPU per text, vectors within about 0.99 cosine of the full model's.
     */
    public static final String QUANTIZED = "all-minilm-l6-v2-q";

    private final Path scratchDir;
    private final int threads;
    private final String name;
    private volatile AbstractInProcessEmbeddingModel model;

    /**
     * @param scratchDir where the model file is unpacked for the moment ONNX Runtime reads it
     * @param threads    ONNX Runtime intra-op threads per call; 1 runs on the caller's thread
     */
    public LocalEmbedder(Path scratchDir, int threads) {
        this(scratchDir, threads, MODEL);
    }

    private LocalEmbedder(Path scratchDir, int threads, String name) {
        if (!name.equals(MODEL) && !name.equals(QUANTIZED)) {
            throw new IllegalArgumentException("the in-process embedding model is " + MODEL + " or " + QUANTIZED + ", not '" + name + "'");
        }
        this.scratchDir = scratchDir;
        this.threads = Math.max(1, threads);
        this.name = name;
    }

    /** This embedder if it runs {@code name}, else one that runs it (loaded on its own first use). */
    public LocalEmbedder as(String name) {
        return this.name.equals(name) ? this : new LocalEmbedder(scratchDir, threads, name);
    }

    @Override
    public String model() {
        return name;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        List<Embedding> embeddings = loaded().embedAll(segments).content();
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        embeddings.forEach(e -> vectors.add(Embedder.normalize(e.vector())));
        return vectors;
    }

    /** Whether the model has been loaded (by a first embedding or the warm-up). */
    public boolean isLoaded() {
        return model != null;
    }

    private AbstractInProcessEmbeddingModel loaded() {
        AbstractInProcessEmbeddingModel loaded = model;
        if (loaded == null) {
            synchronized (this) {
                loaded = model;
                if (loaded == null) {
                    loaded = load();
                    model = loaded;
                }
            }
        }
        return loaded;
    }

    private AbstractInProcessEmbeddingModel load() {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             InputStream tokenizer = resource("/" + name + "-tokenizer.json")) {
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(false);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            OrtSession session = createSession(environment, options);
            return new Model(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN));
        } catch (IOException e) {
            throw new UncheckedIOException("could not load the embedding model " + name, e);
        } catch (OrtException e) {
            throw new IllegalStateException("could not load the embedding model " + name + ": " + e.getMessage(), e);
        }
    }

    private OrtSession createSession(OrtEnvironment environment, OrtSession.SessionOptions options)
            throws IOException, OrtException {
        OwnerOnlyFiles.createDirectories(scratchDir);
        Path file = Files.createTempFile(scratchDir, name + "-", ".onnx");
        try {
            // Written into the temp file as made (0600): Files.copy would replace it with a new one under the umask.
            try (InputStream in = resource("/" + name + ".onnx"); OutputStream out = OwnerOnlyFiles.newOutputStream(file)) {
                in.transferTo(out);
            }
            // ONNX Runtime reads the file itself and keeps no reference to it once the session exists.
            return environment.createSession(file.toString(), options);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private InputStream resource(String file) throws IOException {
        // A class literal does not initialise the class, so LangChain4j's own loading does not run.
        Class<?> jar = name.equals(QUANTIZED) ? AllMiniLmL6V2QuantizedEmbeddingModel.class : AllMiniLmL6V2EmbeddingModel.class;
        InputStream in = jar.getResourceAsStream(file);
        if (in == null) {
            throw new IOException(file + " is missing from the classpath (langchain4j-embeddings-" + name + ")");
        }
        return in;
    }

    /** LangChain4j's batching and long-text handling around our own session; calls run on the caller's thread. */
    private static final class Model extends AbstractInProcessEmbeddingModel {

        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder) {
            // The model's own executor would use every core for one batch; callers
            // (the embedding job, a recall) already run on their own threads.
            super(Runnable::run);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSIONS;
        }
    }
}
