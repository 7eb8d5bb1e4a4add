package dev.cairn.ledger;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** C2SP tlog-tiles entry bundles: each entry as a big-endian uint16 length followed by its bytes. */
public final class EntryBundle {

    /** The largest entry a bundle can carry. */
    public static final int MAX_ENTRY_SIZE = 0xFFFF;

    private EntryBundle() {
    }

    public static byte[] encode(List<byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] entry : entries) {
            if (entry.length > MAX_ENTRY_SIZE) {
                throw new IllegalArgumentException("an entry bundle holds entries of at most "
                        + MAX_ENTRY_SIZE + " bytes, got " + entry.length);
            }
            out.write(entry.length >>> 8);
            out.write(entry.length & 0xFF);
            out.writeBytes(entry);
        }
        return out.toByteArray();
    }

    /** Splits a bundle into its entries; a truncated length or entry, or trailing bytes, is an error. */
    public static List<byte[]> decode(byte[] bundle) throws VerificationException {
        List<byte[]> entries = new ArrayList<>();
        int at = 0;
        while (at < bundle.length) {
            if (at + 2 > bundle.length) {
                throw new VerificationException("entry bundle ends inside the length of entry " + entries.size());
            }
            int length = ((bundle[at] & 0xFF) << 8) | (bundle[at + 1] & 0xFF);
            at += 2;
            if (at + length > bundle.length) {
                throw new VerificationException("entry bundle ends inside entry " + entries.size());
            }
            byte[] entry = new byte[length];
            System.arraycopy(bundle, at, entry, 0, length);
            entries.add(entry);
            at += length;
        }
        return entries;
    }
}
