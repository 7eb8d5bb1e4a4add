package dev.cairn.platform;

/**
 * The base of every error Cairn reports to a client: each feature has one subclass, and
 * {@link ApiExceptionHandler} turns any of them into the OpenAI error shape with its status.
 */
public abstract class CairnException extends RuntimeException {

    private final ApiError error;

    protected CairnException(ApiError error) {
        super(error.message());
        this.error = error;
    }

    protected CairnException(ApiError error, Throwable cause) {
        super(error.message(), cause);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
