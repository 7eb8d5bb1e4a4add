-- Privacy budgets (docs/privacy.md, "Budgets"). A holder is a dataset version (kind 'dataset', id
-- ds_…) or an annotator's key (kind 'annotator', id key_…) of a workspace. Times are epoch
-- milliseconds, UTC.

-- Budgets set through the admin API (/admin/privacy/budgets), over the configured defaults of
-- cairn.privacy.budgets; updated_by is the admin key of the last change.
CREATE TABLE privacy_budgets (
    workspace  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    holder     TEXT    NOT NULL,
    epsilon    DOUBLE PRECISION NOT NULL,
    delta      DOUBLE PRECISION NOT NULL,
    updated_at BIGINT  NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (workspace, kind, holder)
);
-- Each holder's RDP ledger: the runs charged to it (PrivacyLedger's JSON), in the order charged,
-- and how many charges those are.
CREATE TABLE privacy_holders (
    workspace  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    holder     TEXT    NOT NULL,
    ledger     TEXT    NOT NULL,
    charges    BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (workspace, kind, holder)
);
-- One row per charge, written before its privacy.charged audit entry (whose event id is id) and
-- given that entry's log index when the charge is applied to the holders' ledgers. A row without a
-- log index is a charge whose outcome is not yet known; the next charge settles it from the log.
-- data is the entry's data: the computation, the run and every holder.
CREATE TABLE privacy_charges (
    id          TEXT    PRIMARY KEY,
    workspace   TEXT    NOT NULL,
    computation TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    log_index   BIGINT,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX privacy_charges_unsettled ON privacy_charges (log_index, created_at);
-- One row that PostgreSQL charges lock (SELECT … FOR UPDATE) so that charges run one at a time
-- across processes; SQLite has one writing process.
CREATE TABLE privacy_charge_lock (
    id BIGINT PRIMARY KEY
);
INSERT INTO privacy_charge_lock (id) VALUES (1);
