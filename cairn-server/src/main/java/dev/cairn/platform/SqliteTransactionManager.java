package dev.cairn.platform;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;

/**
 * Spring's transactions on SQLite, begun IMMEDIATE unless read-only. A DEFERRED transaction (the
 * driver's default) that reads first and writes after gets SQLITE_BUSY at once, without waiting,
 * when another connection committed in between: SQLite cannot let it write on a stale snapshot.
 * Taking the write lock at BEGIN makes such a transaction wait there, as {@link SqliteBusyWait}
 * says, for any writer; no caller has to catch and rerun it.
 *
 * <p>The driver has already begun a DEFERRED transaction when Spring turns auto-commit off; that
 * one has read nothing and holds no lock, so it is ended and an IMMEDIATE one begun in its place.
 */
class SqliteTransactionManager extends JdbcTransactionManager {

    SqliteTransactionManager(DataSource dataSource) {
        super(dataSource);
    }

    @Override
    protected void prepareTransactionalConnection(Connection connection, TransactionDefinition definition)
            throws SQLException {
        super.prepareTransactionalConnection(connection, definition);
        if (!definition.isReadOnly()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("COMMIT");
                statement.execute("BEGIN IMMEDIATE");
            }
        }
    }
}
