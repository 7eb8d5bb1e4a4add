-- Model groups set through the admin API (/admin/models), over the configured cairn.models: one row
-- per group, its spec as the API's JSON (snake_case keys, durations as strings). A row replaces the
-- configured group of the same name; deleting it brings that one back. Times are epoch
-- milliseconds, UTC; updated_by is the admin key that made the last change.
CREATE TABLE model_groups (
    name       TEXT   PRIMARY KEY,
    spec       TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT
);
-- One row whose version goes up with every change, in the change's transaction: each process polls
-- it to learn cheaply that its copy of the groups is stale, and bumping it first makes concurrent
-- changes take turns (the row lock), so that each is checked against the one before it.
CREATE TABLE model_group_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
INSERT INTO model_group_version (id, version) VALUES (1, 0);
