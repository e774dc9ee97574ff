/// The node's models from configuration: the embedder (local, or
/// ai.embeddings.*) and the summary chain (ai.llm1, ai.llm2, then local).
#include "actors/resume/embed.hpp"
#include "actors/resume/llm.hpp"
#include "gateway/api.hpp"
#include "runtime/config.hpp"

namespace hirehub::gateway {

namespace {

resume::provider_config provider(const config& cfg, const std::string& prefix) {
  return {cfg.get_string(prefix + ".name"), cfg.get_string(prefix + ".url"), cfg.get_string(prefix + ".api_key"),
          cfg.get_string(prefix + ".model"), cfg.get_ms(prefix + ".timeout_ms")};
}

}  // namespace

std::shared_ptr<resume::embedder> embedder_from(const config& cfg) {
  auto dims = static_cast<int>(cfg.get_int("resume.embed_dims"));
  if (cfg.get_string("ai.embeddings.url").empty())
    return std::make_shared<resume::hashing_embedder>(dims);
  return std::make_shared<resume::remote_embedder>(provider(cfg, "ai.embeddings"), dims);
}

std::shared_ptr<resume::summariser> summariser_from(const config& cfg) {
  std::vector<resume::provider_config> chain;
  for (const char* slot : {"ai.llm1", "ai.llm2"})
    if (!cfg.get_string(std::string(slot) + ".url").empty())
      chain.push_back(provider(cfg, slot));
  return std::make_shared<resume::summariser>(std::move(chain), static_cast<int>(cfg.get_int("ai.breaker_failures")),
                                              cfg.get_ms("ai.breaker_cooldown_ms"),
                                              static_cast<int>(cfg.get_int("ai.summary_max_tokens")));
}

}  // namespace hirehub::gateway
