#pragma once
/// Entity id -> shard, the same on every node, build and restart.

#include <string_view>

namespace hirehub::cluster {

/// FNV-1a (64 bit) of the id modulo `shards` (at least 1).
int shard_of(std::string_view entity_id, int shards);

}  // namespace hirehub::cluster
