#include "runtime/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace hirehub {

rate_limiter::rate_limiter(double capacity, std::chrono::milliseconds window, size_t max_keys)
    : capacity_(capacity),
      per_ms_(capacity / static_cast<double>(std::max<int64_t>(1, window.count()))),
      max_keys_(max_keys) {}

void rate_limiter::refill(bucket& b, clock::time_point now) const {
  auto ms = std::chrono::duration<double, std::milli>(now - b.at).count();
  if (ms > 0) {
    b.tokens = std::min(capacity_, b.tokens + ms * per_ms_);
    b.at = now;
  }
}

int64_t rate_limiter::take(const std::string& key, clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (buckets_.size() >= max_keys_) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      refill(it->second, now);
      it = it->second.tokens >= capacity_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(key, bucket{capacity_, now});
  auto& b = it->second;
  if (!fresh)
    refill(b, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / per_ms_ / 1000.0)));
}

}  // namespace hirehub
