-- Dataset versions are built by a background job (kind dataset.build) instead of within the POST.
-- While a version is 'building', row_count, skipped and feedback_count count what is written so far,
-- scanned the interactions looked at, and scanned_through the log index of the last one: the point a
-- build interrupted by a restart resumes from (rows and these columns are written in one transaction).
-- build_job is the job's id. A build that gave up is 'failed', with error_code and error (a message in
-- the style of the OpenAI error shape); its rows are deleted.
ALTER TABLE datasets ADD COLUMN scanned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE datasets ADD COLUMN scanned_through INTEGER NOT NULL DEFAULT -1;
ALTER TABLE datasets ADD COLUMN build_job TEXT;
ALTER TABLE datasets ADD COLUMN error_code TEXT;
ALTER TABLE datasets ADD COLUMN error TEXT;
-- A version left 'building' by an earlier release was built within a request that is gone: no job
-- will finish it, so it is failed, not left looking as if it were still on its way.
DELETE FROM dataset_rows WHERE dataset_id IN (SELECT id FROM datasets WHERE state = 'building');
UPDATE datasets SET state = 'failed', error_code = 'build_interrupted',
    error = 'The build was interrupted by a restart before this version was built; build it again'
    WHERE state = 'building';
