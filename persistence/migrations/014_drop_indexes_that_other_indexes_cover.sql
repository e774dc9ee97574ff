-- drop indexes that other indexes cover and the notification -> template foreign key
--
-- Indexes every insert paid for and no query needs: (user_id) and (job_id,
-- status) are prefixes of the keyset indexes of migration 4; notifications by
-- status alone were only ever read for failed (idx_notifications_failed) and
-- pending (idx_notifications_due) rows. And the foreign key from a
-- notification to its template: a check (and a lock on the template row) for
-- every notification stored, for templates that are never deleted (a saved
-- template is a new active version; the old row stays).
DROP INDEX IF EXISTS idx_applications_user_id;
DROP INDEX IF EXISTS idx_applications_job_status;
DROP INDEX IF EXISTS idx_notifications_status;
ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_template_id_fkey;
