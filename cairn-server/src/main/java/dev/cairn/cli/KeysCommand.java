package dev.cairn.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import dev.cairn.CairnApplication;
import dev.cairn.access.ApiKey;
import dev.cairn.access.ApiKeyService;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn keys}: manages API keys directly in the data dir, with no server running. Only the
 * requested output goes to stdout (the secret, for {@code create}); logs go to stderr.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
class KeysCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key and print its secret (shown only this once).")
    static class Create implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Option(names = "--workspace", required = true, description = "Workspace the key belongs to.")
        String workspace;
        @Option(names = "--name", required = true, description = "A name to recognise the key by.")
        String name;
        @Option(names = "--admin", description = "May use the admin API.")
        boolean admin;
        @Option(names = "--models", split = ",", paramLabel = "MODEL",
                description = "Allow only these models (comma-separated; 'provider/*' matches a prefix).")
        List<String> models = new ArrayList<>();

        @Override
        public Integer call() {
            return withKeys(common, keys -> keys.create(workspace, name, admin, models).secret());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static class ListKeys implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Option(names = "--workspace", description = "Only this workspace.")
        String workspace;

        @Override
        public Integer call() {
            return withKeys(common, keys -> {
                StringBuilder out = new StringBuilder(String.format("%-30s %-12s %-20s %-20s %-6s %s%n",
                        "ID", "PREFIX", "WORKSPACE", "NAME", "ADMIN", "STATE"));
                for (ApiKey key : keys.list(workspace)) {
                    out.append(String.format("%-30s %-12s %-20s %-20s %-6s %s%n", key.id(), key.displayPrefix(),
                            key.workspace(), key.name(), key.admin(), key.revoked() ? "revoked " + key.revokedAt() : "active"));
                }
                return out.toString().stripTrailing();
            });
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by id.")
    static class Revoke implements Callable<Integer> {
        @Mixin
        CommonOptions common;
        @Parameters(paramLabel = "ID", description = "The key id (key_...).")
        String id;

        @Override
        public Integer call() {
            return withKeys(common, keys -> "revoked " + keys.revoke(id).id());
        }
    }

    /** Runs one action against the key store with Spring started without a web server. */
    private static int withKeys(CommonOptions common, Function<ApiKeyService, String> action) {
        List<String> args = new ArrayList<>(common.springArguments());
        args.add("--logging.level.root=WARN");
        args.add("--cairn.logging.access-log=false");
        PrintStream stdout = System.out;
        System.setOut(System.err); // start-up logs must not mix with the secret
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CairnApplication.class)
                .web(WebApplicationType.NONE).run(args.toArray(String[]::new))) {
            String output = action.apply(context.getBean(ApiKeyService.class));
            stdout.println(output);
            stdout.flush();
            return 0;
        } catch (RuntimeException e) {
            System.err.println("cairn keys: " + CliErrors.rootMessage(e));
            return 1;
        } finally {
            System.setOut(stdout);
        }
    }
}
