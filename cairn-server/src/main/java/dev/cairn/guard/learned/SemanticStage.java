package dev.cairn.guard.learned;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.LongSupplier;

import dev.cairn.platform.embedding.LocalEmbedder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learned scorer's second stage: a text the word model ({@link InjectionModel}) finds at all
 * suspicious is embedded (all-MiniLM-L6-v2) and scored again by the {@link SemanticModel}; the
 * two log-odds are averaged. On templates held out of training this detects more at the same
 * false-positive rate than the word model alone, by template family and by author (figures in
 * {@code training/guard/README.md}). The embedding costs milliseconds, so it runs only for texts
 * at or above {@link #FLOOR}: on held-out benign templates about one in sixteen.
 *
 * <p>It is off by default ({@code cairn.guard.semantic-scoring}): on the evaluation prompts, which
 * it was never trained or tuned on, it raised detection but also more than doubled the benign
 * prompts flagged, and the default policy blocks what is flagged (BENCHMARKS.md, "Guard: injection
 * detection"). A policy that flags rather than blocks is where it pays.
 *
 * <p>Texts are embedded as written, not as {@code ReadingView} folds them: the rules already read
 * through look-alikes and leetspeak, and the embedding model was trained on ordinary text. The
 * model's work runs on a few platform threads of its own, since a native call would hold a virtual
 * thread's carrier for its whole length. When the model cannot run, the word model's score stands,
 * and the stage rests for {@link #RETRY_AFTER} before it tries again: a model that failed to load
 * (say, no room to unpack it) would otherwise be loaded again for every suspicious text.
 */
public final class SemanticStage {

    private static final Logger log = LoggerFactory.getLogger(SemanticStage.class);

    /** Word-model probabilities below this are not staged: on held-out templates nearly all such texts are benign. */
    public static final double FLOOR = 0.1;
    /**
     * Added to the averaged log-odds so that the default threshold (0.7) keeps the operating point
     * chosen on held-out templates: at most 3% of benign ones flagged, by family and by author alike.
     */
    static final double OFFSET = 0.36;
    /** How much of a text is embedded: the model reads 256 word pieces at a time, and longer texts cost in proportion. */
    static final int MAX_CHARS = 2048;
    /** How long the stage is skipped after the model failed. */
    static final Duration RETRY_AFTER = Duration.ofMinutes(1);

    private final SemanticModel model;
    private final Function<String, float[]> embedding;
    private final Executor executor;
    private final LongSupplier nanoClock;
    /** {@link #nanoClock} time before which the stage is skipped; 0 while the model works. */
    private volatile long restingUntil;

    SemanticStage(SemanticModel model, Function<String, float[]> embedding, Executor executor, LongSupplier nanoClock) {
        this.model = model;
        this.embedding = embedding;
        this.executor = executor;
        this.nanoClock = nanoClock;
    }

    /** The shipped model over the process's in-process embedding model, on {@code threads} threads of its own. */
    public static SemanticStage shipped(LocalEmbedder embedder, int threads) {
        Executor executor = Executors.newFixedThreadPool(Math.max(1, threads),
                Thread.ofPlatform().name("cairn-guard-semantic-", 0).daemon().factory());
        return new SemanticStage(SemanticModel.shipped(), text -> embedder.embed(List.of(text)).getFirst(), executor,
                System::nanoTime);
    }

    /** For measuring: a model with vectors computed ahead (keyed by the clipped text), on the caller's thread. */
    public static SemanticStage of(SemanticModel model, Function<String, float[]> embedding) {
        return new SemanticStage(model, embedding, Runnable::run, System::nanoTime);
    }

    /** The text as the stage embeds it: its first {@link #MAX_CHARS} characters. */
    public static String clip(String text) {
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS);
    }

    /**
     * The combined probability for a text the word model gave {@code wordProbability}; that
     * probability itself when it is below {@link #FLOOR}, the embedding model fails, or the stage
     * rests after a failure.
     */
    public double rescore(String text, double wordProbability) {
        if (wordProbability < FLOOR || resting()) {
            return wordProbability;
        }
        try {
            float[] vector = CompletableFuture.supplyAsync(() -> embedding.apply(clip(text)), executor).get();
            double margin = (logit(wordProbability) + model.margin(vector)) / 2 + OFFSET;
            return 1 / (1 + Math.exp(-margin));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return wordProbability;
        } catch (ExecutionException | RuntimeException e) {
            // Logged once per rest, so at most once a minute however many texts come.
            restingUntil = nanoClock.getAsLong() + RETRY_AFTER.toNanos();
            log.warn("The guard's semantic stage failed; the word model's scores stand, the stage tries again in {}: {}",
                    RETRY_AFTER, e.toString());
            return wordProbability;
        }
    }

    private boolean resting() {
        long until = restingUntil;
        return until != 0 && nanoClock.getAsLong() - until < 0;
    }

    private static double logit(double p) {
        double clamped = Math.min(Math.max(p, 1e-9), 1 - 1e-9);
        return Math.log(clamped / (1 - clamped));
    }
}
