package dev.cairn.guard.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** How the second stage combines with the word model, when it runs, on which thread, and what a failure leaves. */
class SemanticStageTest {

    /** A model whose log-odds are the vector's first coordinate. */
    private static final SemanticModel FIRST_COORDINATE;

    static {
        float[] weights = new float[SemanticModel.DIMENSIONS];
        weights[0] = 1;
        FIRST_COORDINATE = new SemanticModel(weights, 0);
    }

    private static float[] vector(float first) {
        float[] v = new float[SemanticModel.DIMENSIONS];
        v[0] = first;
        return v;
    }

    @Test
    void theTwoLogOddsAreAveragedAndShifted() {
        SemanticStage stage = SemanticStage.of(FIRST_COORDINATE, text -> vector(3));
        double word = 0.8;
        double expected = 1 / (1 + Math.exp(-((Math.log(word / (1 - word)) + 3) / 2 + SemanticStage.OFFSET)));
        assertThat(stage.rescore("some text", word)).isCloseTo(expected, within(1e-9));
        // A confident second opinion of "benign" pulls a borderline word score below the threshold.
        assertThat(SemanticStage.of(FIRST_COORDINATE, text -> vector(-4)).rescore("some text", 0.75)).isLessThan(0.5);
    }

    @Test
    void textsTheWordModelFindsHarmlessAreNotEmbedded() {
        AtomicInteger embedded = new AtomicInteger();
        SemanticStage stage = SemanticStage.of(FIRST_COORDINATE, text -> {
            embedded.incrementAndGet();
            return vector(5);
        });
        assertThat(stage.rescore("hello there, how are you today", SemanticStage.FLOOR / 2)).isEqualTo(SemanticStage.FLOOR / 2);
        assertThat(embedded).hasValue(0);
        stage.rescore("hello there, how are you today", SemanticStage.FLOOR);
        assertThat(embedded).hasValue(1);
    }

    @Test
    void onlyTheStartOfALongTextIsEmbedded() {
        List<String> seen = new ArrayList<>();
        SemanticStage stage = SemanticStage.of(FIRST_COORDINATE, text -> {
            seen.add(text);
            return vector(0);
        });
        String longText = "word ".repeat(2000);
        stage.rescore(longText, 0.5);
        assertThat(seen).containsExactly(longText.substring(0, SemanticStage.MAX_CHARS));
    }

    @Test
    void theModelRunsOnTheStagesOwnThreadsAndAFailureLeavesTheWordScore() throws Exception {
        List<Thread> threads = new ArrayList<>();
        var executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("semantic-test").factory());
        try {
            SemanticStage stage = new SemanticStage(FIRST_COORDINATE, text -> {
                threads.add(Thread.currentThread());
                return vector(1);
            }, executor, System::nanoTime);
            Thread caller = Thread.ofVirtual().start(() -> stage.rescore("a text to judge", 0.6));
            caller.join();
            assertThat(threads).hasSize(1);
            assertThat(threads.getFirst().getName()).isEqualTo("semantic-test");
            assertThat(threads.getFirst().isVirtual()).isFalse();

            SemanticStage failing = new SemanticStage(FIRST_COORDINATE, text -> {
                throw new IllegalStateException("the model could not be loaded");
            }, executor, System::nanoTime);
            assertThat(failing.rescore("a text to judge", 0.65)).isEqualTo(0.65);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void afterAFailureTheStageRestsForAMinuteBeforeTryingTheModelAgain() {
        AtomicLong now = new AtomicLong(1_000);
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean broken = new AtomicBoolean(true);
        SemanticStage stage = new SemanticStage(FIRST_COORDINATE, text -> {
            attempts.incrementAndGet();
            if (broken.get()) {
                throw new IllegalStateException("no room to unpack the model");
            }
            return vector(3);
        }, Runnable::run, now::get);

        assertThat(stage.rescore("a text to judge", 0.6)).isEqualTo(0.6);
        now.addAndGet(SemanticStage.RETRY_AFTER.toNanos() - 1);
        broken.set(false);
        assertThat(stage.rescore("a text to judge", 0.6)).isEqualTo(0.6);
        assertThat(attempts).hasValue(1);

        now.addAndGet(1);
        assertThat(stage.rescore("a text to judge", 0.6)).isGreaterThan(0.6);
        assertThat(attempts).hasValue(2);
    }
}
