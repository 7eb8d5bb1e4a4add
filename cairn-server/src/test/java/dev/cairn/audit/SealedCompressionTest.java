package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;

import dev.cairn.platform.Ids;
import dev.cairn.platform.JsonBodies;
import dev.cairn.support.TestDatabases;
import dev.cairn.support.TestDatabases.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sealed content is deflated before it is encrypted when the recorder says all of it is the caller's
 * own, marked {@code "zip":"DEF"}; content sealed without the marker (every entry written before,
 * and what may not be compressed) opens as it always did.
 */
class SealedCompressionTest {

    @TempDir
    static Path dir;

    private static TestDatabase db;
    private static TestAuditLog audit;

    @BeforeAll
    static void startTheLog() {
        db = TestDatabases.sqlite(dir);
        audit = TestAuditLog.on(db.source());
    }

    @AfterAll
    static void stopTheLog() {
        audit.close();
        db.close();
    }

    /** A conversation whose answer repeats much of its prompt, as answers do. */
    private static ObjectNode conversation() {
        String turn = "My order 4471 has not arrived; it was meant to come to 12 Rue des Lilas in Lyon last week. ";
        ObjectNode personal = JsonBodies.JSON.createObjectNode();
        personal.putArray("messages").addObject().put("role", "user").put("content", turn.repeat(20));
        personal.putArray("choices").addObject().putObject("message").put("role", "assistant")
                .put("content", "About your order: " + turn.repeat(10));
        return personal;
    }

    private static String record(ObjectNode personal, boolean compressible) {
        String id = Ids.newId("req");
        audit.log().record(new AuditEvent("gateway.chat.completions", id, Instant.now(), "ws_zip", "key_zip", null, "dana",
                JsonBodies.JSON.createObjectNode().put("route", "chat.completions"), personal, compressible));
        return id;
    }

    private static int ciphertextLength(JsonNode entry) {
        return Base64.getDecoder().decode(entry.path("sealed").path("ct").asString()).length;
    }

    @Test
    void theCallersOwnContentIsDeflatedThenSealedAndOpensAsItWas() {
        ObjectNode personal = conversation();

        String id = record(personal, true);

        JsonNode entry = audit.entry(id);
        assertThat(entry.path("sealed").path("zip").asString()).isEqualTo("DEF");
        assertThat(entry.path("sealed").path("alg").asString()).isEqualTo("A256GCM");
        assertThat(ciphertextLength(entry)).as("smaller than the plaintext it seals")
                .isLessThan(CanonicalJson.bytes(personal).length / 5);
        assertThat(audit.personal(id)).isEqualTo(personal);
    }

    @Test
    void contentNotKnownToBeTheCallersOwnIsSealedAsItIsAndOpensAsEntriesWrittenBeforeDo() {
        ObjectNode personal = conversation();

        String id = record(personal, false);

        JsonNode entry = audit.entry(id);
        assertThat(entry.path("sealed").has("zip")).as("the format before: no marker").isFalse();
        assertThat(ciphertextLength(entry)).as("nonce, plaintext, tag").isEqualTo(12 + CanonicalJson.bytes(personal).length + 16);
        assertThat(audit.personal(id)).isEqualTo(personal);
    }

    @Test
    void contentThatDeflatingWouldNotShrinkIsSealedAsItIs() {
        ObjectNode personal = JsonBodies.JSON.createObjectNode().put("user", "dana");

        String id = record(personal, true);

        assertThat(audit.entry(id).path("sealed").has("zip")).isFalse();
        assertThat(audit.personal(id)).isEqualTo(personal);
    }

    @Test
    void aTruncatedStreamIsRefusedNotReadShort() {
        byte[] deflated = SealedCompression.deflate("a".repeat(10_000).getBytes(StandardCharsets.UTF_8));

        assertThat(deflated).isNotNull();
        assertThatThrownBy(() -> SealedCompression.inflate(Arrays.copyOf(deflated, 3))).isInstanceOf(DataFormatException.class);
    }
}
