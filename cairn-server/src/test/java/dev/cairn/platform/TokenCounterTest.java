package dev.cairn.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

/** Long texts are counted a slice at a time: nearly the whole text's count, and a huge run of one word does not exhaust the heap. */
class TokenCounterTest {

    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    private final TokenCounter counter = new TokenCounter();

    @Test
    void shortTextsCountExactlyAsTheTokenizerDoes() {
        String text = "Cairn keeps a verifiable log of every call it routes.";
        assertThat(counter.count(text)).isEqualTo(CL100K.countTokensOrdinary(text)).isPositive();
        assertThat(counter.count("")).isZero();
        assertThat(counter.count(null)).isZero();
    }

    @Test
    void longProseIsCountedInSlicesCutBeforeASpace() {
        String prose = "The retention job deletes audit entries older than the configured period. ".repeat(3000);
        int whole = CL100K.countTokensOrdinary(prose);
        int cuts = prose.length() / (TokenCounter.SLICE / 2);
        assertThat(counter.count(prose)).isBetween(whole - cuts, whole + cuts);
    }

    @Test
    void aRunOfMillionsOfCharactersWithoutSpacesIsCounted() {
        String run = "x".repeat(4_000_000); // one pretoken: whole, it ran the server's 512 MB heap out (checked by hand, see the commit)
        int tokens = counter.count(run);
        assertThat(tokens).isBetween(run.length() / 16, run.length());
    }
}
