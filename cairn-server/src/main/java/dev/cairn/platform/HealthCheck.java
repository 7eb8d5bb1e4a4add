package dev.cairn.platform;

/**
 * One named part of readiness, contributed as a bean by the feature that owns what it checks, so
 * that {@link HealthController} reports every feature without importing any.
 *
 * <p>/health/ready lists the checks in their {@link org.springframework.core.annotation.Order}, lowest
 * first; a check that throws is reported DOWN with the exception's class name.
 */
public interface HealthCheck {

    /** The key of this check under {@code checks} in /health/ready. */
    String name();

    Health check();
}
