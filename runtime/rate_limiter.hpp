#pragma once
/// Token buckets by key (an e-mail address, a client address): `capacity`
/// attempts, refilled evenly over `window`. Thread-safe; node-local (each node
/// limits what it serves). Memory is bounded: when more than `max_keys` keys are
/// tracked, the full (idle) buckets are dropped.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hirehub {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  rate_limiter(double capacity, std::chrono::milliseconds window, size_t max_keys = 100000);

  /// Takes one token for `key`. Returns 0 when allowed, otherwise the seconds
  /// until a token is available (for Retry-After).
  int64_t take(const std::string& key, clock::time_point now = clock::now());

 private:
  struct bucket {
    double tokens;
    clock::time_point at;
  };
  void refill(bucket& b, clock::time_point now) const;

  double capacity_;
  double per_ms_;
  size_t max_keys_;
  std::mutex mtx_;
  std::unordered_map<std::string, bucket> buckets_;
};

}  // namespace hirehub
