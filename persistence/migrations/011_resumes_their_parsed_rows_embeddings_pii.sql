-- resumes, their parsed rows, embeddings, PII masking logs and ai_tasks
--
-- Version 11: resumes and the pipeline's outputs (seed 001, resume-service and
-- ai-service). Vectors are float4 little-endian in `bytea` (Debian 12 has no
-- pgvector); the in-memory HNSW index is rebuilt from them. The pipeline's
-- progress is on the resume row: `stage` is the last completed stage and
-- every stage's commit is fenced on the stage before it, so two pipelines of
-- one resume cannot both commit a stage. `seq` numbers the live frames.
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
