package dev.cairn.gateway;

/** The client closed its connection mid-stream; whatever is still running for it should stop. */
public final class ClientGoneException extends RuntimeException {

    public ClientGoneException(Throwable cause) {
        super("client disconnected", cause);
    }
}
