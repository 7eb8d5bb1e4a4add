package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command: serve the gateway, manage keys, read, export and verify the audit log; account for differential privacy. */
@Command(name = "cairn", mixinStandardHelpOptions = true, version = "cairn 0.1.0",
        description = "An OpenAI-compatible LLM gateway.",
        subcommands = {ServeCommand.class, KeysCommand.class, LogCommand.class, VerifyCommand.class,
                ExportCommand.class, PrivacyCommand.class, ReportCommand.class})
public class CairnCommand {

    /** The command line with Cairn's error handling: a failing command prints one line, not a stack trace. */
    public static CommandLine commandLine() {
        return new CommandLine(new CairnCommand()).setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("cairn: " + CliErrors.rootMessage(e));
            return 1;
        });
    }
}
