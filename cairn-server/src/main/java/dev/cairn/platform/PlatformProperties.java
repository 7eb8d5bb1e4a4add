package dev.cairn.platform;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.util.unit.DataSize;

/**
 * The settings every feature shares: where Cairn listens and keeps its files, how large a request
 * body any route reads, the access log and who may scrape /metrics. Bound at {@code cairn}, it reads
 * only its own keys; each feature's record reads the others.
 */
@ConfigurationProperties("cairn")
public record PlatformProperties(@DefaultValue("8080") int port,
                                 @DefaultValue("./data") Path dataDir,
                                 @DefaultValue Bodies gateway,
                                 @DefaultValue Logging logging,
                                 @DefaultValue Metrics metrics) {

    public PlatformProperties {
        if (port < 0 || port > 65535) {
            throw Settings.invalid("cairn.port", "must be a TCP port from 0 to 65535, not " + port);
        }
        if (dataDir == null || dataDir.toString().isBlank()) {
            throw Settings.invalid("cairn.data-dir", "must name a directory");
        }
        if (gateway.maxBodySize() == null || gateway.maxBodySize().toBytes() <= 0) {
            throw Settings.invalid("cairn.gateway.max-body-size", "must be larger than 0, not " + gateway.maxBodySize());
        }
    }

    /** The largest request body any route reads ({@code cairn.gateway.max-body-size}); larger ones get 413. */
    public record Bodies(@DefaultValue("4MB") DataSize maxBodySize) {
    }

    /**
     * Whether each finished request gets one JSON log line. Off by default: the usage ledger
     * already keeps every gateway request with its trace id, and a log line per request costs a
     * noticeable share of the gateway's CPU at thousands of requests per second.
     */
    public record Logging(@DefaultValue("false") boolean accessLog) {
    }

    /** Whether /metrics may be scraped without an admin key ({@code cairn.metrics.public}). */
    public record Metrics(@Name("public") @DefaultValue("false") boolean isPublic) {
    }
}
