package dev.cairn.memory;

import dev.cairn.platform.PlatformProperties;
import dev.cairn.platform.embedding.LocalEmbedder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The process's one in-process embedding model, shared by memory's recall and the guard's semantic
 * stage. Defined here, where its thread count is configured ({@code cairn.memory.embedding.threads}),
 * since platform reads no feature's settings.
 */
@Configuration(proxyBeanMethods = false)
class LocalEmbedderConfig {

    @Bean
    LocalEmbedder localEmbedder(PlatformProperties platform, MemoryProperties memory) {
        return new LocalEmbedder(platform.dataDir(), memory.embedding().threads());
    }
}
