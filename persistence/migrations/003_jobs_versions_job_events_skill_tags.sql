-- jobs: versions, job_events, skill_tags, job_skills, the job_search read model
--
-- Version 3: jobs as in the seed's job-service, CQRS:
--  - the write model `jobs` gains a version (one per change), range checks and
--    `job_events` (every change, who made it, what changed);
--  - `skill_tags` (seeded master list) and `job_skills` (required or preferred);
--  - the read model `job_search`, kept up to date from job.* and
--    application.submitted events by the projector: the public document, the
--    filter columns, and a tsvector of title (A), skills (B), company (C),
--    description and requirements (D) for English and Korean (see
--    runtime/search_text.hpp); `sort_at` (posted or created) orders "newest";
--    the served documents in `job_search_docs`, fetched for a page's rows only.
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
