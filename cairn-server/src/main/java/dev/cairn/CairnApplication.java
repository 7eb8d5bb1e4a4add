package dev.cairn;

import dev.cairn.cli.CairnCommand;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Cairn: an OpenAI-compatible LLM gateway. {@code main} is the {@code cairn} command line. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CairnApplication {

    public static void main(String[] args) {
        int exit = CairnCommand.commandLine().execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
