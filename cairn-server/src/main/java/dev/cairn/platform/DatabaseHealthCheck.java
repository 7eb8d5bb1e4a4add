package dev.cairn.platform;

import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Readiness of the database: it answers a {@code SELECT 1}. */
@Component
@Order(100)
class DatabaseHealthCheck implements HealthCheck {

    private final JdbcTemplate jdbc;

    DatabaseHealthCheck(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public Health check() {
        boolean answers = Integer.valueOf(1).equals(jdbc.queryForObject("SELECT 1", Integer.class));
        return Health.of(answers ? Health.Status.UP : Health.Status.DOWN);
    }
}
