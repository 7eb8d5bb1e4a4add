package dev.cairn.audit;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The key that wraps the master and signing key files ({@code cairn.keys}): base64 of 32 bytes in
 * {@code wrapping-key} (best given as {@code CAIRN_KEYS_WRAPPING_KEY}), or in a file outside the data
 * dir named by {@code wrapping-key-file}. With neither, the key files are stored as they are.
 */
@ConfigurationProperties("cairn.keys")
public record KeyWrappingProperties(String wrappingKey, Path wrappingKeyFile) {

    /** Whether a wrapping key is configured at all. */
    public boolean configured() {
        return (wrappingKey != null && !wrappingKey.isBlank()) || wrappingKeyFile != null;
    }
}
