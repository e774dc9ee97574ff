-- applications by match score
--
-- Version 20: a company's applications to a job, best match first (keyset on
-- match_score descending, nulls last, then id descending).
CREATE INDEX idx_applications_job_score ON applications (job_id, match_score DESC NULLS LAST, id DESC);
