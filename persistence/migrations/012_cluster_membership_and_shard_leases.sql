-- cluster membership and shard leases
--
-- Version 12: cluster membership and shard leases (cluster/membership.cpp).
--  - cluster_nodes: one row per node incarnation (a restarted node is a new
--    member); status active -> suspected -> dead by heartbeat age, draining and
--    left by the node itself.
--  - cluster_shards: the lease of each shard: owner, epoch (bumped on every
--    grant, so a stale owner is recognisable), lease_until (renewed by the
--    owner's heartbeat; a shard is re-granted only after its lease expired or
--    its owner released it), releasing (the coordinator asked the owner to
--    hand it off).
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
