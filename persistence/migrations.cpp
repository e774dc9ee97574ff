#include "persistence/migrations.hpp"

#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "runtime/log.hpp"

namespace hirehub::persistence {

namespace {

// Version 1: the tables of the apply slice, after the seed schema
// (seeds/001: job-service, apply-service, notification-service), with:
//  - TIMESTAMPTZ everywhere (times are UTC instants);
//  - application_events.seq with UNIQUE (application_id, seq): the journal fence;
//  - jobs.created_by and applications.company_id, so access checks need no join;
//  - notifications.event_id + UNIQUE (event_id, user_id, channel): at most one
//    notification per event, person and channel, whatever Kafka redelivers;
//    notifications.seq orders a user's notifications for WebSocket resume;
//  - one outbox shared by all producers (the seed's notification_outbox generalised).
const char* v1_sql = R"SQL(
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
)SQL";

// Version 2: accounts (the seed's user-service, with HireHub as the identity
// provider instead of Cognito):
//  - users.email unique case-insensitively (index on lower(email)); argon2id
//    password hashes in PHC format; totp_secret for admins (RFC 6238) and the
//    last accepted step so a code cannot be replayed; cognito_sub kept nullable
//    for an external identity provider;
//  - users.time_zone (IANA name) for showing interview times;
//  - refresh_tokens: opaque tokens stored as SHA-256, rotated on every use;
//    family_id ties the rotations of one login so reuse revokes them all;
//  - company_invitations: a company member invites an e-mail address; the
//    token (stored hashed) lets that address sign up into the company;
//  - company_members.user_id unique: a user belongs to one company.
const char* v2_sql = R"SQL(
CREATE TABLE users (
    id UUID PRIMARY KEY,
    cognito_sub VARCHAR(255) UNIQUE,
    email VARCHAR(255) NOT NULL,
    password_hash TEXT NOT NULL,
    user_type VARCHAR(20) NOT NULL CHECK (user_type IN ('jobseeker', 'company', 'admin')),
    status VARCHAR(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    time_zone VARCHAR(64) NOT NULL DEFAULT 'Asia/Seoul',
    totp_secret TEXT,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    last_login_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX idx_users_email_lower ON users (lower(email));
CREATE INDEX idx_users_user_type ON users(user_type);

CREATE TABLE jobseeker_profiles (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    name VARCHAR(100),
    phone VARCHAR(20),
    experience_years INT CHECK (experience_years BETWEEN 0 AND 70),
    desired_position VARCHAR(100),
    desired_salary_min INT CHECK (desired_salary_min >= 0),
    desired_salary_max INT CHECK (desired_salary_max >= 0),
    skills TEXT[] NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (desired_salary_min IS NULL OR desired_salary_max IS NULL OR desired_salary_min <= desired_salary_max)
);

CREATE TABLE companies (
    id UUID PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    business_number VARCHAR(20) UNIQUE,
    industry VARCHAR(100),
    company_size VARCHAR(50) CHECK (company_size IN ('1-10', '11-50', '51-200', '201-500', '500+')),
    location VARCHAR(200),
    logo_url VARCHAR(500),
    description TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE company_members (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    company_id UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    name VARCHAR(100),
    position VARCHAR(100),
    is_primary BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_company_members_company_id ON company_members(company_id);

CREATE TABLE company_invitations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    company_id UUID NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    email VARCHAR(255) NOT NULL,
    token_hash CHAR(64) NOT NULL UNIQUE,
    invited_by UUID NOT NULL REFERENCES users(id),
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_company_invitations_company ON company_invitations(company_id);

CREATE TABLE refresh_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id UUID NOT NULL,
    token_hash CHAR(64) NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_refresh_tokens_family ON refresh_tokens(family_id);
CREATE INDEX idx_refresh_tokens_user ON refresh_tokens(user_id);
)SQL";

// Version 3: jobs as in the seed's job-service, CQRS:
//  - the write model `jobs` gains a version (one per change), range checks and
//    `job_events` (every change, who made it, what changed);
//  - `skill_tags` (seeded master list) and `job_skills` (required or preferred);
//  - the read model `job_search`, kept up to date from job.* and
//    application.submitted events by the projector: the public document, the
//    filter columns, and a tsvector of title (A), skills (B), company (C),
//    description and requirements (D) for English and Korean (see
//    runtime/search_text.hpp); `sort_at` (posted or created) orders "newest";
//    the served documents in `job_search_docs`, fetched for a page's rows only.
const char* v3_sql = R"SQL(
ALTER TABLE jobs ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD CONSTRAINT jobs_experience_range CHECK (experience_min IS NULL OR experience_max IS NULL OR experience_min <= experience_max);
ALTER TABLE jobs ADD CONSTRAINT jobs_salary_range CHECK (salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max);

CREATE TABLE job_events (
    id BIGSERIAL PRIMARY KEY,
    job_id UUID NOT NULL,
    version BIGINT NOT NULL,
    event_type VARCHAR(30) NOT NULL,
    actor_id UUID,
    payload JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (job_id, version)
);

CREATE TABLE skill_tags (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(100) UNIQUE NOT NULL,
    category VARCHAR(50)
);
CREATE UNIQUE INDEX idx_skill_tags_lower ON skill_tags (lower(name));
CREATE INDEX idx_skill_tags_category ON skill_tags(category);

CREATE TABLE job_skills (
    job_id UUID REFERENCES jobs(id) ON DELETE CASCADE,
    skill_id UUID REFERENCES skill_tags(id),
    is_required BOOLEAN NOT NULL DEFAULT true,
    PRIMARY KEY (job_id, skill_id)
);

INSERT INTO skill_tags (name, category) VALUES
 ('C++', 'language'), ('C', 'language'), ('Java', 'language'), ('Kotlin', 'language'), ('Python', 'language'),
 ('Go', 'language'), ('Rust', 'language'), ('JavaScript', 'language'), ('TypeScript', 'language'),
 ('Swift', 'language'), ('Scala', 'language'), ('Ruby', 'language'), ('PHP', 'language'), ('C#', 'language'),
 ('SQL', 'language'), ('Spring', 'framework'), ('Spring Boot', 'framework'), ('Django', 'framework'),
 ('FastAPI', 'framework'), ('Flask', 'framework'), ('React', 'framework'), ('Vue.js', 'framework'),
 ('Next.js', 'framework'), ('Node.js', 'framework'), ('Express', 'framework'), ('NestJS', 'framework'),
 ('Flutter', 'framework'), ('React Native', 'framework'), ('.NET', 'framework'), ('Boost', 'framework'),
 ('gRPC', 'framework'), ('GraphQL', 'framework'), ('PyTorch', 'framework'), ('TensorFlow', 'framework'),
 ('PostgreSQL', 'database'), ('MySQL', 'database'), ('Oracle', 'database'), ('MongoDB', 'database'),
 ('Redis', 'database'), ('Elasticsearch', 'database'), ('OpenSearch', 'database'), ('Cassandra', 'database'),
 ('DynamoDB', 'database'), ('Kafka', 'infrastructure'), ('RabbitMQ', 'infrastructure'),
 ('Docker', 'infrastructure'), ('Kubernetes', 'infrastructure'), ('Terraform', 'infrastructure'),
 ('Linux', 'infrastructure'), ('Nginx', 'infrastructure'), ('Jenkins', 'infrastructure'),
 ('GitHub Actions', 'infrastructure'), ('AWS', 'cloud'), ('GCP', 'cloud'), ('Azure', 'cloud'),
 ('Machine Learning', 'data'), ('Deep Learning', 'data'), ('NLP', 'data'), ('LLM', 'data'), ('Spark', 'data'),
 ('Airflow', 'data'), ('Hadoop', 'data'), ('Figma', 'design'), ('iOS', 'platform'), ('Android', 'platform'),
 ('Embedded', 'platform'), ('Unity', 'platform'), ('Unreal Engine', 'platform');

CREATE TABLE job_search (
    job_id UUID PRIMARY KEY,
    company_id UUID NOT NULL,
    status VARCHAR(20) NOT NULL,
    job_type VARCHAR(50),
    experience_level VARCHAR(50),
    experience_min INT,
    experience_max INT,
    salary_min INT,
    salary_max INT,
    location VARCHAR(200),
    remote_type VARCHAR(50),
    skills TEXT[] NOT NULL DEFAULT '{}',
    posted_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    sort_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    search TSVECTOR NOT NULL
);
-- Uncompressed: searches check and rank many vectors, and pglz would cost more than the bytes.
ALTER TABLE job_search ALTER COLUMN search SET STORAGE EXTERNAL;
-- The served documents live apart, so the rows scans walk stay narrow.
CREATE TABLE job_search_docs (
    job_id UUID PRIMARY KEY REFERENCES job_search(job_id) ON DELETE CASCADE,
    doc JSONB NOT NULL
);
CREATE INDEX idx_job_search_fts ON job_search USING GIN (search);
CREATE INDEX idx_job_search_skills ON job_search USING GIN (skills);
CREATE INDEX idx_job_search_newest ON job_search (status, sort_at DESC, job_id DESC);
CREATE INDEX idx_job_search_company ON job_search (company_id, sort_at DESC, job_id DESC);
CREATE INDEX idx_job_search_sort ON job_search (sort_at DESC, job_id DESC);
CREATE INDEX idx_job_search_location ON job_search (lower(location) text_pattern_ops);
)SQL";

// Version 4: keyset lists of applications (a jobseeker's own; a company's, per job
// and status), newest first.
const char* v4_sql = R"SQL(
CREATE INDEX idx_applications_user_applied ON applications (user_id, applied_at DESC, id DESC);
CREATE INDEX idx_applications_company_applied ON applications (company_id, applied_at DESC, id DESC);
CREATE INDEX idx_applications_job_applied ON applications (job_id, status, applied_at DESC, id DESC);
)SQL";

// Version 5: one row per device token and user (registering again reactivates it).
const char* v5_sql = R"SQL(
CREATE UNIQUE INDEX idx_device_tokens_user_token ON device_tokens (user_id, token);
)SQL";

// Version 6: interviews (the seed's table, times in UTC with the IANA zone they
// were scheduled in); a read model written with the application's journal.
const char* v6_sql = R"SQL(
CREATE TABLE interviews (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    interview_type VARCHAR(30) NOT NULL CHECK (interview_type IN ('phone', 'video', 'onsite', 'assignment')),
    scheduled_at TIMESTAMPTZ NOT NULL,
    duration_minutes INT NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
    time_zone VARCHAR(64) NOT NULL,
    location VARCHAR(500),
    notes TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'completed', 'cancelled')),
    feedback TEXT,
    rating INT CHECK (rating BETWEEN 1 AND 5),
    cancel_reason VARCHAR(64),
    version INT NOT NULL DEFAULT 1,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_interviews_application_id ON interviews(application_id);
CREATE INDEX idx_interviews_scheduled_at ON interviews(scheduled_at) WHERE status = 'scheduled';
)SQL";

// Version 7: delivery of e-mail, push and SMS notifications. A row is stored
// `pending` when the event is handled; the channel actor claims due rows
// (attempts + 1, next_attempt_at pushed out by a lease), sends, and marks them
// `sent` / `delivered`, or `pending` again with a back-off, or `failed` (the
// dead letter) after the last attempt or a permanent refusal. Templates for
// every event that notifies someone, on every channel.
const char* v7_sql = R"SQL(
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
)SQL";

// Version 8: the text index also holds sort_at (btree_gin), so a search bounded
// to the newest rows reads only rows that match both, whatever the planner
// guesses about ANDed Korean bigrams (it underestimates them by 100x).
const char* v8_sql = R"SQL(
CREATE EXTENSION IF NOT EXISTS btree_gin;
DROP INDEX idx_job_search_fts;
CREATE INDEX idx_job_search_fts ON job_search USING GIN (search, sort_at);
)SQL";

// Version 9: a welcome e-mail for every new account.
const char* v9_sql = R"SQL(
INSERT INTO notification_templates (name, event_type, channel, subject_template, body_template) VALUES
('user_registered_email', 'user.registered', 'email',
 'HireHub에 오신 것을 환영합니다, {{name}}님',
 E'{{name}}님, HireHub 가입을 환영합니다.\n\n지금 바로 시작하세요: {{app_url}}');
)SQL";

// Version 10: notifications addressed to an e-mail address rather than a user
// (an invitation reaches someone without an account), and the invitation e-mail.
const char* v10_sql = R"SQL(
ALTER TABLE notifications ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN address TEXT;
ALTER TABLE notifications ADD CONSTRAINT notifications_recipient CHECK (user_id IS NOT NULL OR address IS NOT NULL);
CREATE UNIQUE INDEX idx_notifications_addressed ON notifications (event_id, channel, lower(address)) WHERE user_id IS NULL;
INSERT INTO notification_templates (name, event_type, channel, subject_template, body_template) VALUES
('company_member_invited_email', 'company.member_invited', 'email',
 '{{inviter_name}}님이 {{company_name}} 팀에 초대했습니다',
 E'{{inviter_name}}님이 HireHub의 {{company_name}} 팀으로 초대했습니다.\n\n가입하기: {{invitation_url}}\n\n이 초대는 {{expires_at}}까지 한 번만 쓸 수 있습니다.');
)SQL";

// Version 11: resumes and the pipeline's outputs (seed 001, resume-service and
// ai-service). Vectors are float4 little-endian in `bytea` (Debian 12 has no
// pgvector); the in-memory HNSW index is rebuilt from them. The pipeline's
// progress is on the resume row: `stage` is the last completed stage and
// every stage's commit is fenced on the stage before it, so two pipelines of
// one resume cannot both commit a stage. `seq` numbers the live frames.
const char* v11_sql = R"SQL(
CREATE TABLE resumes (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    title VARCHAR(200),
    original_file_url VARCHAR(500) NOT NULL,
    original_file_name VARCHAR(255) NOT NULL,
    file_type VARCHAR(50) NOT NULL CHECK (file_type IN ('pdf', 'docx', 'txt')),
    file_size BIGINT NOT NULL,
    file_sha256 CHAR(64) NOT NULL,
    masked_content TEXT,
    parsed_content JSONB,
    ai_summary TEXT,
    is_primary BOOLEAN NOT NULL DEFAULT false,
    status VARCHAR(20) NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'ready', 'error')),
    stage VARCHAR(20) CHECK (stage IN ('extract', 'mask', 'parse', 'embed', 'summarise')),
    progress INT NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    seq BIGINT NOT NULL DEFAULT 1,
    error_code VARCHAR(40),
    error_message TEXT,
    attempts INT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_resumes_user_id ON resumes(user_id, created_at DESC);
CREATE INDEX idx_resumes_status ON resumes(status);
CREATE INDEX idx_resumes_processing ON resumes(updated_at) WHERE status = 'processing';

CREATE TABLE resume_experiences (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    resume_id UUID NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,
    company_name VARCHAR(200),
    position VARCHAR(100),
    start_date DATE,
    end_date DATE,
    is_current BOOLEAN NOT NULL DEFAULT false,
    description TEXT
);
CREATE TABLE resume_skills (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    resume_id UUID NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,
    skill_name VARCHAR(100) NOT NULL,
    proficiency VARCHAR(20) CHECK (proficiency IN ('beginner', 'intermediate', 'advanced', 'expert')),
    years INT
);
CREATE TABLE resume_educations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    resume_id UUID NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,
    school_name VARCHAR(200),
    degree VARCHAR(100),
    major VARCHAR(100),
    start_date DATE,
    end_date DATE,
    is_current BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE resume_embeddings (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    resume_id UUID NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,
    chunk_index INT NOT NULL,
    chunk_text TEXT NOT NULL,
    model VARCHAR(100) NOT NULL,
    embedding BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (resume_id, chunk_index)
);
CREATE TABLE pii_masking_logs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    resume_id UUID NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,
    masked_fields JSONB NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_resume_experiences_resume_id ON resume_experiences(resume_id);
CREATE INDEX idx_resume_skills_resume_id ON resume_skills(resume_id);
CREATE INDEX idx_resume_skills_skill_name ON resume_skills(skill_name);
CREATE INDEX idx_resume_educations_resume_id ON resume_educations(resume_id);
CREATE INDEX idx_pii_masking_logs_resume_id ON pii_masking_logs(resume_id);

CREATE TABLE ai_tasks (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    task_type VARCHAR(50) NOT NULL,
    source_type VARCHAR(50),
    source_id UUID,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    input_data JSONB,
    output_data JSONB,
    error_message TEXT,
    model_used VARCHAR(100),
    tokens_used INT,
    processing_time_ms INT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ
);
CREATE INDEX idx_ai_tasks_source ON ai_tasks(source_type, source_id);
CREATE INDEX idx_ai_tasks_status ON ai_tasks(status);
CREATE INDEX idx_ai_tasks_created_at ON ai_tasks(created_at DESC);

INSERT INTO skill_tags (name, category) VALUES
 ('Git', 'tool'), ('Jira', 'tool'), ('Excel', 'tool'), ('Photoshop', 'design'), ('Illustrator', 'design'),
 ('Sketch', 'design'), ('After Effects', 'design'), ('SEO', 'marketing'), ('Google Analytics', 'marketing'),
 ('Google Ads', 'marketing'), ('Tableau', 'data'), ('Pandas', 'data'), ('NumPy', 'data'), ('scikit-learn', 'data'),
 ('R', 'language'), ('MATLAB', 'language'), ('Angular', 'framework'), ('HTML', 'language'), ('CSS', 'language'),
 ('jQuery', 'framework'), ('Redux', 'framework'), ('Ansible', 'infrastructure'), ('Prometheus', 'infrastructure'),
 ('Grafana', 'infrastructure'), ('Helm', 'infrastructure'), ('Argo CD', 'infrastructure'), ('Istio', 'infrastructure'),
 ('Objective-C', 'language'), ('Dart', 'language'), ('Bash', 'language'), ('Elixir', 'language'), ('Flink', 'data'),
 ('BigQuery', 'data'), ('Snowflake', 'data'), ('Redshift', 'data'), ('SQLite', 'database'), ('Firebase', 'cloud'),
 ('Laravel', 'framework'), ('Ruby on Rails', 'framework'), ('JPA', 'framework'), ('MyBatis', 'framework'),
 ('Celery', 'framework'), ('JUnit', 'tool'), ('pytest', 'tool'), ('Selenium', 'tool'), ('Jest', 'tool'),
 ('Webpack', 'tool'), ('CI/CD', 'practice'), ('Microservices', 'practice')
ON CONFLICT DO NOTHING;

INSERT INTO notification_templates (name, event_type, channel, subject_template, body_template) VALUES
('resume_processed_in_app', 'resume.processed', 'in_app', '이력서 분석 완료',
 '"{{resume_title}}" 이력서 분석이 끝났습니다 (상태: {{status}}). {{resume_url}}');
)SQL";

}  // namespace

// Version 12: cluster membership and shard leases (cluster/membership.cpp).
//  - cluster_nodes: one row per node incarnation (a restarted node is a new
//    member); status active -> suspected -> dead by heartbeat age, draining and
//    left by the node itself.
//  - cluster_shards: the lease of each shard: owner, epoch (bumped on every
//    grant, so a stale owner is recognisable), lease_until (renewed by the
//    owner's heartbeat; a shard is re-granted only after its lease expired or
//    its owner released it), releasing (the coordinator asked the owner to
//    hand it off).
const char* v12_sql = R"SQL(
CREATE TABLE cluster_nodes (
    node_id TEXT PRIMARY KEY,
    http_url TEXT NOT NULL,
    caf_host TEXT,
    caf_port INT,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'suspected', 'draining', 'dead', 'left')),
    status_changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    load JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX cluster_nodes_live ON cluster_nodes (status) WHERE status IN ('active', 'suspected', 'draining');
CREATE TABLE cluster_shards (
    shard INT PRIMARY KEY CHECK (shard >= 0),
    owner TEXT,
    epoch BIGINT NOT NULL DEFAULT 0,
    lease_until TIMESTAMPTZ,
    releasing BOOLEAN NOT NULL DEFAULT false,
    granted_at TIMESTAMPTZ
);
CREATE INDEX cluster_shards_owner ON cluster_shards (owner);
)SQL";

// Each user's in-app notifications are numbered 1, 2, 3, ... (inbox_seq) in
// commit order: the counter row is locked until the storing transaction
// commits, so number n+1 is only handed out after n is visible. The WebSocket
// `notifications` topic uses it: with several nodes storing notifications, a
// session that sees n+2 before n+1 knows one is missing and reads it back.
const char* v13_sql = R"SQL(
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
)SQL";

// Indexes every insert paid for and no query needs: (user_id) and (job_id,
// status) are prefixes of the keyset indexes of migration 4; notifications by
// status alone were only ever read for failed (idx_notifications_failed) and
// pending (idx_notifications_due) rows. And the foreign key from a
// notification to its template: a check (and a lock on the template row) for
// every notification stored, for templates that are never deleted (a saved
// template is a new active version; the old row stays).
const char* v14_sql = R"SQL(
DROP INDEX IF EXISTS idx_applications_user_id;
DROP INDEX IF EXISTS idx_applications_job_status;
DROP INDEX IF EXISTS idx_notifications_status;
ALTER TABLE notifications DROP CONSTRAINT IF EXISTS notifications_template_id_fkey;
)SQL";

// Version 15: room on every page for the counter updates. Each application bumps its job's
// applies_count (and the search document's copy); on pages packed full (fillfactor 100, as a
// bulk load leaves them) the new row version lands on another page and every index of the
// table gets a new entry (a bench run: 14% of these updates were HOT). With room left, they
// stay heap-only. Applies to pages written from now on (VACUUM FULL repacks old ones).
const char* v15_sql = R"SQL(
ALTER TABLE jobs SET (fillfactor = 80);
ALTER TABLE job_search_docs SET (fillfactor = 80);
)SQL";

// Version 16: nothing lost when the broker loses its log (the embedded broker keeps it in
// memory). Each consumer group confirms the outbox rows it handled (outbox_acks, written in
// the transaction of the handler's effects; the relay stamps each message with its row id);
// the relay deletes a row once every group subscribed to its topic confirmed it (or after
// the retention), and writes a marker into each broker it publishes to (kafka_state.epoch):
// a broker without the marker is a new one, and every row still kept is published again.
const char* v16_sql = R"SQL(
CREATE TABLE kafka_state (
    id INT PRIMARY KEY CHECK (id = 1),
    epoch UUID,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO kafka_state (id) VALUES (1);
CREATE TABLE consumer_groups (
    group_id TEXT PRIMARY KEY,
    topics TEXT[] NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE outbox_acks (
    id BIGSERIAL PRIMARY KEY,
    group_id TEXT NOT NULL,
    ids BIGINT[] NOT NULL,
    acked_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Rows published before consumers confirmed what they handled cannot be told apart.
DELETE FROM outbox WHERE published_at IS NOT NULL;
)SQL";

// Version 17: login and sign-up limits shared by every node (token buckets keyed by
// client network or account), and the devices an account logged in from (a device
// token lets its owner in while the account is under attack).
const char* v17_sql = R"SQL(
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tokens DOUBLE PRECISION NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE login_devices (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_login_devices_user ON login_devices(user_id);
)SQL";

// Version 18: the CAF node id of each node, so that a node's ingress takes commands
// only from the cluster's members (on top of mutual TLS).
const char* v18_sql = R"SQL(
ALTER TABLE cluster_nodes ADD COLUMN caf_node TEXT;
)SQL";

const std::vector<migration>& migrations() {
  static const std::vector<migration> all = {
      {1, "apply slice: jobs, applications, journal, notifications, outbox", v1_sql},
      {2, "accounts: users, profiles, companies, members, invitations, refresh tokens", v2_sql},
      {3, "jobs: versions, job_events, skill_tags, job_skills, the job_search read model", v3_sql},
      {4, "application lists: keyset indexes", v4_sql},
      {5, "device tokens: unique per user", v5_sql},
      {6, "interviews", v6_sql},
      {7, "notification delivery (attempts, back-off, dead letters) and templates for every event", v7_sql},
      {8, "job search: the text index with sort_at (btree_gin)", v8_sql},
      {9, "a welcome e-mail template", v9_sql},
      {10, "notifications to an address; the invitation e-mail", v10_sql},
      {11, "resumes, their parsed rows, embeddings, PII masking logs and ai_tasks", v11_sql},
      {12, "cluster membership and shard leases", v12_sql},
      {13, "each user's in-app notifications numbered in commit order (inbox_seq)", v13_sql},
      {14, "drop indexes that other indexes cover and the notification -> template foreign key", v14_sql},
      {15, "room on job pages for counter updates to stay heap-only (fillfactor 80)", v15_sql},
      {16, "consumer groups confirm the outbox rows they handled; the broker's identity (epoch)", v16_sql},
      {17, "login and sign-up limits shared by the nodes; devices accounts logged in from", v17_sql},
      {18, "cluster members' CAF node ids (the ingress takes commands from members only)", v18_sql},
  };
  return all;
}

int migrate(const std::string& db_url) {
  pqxx::connection conn{db_url};
  auto exec_now = [&conn](const std::string& sql) {
    pqxx::nontransaction t{conn};
    t.exec(sql);
  };
  // One node migrates at a time; the others wait here and then find nothing to do.
  exec_now("SELECT pg_advisory_lock(4242001)");
  int applied = 0;
  try {
    exec_now(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    for (auto& m : migrations()) {
      pqxx::work txn{conn};
      auto r = txn.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", m.version);
      if (!r.empty())
        continue;
      txn.exec(m.sql);
      txn.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name);
      txn.commit();
      ++applied;
      log::info("migration applied", {{"version", m.version}, {"name", m.name}});
    }
  } catch (const std::exception& e) {
    exec_now("SELECT pg_advisory_unlock(4242001)");
    throw std::runtime_error(std::string{"database migration failed: "} + e.what());
  }
  exec_now("SELECT pg_advisory_unlock(4242001)");
  return applied;
}

void reset_domain_data(const std::string& db_url) {
  auto conn = connect(db_url);
  pqxx::work txn{*conn};
  txn.exec(
      "TRUNCATE users, jobseeker_profiles, companies, company_members, company_invitations, refresh_tokens, jobs, "
      "job_events, job_skills, job_search, job_search_docs, applications, application_events, interviews, "
      "notifications, device_tokens, user_notification_settings, outbox, outbox_acks, resumes, ai_tasks RESTART "
      "IDENTITY CASCADE");
  txn.commit();
}

resume_progress resume_counts(const std::string& db_url) {
  auto conn = connect(db_url);
  pqxx::read_transaction txn{*conn};
  auto r = txn.exec1(
      "SELECT count(*) FILTER (WHERE status = 'processing'), count(*) FILTER (WHERE status = 'ready'), count(*) "
      "FILTER (WHERE status = 'error') FROM resumes");
  return {r[0].as<int64_t>(), r[1].as<int64_t>(), r[2].as<int64_t>()};
}

}  // namespace hirehub::persistence
