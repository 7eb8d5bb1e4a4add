-- Annotator keys (issue 28): they may only work annotation queues of their workspace.
ALTER TABLE api_keys ADD COLUMN is_annotator INTEGER NOT NULL DEFAULT 0;

-- Annotation queues (/v1/annotation/queues). spec is the queue's filter and questions as the API
-- took them; lease_ms is how long a claim holds an item. Times are epoch milliseconds, UTC.
CREATE TABLE annotation_queues (
    id                  TEXT    PRIMARY KEY,
    workspace           TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    spec                TEXT    NOT NULL,
    annotators_per_item INTEGER NOT NULL,
    lease_ms            INTEGER  NOT NULL,
    created_by          TEXT    NOT NULL,
    created_at          INTEGER  NOT NULL
);
CREATE INDEX annotation_queues_workspace ON annotation_queues (workspace);
-- The interactions a queue asks about, fixed when it is created: numbered from 1 in log order.
CREATE TABLE annotation_items (
    queue_id   TEXT    NOT NULL,
    item_no    INTEGER NOT NULL,
    request_id TEXT    NOT NULL,
    log_index  INTEGER  NOT NULL,
    PRIMARY KEY (queue_id, item_no)
);
-- One row per item handed to an annotator (key id): the primary key is what keeps an annotator
-- from getting an item twice. A lease past lease_until no longer counts against the item's quota.
CREATE TABLE annotation_assignments (
    queue_id     TEXT    NOT NULL,
    item_no      INTEGER NOT NULL,
    annotator    TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    claimed_at   INTEGER  NOT NULL,
    lease_until  INTEGER  NOT NULL,
    submitted_at INTEGER,
    PRIMARY KEY (queue_id, item_no, annotator)
);
CREATE INDEX annotation_assignments_by_annotator ON annotation_assignments (queue_id, annotator);
-- Submitted answers, kept beside the feedback entries they were recorded as, for agreement.
CREATE TABLE annotation_answers (
    queue_id  TEXT    NOT NULL,
    item_no   INTEGER NOT NULL,
    annotator TEXT    NOT NULL,
    question  TEXT    NOT NULL,
    answer    TEXT    NOT NULL,
    PRIMARY KEY (queue_id, item_no, annotator, question)
);
