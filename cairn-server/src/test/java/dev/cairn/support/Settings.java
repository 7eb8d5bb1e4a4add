package dev.cairn.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Binds a {@code *Properties} record from settings written as in application.yaml, as Spring does at start. */
public final class Settings {

    private Settings() {
    }

    /** Settings from pairs of key and value. */
    public static Map<String, String> of(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    public static <T> T bind(String prefix, Class<T> type, Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate(prefix, type);
    }

    /** Asserts that binding fails, as the start would, with {@code message} in the failure or one of its causes. */
    public static void assertRefused(String prefix, Class<?> type, Map<String, String> settings, String message) {
        assertThatThrownBy(() -> bind(prefix, type, settings)).hasStackTraceContaining(message);
    }
}
