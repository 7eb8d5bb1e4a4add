package dev.cairn.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cairn log vkey}: the audit log's verifier key, for auditors and {@code cairn verify}. */
@Command(name = "log", mixinStandardHelpOptions = true, description = "The audit log.",
        subcommands = LogCommand.Vkey.class)
class LogCommand {

    @Command(name = "vkey", mixinStandardHelpOptions = true,
            description = "Print the log's verifier key (name+keyid+key); creates the signing key if there is none yet.")
    static class Vkey implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Override
        public Integer call() {
            return OfflineContext.run("log vkey", common, context -> context.logIdentity().verifier().vkey());
        }
    }
}
