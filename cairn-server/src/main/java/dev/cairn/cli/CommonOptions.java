package dev.cairn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/**
 * Options every command shares. Each beats the environment and the config file, so the order is:
 * option, CAIRN_* variable, --config file, built-in default. {@code serve} hands them to Spring
 * Boot as its own command-line properties; the other commands read them with {@link OfflineSettings}.
 */
public class CommonOptions {

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the SQLite database lives (cairn.data-dir, CAIRN_DATA_DIR; default ./data).")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:CAIRN_CONFIG}",
            description = "A YAML file with cairn.* settings (CAIRN_CONFIG).")
    Path config;

    List<String> springArguments() {
        List<String> args = new ArrayList<>();
        if (dataDir != null) {
            args.add("--cairn.data-dir=" + dataDir);
        }
        Path file = configFile();
        if (file != null) {
            args.add("--spring.config.additional-location=file:" + file);
        }
        return args;
    }

    /** The --config file as an absolute path, or null when none is given; one that cannot be read is an error. */
    Path configFile() {
        if (config == null) {
            return null;
        }
        if (!Files.isReadable(config)) {
            throw new IllegalArgumentException("Config file not found or not readable: " + config);
        }
        return config.toAbsolutePath();
    }
}
