-- a welcome e-mail template
--
-- Version 9: a welcome e-mail for every new account.
INSERT INTO notification_templates (name, event_type, channel, subject_template, body_template) VALUES
('user_registered_email', 'user.registered', 'email',
 'HireHub에 오신 것을 환영합니다, {{name}}님',
 E'{{name}}님, HireHub 가입을 환영합니다.\n\n지금 바로 시작하세요: {{app_url}}');
