package dev.cairn.platform;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports a start stopped by a bad setting as its message and what to do, without the stack trace.
 * Ahead of Spring's own bind-failure report, whose "under 'cairn'" says less than the message.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class InvalidConfigurationAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis("Invalid configuration: " + cause.getMessage(),
                "Correct that setting in the --config file or its CAIRN_* environment variable;"
                        + " docs/configuration.md describes every setting.", cause);
    }
}
