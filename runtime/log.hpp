#pragma once
/// JSON logs through spdlog: one object per line with ts, level, msg, node and
/// any fields the caller adds (request_id above all, carried through actor
/// messages). Never log PII or secrets: log ids, not values.

#include <string>

#include <nlohmann/json.hpp>

namespace hirehub::log {

enum class level { trace, debug, info, warn, error };

/// Sets up the process logger; `file` empty logs to stderr.
void init(const std::string& level_name, const std::string& file, const std::string& node_id);

bool enabled(level lv);
void write(level lv, const std::string& msg, nlohmann::json fields = nlohmann::json::object());

inline void debug(const std::string& msg, nlohmann::json f = nlohmann::json::object()) {
  if (enabled(level::debug))
    write(level::debug, msg, std::move(f));
}
inline void info(const std::string& msg, nlohmann::json f = nlohmann::json::object()) {
  write(level::info, msg, std::move(f));
}
inline void warn(const std::string& msg, nlohmann::json f = nlohmann::json::object()) {
  write(level::warn, msg, std::move(f));
}
inline void error(const std::string& msg, nlohmann::json f = nlohmann::json::object()) {
  write(level::error, msg, std::move(f));
}

}  // namespace hirehub::log
