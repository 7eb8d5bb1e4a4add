package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.cairn.audit.AuditProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings of commands that run without Spring Boot come from the server's sources in the
 * server's order: option, CAIRN_* variable (relaxed binding), --config file, built-in default.
 */
class OfflineSettingsTest {

    @TempDir
    Path dir;

    private CommonOptions options(Path dataDir, Path config) {
        CommonOptions options = new CommonOptions();
        options.dataDir = dataDir;
        options.config = config;
        return options;
    }

    private Path config() throws Exception {
        return Files.writeString(dir.resolve("cairn.yaml"), """
                cairn:
                  data-dir: /from-file
                  db:
                    pool-size: 3
                  audit:
                    origin: file.example/log
                    max-batch: 7
                    master-key: ${TEST_MASTER_KEY}
                """);
    }

    @Test
    void anOptionBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefaults() throws Exception {
        Map<String, String> env = Map.of("CAIRN_DATA_DIR", "/from-env", "CAIRN_AUDIT_ORIGIN", "env.example/log",
                "CAIRN_AUDIT_CHECKPOINTINTERVAL", "5s", "TEST_MASTER_KEY", "bWFzdGVy");

        OfflineSettings all = OfflineSettings.load(options(Path.of("/from-option"), config()), env);
        assertThat(all.platform().dataDir()).isEqualTo(Path.of("/from-option"));
        assertThat(all.audit().origin()).isEqualTo("env.example/log");
        assertThat(all.audit().checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(all.audit().maxBatch()).isEqualTo(7);
        assertThat(all.audit().masterKey()).as("placeholders resolve from the environment").isEqualTo("bWFzdGVy");
        assertThat(all.database().poolSize()).isEqualTo(3);
        assertThat(all.audit().durability()).isEqualTo(AuditProperties.Durability.SYNC);

        assertThat(OfflineSettings.load(options(null, config()), env).platform().dataDir()).isEqualTo(Path.of("/from-env"));
        OfflineSettings fileOnly = OfflineSettings.load(options(null, config()), Map.of("TEST_MASTER_KEY", "x"));
        assertThat(fileOnly.platform().dataDir()).isEqualTo(Path.of("/from-file"));
        assertThat(fileOnly.audit().origin()).isEqualTo("file.example/log");

        OfflineSettings defaults = OfflineSettings.load(options(null, null), Map.of());
        assertThat(defaults.platform().dataDir().normalize()).isEqualTo(Path.of("data"));
        assertThat(defaults.database().poolSize()).isEqualTo(16);
        assertThat(defaults.audit().checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void migrationsAreWhereTheServersApplicationYamlSays() {
        OfflineSettings settings = OfflineSettings.load(options(null, null), Map.of());

        assertThat(settings.migrationLocations("sqlite")).containsExactly("classpath:db/migration/sqlite");
        assertThat(settings.migrationLocations("postgresql")).containsExactly("classpath:db/migration/postgresql");
    }

    @Test
    void aConfigFileThatCannotBeReadIsAnError() {
        assertThatThrownBy(() -> OfflineSettings.load(options(null, dir.resolve("missing.yaml")), Map.of()))
                .hasMessageContaining("Config file not found or not readable");
    }
}
