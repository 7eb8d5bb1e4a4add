package dev.cairn.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;

/**
 * A key's name is read by people, in key lists and in the audit log, so it may not hide a NUL, an
 * escape sequence, a right-to-left override or a zero-width character, nor run on for pages.
 */
class KeyNameTest extends CairnServerTest {

    @Test
    void namesWithControlOrInvisibleFormatCharactersAreRefusedNamingTheField() {
        for (String escaped : new String[] {"lap\\u0000top", "evil\\u001b[31m", "admin\\u202Egpj.exe", "a\\u2066b\\u2069",
                "zero\\u200Bwidth", "bom\\uFEFF"}) {
            assertRefused(post("/admin/keys", ADMIN_KEY, """
                    {"workspace":"ws-key-names","name":"%s"}""".formatted(escaped)), 400, "invalid_value", "name");
        }
    }

    @Test
    void overlongNamesAreRefusedAndPlainOnesInAnyScriptAreKept() {
        assertRefused(post("/admin/keys", ADMIN_KEY, """
                {"workspace":"ws-key-names","name":"%s"}""".formatted("n".repeat(101))), 400, "invalid_value", "name");
        assertThat(post("/admin/keys", ADMIN_KEY, """
                {"workspace":"ws-key-names","name":"Zoë's laptop (מחשב) 笔记本"}""").statusCode()).isEqualTo(201);
    }
}
