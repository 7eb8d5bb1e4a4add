package dev.cairn.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeySecretsTest {

    @Test
    void acceptsOnlyThePrefixAndThirtyTwoToOneHundredTwentyEightBase64UrlCharacters() {
        String body32 = "A".repeat(30) + "_-";
        assertThat(ApiKeySecrets.wellFormed(ApiKeySecrets.newSecret())).isTrue();
        assertThat(ApiKeySecrets.wellFormed("ck_" + body32)).isTrue();
        assertThat(ApiKeySecrets.wellFormed("ck_" + "z9".repeat(64))).isTrue();

        assertThat(ApiKeySecrets.wellFormed(null)).isFalse();
        assertThat(ApiKeySecrets.wellFormed("")).isFalse();
        assertThat(ApiKeySecrets.wellFormed("ck_")).isFalse();
        assertThat(ApiKeySecrets.wellFormed("ck_" + "A".repeat(31))).as("31 characters").isFalse();
        assertThat(ApiKeySecrets.wellFormed("ck_" + "A".repeat(129))).as("129 characters").isFalse();
        assertThat(ApiKeySecrets.wellFormed("CK_" + body32)).as("prefix case").isFalse();
        assertThat(ApiKeySecrets.wellFormed("sk_" + body32)).isFalse();
        assertThat(ApiKeySecrets.wellFormed("ck_" + body32.substring(1) + "=")).as("base64 padding").isFalse();
        assertThat(ApiKeySecrets.wellFormed("ck_" + body32.substring(1) + "+")).as("plain base64").isFalse();
        assertThat(ApiKeySecrets.wellFormed("ck_" + body32.substring(1) + "é")).as("a letter outside ASCII").isFalse();
        assertThat(ApiKeySecrets.wellFormed("ck_" + body32.substring(1) + " ")).isFalse();
        assertThat(ApiKeySecrets.wellFormed(" ck_" + body32)).isFalse();
    }

    @Test
    void hashesAsSha256Hex() {
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1), so that a digest reused across calls would show.
        assertThat(ApiKeySecrets.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ApiKeySecrets.hash("abc")).isEqualTo(ApiKeySecrets.hash("abc"));
        assertThat(ApiKeySecrets.hash("ck_x")).isNotEqualTo(ApiKeySecrets.hash("abc"));
    }

    @Test
    void aFlawNamesWhatIsWrongWithTheFormAndNeverQuotesTheKey() {
        assertThat(ApiKeySecrets.flaw(ApiKeySecrets.newSecret())).isNull();
        assertThat(ApiKeySecrets.flaw("sk-abcdef")).isEqualTo("Cairn keys start with 'ck_'");
        assertThat(ApiKeySecrets.flaw("ck_wrong")).isEqualTo("a Cairn key has 32 to 128 characters after 'ck_', this one has 5");
        assertThat(ApiKeySecrets.flaw("ck_" + "A".repeat(31) + "="))
                .isEqualTo("a Cairn key has only letters, digits, '_' and '-' after 'ck_', this one has another character at 35");
    }
}
