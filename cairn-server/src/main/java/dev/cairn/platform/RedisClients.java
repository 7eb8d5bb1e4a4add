package dev.cairn.platform;

import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;

/**
 * Redis clients as every feature that shares {@code cairn.redis.url} wants them: commands and
 * connects bounded by {@code cairn.redis.timeout}, and commands refused at once while disconnected
 * rather than queued, so a request never waits for a Redis that is down.
 */
public final class RedisClients {

    private RedisClients() {
    }

    /** A client with those options; {@code autoReconnect} false for a user that reconnects on its own schedule. */
    public static RedisClient create(String url, Duration timeout, boolean autoReconnect) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(timeout);
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(autoReconnect)
                .build());
        return client;
    }
}
