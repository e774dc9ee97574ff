#include "runtime/log.hpp"

#include <chrono>
#include <ctime>
#include <memory>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace hirehub::log {

namespace {

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("hirehub", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::info);
    return l;
  }();
  return instance;
}

std::string& node_name() {
  static std::string name;
  return name;
}

spdlog::level::level_enum to_spd(level lv) {
  switch (lv) {
    case level::trace: return spdlog::level::trace;
    case level::debug: return spdlog::level::debug;
    case level::info: return spdlog::level::info;
    case level::warn: return spdlog::level::warn;
    case level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string now_iso() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto t = system_clock::to_time_t(now);
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

}  // namespace

void init(const std::string& level_name, const std::string& file, const std::string& node_id) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (file.empty())
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  else
    sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file);
  auto l = std::make_shared<spdlog::logger>("hirehub", sink);
  l->set_pattern("%v");
  l->set_level(spdlog::level::from_str(level_name));
  l->flush_on(spdlog::level::info);
  logger() = l;
  node_name() = node_id;
}

bool enabled(level lv) {
  return logger()->should_log(to_spd(lv));
}

void write(level lv, const std::string& msg, nlohmann::json fields) {
  if (!enabled(lv))
    return;
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = now_iso();
  line["level"] = spdlog::level::to_string_view(to_spd(lv)).data();
  line["msg"] = msg;
  if (!node_name().empty())
    line["node"] = node_name();
  if (fields.is_object())
    for (auto& [k, v] : fields.items())
      line[k] = v;
  logger()->log(to_spd(lv), "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace hirehub::log
