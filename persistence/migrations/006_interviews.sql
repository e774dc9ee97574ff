-- interviews
--
-- Version 6: interviews (the seed's table, times in UTC with the IANA zone they
-- were scheduled in); a read model written with the application's journal.
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
