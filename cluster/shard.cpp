#include "cluster/shard.hpp"

#include <cstdint>

namespace hirehub::cluster {

int shard_of(std::string_view entity_id, int shards) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : entity_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int>(h % static_cast<uint64_t>(shards > 0 ? shards : 1));
}

}  // namespace hirehub::cluster
