-- application lists: keyset indexes
--
-- Version 4: keyset lists of applications (a jobseeker's own; a company's, per job
-- and status), newest first.
CREATE INDEX idx_applications_user_applied ON applications (user_id, applied_at DESC, id DESC);
CREATE INDEX idx_applications_company_applied ON applications (company_id, applied_at DESC, id DESC);
CREATE INDEX idx_applications_job_applied ON applications (job_id, status, applied_at DESC, id DESC);
