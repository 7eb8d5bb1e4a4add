package dev.cairn.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.CairnApplication;
import dev.cairn.platform.InvalidConfigurationException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The application started with a bad model group in its configuration: the start fails with one
 * line that names the key and the reason, as for every other setting, and no stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class ModelGroupStartValidationTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown provider | cairn.models.smart.deployments[0].model=nope/gpt                                         | cairn.models.smart.deployments[0].model 'nope/gpt' is not '<provider>/<upstream-model>' with a configured provider
            weight 0         | cairn.models.smart.deployments[0].model=x/m,cairn.models.smart.deployments[0].weight=0 | cairn.models.smart.deployments[0].weight must be 1 or more, not 0
            fallback cycle   | cairn.models.smart.deployments[0].model=x/m,cairn.models.smart.fallbacks[0]=cheap,cairn.models.cheap.deployments[0].model=x/n,cairn.models.cheap.fallbacks[0]=smart | cairn.models.smart.fallbacks makes a fallback cycle: smart -> cheap -> smart
            unknown fallback | cairn.models.smart.deployments[0].model=x/m,cairn.models.smart.context-window-fallbacks[0]=long | cairn.models.smart.context-window-fallbacks[0] 'long' is neither a model group
            no deployments   | cairn.models.smart.fallbacks[0]=x/m                                                    | cairn.models.smart.deployments must list at least one deployment
            misspelled key   | cairn.models.smart.deployments[0].model=x/m,cairn.models.smart.deployments[0].wieght=2 | Unknown settings under cairn.models: [cairn.models.smart.deployments[0].wieght]
            misspelled rule  | cairn.routing.max-atempts=2                                                            | Unknown settings under cairn.routing: [cairn.routing.max-atempts]
            """)
    void aBadModelGroupStopsTheStartNamingTheKey(String what, String settings, String message, CapturedOutput output) {
        List<String> args = new ArrayList<>(List.of("--cairn.data-dir=" + dir, "--server.port=0",
                "--cairn.providers.x.base-url=http://127.0.0.1:9/v1"));
        for (String setting : settings.split(",")) {
            args.add("--" + setting);
        }
        SpringApplication application = new SpringApplication(CairnApplication.class);
        assertThatThrownBy(() -> application.run(args.toArray(String[]::new)))
                .satisfies(e -> assertThat(root(e)).isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith(message));
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
