package dev.cairn.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.cairn.guard.Scanner.Direction;
import org.junit.jupiter.api.Test;

/**
 * Each kind of credential found with its exact span, and the look-alikes that must not be. Every key
 * here is made up: it has the right shape and nothing more.
 */
class SecretScannerTest {

    private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IlRlc3QgVXNlciJ9"
            + ".c2lnbmF0dXJlLW5vdC1yZWFsLWp1c3Qtc2hhcGU";

    private final SecretScanner scanner = new SecretScanner();

    private List<String> found(String text) {
        return scanner.scan(text, Direction.INPUT).stream().map(f -> f.category() + "=" + f.span().of(text)).toList();
    }

    @Test
    void findsOpenAiKeysLegacyAndProject() {
        String legacy = "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL";
        String project = "sk-proj-Ab12_Cd34-Ef56Gh78Ij90Kl12Mn34Op56";
        String text = "OPENAI_API_KEY=" + legacy + "\nexport KEY=\"" + project + "\"";

        assertThat(scanner.scan(text, Direction.INPUT)).containsExactly(
                new Finding("secrets", "openai_key", 0.95, new Span(15, 15 + legacy.length())),
                new Finding("secrets", "openai_key", 0.95, new Span(79, 79 + project.length())));
        assertThat(found(text)).containsExactly("openai_key=" + legacy, "openai_key=" + project);
    }

    @Test
    void anAnthropicKeyIsNotAlsoAnOpenAiKey() {
        String key = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCd";
        assertThat(found("x-api-key: " + key)).containsExactly("anthropic_key=" + key);
    }

    @Test
    void shortOrEmbeddedSkStringsAreNotKeys() {
        assertThat(found("task-abcdefghijklmnopqrstuvwxyz and sk-short and disk-abcdefghijklmnopqrstuvwxyz01")).isEmpty();
    }

    @Test
    void findsAnAwsAccessKeyAndTheSecretBesideIt() {
        String id = "AKIAABCDEFGHIJKLMNOP";
        String secret = "abcdEFGHijklMNOPqrstUVWXyz0123456789/+Ab";
        String text = "[default]\naws_access_key_id = " + id + "\nsomething = " + secret + "\n";

        assertThat(found(text)).containsExactly("aws_access_key=" + id, "aws_secret_key=" + secret);
        assertThat(found("ASIAQWERTYUIOPASDFGH")).containsExactly("aws_access_key=ASIAQWERTYUIOPASDFGH");
    }

    @Test
    void takesALabelledAwsSecretButNotAnyFortyCharacters() {
        String secret = "abcdEFGHijklMNOPqrstUVWXyz0123456789/+Ab";
        assertThat(found("\"SecretAccessKey\": \"" + secret + "\"")).containsExactly("aws_secret_key=" + secret);
        assertThat(found("commit " + secret + " and AKIAlowercase1234567")).isEmpty();
    }

    @Test
    void findsGithubAndSlackTokens() {
        String classic = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
        String fine = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH";
        String slack = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";

        assertThat(found(classic + " " + fine + " " + slack)).containsExactly(
                "github_token=" + classic, "github_token=" + fine, "slack_token=" + slack);
        assertThat(found("ghp_tooShort xoxq-123456789012")).isEmpty();
    }

    @Test
    void findsAJwtWhoseHeaderNamesAnAlgorithm() {
        String text = "Authorization: Bearer " + JWT;
        assertThat(scanner.scan(text, Direction.INPUT))
                .containsExactly(new Finding("secrets", "jwt", 0.95, new Span(22, 22 + JWT.length())));
    }

    @Test
    void dottedStringsThatAreNotJwtsAreNotTaken() {
        // Header is JSON but has no "alg"; then a header that is not JSON; then a host name.
        assertThat(found("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2ln eyJub3QganNvbg.eyJhIjoxfQ.x api.example.com"))
                .isEmpty();
    }

    @Test
    void takesAWholePemPrivateKeyBlockAcrossLines() {
        String block = """
                -----BEGIN RSA PRIVATE KEY-----
                MIIEowIBAAKCAQEAfakefakefakefakefakefakefakefakefakefakefake
                bm90IGEgcmVhbCBrZXksIGp1c3QgdGhlIHNoYXBlIG9mIG9uZQ==
                -----END RSA PRIVATE KEY-----""";
        String text = "key:\n" + block + "\nthanks";

        assertThat(scanner.scan(text, Direction.INPUT))
                .containsExactly(new Finding("secrets", "private_key", 1.0, new Span(5, 5 + block.length())));
        assertThat(found("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .containsExactly("private_key=-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----");
    }

    @Test
    void aKeyShapedLineInsideAPrivateKeyBlockIsPartOfTheBlock() {
        String text = "-----BEGIN PRIVATE KEY-----\nAKIAABCDEFGHIJKLMNOP\n-----END PRIVATE KEY-----";
        assertThat(found(text)).containsExactly("private_key=" + text);
    }

    @Test
    void aPublicKeyOrAnUnterminatedBlockIsNotAPrivateKey() {
        assertThat(found("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")).isEmpty();
        assertThat(found("-----BEGIN PRIVATE KEY-----\nAAAA truncated")).isEmpty();
    }
}
