-- notification delivery (attempts, back-off, dead letters) and templates for every event
--
-- Version 7: delivery of e-mail, push and SMS notifications. A row is stored
-- `pending` when the event is handled; the channel actor claims due rows
-- (attempts + 1, next_attempt_at pushed out by a lease), sends, and marks them
-- `sent` / `delivered`, or `pending` again with a back-off, or `failed` (the
-- dead letter) after the last attempt or a permanent refusal. Templates for
-- every event that notifies someone, on every channel.
ALTER TABLE notifications ADD COLUMN attempts INT NOT NULL DEFAULT 0;
ALTER TABLE notifications ADD COLUMN next_attempt_at TIMESTAMPTZ;
ALTER TABLE notifications ADD COLUMN delivered_at TIMESTAMPTZ;
ALTER TABLE notifications ADD COLUMN recipient TEXT;
ALTER TABLE notifications ADD COLUMN provider_ref TEXT;
CREATE INDEX idx_notifications_due ON notifications (channel, next_attempt_at) WHERE status = 'pending';
CREATE INDEX idx_notifications_failed ON notifications (seq) WHERE status = 'failed';

INSERT INTO notification_templates (name, event_type, channel, subject_template, body_template) VALUES
('application_submitted_push', 'application.submitted', 'push',
 '새로운 지원자: {{job_title}}', '{{applicant_name}}님이 {{job_title}} 포지션에 지원했습니다.'),
('status_changed_email', 'application.status_changed', 'email',
 '[{{company_name}}] 지원 상태가 변경되었습니다: {{job_title}}',
 E'{{company_name}}의 {{job_title}} 지원 상태가 "{{new_status}}"(으)로 변경되었습니다.\n\n확인하기: {{application_url}}'),
('status_changed_sms', 'application.status_changed', 'sms',
 NULL, '[HireHub] {{company_name}} {{job_title}} 지원 상태: {{new_status}}'),
('interview_scheduled_in_app', 'interview.scheduled', 'in_app',
 '면접 일정이 잡혔습니다: {{job_title}}', '{{scheduled_at}}, {{location}}'),
('interview_scheduled_push', 'interview.scheduled', 'push',
 '면접 일정이 확정되었습니다', '{{company_name}} {{job_title}} 면접: {{scheduled_at}}'),
('interview_scheduled_sms', 'interview.scheduled', 'sms',
 NULL, '[HireHub] {{company_name}} 면접 {{scheduled_at}} {{location}}'),
('interview_rescheduled_email', 'interview.rescheduled', 'email',
 '면접 일정이 변경되었습니다: {{company_name}}',
 E'{{company_name}}의 {{job_title}} 포지션 면접 일정이 변경되었습니다.\n\n일시: {{scheduled_at}}\n장소: {{location}}\n\n확인하기: {{application_url}}'),
('interview_rescheduled_in_app', 'interview.rescheduled', 'in_app',
 '면접 일정이 변경되었습니다: {{job_title}}', '{{scheduled_at}}, {{location}}'),
('interview_rescheduled_push', 'interview.rescheduled', 'push',
 '면접 일정 변경', '{{company_name}} {{job_title}} 면접: {{scheduled_at}}'),
('interview_cancelled_email', 'interview.cancelled', 'email',
 '면접이 취소되었습니다: {{company_name}}',
 E'{{scheduled_at}}에 예정된 {{company_name}}의 {{job_title}} 포지션 면접이 취소되었습니다.\n\n확인하기: {{application_url}}'),
('interview_cancelled_in_app', 'interview.cancelled', 'in_app',
 '면접이 취소되었습니다: {{job_title}}', '{{scheduled_at}} 면접이 취소되었습니다.'),
('interview_cancelled_push', 'interview.cancelled', 'push',
 '면접 취소', '{{company_name}} {{job_title}} 면접({{scheduled_at}})이 취소되었습니다.');
