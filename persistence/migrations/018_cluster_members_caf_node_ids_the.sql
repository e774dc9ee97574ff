-- cluster members' CAF node ids (the ingress takes commands from members only)
--
-- Version 18: the CAF node id of each node, so that a node's ingress takes commands
-- only from the cluster's members (on top of mutual TLS).
ALTER TABLE cluster_nodes ADD COLUMN caf_node TEXT;
