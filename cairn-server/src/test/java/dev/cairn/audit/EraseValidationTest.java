package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.support.CairnServerTest;
import org.junit.jupiter.api.Test;

/**
 * Erasure writes its workspace and subject into the permanent log, so both are checked first: a
 * workspace as every other endpoint checks one, a subject bounded and free of control characters.
 */
class EraseValidationTest extends CairnServerTest {

    @Test
    void aWorkspaceWithANulOrFiveThousandCharactersIsRefusedBeforeAnythingIsRecorded() {
        long before = json(get("/v1/audit/entries?type=subject.erased&limit=1000", ADMIN_KEY)).path("data").size();

        assertRefused(post("/v1/audit/subjects/bob/erase?workspace=ws%00evil", ADMIN_KEY, ""), 400, "invalid_workspace", "workspace");
        assertRefused(post("/v1/audit/subjects/bob/erase?workspace=" + "w".repeat(5000), ADMIN_KEY, ""),
                400, "invalid_workspace", "workspace");
        assertRefused(post("/v1/audit/subjects/bob/erase?workspace=caf%C3%A9", ADMIN_KEY, ""), 400, "invalid_workspace", "workspace");

        assertThat(json(get("/v1/audit/entries?type=subject.erased&limit=1000", ADMIN_KEY)).path("data").size()).isEqualTo(before);
    }

    @Test
    void aSubjectWithAControlCharacterOrOver256CharactersIsRefused() {
        // Tomcat itself refuses an encoded NUL in a path; the other control characters reach the check.
        assertThat(post("/v1/audit/subjects/bo%00b/erase?workspace=ws-erase-check", ADMIN_KEY, "").statusCode()).isEqualTo(400);
        assertRefused(post("/v1/audit/subjects/bo%7Fb/erase?workspace=ws-erase-check", ADMIN_KEY, ""), 400, "invalid_subject", "subject");
        assertRefused(post("/v1/audit/subjects/bo%1Bb/erase?workspace=ws-erase-check", ADMIN_KEY, ""), 400, "invalid_subject", "subject");
        assertRefused(post("/v1/audit/subjects/" + "s".repeat(257) + "/erase?workspace=ws-erase-check", ADMIN_KEY, ""),
                400, "invalid_subject", "subject");
        assertThat(post("/v1/audit/subjects/" + "s".repeat(256) + "/erase?workspace=ws-erase-check", ADMIN_KEY, "").statusCode())
                .isEqualTo(200);
    }
}
