package dev.cairn.audit;

import java.nio.file.Path;
import java.time.Duration;

import dev.cairn.platform.Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The audit log ({@code cairn.audit}). {@code durability: sync} (the default) holds each response
 * until its entry is committed; {@code async} answers first and commits within milliseconds, so a
 * crash can lose the last entries. Keys come from configuration or from files under
 * {@code <data-dir>/audit}, created with mode 0600 at first start when not configured.
 */
@ConfigurationProperties("cairn.audit")
public record AuditProperties(@DefaultValue("true") boolean enabled,
                              @DefaultValue("sync") Durability durability,
                              String origin,
                              String signingKey,
                              Path signingKeyFile,
                              String masterKey,
                              Path masterKeyFile,
                              @DefaultValue("1s") Duration checkpointInterval,
                              @DefaultValue("auditor") ReadAccess readAccess,
                              @DefaultValue("4096") int maxBatch,
                              @DefaultValue Retention retention) {

    public AuditProperties {
        Settings.positive("cairn.audit.checkpoint-interval", checkpointInterval);
        Settings.atLeast("cairn.audit.max-batch", maxBatch, 1);
        Settings.positive("cairn.audit.retention.hot-period", retention.hotPeriod());
        Settings.positive("cairn.audit.retention.interval", retention.interval());
    }

    public enum Durability { SYNC, ASYNC }

    /** Who may read /log/ (tiles, entry bundles, checkpoints): auditor and admin keys, any key, or anyone. */
    public enum ReadAccess { AUDITOR, ANY_KEY, PUBLIC }

    /**
     * How long entries stay in the database. Older entries move, a whole entry bundle at a
     * time, to {@code archive-dir}; their hashes stay, so every proof keeps working. The EU AI
     * Act asks for at least six months, so a hot period under 183 days is refused unless forced.
     */
    public record Retention(@DefaultValue("400d") Duration hotPeriod,
                            @DefaultValue("false") boolean force,
                            Path archiveDir,
                            @DefaultValue("1h") Duration interval) {
    }
}
