-- Guard policy rules set through the admin API, on top of the configured ones: one row per
-- workspace and scanner. A null action or threshold keeps the configured value of that field.
-- Times are epoch milliseconds, UTC; updated_by is the admin key that made the change.
CREATE TABLE guard_policies (
    workspace  TEXT             NOT NULL,
    scanner    TEXT             NOT NULL,
    action     TEXT             CHECK (action IN ('allow', 'flag', 'redact', 'block')),
    threshold  DOUBLE PRECISION CHECK (threshold >= 0 AND threshold <= 1),
    updated_at BIGINT           NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (workspace, scanner)
);
-- One row whose version goes up with every change, in the change's transaction: each process polls
-- it to learn cheaply that its copy of the rules is stale, and bumping it first makes concurrent
-- changes take turns (the row lock).
CREATE TABLE guard_policy_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO guard_policy_version (id, version) VALUES (1, 0);
