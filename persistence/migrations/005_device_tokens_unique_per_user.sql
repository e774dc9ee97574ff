-- device tokens: unique per user
--
-- Version 5: one row per device token and user (registering again reactivates it).
CREATE UNIQUE INDEX idx_device_tokens_user_token ON device_tokens (user_id, token);
