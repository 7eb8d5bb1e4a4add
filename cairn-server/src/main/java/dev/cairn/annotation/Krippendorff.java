package dev.cairn.annotation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Krippendorff's alpha over units each given values by some of the annotators, from the coincidence
 * matrix as in Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability". Units with fewer
 * than two values are not pairable and count for nothing.
 */
final class Krippendorff {

    /** How far apart two values are: nominal (same or not) or interval (squared difference). */
    enum Level { NOMINAL, INTERVAL }

    private Krippendorff() {
    }

    /**
     * Alpha for {@code units}, each the values it was given (by distinct annotators). Empty when
     * there is nothing to compare: fewer than two pairable values, or only one value ever given,
     * where expected disagreement is zero and alpha is undefined.
     */
    static OptionalDouble alpha(List<List<Object>> units, Level level) {
        Map<Object, Map<Object, Double>> coincidences = new HashMap<>();
        for (List<Object> unit : units) {
            int m = unit.size();
            if (m < 2) {
                continue;
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    if (i != j) {
                        coincidences.computeIfAbsent(unit.get(i), k -> new HashMap<>())
                                .merge(unit.get(j), 1.0 / (m - 1), Double::sum);
                    }
                }
            }
        }
        Map<Object, Double> marginals = new HashMap<>();
        double n = 0;
        for (var row : coincidences.entrySet()) {
            double sum = row.getValue().values().stream().mapToDouble(Double::doubleValue).sum();
            marginals.put(row.getKey(), sum);
            n += sum;
        }
        if (n < 2) {
            return OptionalDouble.empty();
        }
        double observed = 0;
        for (var row : coincidences.entrySet()) {
            for (var cell : row.getValue().entrySet()) {
                observed += cell.getValue() * distance(row.getKey(), cell.getKey(), level);
            }
        }
        double expected = 0;
        for (var c : marginals.entrySet()) {
            for (var k : marginals.entrySet()) {
                expected += c.getValue() * k.getValue() * distance(c.getKey(), k.getKey(), level);
            }
        }
        if (expected == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(1 - (n - 1) * observed / expected);
    }

    private static double distance(Object a, Object b, Level level) {
        return switch (level) {
            case NOMINAL -> a.equals(b) ? 0 : 1;
            case INTERVAL -> {
                double d = ((Number) a).doubleValue() - ((Number) b).doubleValue();
                yield d * d;
            }
        };
    }
}
