package dev.cairn.platform;

/** A request Cairn cannot accept as sent: bad JSON, wrong types, too large, bad parameters. */
public final class RequestException extends CairnException {

    public RequestException(ApiError error) {
        super(error);
    }

    public static RequestException invalid(String code, String param, String message) {
        return new RequestException(ApiError.invalidRequest(code, param, message));
    }
}
