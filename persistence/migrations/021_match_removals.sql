-- match removals
--
-- Version 21: the newest number (matches_seq) at which a row left each job's list. A
-- WebSocket client resuming a job's matches from before it gets the whole list again
-- (a removed row leaves nothing in `matches` to replay).
CREATE TABLE match_removals (
    job_id UUID PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL
);
