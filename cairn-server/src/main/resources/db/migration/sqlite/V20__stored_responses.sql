-- Stored responses of POST /v1/responses (store: true): each resp_… id and where its content is.
-- Only ids and parameters live here; the input and the answer are the sealed content of the
-- request's audit entry (request_id), so erasing the subject's key erases the response too.
-- thread_id is the memory thread the response's chain uses. Times are epoch milliseconds, UTC;
-- deleted_at is set by DELETE /v1/responses/{id}, after which the response is neither read nor continued.
CREATE TABLE stored_responses (
    id                   TEXT    PRIMARY KEY,
    workspace            TEXT    NOT NULL,
    key_id               TEXT,
    request_id           TEXT    NOT NULL,
    previous_response_id TEXT,
    thread_id            TEXT,
    model                TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    created_at           INTEGER NOT NULL,
    deleted_at           INTEGER
);
