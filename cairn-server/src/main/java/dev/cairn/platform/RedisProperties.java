package dev.cairn.platform;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** A shared Redis ({@code cairn.redis.url}, {@code redis://host:port}) for second-level caches and limits; none when empty. */
@ConfigurationProperties("cairn.redis")
public record RedisProperties(String url, @DefaultValue("500ms") Duration timeout) {

    public RedisProperties {
        Settings.positive("cairn.redis.timeout", timeout);
    }
}
