-- notifications to an address; the invitation e-mail
--
-- Version 10: notifications addressed to an e-mail address rather than a user
-- (an invitation reaches someone without an account), and the invitation e-mail.
ALTER TABLE notifications ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN address TEXT;
ALTER TABLE notifications ADD CONSTRAINT notifications_recipient CHECK (user_id IS NOT NULL OR address IS NOT NULL);
CREATE UNIQUE INDEX idx_notifications_addressed ON notifications (event_id, channel, lower(address)) WHERE user_id IS NULL;
INSERT INTO notification_templates (name, event_type, channel, subject_template, body_template) VALUES
('company_member_invited_email', 'company.member_invited', 'email',
 '{{inviter_name}}님이 {{company_name}} 팀에 초대했습니다',
 E'{{inviter_name}}님이 HireHub의 {{company_name}} 팀으로 초대했습니다.\n\n가입하기: {{invitation_url}}\n\n이 초대는 {{expires_at}}까지 한 번만 쓸 수 있습니다.');
