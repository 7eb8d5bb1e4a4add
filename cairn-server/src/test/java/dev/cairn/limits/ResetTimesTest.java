package dev.cairn.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reset times read like OpenAI's (Go's duration format), and Retry-After never says 0. */
class ResetTimesTest {

    @Test
    void formatsLikeOpenAi() {
        assertThat(ResetTimes.format(0)).isEqualTo("0s");
        assertThat(ResetTimes.format(1)).as("rounded up to the millisecond").isEqualTo("1ms");
        assertThat(ResetTimes.format(17_000)).isEqualTo("17ms");
        assertThat(ResetTimes.format(1_000_000)).isEqualTo("1s");
        assertThat(ResetTimes.format(8_640_000)).isEqualTo("8.64s");
        assertThat(ResetTimes.format(360_000_000)).isEqualTo("6m0s");
        assertThat(ResetTimes.format(61_500_000)).isEqualTo("1m1.5s");
        assertThat(ResetTimes.format(3_723_000_000L)).isEqualTo("1h2m3s");
        assertThat(ResetTimes.format(86_400_000_000L)).isEqualTo("24h0m0s");
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(ResetTimes.retryAfterSeconds(0)).isEqualTo(1);
        assertThat(ResetTimes.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(ResetTimes.retryAfterSeconds(1_000_000)).isEqualTo(1);
        assertThat(ResetTimes.retryAfterSeconds(1_000_001)).isEqualTo(2);
        assertThat(ResetTimes.retryAfterSeconds(59_500_000)).isEqualTo(60);
    }
}
