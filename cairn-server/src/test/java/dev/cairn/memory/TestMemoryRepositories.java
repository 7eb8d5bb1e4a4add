package dev.cairn.memory;

import java.security.SecureRandom;
import java.util.Base64;

import javax.sql.DataSource;

import dev.cairn.audit.AuditProperties;
import dev.cairn.audit.KeyFiles;
import dev.cairn.audit.KeyWrappingProperties;
import dev.cairn.audit.MasterKey;
import dev.cairn.platform.Dialect;
import dev.cairn.platform.PlatformProperties;
import dev.cairn.support.Settings;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A memory repository over a test database, sealing under a random master key held in memory only,
 * one for the test JVM (as one server has one), so repositories over a shared database open each
 * other's workspace keys.
 */
final class TestMemoryRepositories {

    private static final MasterKey MASTER = masterKey();

    private TestMemoryRepositories() {
    }

    static MemoryRepository over(DataSource source) {
        return new MemoryRepository(JdbcClient.create(source), new JdbcTemplate(source), Dialect.of(source),
                new MemoryKeys(JdbcClient.create(source), MASTER));
    }

    static MasterKey masterKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        AuditProperties audit = Settings.bind("cairn.audit", AuditProperties.class,
                Settings.of("cairn.audit.master-key", Base64.getEncoder().encodeToString(key)));
        // The master key is given in the settings: no key file is read, so no wrapping key is needed.
        return new MasterKey(audit, new KeyFiles(audit, Settings.bind("cairn", PlatformProperties.class, Settings.of()),
                Settings.bind("cairn.keys", KeyWrappingProperties.class, Settings.of())));
    }
}
