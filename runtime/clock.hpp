#pragma once
/// Wall-clock time as stored in events (milliseconds since the Unix epoch, UTC).

#include <chrono>
#include <cstdint>

namespace hirehub {

inline int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace hirehub
