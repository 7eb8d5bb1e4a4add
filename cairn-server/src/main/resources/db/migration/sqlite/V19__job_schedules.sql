-- Recurring jobs (JobScheduler): each JobSchedule a process runs with, and each fire time of one
-- that queued a job. Times are epoch milliseconds, UTC.

-- A schedule owes the fires after first_seen: when a process first ran with it, or last ran with a
-- changed cron. So a new schedule, or a new cron, does not fire for times before it was known.
-- updated_at is when a process last started with it.
CREATE TABLE job_schedules (
    name       TEXT    PRIMARY KEY,
    cron       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    workspace  TEXT,
    first_seen INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- One row per fire that queued a job, written in the job's transaction: the primary key is what
-- makes a fire queue one job however many processes race over it.
CREATE TABLE job_schedule_runs (
    schedule   TEXT    NOT NULL,
    fire_time  INTEGER NOT NULL,
    job_id     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (schedule, fire_time)
);
-- /admin/jobs names the schedule of each job it lists.
CREATE INDEX job_schedule_runs_job ON job_schedule_runs (job_id);
