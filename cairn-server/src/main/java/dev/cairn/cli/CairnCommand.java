package dev.cairn.cli;

import picocli.CommandLine.Command;

/** The {@code cairn} command: {@code serve} runs the gateway, {@code keys} manages API keys. */
@Command(name = "cairn", mixinStandardHelpOptions = true, version = "cairn 0.1.0",
        description = "An OpenAI-compatible LLM gateway.",
        subcommands = {ServeCommand.class, KeysCommand.class})
public class CairnCommand {
}
