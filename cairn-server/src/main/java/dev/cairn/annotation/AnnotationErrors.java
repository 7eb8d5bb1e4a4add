package dev.cairn.annotation;

import dev.cairn.platform.ApiError;
import dev.cairn.platform.RequestException;

/** The refusals of the annotation API, each in the OpenAI error shape. */
final class AnnotationErrors {

    private AnnotationErrors() {
    }

    static RequestException invalid(String param, String message) {
        return RequestException.invalid("invalid_value", param, message);
    }

    /** An unknown queue and one of another workspace get the same answer, so ids cannot be probed. */
    static RequestException queueNotFound(String id) {
        return new RequestException(new ApiError(404, "invalid_request_error", "queue_not_found", "id",
                "No annotation queue '" + id + "'"));
    }

    static RequestException notLeased(String queue, long item) {
        return new RequestException(new ApiError(409, "invalid_request_error", "lease_not_held", "item",
                "Item " + item + " of queue '" + queue + "' is not leased to this key: never claimed, already submitted, "
                        + "or its lease expired and it went back to the queue"));
    }
}
