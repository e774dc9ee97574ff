-- apply slice: jobs, applications, journal, notifications, outbox
--
-- Version 1: the tables of the apply slice, after the seed schema
-- (seeds/001: job-service, apply-service, notification-service), with:
--  - TIMESTAMPTZ everywhere (times are UTC instants);
--  - application_events.seq with UNIQUE (application_id, seq): the journal fence;
--  - jobs.created_by and applications.company_id, so access checks need no join;
--  - notifications.event_id + UNIQUE (event_id, user_id, channel): at most one
--    notification per event, person and channel, whatever Kafka redelivers;
--    notifications.seq orders a user's notifications for WebSocket resume;
--  - one outbox shared by all producers (the seed's notification_outbox generalised).
CREATE TABLE jobs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id UUID NOT NULL,
    created_by UUID NOT NULL,
    title VARCHAR(200) NOT NULL,
    description TEXT,
    requirements TEXT,
    job_type VARCHAR(50),
    experience_level VARCHAR(50),
    experience_min INT,
    experience_max INT,
    salary_min INT,
    salary_max INT,
    location VARCHAR(200),
    remote_type VARCHAR(50),
    status VARCHAR(20) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    views_count INT NOT NULL DEFAULT 0,
    applies_count INT NOT NULL DEFAULT 0,
    posted_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_jobs_company_id ON jobs(company_id);
CREATE INDEX idx_jobs_status ON jobs(status);

CREATE TABLE applications (
    id UUID PRIMARY KEY,
    job_id UUID NOT NULL REFERENCES jobs(id),
    user_id UUID NOT NULL,
    company_id UUID NOT NULL,
    resume_id UUID NOT NULL,
    cover_letter TEXT,
    status VARCHAR(30) NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'reviewing',
        'interview_scheduled', 'interview_completed', 'offered', 'accepted', 'rejected', 'withdrawn')),
    match_score DECIMAL(5,2),
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (job_id, user_id)
);
CREATE INDEX idx_applications_user_id ON applications(user_id);
CREATE INDEX idx_applications_job_status ON applications(job_id, status);
CREATE INDEX idx_applications_company ON applications(company_id, status);

CREATE TABLE application_events (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    seq INT NOT NULL CHECK (seq > 0),
    event_type VARCHAR(50) NOT NULL,
    from_status VARCHAR(30),
    to_status VARCHAR(30),
    actor_id UUID,
    actor_type VARCHAR(20),
    reason VARCHAR(64),
    payload JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (application_id, seq)
);

CREATE TABLE notification_templates (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(100) UNIQUE NOT NULL,
    event_type VARCHAR(50) NOT NULL,
    channel VARCHAR(20) NOT NULL CHECK (channel IN ('email', 'push', 'sms', 'in_app')),
    subject_template TEXT,
    body_template TEXT,
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE notifications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    seq BIGSERIAL UNIQUE,
    event_id UUID NOT NULL,
    event_type VARCHAR(50) NOT NULL,
    user_id UUID NOT NULL,
    template_id UUID REFERENCES notification_templates(id),
    channel VARCHAR(20) NOT NULL,
    title VARCHAR(200),
    content TEXT,
    data JSONB,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'delivered', 'failed', 'read')),
    sent_at TIMESTAMPTZ,
    read_at TIMESTAMPTZ,
    error_message TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (event_id, user_id, channel)
);
CREATE INDEX idx_notifications_user_seq ON notifications(user_id, seq);
CREATE INDEX idx_notifications_status ON notifications(status);

CREATE TABLE device_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL,
    device_type VARCHAR(20),
    token VARCHAR(500) NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_device_tokens_user_id ON device_tokens(user_id);

CREATE TABLE user_notification_settings (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL UNIQUE,
    email_enabled BOOLEAN NOT NULL DEFAULT true,
    push_enabled BOOLEAN NOT NULL DEFAULT true,
    sms_enabled BOOLEAN NOT NULL DEFAULT false,
    in_app_enabled BOOLEAN NOT NULL DEFAULT true,
    disabled_event_types TEXT[] NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    topic VARCHAR(100) NOT NULL,
    key VARCHAR(200) NOT NULL,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);
CREATE INDEX idx_outbox_pending ON outbox(id) WHERE published_at IS NULL;

INSERT INTO notification_templates (name, event_type, channel, subject_template, body_template) VALUES
('application_submitted_email', 'application.submitted', 'email',
 '새로운 지원자가 있습니다: {{job_title}}',
 E'{{applicant_name}}님이 {{job_title}} 포지션에 지원했습니다.\n\n매칭 점수: {{match_score}}점\n\n지원서 확인하기: {{application_url}}'),
('status_changed_push', 'application.status_changed', 'push',
 '지원 상태가 변경되었습니다',
 '{{company_name}}의 {{job_title}} 지원 상태가 "{{new_status}}"로 변경되었습니다.'),
('interview_scheduled_email', 'interview.scheduled', 'email',
 '면접 일정이 확정되었습니다: {{company_name}}',
 E'{{company_name}}의 {{job_title}} 포지션 면접이 예정되었습니다.\n\n일시: {{scheduled_at}}\n장소: {{location}}\n\n자세한 내용은 앱에서 확인해주세요.'),
('application_submitted_in_app', 'application.submitted', 'in_app',
 '새로운 지원자가 있습니다: {{job_title}}',
 '{{job_title}} 포지션에 새로운 지원서가 접수되었습니다.'),
('status_changed_in_app', 'application.status_changed', 'in_app',
 '지원 상태가 변경되었습니다',
 '{{job_title}} 지원 상태가 "{{new_status}}"로 변경되었습니다.');
