package dev.cairn.cli;

import java.util.List;
import java.util.concurrent.Callable;

import dev.cairn.CairnApplication;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn serve}: starts the gateway and runs until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the Cairn gateway.")
class ServeCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (cairn.port, CAIRN_PORT; default 8080).")
    Integer port;

    /**
     * The running server, kept so an embedding caller (a test) can stop it. Typed as what it is used
     * for: picocli reads this class's fields for every command, and a Spring type here would load
     * Spring for {@code verify} too.
     */
    AutoCloseable context;

    @Override
    public Integer call() {
        List<String> args = new java.util.ArrayList<>(common.springArguments());
        if (port != null) {
            args.add("--cairn.port=" + port);
        }
        context = SpringApplication.run(CairnApplication.class, args.toArray(String[]::new));
        return 0;
    }
}
