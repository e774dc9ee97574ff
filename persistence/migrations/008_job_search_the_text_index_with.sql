-- job search: the text index with sort_at (btree_gin)
--
-- Version 8: the text index also holds sort_at (btree_gin), so a search bounded
-- to the newest rows reads only rows that match both, whatever the planner
-- guesses about ANDed Korean bigrams (it underestimates them by 100x).
CREATE EXTENSION IF NOT EXISTS btree_gin;
DROP INDEX idx_job_search_fts;
CREATE INDEX idx_job_search_fts ON job_search USING GIN (search, sort_at);
