package dev.cairn.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;

import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Key storage and authentication on both SQLite and PostgreSQL, with the same assertions. */
class ApiKeyRepositoryTest {

    @TempDir
    static Path dir;

    static Stream<TestDatabase> databases() {
        return Stream.of(TestDatabases.sqlite(dir), TestDatabases.postgres());
    }

    /** A key whose creation cannot be audited does not exist afterwards: its secret was never handed out. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aKeyWhoseCreationCannotBeAuditedIsNotKept(TestDatabase db) {
        try (db) {
            ApiKeyRepository repository = new ApiKeyRepository(JdbcClient.create(db.source()));
            ApiKeyService keys = new ApiKeyService(repository, event -> {
                throw new IllegalStateException("the audit log is away");
            });
            String workspace = "ws-unaudited-" + System.nanoTime();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.create(workspace, "k", Role.ADMIN, List.of(), null))
                    .hasMessage("the audit log is away");
            assertThat(keys.list(workspace)).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> keys.create(workspace, "k", Role.USER,
                            java.util.Collections.nCopies(ApiKeyService.MAX_ALLOWED_MODELS + 1, "m"), null))
                    .isInstanceOf(AccessException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesOnlyTheHashAndAuthenticatesUntilRevoked(TestDatabase db) {
        try (db) {
            ApiKeyRepository repository = new ApiKeyRepository(JdbcClient.create(db.source()));
            ApiKeyService keys = new ApiKeyService(repository, event -> { });
            ApiKeyService.CreatedKey created = keys.create("ws-a", "first", Role.USER, List.of("cairn/echo", "fake/*"), null);

            String stored = JdbcClient.create(db.source()).sql("SELECT secret_hash FROM api_keys WHERE id = ?")
                    .param(created.key().id()).query(String.class).single();
            assertThat(stored).isEqualTo(ApiKeySecrets.hash(created.secret())).doesNotContain(created.secret());
            assertThat(created.secret()).startsWith("ck_").hasSizeGreaterThan(40);

            Principal principal = keys.authenticate(created.secret());
            assertThat(principal.workspace()).isEqualTo("ws-a");
            assertThat(principal.mayUse("fake/gpt")).isTrue();
            assertThat(principal.mayUse("other/gpt")).isFalse();

            assertThat(repository.findById(created.key().id()).orElseThrow().allowedModels())
                    .containsExactly("cairn/echo", "fake/*");
            assertThat(keys.list("ws-a")).extracting(ApiKey::id).containsExactly(created.key().id());
            assertThat(keys.list("ws-b")).isEmpty();

            ApiKey revoked = keys.revoke(created.key().id(), null);
            assertThat(revoked.revokedAt()).isNotNull();
            assertThatThrownBy(() -> keys.authenticate(created.secret()))
                    .isInstanceOfSatisfying(AccessException.class, e -> assertThat(e.error().code()).isEqualTo("revoked_api_key"));
            assertThatThrownBy(() -> keys.revoke("key_missing", null)).isInstanceOf(AccessException.class);
            keys.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void lastUsedOnlyMovesForwardAndBootstrapKeyIsIdempotent(TestDatabase db) {
        try (db) {
            ApiKeyRepository repository = new ApiKeyRepository(JdbcClient.create(db.source()));
            ApiKeyService keys = new ApiKeyService(repository, event -> { });
            String secret = "ck_" + "b".repeat(43);
            ApiKey first = keys.ensureBootstrapAdmin(secret);
            ApiKey second = keys.ensureBootstrapAdmin(secret);
            assertThat(second.id()).isEqualTo(first.id());
            assertThat(first.admin()).isTrue();
            assertThatThrownBy(() -> keys.ensureBootstrapAdmin("short")).isInstanceOf(IllegalArgumentException.class);

            Instant later = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            repository.touchLastUsed(first.id(), later);
            repository.touchLastUsed(first.id(), later.minusSeconds(60));
            assertThat(repository.findById(first.id()).orElseThrow().lastUsedAt()).isEqualTo(later);

            keys.authenticate(secret);
            keys.close(); // flushes pending last-used times
            assertThat(repository.findById(first.id()).orElseThrow().lastUsedAt()).isAfterOrEqualTo(later);
        }
    }
}
