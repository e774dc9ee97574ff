-- consumer groups confirm the outbox rows they handled; the broker's identity (epoch)
--
-- Version 16: nothing lost when the broker loses its log (the embedded broker keeps it in
-- memory). Each consumer group confirms the outbox rows it handled (outbox_acks, written in
-- the transaction of the handler's effects; the relay stamps each message with its row id);
-- the relay deletes a row once every group subscribed to its topic confirmed it (or after
-- the retention), and writes a marker into each broker it publishes to (kafka_state.epoch):
-- a broker without the marker is a new one, and every row still kept is published again.
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
