package dev.cairn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/**
 * Options every command shares. Each becomes a Spring property on the command line, which beats
 * the config file and the environment, so the order is: option, CAIRN_* variable, --config file,
 * built-in default.
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
        if (config != null) {
            if (!Files.isReadable(config)) {
                throw new IllegalArgumentException("Config file not found or not readable: " + config);
            }
            args.add("--spring.config.additional-location=file:" + config.toAbsolutePath());
        }
        return args;
    }
}
