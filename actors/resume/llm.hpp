#pragma once
/// Remote models for the resume pipeline, all optional and configured: an
/// OpenAI-compatible chat-completions client, an OpenAI-compatible embeddings
/// client (an `embedder`), a circuit breaker per provider, and the summary
/// chain of the seed's LLM provider registry: each configured provider in
/// order, skipping those whose breaker is open, then the local extractive
/// summary, which cannot fail. Providers only ever see masked text, and their
/// answers are masked again before they are kept. Calls block: run them on a
/// worker thread or a detached actor.

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/resume/embed.hpp"
#include "actors/resume/parse.hpp"

namespace hirehub::resume {

struct provider_config {
  std::string name;      ///< recorded as "<name>:<model>" in ai_tasks
  std::string base_url;  ///< the API root, e.g. https://api.openai.com/v1
  std::string api_key;   ///< Bearer token (empty: none)
  std::string model;
  std::chrono::milliseconds timeout{20000};
};

/// A failed call. Messages name the provider and what went wrong (status,
/// timeout, malformed answer), never the text sent.
class provider_error : public std::runtime_error {
 public:
  provider_error(const std::string& what, bool transient) : std::runtime_error(what), transient_(transient) {}
  /// Timeouts, refused connections, 429 and 5xx: a later call may succeed.
  bool transient() const { return transient_; }

 private:
  bool transient_;
};

/// POST {base_url}/chat/completions.
class chat_client {
 public:
  explicit chat_client(provider_config c) : c_(std::move(c)) {}
  const provider_config& config() const { return c_; }
  /// The first choice's message content (non-empty); throws provider_error.
  std::string complete(const std::string& system, const std::string& user, int max_tokens) const;

 private:
  provider_config c_;
};

/// POST {base_url}/embeddings; vectors L2-normalised, each of `dims` values.
class remote_embedder final : public embedder {
 public:
  remote_embedder(provider_config c, int dims) : c_(std::move(c)), dims_(dims) {}
  std::string model() const override { return c_.name + ":" + c_.model; }
  int dims() const override { return dims_; }
  /// Throws provider_error (a std::runtime_error).
  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts) override;

 private:
  provider_config c_;
  int dims_;
};

/// After `threshold` consecutive failures a provider is skipped for
/// `cooldown`; then one call goes through (half-open): a success closes the
/// breaker, a failure opens it again. Thread-safe.
class circuit_breaker {
 public:
  using clock = std::chrono::steady_clock;
  circuit_breaker(int threshold, std::chrono::milliseconds cooldown) : threshold_(threshold), cooldown_(cooldown) {}
  /// Whether a call may go to the provider now (takes the half-open trial).
  bool allow(clock::time_point now);
  void success();
  void failure(clock::time_point now);
  /// closed, open or half_open.
  std::string state(clock::time_point now) const;

 private:
  mutable std::mutex m_;
  int threshold_;
  std::chrono::milliseconds cooldown_;
  int failures_ = 0;
  bool open_ = false;
  bool trial_ = false;  ///< the half-open call is out
  clock::time_point open_until_{};
};

struct summary_result {
  std::string text;
  std::string model;                ///< "<provider>:<model>", or the local summariser's name
  std::vector<std::string> errors;  ///< why providers before it were passed over
};

class summariser {
 public:
  static constexpr const char* local_model = "local-extractive-v1";

  summariser(std::vector<provider_config> providers, int breaker_threshold, std::chrono::milliseconds cooldown,
             int max_tokens = 400);
  /// Any remote provider configured (calls may then block for their timeouts).
  bool remote() const { return !slots_.empty(); }
  summary_result summarise(const std::string& masked, const parsed_resume& parsed);
  /// Each provider's breaker state, in chain order ("name: state").
  std::vector<std::string> states() const;

 private:
  struct slot {
    chat_client client;
    std::unique_ptr<circuit_breaker> breaker;
  };
  std::vector<slot> slots_;
  int max_tokens_;
};

}  // namespace hirehub::resume
