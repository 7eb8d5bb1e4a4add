package dev.cairn.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

/** C2SP signed notes against the vectors in {@code conformance/README.md}. */
class SignedNoteTest {

    private static final String DASH = "\u2014 ";

    @Test
    void verifiesTheSpecExample() throws Exception {
        NoteVerifier verifier = NoteVerifier.parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
        String note = "This is an example message.\n\n" + DASH
                + "example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

        SignedNote opened = SignedNote.open(note, List.of(verifier));

        assertThat(opened.text()).isEqualTo("This is an example message.\n");
        assertThat(opened.format()).isEqualTo(note);
        assertThat(verifier.vkey()).isEqualTo("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
    }

    @Test
    void signsDeterministicallyByteForByte() throws Exception {
        NoteSigner signer = NoteSigner.parse("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
        String text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";

        assertThat(signer.verifier().vkey()).isEqualTo("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
        assertThat(signer.signatureLine(text)).isEqualTo(DASH
                + "PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");
        assertThat(signer.skey()).isEqualTo("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
        assertThat(SignedNote.open(signer.sign(text), List.of(signer.verifier())).text()).isEqualTo(text);
    }

    @Test
    void verifiesTheGoChecksumDatabaseCheckpoint() throws Exception {
        NoteVerifier verifier = NoteVerifier.parse("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8");
        String body = "go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n";
        String note = body + "\n" + DASH
                + "sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n";

        Checkpoint checkpoint = Checkpoint.open(note, verifier);

        assertThat(checkpoint.origin()).isEqualTo("go.sum database tree");
        assertThat(checkpoint.size()).isEqualTo(6476701);
        assertThat(checkpoint.body()).isEqualTo(body);
        String altered = note.replace("6476701", "6476702");
        assertThatThrownBy(() -> Checkpoint.open(altered, verifier))
                .isInstanceOf(VerificationException.class).hasMessageContaining("invalid signature");
    }

    @Test
    void aGeneratedKeyRoundTripsThroughItsStrings() throws Exception {
        NoteSigner signer = NoteSigner.generate("cairn.example/log");
        NoteSigner again = NoteSigner.parse(signer.skey());
        NoteVerifier verifier = NoteVerifier.parse(signer.verifier().vkey());

        String note = again.sign("hello\n");

        assertThat(again.verifier()).isEqualTo(signer.verifier());
        assertThat(SignedNote.open(note, List.of(verifier)).verifiedBy(List.of(verifier))).containsExactly(verifier);
        assertThat(signer.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void refusesNotesItCannotTrust() throws Exception {
        NoteSigner signer = NoteSigner.generate("log.example");
        NoteSigner stranger = NoteSigner.generate("other.example");
        String note = signer.sign("size 1\n");

        assertThatThrownBy(() -> SignedNote.open(note, List.of(stranger.verifier())))
                .isInstanceOf(VerificationException.class).hasMessageContaining("no signature by a known key");
        assertThatThrownBy(() -> SignedNote.open(note.replace("size 1", "size 2"), List.of(signer.verifier())))
                .isInstanceOf(VerificationException.class).hasMessageContaining("invalid signature");
        assertThatThrownBy(() -> SignedNote.open("size 1\n" + signer.signatureLine("size 1\n"), List.of(signer.verifier())))
                .isInstanceOf(VerificationException.class).hasMessageContaining("no blank line");
        assertThatThrownBy(() -> SignedNote.open(note + signer.signatureLine("size 1\n"), List.of(signer.verifier())))
                .isInstanceOf(VerificationException.class).hasMessageContaining("signed twice");
        assertThatThrownBy(() -> SignedNote.parse("bad\u0007text\n\n" + signer.signatureLine("x\n")))
                .isInstanceOf(VerificationException.class).hasMessageContaining("control character");
        assertThatThrownBy(() -> SignedNote.parse(new byte[] {'a', (byte) 0xC3, '\n', '\n'}))
                .isInstanceOf(VerificationException.class).hasMessageContaining("not UTF-8");
    }

    @Test
    void acceptsANoteCosignedByAnUnknownWitness() throws Exception {
        NoteSigner log = NoteSigner.generate("log.example");
        NoteSigner witness = NoteSigner.generate("witness.example");
        String text = "log.example\n1\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n";
        String note = log.sign(text) + witness.signatureLine(text);

        SignedNote opened = SignedNote.open(note, List.of(log.verifier()));

        assertThat(opened.signatures()).hasSize(2);
        assertThat(opened.verifiedBy(List.of(log.verifier(), witness.verifier())))
                .containsExactly(log.verifier(), witness.verifier());
    }

    @Test
    void refusesMalformedKeyStrings() {
        String good = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
        assertThatThrownBy(() -> NoteVerifier.parse(good.replace("530d903a", "530d903b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
        assertThatThrownBy(() -> NoteVerifier.parse("example.com/foo"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoteVerifier.parse("example.com/foo+530d903a+AAAA"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> NoteSigner.parse(good))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PRIVATE+KEY+");
        assertThatThrownBy(() -> NoteSigner.generate("has space"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checkpointBodiesParseStrictly() throws Exception {
        byte[] root = Hashes.leafHash("x".getBytes(StandardCharsets.UTF_8));
        Checkpoint checkpoint = new Checkpoint("log.example", 42, root, List.of("— time 1700000000"));

        assertThat(Checkpoint.parse(checkpoint.body())).isEqualTo(checkpoint);
        assertThatThrownBy(() -> Checkpoint.parse("log.example\n042\n" + Base64.getEncoder().encodeToString(root) + "\n"))
                .isInstanceOf(VerificationException.class).hasMessageContaining("size");
        assertThatThrownBy(() -> Checkpoint.parse("log.example\n1\nAAAA\n"))
                .isInstanceOf(VerificationException.class).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> Checkpoint.parse("log.example\n1\n"))
                .isInstanceOf(VerificationException.class);
    }
}
