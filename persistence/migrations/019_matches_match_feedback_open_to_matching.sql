-- matches, match feedback, and the jobseeker's open_to_matching setting
--
-- Version 19: matching (issue 22). `matches` holds, per job, the pairs of its top-k
-- (match.top_k) and every pair that was recommended to the jobseeker or applied with;
-- not every pair of every resume and job. Rows are written by the match scorer in
-- bulk; `seq` (one sequence for all rows) orders the changes a WebSocket client
-- resumes from (after_seq) and fences late writes: a row is only overwritten by a
-- write computed from a newer job or resume version (`job_version`, `resume_seq`).
ALTER TABLE jobseeker_profiles ADD COLUMN open_to_matching BOOLEAN NOT NULL DEFAULT true;

CREATE SEQUENCE matches_seq;
CREATE TABLE matches (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_id UUID NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    resume_id UUID NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    overall_score DECIMAL(5,2) NOT NULL CHECK (overall_score BETWEEN 0 AND 100),
    skill_score DECIMAL(5,2) NOT NULL CHECK (skill_score BETWEEN 0 AND 100),
    experience_score DECIMAL(5,2) NOT NULL CHECK (experience_score BETWEEN 0 AND 100),
    culture_score DECIMAL(5,2) NOT NULL CHECK (culture_score BETWEEN 0 AND 100),
    score_breakdown JSONB NOT NULL,
    ai_reasoning TEXT NOT NULL,
    is_recommended BOOLEAN NOT NULL DEFAULT false,
    recommended_at TIMESTAMPTZ,
    job_version BIGINT NOT NULL DEFAULT 0,
    resume_seq BIGINT NOT NULL DEFAULT 0,
    seq BIGINT NOT NULL DEFAULT nextval('matches_seq'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (job_id, resume_id)
);
CREATE INDEX idx_matches_job_score ON matches (job_id, overall_score DESC, resume_id);
CREATE INDEX idx_matches_user_score ON matches (user_id, overall_score DESC, job_id);
CREATE INDEX idx_matches_resume ON matches (resume_id);
CREATE INDEX idx_matches_recommended ON matches (user_id, recommended_at) WHERE is_recommended;

-- Each job's k-th best score (null while it holds fewer than k rows): a new resume
-- enters a job's list only above it, so scoring one resume against every open job
-- reads one small row per job instead of k index entries.
CREATE TABLE match_floors (
    job_id UUID PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    floor DECIMAL(5,2),
    rows INT NOT NULL
);

CREATE TABLE match_feedback (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    match_id UUID NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    feedback_type VARCHAR(20) NOT NULL CHECK (feedback_type IN ('helpful', 'not_helpful', 'hired', 'rejected')),
    feedback_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (match_id, feedback_by, feedback_type)
);
CREATE INDEX idx_match_feedback_match ON match_feedback (match_id);

-- What the match index of every node re-reads: jobseekers whose pool entry may have
-- changed (a resume ready, deleted, made primary; matching switched) and jobs that
-- changed. Written by triggers, so no code path can forget them; read by sequence.
CREATE TABLE match_pool_log (
    seq BIGSERIAL PRIMARY KEY,
    user_id UUID NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE match_job_log (
    seq BIGSERIAL PRIMARY KEY,
    job_id UUID NOT NULL,
    at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE FUNCTION match_pool_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO match_pool_log (user_id) VALUES (OLD.user_id);
        RETURN OLD;
    END IF;
    INSERT INTO match_pool_log (user_id) VALUES (NEW.user_id);
    RETURN NEW;
END $$;
CREATE TRIGGER resumes_match_pool AFTER INSERT OR DELETE ON resumes
    FOR EACH ROW EXECUTE FUNCTION match_pool_changed();
CREATE TRIGGER resumes_match_pool_update AFTER UPDATE ON resumes FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.is_primary IS DISTINCT FROM NEW.is_primary
          OR OLD.parsed_content IS DISTINCT FROM NEW.parsed_content)
    EXECUTE FUNCTION match_pool_changed();
CREATE TRIGGER profiles_match_pool AFTER UPDATE ON jobseeker_profiles FOR EACH ROW
    WHEN (OLD.open_to_matching IS DISTINCT FROM NEW.open_to_matching)
    EXECUTE FUNCTION match_pool_changed();
CREATE FUNCTION match_job_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO match_job_log (job_id) VALUES (OLD.id);
        RETURN OLD;
    END IF;
    INSERT INTO match_job_log (job_id) VALUES (NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER jobs_match AFTER INSERT OR DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION match_job_changed();
-- Not on every view counted: on what matching reads.
CREATE TRIGGER jobs_match_update AFTER UPDATE ON jobs FOR EACH ROW
    WHEN (OLD.version IS DISTINCT FROM NEW.version OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
    EXECUTE FUNCTION match_job_changed();

-- A recommendation tells the jobseeker (in-app, and e-mail when their settings allow).
INSERT INTO notification_templates (name, event_type, channel, subject_template, body_template) VALUES
('match_recommended_in_app', 'match.recommended', 'in_app',
 '추천 공고: {{job_title}}',
 '{{company_name}}의 {{job_title}} 공고가 회원님의 이력서와 {{match_score}}점으로 매칭되었습니다.'),
('match_recommended_email', 'match.recommended', 'email',
 '회원님께 맞는 공고가 있습니다: {{job_title}}',
 E'{{company_name}}의 {{job_title}} 공고가 회원님의 이력서와 {{match_score}}점으로 매칭되었습니다.\n\n공고 보기: {{job_url}}');
