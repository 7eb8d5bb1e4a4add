package dev.cairn.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import dev.cairn.support.Settings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** cairn.gateway, cairn.providers and cairn.aliases are checked when bound, so a bad one stops the start. */
class GatewayPropertiesTest {

    private static final String[] PROVIDER = {"cairn.providers.x.type", "openai", "cairn.providers.x.base-url", "http://127.0.0.1:9/v1"};

    record Case(Map<String, String> settings, String message) {
        @Override
        public String toString() {
            return message;
        }
    }

    private static Case provider(String key, String value, String message) {
        Map<String, String> settings = Settings.of(PROVIDER);
        settings.put(key, value);
        return new Case(settings, message);
    }

    static Stream<Case> refused() {
        return Stream.of(
                provider("cairn.providers.x.read-timeout", "-1s", "cairn.providers.x.read-timeout must be longer than 0, not -1s"),
                provider("cairn.providers.x.read-timeout", "0s", "cairn.providers.x.read-timeout must be longer than 0, not 0s"),
                provider("cairn.providers.x.connect-timeout", "-5ms", "cairn.providers.x.connect-timeout must be longer than 0, not -5ms"),
                provider("cairn.providers.x.type", "grpc", "cairn.providers.x.type must be openai or anthropic, not 'grpc'"),
                provider("cairn.providers.x.base-url", "", "cairn.providers.x.base-url is required"),
                provider("cairn.providers.x.base-url", "not a url", "cairn.providers.x.base-url 'not a url' is not a valid http(s) URL"),
                provider("cairn.providers.x.base-url", "ftp://host/v1", "is not a valid http(s) URL"),
                provider("cairn.providers.x.api-key", "${OPENROUTER_API_KEY}",
                        "cairn.providers.x.api-key is '${OPENROUTER_API_KEY}': the environment variable it names is not set"),
                new Case(Settings.of("cairn.providers.cairn.base-url", "http://127.0.0.1:9/v1"),
                        "cairn.providers.cairn is not allowed: the name 'cairn' is reserved"),
                new Case(Settings.of("cairn.aliases.fast", "nope/model"),
                        "cairn.aliases.fast points at 'nope/model', which is not '<provider>/<model>' with a configured provider"),
                new Case(Settings.of("cairn.aliases.fast", "cairn/other"), "cairn.aliases.fast points at 'cairn/other'"),
                new Case(Settings.of("cairn.aliases.fast", "fast"), "cairn.aliases.fast points at 'fast'"),
                new Case(Settings.of("cairn.gateway.anthropic-default-max-tokens", "0"),
                        "cairn.gateway.anthropic-default-max-tokens must be 1 or more, not 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void badValuesAreRefusedNamingTheKeyAndTheReason(Case bad) {
        Settings.assertRefused("cairn", GatewayProperties.class, bad.settings(), bad.message());
    }

    @Test
    void defaultsAndGoodValuesBind() {
        GatewayProperties none = Settings.bind("cairn", GatewayProperties.class, Map.of());
        assertThat(none.gateway().anthropicDefaultMaxTokens()).isEqualTo(4096);
        assertThat(none.providers()).isEmpty();
        Map<String, String> settings = Settings.of(PROVIDER);
        settings.putAll(Settings.of("cairn.providers.x.type", "Anthropic", "cairn.aliases.fast", "x/model/with/slashes",
                "cairn.aliases.echo", "cairn/echo"));
        GatewayProperties bound = Settings.bind("cairn", GatewayProperties.class, settings);
        assertThat(bound.providers().get("x").readTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(bound.aliases()).containsEntry("fast", "x/model/with/slashes");
    }
}
