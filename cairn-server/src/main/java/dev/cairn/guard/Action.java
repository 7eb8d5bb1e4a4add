package dev.cairn.guard;

import java.util.Locale;

import dev.cairn.platform.InvalidConfigurationException;

/** What a policy does with a finding, from least to most severe; a text gets the most severe of its findings. */
public enum Action {
    ALLOW, FLAG, REDACT, BLOCK;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Action parse(String value, String where) {
        for (Action action : values()) {
            if (action.wireName().equals(value)) {
                return action;
            }
        }
        throw new InvalidConfigurationException(where + ": '" + value + "' is not an action; use allow, flag, redact or block");
    }

    Action atLeast(Action other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
