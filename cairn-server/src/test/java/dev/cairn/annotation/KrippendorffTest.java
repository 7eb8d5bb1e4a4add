package dev.cairn.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.Test;

/** Alpha against the published values of Krippendorff (2011) and cases worked by hand. */
class KrippendorffTest {

    /** Krippendorff 2011, section C: four observers, twelve units, missing values as null. */
    private static final Integer[][] TEXTBOOK = {
            {1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null},
            {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3},
            {null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null},
            {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null}};

    private static List<List<Object>> units(Integer[][] byObserver) {
        List<List<Object>> units = new ArrayList<>();
        for (int u = 0; u < byObserver[0].length; u++) {
            List<Object> values = new ArrayList<>();
            for (Integer[] observer : byObserver) {
                values.add(observer[u]);
            }
            units.add(values.stream().filter(Objects::nonNull).toList());
        }
        return units;
    }

    @Test
    void textbookNominalExampleWithMissingValuesIs0743() {
        assertThat(Krippendorff.alpha(units(TEXTBOOK), Krippendorff.Level.NOMINAL).orElseThrow()).isCloseTo(0.743, within(0.0005));
    }

    @Test
    void textbookIntervalExampleIs0849() {
        assertThat(Krippendorff.alpha(units(TEXTBOOK), Krippendorff.Level.INTERVAL).orElseThrow()).isCloseTo(0.849, within(0.0005));
    }

    @Test
    void perfectAgreementIsOne() {
        List<List<Object>> units = List.of(List.of("a", "a"), List.of("b", "b", "b"), List.of("a", "a"));
        assertThat(Krippendorff.alpha(units, Krippendorff.Level.NOMINAL).orElseThrow()).isEqualTo(1.0);
    }

    @Test
    void twoCodersAlwaysDisagreeingOnTwoValuesIsBelowZero() {
        // Coincidences: o(a,b) = o(b,a) = 2, n = 4, n_a = n_b = 2. D_o = 4/4, D_e = 8/(4*3): alpha = 1 - 3/2.
        List<List<Object>> units = List.of(List.of("a", "b"), List.of("b", "a"));
        assertThat(Krippendorff.alpha(units, Krippendorff.Level.NOMINAL).orElseThrow()).isCloseTo(-0.5, within(1e-12));
    }

    @Test
    void nothingToCompareIsUndefined() {
        assertThat(Krippendorff.alpha(List.of(List.of("a"), List.of("b")), Krippendorff.Level.NOMINAL)).isEmpty();
        assertThat(Krippendorff.alpha(List.of(Arrays.asList(3, 3), List.of(3, 3)), Krippendorff.Level.INTERVAL)).isEmpty();
    }
}
