-- each user's in-app notifications numbered in commit order (inbox_seq)
--
-- Each user's in-app notifications are numbered 1, 2, 3, ... (inbox_seq) in
-- commit order: the counter row is locked until the storing transaction
-- commits, so number n+1 is only handed out after n is visible. The WebSocket
-- `notifications` topic uses it: with several nodes storing notifications, a
-- session that sees n+2 before n+1 knows one is missing and reads it back.
ALTER TABLE notifications ADD COLUMN inbox_seq BIGINT;
UPDATE notifications n SET inbox_seq = x.rn
  FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY seq) AS rn
          FROM notifications WHERE channel = 'in_app' AND user_id IS NOT NULL) x
 WHERE n.id = x.id;
CREATE UNIQUE INDEX idx_notifications_inbox_seq ON notifications (user_id, inbox_seq) WHERE inbox_seq IS NOT NULL;
CREATE TABLE notification_inbox_counters (
    user_id UUID PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
INSERT INTO notification_inbox_counters (user_id, last_seq)
  SELECT user_id, max(inbox_seq) FROM notifications WHERE inbox_seq IS NOT NULL GROUP BY user_id;
