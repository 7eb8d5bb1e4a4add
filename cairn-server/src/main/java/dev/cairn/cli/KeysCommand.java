package dev.cairn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.cairn.access.ApiKey;
import dev.cairn.access.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn keys}: manages API keys directly in the data dir, with no server running. Only the
 * requested output goes to stdout (the secret, for {@code create}); logs go to stderr.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys, and rewrap the master and signing key files.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class,
                KeysRewrapCommand.class})
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
        @Option(names = "--admin", description = "May use the admin API (and read the audit log).")
        boolean admin;
        @Option(names = "--auditor", description = "May read the audit log, its tiles and proofs.")
        boolean auditor;
        @Option(names = "--annotator", description = "May only work the workspace's annotation queues.")
        boolean annotator;
        @Option(names = "--models", split = ",", paramLabel = "MODEL",
                description = "Allow only these models (comma-separated; 'provider/*' matches a prefix).")
        List<String> models = new ArrayList<>();

        @Override
        public Integer call() {
            return OfflineContext.run("keys create", common, context -> context.keyService().create(workspace, name,
                    admin ? Role.ADMIN : auditor ? Role.AUDITOR : annotator ? Role.ANNOTATOR : Role.USER, models, null).secret());
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
            return OfflineContext.run("keys list", common, context -> {
                StringBuilder out = new StringBuilder(String.format("%-30s %-12s %-20s %-20s %-9s %s%n",
                        "ID", "PREFIX", "WORKSPACE", "NAME", "ROLE", "STATE"));
                for (ApiKey key : context.keyRepository().list(workspace)) {
                    out.append(String.format("%-30s %-12s %-20s %-20s %-9s %s%n", key.id(), key.displayPrefix(),
                            key.workspace(), key.name(), key.role().wireName(), key.revoked() ? "revoked " + key.revokedAt() : "active"));
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
            return OfflineContext.run("keys revoke", common, context -> "revoked " + context.keyService().revoke(id, null).id());
        }
    }
}
