package dev.cairn.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.cairn.CairnApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs one command-line action against the data dir with Spring started but no web server, so
 * that commands work whether or not a server is running. Only the action's result reaches stdout.
 */
final class OfflineContext {

    private OfflineContext() {
    }

    static int run(String command, CommonOptions common, Function<ApplicationContext, String> action) {
        List<String> args = new ArrayList<>(common.springArguments());
        args.add("--logging.level.root=WARN");
        args.add("--cairn.logging.access-log=false");
        // A command may enqueue jobs but never runs them: a claimed job would hold the command up.
        args.add("--cairn.jobs.workers=0");
        PrintStream stdout = System.out;
        System.setOut(System.err); // start-up logs must not mix with the command's output
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CairnApplication.class)
                .web(WebApplicationType.NONE).run(args.toArray(String[]::new))) {
            String output = action.apply(context);
            stdout.println(output);
            stdout.flush();
            return 0;
        } catch (RuntimeException e) {
            System.err.println("cairn " + command + ": " + CliErrors.rootMessage(e));
            return 1;
        } finally {
            System.setOut(stdout);
        }
    }
}
