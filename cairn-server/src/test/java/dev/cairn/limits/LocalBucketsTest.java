package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The bucket arithmetic on a clock the test moves: bursts, refill, reset times, all-or-nothing, settling. */
class LocalBucketsTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final LocalBuckets buckets = new LocalBuckets(clock::get);

    static Bucket bucket(String id, Measure measure, Window window, long limit) {
        return new Bucket(id, Dimension.KEY, id, measure, window, limit);
    }

    private void advance(long seconds, long millis) {
        clock.addAndGet(TimeUnit.SECONDS.toMicros(seconds) + TimeUnit.MILLISECONDS.toMicros(millis));
    }

    private Level take(Bucket bucket, long amount) {
        return buckets.take(List.of(new Draw(bucket, amount))).getFirst();
    }

    @Test
    void aFullBucketAdmitsABurstOfItsLimitThenRefillsOneUnitPerInterval() {
        Bucket rpm = bucket("k:rpm", Measure.REQUESTS, Window.MINUTE, 60);
        for (int i = 1; i <= 60; i++) {
            Level level = take(rpm, 1);
            assertThat(level.waitMicros()).isZero();
            assertThat(level.remaining()).isEqualTo(60 - i);
            assertThat(level.resetMicros()).isEqualTo(TimeUnit.SECONDS.toMicros(i));
        }
        Level refused = take(rpm, 1);
        assertThat(refused.waitMicros()).isEqualTo(TimeUnit.SECONDS.toMicros(1));
        assertThat(refused.remaining()).isZero();
        assertThat(refused.resetMicros()).as("a refusal takes nothing").isEqualTo(TimeUnit.SECONDS.toMicros(60));

        advance(0, 999);
        assertThat(take(rpm, 1).waitMicros()).isEqualTo(1000);
        advance(0, 1);
        Level admitted = take(rpm, 1);
        assertThat(admitted.waitMicros()).isZero();
        assertThat(admitted.remaining()).isZero();

        advance(30, 0);
        assertThat(buckets.peek(List.of(rpm)).getFirst().remaining()).isEqualTo(30);
        advance(3600, 0);
        Level full = buckets.peek(List.of(rpm)).getFirst();
        assertThat(full.remaining()).as("never above the limit").isEqualTo(60);
        assertThat(full.resetMicros()).isZero();
    }

    @Test
    void aLimitThatDoesNotDivideItsWindowStillAdmitsExactlyItsBurst() {
        Bucket odd = bucket("k:odd", Measure.REQUESTS, Window.MINUTE, 7);
        for (int i = 0; i < 7; i++) {
            assertThat(take(odd, 1).waitMicros()).as("request %d", i + 1).isZero();
        }
        assertThat(take(odd, 1).waitMicros()).isPositive();

        Bucket tpd = bucket("k:tpd", Measure.TOKENS, Window.DAY, 7_000_000);
        for (int i = 0; i < 7000; i++) {
            assertThat(take(tpd, 1000).waitMicros()).isZero();
        }
        Level empty = take(tpd, 1);
        assertThat(empty.waitMicros()).isPositive();
        assertThat(empty.remaining()).isZero();
    }

    @Test
    void aTakeIsAllOrNothingOverItsBuckets() {
        Bucket key = bucket("k:rpm", Measure.REQUESTS, Window.MINUTE, 10);
        Bucket user = bucket("u:rpm", Measure.REQUESTS, Window.MINUTE, 2);
        List<Draw> both = List.of(new Draw(key, 1), new Draw(user, 1));
        assertThat(BucketStore.admitted(buckets.take(both))).isTrue();
        assertThat(BucketStore.admitted(buckets.take(both))).isTrue();
        List<Level> refused = buckets.take(both);
        assertThat(BucketStore.admitted(refused)).isFalse();
        assertThat(refused.get(0).waitMicros()).as("the key had room").isZero();
        assertThat(refused.get(1).waitMicros()).isEqualTo(TimeUnit.SECONDS.toMicros(30));
        assertThat(buckets.peek(List.of(key)).getFirst().remaining()).as("the refused take left the key alone").isEqualTo(8);
    }

    @Test
    void settlingRefundsWhatTheEstimateOverchargedAndChargesWhatItMissed() {
        Bucket tpm = bucket("k:tpm", Measure.TOKENS, Window.MINUTE, 1000);
        assertThat(take(tpm, 600).remaining()).isEqualTo(400);
        buckets.use(List.of(new Draw(tpm, -450))); // the answer was shorter than max_tokens
        assertThat(buckets.peek(List.of(tpm)).getFirst().remaining()).isEqualTo(850);

        buckets.use(List.of(new Draw(tpm, 5000))); // far longer than estimated: the bucket goes into debt
        Level debt = buckets.peek(List.of(tpm)).getFirst();
        assertThat(debt.remaining()).isZero();
        assertThat(debt.resetMicros()).as("full again after the debt and the limit are paid off")
                .isEqualTo(TimeUnit.SECONDS.toMicros(60) * 5150 / 1000);
        Level refused = take(tpm, 0);
        assertThat(refused.waitMicros()).as("even a request of no tokens waits out the debt")
                .isEqualTo(TimeUnit.SECONDS.toMicros(60) * 4150 / 1000);

        buckets.use(List.of(new Draw(tpm, -1_000_000)));
        Level refunded = buckets.peek(List.of(tpm)).getFirst();
        assertThat(refunded.remaining()).as("a refund never fills past the limit").isEqualTo(1000);
        assertThat(refunded.resetMicros()).isZero();
    }

    @Test
    void aRequestLargerThanTheBucketWaitsForMoreThanTheBucketHolds() {
        Bucket tpm = bucket("k:tpm", Measure.TOKENS, Window.MINUTE, 100);
        Level level = take(tpm, 150);
        assertThat(level.waitMicros()).isEqualTo(TimeUnit.SECONDS.toMicros(30));
        assertThat(level.remaining()).isEqualTo(100);
    }

    @Test
    void fullBucketsAreForgottenNowAndThen() {
        for (int i = 0; i < 5000; i++) {
            take(bucket("ip:" + i, Measure.REQUESTS, Window.MINUTE, 10), 1);
        }
        assertThat(buckets.size()).as("none full yet, none dropped").isEqualTo(5000);
        advance(61, 0);
        for (int i = 0; i < 4096; i++) {
            take(bucket("other:" + i, Measure.REQUESTS, Window.MINUTE, 10), 1);
        }
        assertThat(buckets.size()).as("the 5000 refilled buckets are gone, the new ones stay").isLessThanOrEqualTo(4096);
    }
}
