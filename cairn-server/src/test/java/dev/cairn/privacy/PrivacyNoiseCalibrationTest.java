package dev.cairn.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The inverse: the least σ for a target ε comes back to the σ that spent it, and meets the target. */
class PrivacyNoiseCalibrationTest {

    @ParameterizedTest
    @CsvSource({
            "1.5, 0.04, 2250, 1e-5", "0.7, 0.01, 10000, 1e-5", "3.0, 0.5, 100, 1e-6", "1.1, 1.0, 20, 1e-5",
            "0.4, 0.001, 1000000, 1e-5", "8.0, 0.256, 14100, 1e-5",
    })
    void roundTrips(double sigma, double q, long steps, double delta) {
        double target = PrivacyLedger.of(new GaussianRun(sigma, q, steps)).spent(delta).epsilon();
        double found = NoiseCalibration.smallestNoiseMultiplier(q, steps, delta, target);
        assertThat(found).isCloseTo(sigma, within(sigma * 1e-4));
        assertThat(PrivacyLedger.of(new GaussianRun(found, q, steps)).spent(delta).epsilon()).isLessThanOrEqualTo(target);
        double justBelow = found * (1 - 2 * NoiseCalibration.RELATIVE_TOLERANCE);
        assertThat(PrivacyLedger.of(new GaussianRun(justBelow, q, steps)).spent(delta).epsilon()).isGreaterThan(target);
    }

    @Test
    void aTargetNoNoiseReachesIsRefused() {
        // With RDP 0 at every order the conversion still leaves about 0.1 at δ = 1e-5 (at α = 63).
        assertThatThrownBy(() -> NoiseCalibration.smallestNoiseMultiplier(0.01, 100, 1e-5, 0.05))
                .isInstanceOfSatisfying(PrivacyException.class, e -> {
                    assertThat(e.error().code()).isEqualTo("unreachable_target");
                    assertThat(e.error().param()).isEqualTo("target_epsilon");
                });
        assertThatThrownBy(() -> NoiseCalibration.smallestNoiseMultiplier(0.01, 100, 1e-5, -1))
                .isInstanceOf(PrivacyException.class);
        assertThatThrownBy(() -> NoiseCalibration.smallestNoiseMultiplier(0.01, 0, 1e-5, 1))
                .isInstanceOf(PrivacyException.class);
    }
}
