package dev.cairn.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import dev.cairn.audit.KeyWrappingProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cairn keys rewrap}: turns wrapping of the master and signing key files on, rotates its key,
 * or turns it off. The files are opened with the wrapping key configured now (as the server would
 * open them) and each is replaced whole with the same key wrapped under the new one.
 */
@Command(name = "rewrap", mixinStandardHelpOptions = true,
        description = "Store the master and signing key files wrapped with a new wrapping key (or, with --unwrap, in the clear).")
class KeysRewrapCommand implements Callable<Integer> {

    static final String NEW_KEY_VARIABLE = "CAIRN_KEYS_NEW_WRAPPING_KEY";

    @Mixin
    CommonOptions common;
    @Option(names = "--new-wrapping-key-file", paramLabel = "FILE",
            description = "A file outside the data dir with the new key (base64 of 32 bytes). Without it, the variable "
                    + NEW_KEY_VARIABLE + " holds the new key.")
    Path newKeyFile;
    @Option(names = "--unwrap", description = "Store the key files in the clear (turns wrapping off).")
    boolean unwrap;

    @Override
    public Integer call() {
        return OfflineContext.run("keys rewrap", common, context -> {
            List<Path> files = context.keyFiles().rewrap(next(System.getenv(NEW_KEY_VARIABLE)));
            if (files.isEmpty()) {
                return "no key files to rewrap";
            }
            return files.stream().map(file -> (unwrap ? "unwrapped " : "rewrapped ") + file).collect(Collectors.joining("\n"))
                    + (unwrap ? "\nremove cairn.keys.wrapping-key(-file) from the configuration before the next start"
                    : "\nstart Cairn with the new wrapping key from now on; the old one no longer opens these files");
        });
    }

    /** The wrapping the files get: exactly one of --new-wrapping-key-file, the variable, or --unwrap. */
    KeyWrappingProperties next(String variable) {
        boolean fromVariable = variable != null && !variable.isBlank();
        int given = (newKeyFile != null ? 1 : 0) + (fromVariable ? 1 : 0) + (unwrap ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException("give the new wrapping key in exactly one way: --new-wrapping-key-file FILE, "
                    + "the variable " + NEW_KEY_VARIABLE + ", or --unwrap to store the keys in the clear");
        }
        return unwrap ? new KeyWrappingProperties(null, null) : new KeyWrappingProperties(fromVariable ? variable : null, newKeyFile);
    }
}
