-- Reward models trained in Cairn (/v1/training/runs) and served by name (/v1/rewards/score,
-- Cairn-Best-Of). model is the file's canonical JSON; sha256 its hex SHA-256, which the run's
-- training.completed audit entry cites. Times are epoch milliseconds, UTC.
CREATE TABLE reward_models (
    workspace  TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    run_id     TEXT   NOT NULL,
    model      BYTEA  NOT NULL,
    sha256     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace, name)
);
-- One row per training run: its request (settings JSON), state queued, running, completed, failed or
-- cancelled, progress (step of steps), the last checkpoint (DpSgd state) a restart resumes from,
-- metrics JSON, the privacy spent, and the log index of its training.completed entry. noise_secret is
-- a private run's 32-byte source of sampling and noise (DP-SGD's guarantee rests on nobody knowing
-- it): it is never returned, logged or recorded, and is dropped when the run ends.
CREATE TABLE training_runs (
    id            TEXT    PRIMARY KEY,
    workspace     TEXT    NOT NULL,
    key_id        TEXT,
    dataset_id    TEXT    NOT NULL,
    model_name    TEXT    NOT NULL,
    settings      TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    step          BIGINT NOT NULL,
    steps         BIGINT NOT NULL,
    checkpoint    BYTEA,
    noise_secret  BYTEA,
    metrics       TEXT,
    epsilon       DOUBLE PRECISION,
    delta         DOUBLE PRECISION,
    record_index  BIGINT,
    error         TEXT,
    created_at    BIGINT NOT NULL,
    finished_at   BIGINT
);
CREATE INDEX training_runs_by_workspace ON training_runs (workspace, created_at);
-- A model name is reserved from the moment its run is accepted until the run fails or is cancelled,
-- so that two runs cannot both be charged and trained for one name.
CREATE UNIQUE INDEX training_runs_model_name ON training_runs (workspace, model_name)
    WHERE state NOT IN ('failed', 'cancelled');
