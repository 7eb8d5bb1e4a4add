package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.CairnApplication;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The whole application started with one bad setting: the start fails, and what the operator reads
 * (the failure report, and the innermost message that {@code cairn serve} prints) names the key and
 * the reason, without a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartValidationTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            cairn.providers.x.read-timeout | -1s        | cairn.providers.x.read-timeout must be longer than 0, not -1s
            cairn.providers.x.type         | grpc       | cairn.providers.x.type must be openai or anthropic, not 'grpc'
            cairn.aliases.fast             | nope/model | cairn.aliases.fast points at 'nope/model', which is not
            cairn.pricing[0].model         | nope/model | cairn.pricing[0].model 'nope/model' is neither a model group, nor an alias
            cairn.memory.recall.top-k      | 0          | cairn.memory.recall.top-k must be 1 or more, not 0
            cairn.jobs.workers             | -1         | cairn.jobs.workers must be 0 or more, not -1
            cairn.guard.policy.pii.action  | shred      | cairn.guard.policy.pii.action: 'shred' is not an action
            cairn.limits.trusted-proxies   | proxy.lan  | cairn.limits.trusted-proxies[0]: 'proxy.lan' is not an IP address or CIDR range
            cairn.limits.store             | redis      | cairn.limits.store is redis, but cairn.redis.url is not set
            cairn.memory.extraction.model  | nope/model | cairn.memory.extraction.model 'nope/model' does not name a configured provider's model
            """)
    void aBadSettingStopsTheStartNamingTheKeyAndTheReason(String key, String value, String message, CapturedOutput output) {
        List<String> args = new ArrayList<>(List.of("--cairn.data-dir=" + dir, "--server.port=0",
                "--cairn.providers.x.base-url=http://127.0.0.1:9/v1", "--" + key + "=" + value));
        SpringApplication application = new SpringApplication(CairnApplication.class);
        assertThatThrownBy(() -> application.run(args.toArray(String[]::new)))
                .satisfies(e -> assertThat(root(e)).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining(message));
        assertThat(output.getOut()).contains("APPLICATION FAILED TO START").contains("Invalid configuration: " + message)
                .doesNotContain("Application run failed").doesNotContain("stack_trace");
    }

    private static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
