package dev.cairn.platform;

import java.math.BigDecimal;
import java.time.Duration;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.core.env.Environment;

/**
 * The checks the {@code *Properties} records run on their values at start; each failure names the
 * key and the reason in an {@link InvalidConfigurationException}.
 */
public final class Settings {

    private Settings() {
    }

    /**
     * Spring ignores settings it has no field for, which turns a typo under {@code prefix}
     * ({@code request-per-minute}, {@code wieght}) into a default; this stops the start instead,
     * naming the unknown keys.
     */
    public static void rejectUnknown(Environment environment, String prefix, Bindable<?> target) {
        try {
            Binder.get(environment).bind(prefix, target, new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (BindException e) {
            if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
                throw new InvalidConfigurationException("Unknown settings under " + prefix + ": " + unbound.getUnboundProperties()
                        .stream().map(p -> p.getName().toString()).sorted().toList() + " (docs/configuration.md lists the known ones)");
            }
            throw e;
        }
    }

    public static InvalidConfigurationException invalid(String key, String reason) {
        return new InvalidConfigurationException(key + " " + reason);
    }

    /** A duration that must be set and longer than zero: a timeout, an interval, a period. */
    public static void positive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(key, "must be longer than 0, not " + describe(value));
        }
    }

    public static void atLeast(String key, long value, long minimum) {
        if (value < minimum) {
            throw invalid(key, "must be " + minimum + " or more, not " + value);
        }
    }

    public static void between(String key, double value, double low, double high) {
        if (!(value >= low && value <= high)) {
            throw invalid(key, "must be from " + number(low) + " to " + number(high) + ", not " + number(value));
        }
    }

    public static void notNegative(String key, double value) {
        if (!(value >= 0)) {
            throw invalid(key, "must be 0 or more, not " + number(value));
        }
    }

    private static String number(double value) {
        return Double.isFinite(value) ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() : String.valueOf(value);
    }

    /** A duration as configured ({@code -1s}, {@code 250ms}, {@code 30d}) rather than as ISO-8601 ({@code PT-1S}). */
    static String describe(Duration value) {
        if (value == null) {
            return "empty";
        }
        long millis = value.toMillis();
        if (millis == 0) {
            return "0s";
        }
        for (var unit : new Object[][] {{86_400_000L, "d"}, {3_600_000L, "h"}, {60_000L, "m"}, {1000L, "s"}}) {
            if (millis % (long) unit[0] == 0) {
                return millis / (long) unit[0] + (String) unit[1];
            }
        }
        return millis + "ms";
    }
}
