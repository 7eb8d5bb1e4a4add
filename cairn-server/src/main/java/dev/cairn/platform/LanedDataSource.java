package dev.cairn.platform;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The server's one {@link DataSource}, made of two pools: the writers' (threads on the
 * {@link WriterLane}) and everyone else's. Spring binds a transaction's connection to this data
 * source, so every repository and transaction manager works unchanged on either lane; which pool
 * a connection comes from depends only on the thread that asks.
 */
final class LanedDataSource implements DataSource, AutoCloseable {

    private final HikariDataSource requests;
    private final HikariDataSource writers;

    LanedDataSource(HikariDataSource requests, HikariDataSource writers) {
        this.requests = requests;
        this.writers = writers;
    }

    private HikariDataSource pool() {
        return WriterLane.current() ? writers : requests;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return pool().getConnection(username, password);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return requests.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        requests.setLogWriter(out);
        writers.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        requests.setLoginTimeout(seconds);
        writers.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return requests.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return requests.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return type.isInstance(this) ? type.cast(this) : requests.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return type.isInstance(this) || requests.isWrapperFor(type);
    }

    @Override
    public void close() {
        writers.close();
        requests.close();
    }
}
