package dev.cairn.platform;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * The database Cairn runs on. SQL stays portable where it can; the places that differ (memory's
 * full-text search, how the job queue claims a job) ask this which one they are talking to.
 */
public enum Dialect {
    SQLITE, POSTGRESQL;

    public static Dialect of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return of(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the database to learn its dialect", e);
        }
    }

    public static Dialect of(Connection connection) throws SQLException {
        String url = connection.getMetaData().getURL();
        if (url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        throw new IllegalStateException("Cairn runs on SQLite or PostgreSQL, not " + url);
    }
}
