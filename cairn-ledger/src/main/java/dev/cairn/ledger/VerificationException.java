package dev.cairn.ledger;

/** A proof, signature, tile or entry that does not verify; the message says which and where. */
public class VerificationException extends Exception {

    public VerificationException(String message) {
        super(message);
    }

    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
