// libFuzzer target: any bytes as a WebSocket client frame. The parser answers a
// frame or an error, never throws; a parsed frame survives being written back and
// parsed again unchanged, and names a topic the hub knows or refuses it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/ws_protocol.hpp"

namespace gw = hirehub::gateway;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto p = gw::parse_client_frame(text);
  if (!p.frame) {
    if (p.error.message.empty())
      std::abort();  // every refusal says why
    return 0;
  }
  const auto& f = *p.frame;
  if (f.op == gw::client_frame::op_kind::ping)
    return 0;
  if (f.topic.size() > 100 || (f.after_seq && *f.after_seq < 0))
    std::abort();
  nlohmann::json again = {{"op", f.op == gw::client_frame::op_kind::subscribe ? "subscribe" : "unsubscribe"},
                          {"topic", f.topic}};
  if (f.after_seq)
    again["after_seq"] = *f.after_seq;
  auto q = gw::parse_client_frame(again.dump());
  if (!q.frame || q.frame->topic != f.topic || q.frame->after_seq != f.after_seq || q.frame->op != f.op)
    std::abort();
  auto hub = gw::hub_topic_of(f.topic, "jobseeker", "00000000-0000-4000-8000-000000000001");
  if (!hub.empty() && hub.find(':') == std::string::npos)
    std::abort();
  return 0;
}
