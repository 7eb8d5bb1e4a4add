-- Budgets sum a key's costs since the start of its month: an index on (key_id, created_at) keeps
-- that a range scan (the workspace already has one).
CREATE INDEX usage_events_key_time ON usage_events (key_id, created_at);
