package dev.cairn.audit;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * DEFLATE (RFC 1951, raw) of sealed content before it is encrypted, marked in the entry by
 * {@code "zip":"DEF"} as JWE (RFC 7516 §4.1.3) marks it; content sealed without the marker (every
 * entry written before) is opened as it was. Why compressing before encrypting leaks nothing here:
 * docs/audit-format.md.
 */
final class SealedCompression {

    /** The marker's member and value in {@code sealed}. */
    static final String MEMBER = "zip";
    static final String DEFLATE = "DEF";
    /** Below this a DEFLATE block's overhead is rarely won back. */
    static final int MIN_LENGTH = 128;
    /**
     * What content may inflate to: far above the largest request body and answer Cairn accepts
     * (it is authenticated, so only Cairn wrote it), and a bound on memory whatever a bug wrote.
     */
    static final int MAX_INFLATED = 256 << 20;

    private SealedCompression() {
    }

    /** The content deflated, or null when deflating does not make it smaller. */
    static byte[] deflate(byte[] plain) {
        if (plain.length < MIN_LENGTH) {
            return null;
        }
        // Level 1: the repeated text of requests (a conversation's earlier turns, n similar answers,
        // JSON member names) goes at the fastest level nearly as well as at the default, for a
        // fraction of the CPU on the request path.
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(plain);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, plain.length / 4));
            byte[] buffer = new byte[Math.min(64 << 10, plain.length + 64)];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
                if (out.size() >= plain.length) {
                    return null;
                }
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    static byte[] inflate(byte[] deflated) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.length * 4);
            byte[] buffer = new byte[64 << 10];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("truncated deflate stream");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_INFLATED) {
                    throw new DataFormatException("sealed content inflates past " + MAX_INFLATED + " bytes");
                }
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}
