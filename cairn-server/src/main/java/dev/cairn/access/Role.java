package dev.cairn.access;

import java.util.Locale;

/**
 * What a key may do: annotators only work the annotation queues of their workspace; users also call
 * models; auditors also read the audit log and its proofs; admins also manage keys and everything
 * else. Each role includes the ones before it.
 */
public enum Role {
    ANNOTATOR, USER, AUDITOR, ADMIN;

    public boolean includes(Role other) {
        return ordinal() >= other.ordinal();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.wireName().equals(text)) {
                return role;
            }
        }
        throw AccessException.invalidField("role", "'role' must be one of annotator, user, auditor, admin");
    }
}
