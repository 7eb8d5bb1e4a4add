package dev.cairn.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import dev.cairn.platform.Ids;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Workspace memory keys: made once, kept only wrapped, and never used unless the database kept them. */
class MemoryKeysTest {

    @TempDir
    Path dir;

    private static MemoryItem item(String workspace, String content) {
        Instant now = Instant.now();
        return new MemoryItem(Ids.newId("mem"), workspace, null, ItemKind.FACT, content, null, "{}", now, 0.5, null, null, null, 3,
                null, now, now);
    }

    @Test
    void aKeyMadeInATransactionThatRolledBackIsNotUsedAfterwards() {
        try (TestDatabase db = TestDatabases.sqlite(dir)) {
            MemoryRepository repository = TestMemoryRepositories.over(db.source());
            TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(db.source()));
            repository.ensureWorkspace("ws");
            assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
                repository.insertItems(List.of(item("ws", "first try")));
                throw new IllegalStateException("rolled back");
            })).hasMessage("rolled back");

            MemoryItem kept = item("ws", "the aisle seat, always");
            transaction.executeWithoutResult(status -> repository.insertItems(List.of(kept)));

            // A process started afresh (no cached key) opens it with the key the database holds.
            MemoryRepository restarted = TestMemoryRepositories.over(db.source());
            assertThat(restarted.item("ws", kept.id()).orElseThrow().content()).isEqualTo("the aisle seat, always");
            // The key is stored wrapped only, never as its 32 raw bytes.
            byte[] wrapped = JdbcClient.create(db.source()).sql("SELECT wrapped_key FROM memory_keys WHERE workspace = 'ws'").query(byte[].class).single();
            assertThat(wrapped).hasSize(12 + 32 + 16);
        }
    }
}
