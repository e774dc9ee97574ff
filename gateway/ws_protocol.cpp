#include "gateway/ws_protocol.hpp"

#include <nlohmann/json.hpp>

#include "runtime/ids.hpp"

namespace hirehub::gateway {

namespace {

parsed_frame refuse(std::string message, std::string topic = {}, errc code = errc::bad_request) {
  parsed_frame p;
  p.error = {code, std::move(message), std::move(topic)};
  return p;
}

}  // namespace

parsed_frame parse_client_frame(std::string_view text) {
  auto f = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (!f.is_object())
    return refuse("frames must be JSON objects like {\"op\":\"subscribe\",\"topic\":...}");
  auto op_it = f.find("op");
  if (op_it == f.end() || !op_it->is_string())
    return refuse("op is required: subscribe, unsubscribe or ping");
  auto op = op_it->get<std::string>();
  client_frame out;
  if (op == "ping") {
    out.op = client_frame::op_kind::ping;
    parsed_frame p;
    p.frame = std::move(out);
    return p;
  }
  auto topic_it = f.find("topic");
  if (topic_it == f.end() || !topic_it->is_string())
    return refuse("topic is required: application:<id> or notifications");
  auto topic = topic_it->get<std::string>();
  if (topic.size() > 100)
    return refuse("topic is longer than 100 bytes");
  // Ids in one spelling: application:<ID> in upper case is the same topic and entity.
  if (auto colon = topic.find(':'); colon != std::string::npos)
    if (auto id = ids::canonical_uuid(topic.substr(colon + 1)); !id.empty())
      topic = topic.substr(0, colon + 1) + id;
  if (op == "unsubscribe") {
    out.op = client_frame::op_kind::unsubscribe;
  } else if (op == "subscribe") {
    out.op = client_frame::op_kind::subscribe;
  } else {
    return refuse("unknown op '" + op.substr(0, 20) + "': subscribe, unsubscribe or ping");
  }
  if (auto a = f.find("after_seq"); a != f.end()) {
    if (out.op != client_frame::op_kind::subscribe)
      return refuse("after_seq goes with subscribe", topic);
    if (!a->is_number_integer() || a->get<int64_t>() < 0)
      return refuse("after_seq must be a non-negative integer", topic);
    out.after_seq = a->get<int64_t>();
  }
  for (auto& [k, v] : f.items())
    if (k != "op" && k != "topic" && k != "after_seq")
      return refuse("unknown field '" + k.substr(0, 40) + "'", topic);
  out.topic = std::move(topic);
  parsed_frame p;
  p.frame = std::move(out);
  return p;
}

std::string hub_topic_of(const std::string& topic, const std::string& role, const std::string& user_id) {
  if (topic == "notifications")
    return "notifications:" + user_id;
  if (topic.rfind("application:", 0) == 0 && ids::is_uuid(topic.substr(12)))
    // The applicant follows their coarse view; the company and admins the full one.
    return role == "jobseeker" ? topic + ":applicant" : topic;
  if (topic.rfind("resume:", 0) == 0 && ids::is_uuid(topic.substr(7)))
    return topic;
  // job:<id>:matches (the job's company and admins: checked by the job's match actor)
  if (topic.size() == 4 + 36 + 8 && topic.rfind("job:", 0) == 0 && ids::is_uuid(topic.substr(4, 36)) &&
      topic.compare(40, 8, ":matches") == 0)
    return topic;
  if (topic == "recommendations" && role == "jobseeker")
    return "recommendations:" + user_id;
  return {};
}

}  // namespace hirehub::gateway
