package dev.cairn.platform;

/**
 * A {@code cairn.*} setting Cairn cannot start with. The message names the key and says why, and is
 * all an operator sees: {@link InvalidConfigurationAnalyzer} prints it instead of a stack trace.
 */
public final class InvalidConfigurationException extends IllegalArgumentException {

    public InvalidConfigurationException(String message) {
        super(message);
    }

    public InvalidConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
