#pragma once
/// HireHub configuration: one registry of options (name, description, default,
/// type, bounds), loaded from a TOML file and overridden by HIREHUB_* environment
/// variables (`http.port` <- HIREHUB_HTTP_PORT). Unknown keys and bad values stop
/// start-up with a message naming the key. Values are read through typed getters.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hirehub {

/// Thrown by load_config and the getters; the message names the key and how to fix it.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class option_type { string, integer, boolean };

struct option_spec {
  std::string name;  ///< dotted key, e.g. "http.port"
  option_type type;
  std::string default_value;  ///< textual default, as written in the TOML file
  std::string description;
  int64_t min = 0;  ///< integer bounds (inclusive)
  int64_t max = 0;
  std::vector<std::string> choices;  ///< allowed values for strings (empty: any)
};

/// All options HireHub knows, in the order the example file lists them.
const std::vector<option_spec>& option_registry();

/// Name of the environment variable that overrides an option.
std::string env_name(const std::string& option);

class config {
 public:
  /// Defaults only.
  config();

  std::string get_string(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  std::chrono::milliseconds get_ms(const std::string& key) const { return std::chrono::milliseconds{get_int(key)}; }

  /// Sets a value from text after validating it against the registry.
  void set(const std::string& key, const std::string& text, const std::string& origin);

  /// Where each non-default value came from (file or env), for start-up logs.
  const std::map<std::string, std::string>& origins() const { return origins_; }

 private:
  const option_spec& spec(const std::string& key) const;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> origins_;
};

/// Loads defaults, then `path` (if non-empty; must exist), then the environment.
/// `env` defaults to the process environment when null.
config load_config(const std::string& path, const std::map<std::string, std::string>* env = nullptr);

/// Renders the example TOML file (every option, its default and meaning).
std::string render_example_config();

}  // namespace hirehub
