-- login and sign-up limits shared by the nodes; devices accounts logged in from
--
-- Version 17: login and sign-up limits shared by every node (token buckets keyed by
-- client network or account), and the devices an account logged in from (a device
-- token lets its owner in while the account is under attack).
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
