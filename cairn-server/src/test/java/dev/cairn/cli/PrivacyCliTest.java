package dev.cairn.cli;

import static dev.cairn.support.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cairn.support.CliRun;
import org.junit.jupiter.api.Test;

/** {@code cairn privacy}: prints the one number asked for, and refuses bad input in one line. */
class PrivacyCliTest {

    @Test
    void epsilonPrintsOnlyEpsilon() {
        CliRun result = run("privacy", "epsilon", "--sigma", "1.5", "--sample-rate", "0.04", "--steps", "2250", "--delta", "1e-5");
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout()).matches("[0-9.]+\\R");
        assertThat(Double.parseDouble(result.stdout().strip())).isCloseTo(7.32911, within(5e-6));
    }

    @Test
    void noisePrintsTheSmallestSigma() {
        CliRun result = run("privacy", "noise", "--epsilon", "7.32911", "--sample-rate", "0.04", "--steps", "2250", "--delta", "1e-5");
        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(Double.parseDouble(result.stdout().strip())).isCloseTo(1.5, within(1e-4));
    }

    @Test
    void badInputIsOneLineNamingTheValue() {
        CliRun sigma = run("privacy", "epsilon", "--sigma", "0", "--sample-rate", "0.04", "--steps", "10", "--delta", "1e-5");
        assertThat(sigma.exit()).isEqualTo(1);
        assertThat(sigma.stdout()).isEmpty();
        assertThat(sigma.stderr().strip()).startsWith("cairn: 'noise_multiplier' (σ)").doesNotContain("\n");

        CliRun rate = run("privacy", "epsilon", "--sigma", "1", "--sample-rate", "NaN", "--steps", "10", "--delta", "1e-5");
        assertThat(rate.exit()).isEqualTo(1);
        assertThat(rate.stderr()).contains("sample_rate");

        CliRun missing = run("privacy", "epsilon", "--sigma", "1", "--sample-rate", "0.1", "--steps", "10");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.stderr()).contains("--delta");
    }
}
