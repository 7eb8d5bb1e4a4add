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

    /** An archived queue hands out and takes nothing, and its filter and questions no longer change. */
    static RequestException archived(String queue) {
        return new RequestException(new ApiError(409, "invalid_request_error", "queue_archived", "id",
                "Annotation queue '" + queue + "' is archived: it hands out no items and takes no submissions or changes; "
                        + "the feedback its answers were recorded as stays in the audit log"));
    }

    static RequestException answered(String queue, long items, String param) {
        return new RequestException(new ApiError(409, "invalid_request_error", "queue_has_answers", param,
                "Annotation queue '" + queue + "' has answers for " + items + " item(s): they were given to these questions "
                        + "about these interactions, and its progress and agreement would mix them with answers to others. "
                        + "Create a new queue with the new filter or questions (and archive this one if it is done)"));
    }
}
