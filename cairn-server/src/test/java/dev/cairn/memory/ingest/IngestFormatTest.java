package dev.cairn.memory.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Formats are named on the wire in lower case, and a name Cairn does not know is refused, not guessed. */
class IngestFormatTest {

    @Test
    void wireNamesRoundTrip() {
        assertThat(IngestFormat.fromWireName("transcript")).isEqualTo(IngestFormat.TRANSCRIPT);
        assertThat(IngestFormat.fromWireName("text")).isEqualTo(IngestFormat.TEXT);
        assertThat(IngestFormat.fromWireName("markdown")).isEqualTo(IngestFormat.MARKDOWN);
        assertThat(IngestFormat.fromWireName("log")).isEqualTo(IngestFormat.LOG);
        assertThat(IngestFormat.fromWireName("diff")).isEqualTo(IngestFormat.DIFF);
        for (IngestFormat format : IngestFormat.values()) {
            assertThat(IngestFormat.fromWireName(format.wireName())).isEqualTo(format);
        }
    }

    @Test
    void unknownAndMissingNamesAreRefusedWithTheNamesThatExist() {
        assertThatThrownBy(() -> IngestFormat.fromWireName("pdf"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown format \"pdf\": expected one of transcript, text, markdown, log, diff");
        assertThatThrownBy(() -> IngestFormat.fromWireName("Markdown"))
                .hasMessage("unknown format \"Markdown\": expected one of transcript, text, markdown, log, diff");
        assertThatThrownBy(() -> IngestFormat.fromWireName(null))
                .hasMessage("format is missing: expected one of transcript, text, markdown, log, diff");
    }
}
