#include "actors/resume/llm.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "actors/resume/pii.hpp"
#include "actors/resume/summary.hpp"
#include "runtime/text_util.hpp"
#include "runtime/http_post.hpp"

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume {

using nlohmann::json;

namespace {

/// Calls {base_url}/{path} and returns the parsed JSON answer; throws provider_error.
json call(const provider_config& c, const std::string& path, const json& body) {
  std::vector<std::string> headers;
  if (!c.api_key.empty())
    headers.push_back("Authorization: Bearer " + c.api_key);
  auto url = c.base_url;
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  auto a = http::post_json(url + path, headers, body.dump(), c.timeout);
  if (a.status == 0)
    throw provider_error(c.name + ": " + a.error, true);
  if (a.status < 200 || a.status >= 300)
    throw provider_error(c.name + ": HTTP " + std::to_string(a.status), a.status == 429 || a.status >= 500);
  auto j = json::parse(a.body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw provider_error(c.name + ": the answer is not a JSON object", false);
  return j;
}

}  // namespace

std::string chat_client::complete(const std::string& system, const std::string& user, int max_tokens) const {
  json body = {{"model", c_.model},
               {"messages", {{{"role", "system"}, {"content", system}}, {{"role", "user"}, {"content", user}}}},
               {"temperature", 0.2},
               {"max_tokens", max_tokens}};
  auto j = call(c_, "/chat/completions", body);
  const json* content = nullptr;
  if (j.contains("choices") && j["choices"].is_array() && !j["choices"].empty()) {
    const auto& m = j["choices"][0];
    if (m.is_object() && m.contains("message") && m["message"].is_object() && m["message"].contains("content"))
      content = &m["message"]["content"];
  }
  if (!content || !content->is_string() ||
      content->get<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
    throw provider_error(c_.name + ": no message content in the answer", false);
  auto text = content->get<std::string>();
  if (!valid_utf8(text))
    throw provider_error(c_.name + ": the answer is not UTF-8", false);
  return text;
}

std::vector<std::vector<float>> remote_embedder::embed(const std::vector<std::string>& texts) {
  if (texts.empty())
    return {};
  auto j = call(c_, "/embeddings", {{"model", c_.model}, {"input", texts}});
  if (!j.contains("data") || !j["data"].is_array() || j["data"].size() != texts.size())
    throw provider_error(c_.name + ": expected " + std::to_string(texts.size()) + " embeddings", false);
  std::vector<std::vector<float>> out(texts.size());
  for (const auto& d : j["data"]) {
    if (!d.is_object() || !d.contains("index") || !d["index"].is_number_integer() || !d.contains("embedding") ||
        !d["embedding"].is_array())
      throw provider_error(c_.name + ": malformed embedding", false);
    auto i = d["index"].get<int64_t>();
    if (i < 0 || i >= static_cast<int64_t>(texts.size()) || !out[static_cast<size_t>(i)].empty())
      throw provider_error(c_.name + ": embedding index out of range or repeated", false);
    if (static_cast<int>(d["embedding"].size()) != dims_)
      throw provider_error(c_.name + ": embedding of " + std::to_string(d["embedding"].size()) +
                               " dimensions; expected " + std::to_string(dims_),
                           false);
    std::vector<float> v;
    v.reserve(static_cast<size_t>(dims_));
    double norm = 0;
    for (const auto& x : d["embedding"]) {
      if (!x.is_number())
        throw provider_error(c_.name + ": malformed embedding", false);
      v.push_back(x.get<float>());
      norm += static_cast<double>(v.back()) * v.back();
    }
    if (norm <= 0 || !std::isfinite(norm))
      throw provider_error(c_.name + ": zero or non-finite embedding", false);
    auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (auto& x : v)
      x *= inv;
    out[static_cast<size_t>(i)] = std::move(v);
  }
  return out;
}

bool circuit_breaker::allow(clock::time_point now) {
  std::lock_guard<std::mutex> g{m_};
  if (!open_)
    return true;
  if (now < open_until_ || trial_)
    return false;
  trial_ = true;  // half-open: this one call decides
  return true;
}

void circuit_breaker::success() {
  std::lock_guard<std::mutex> g{m_};
  failures_ = 0;
  open_ = false;
  trial_ = false;
}

void circuit_breaker::failure(clock::time_point now) {
  std::lock_guard<std::mutex> g{m_};
  ++failures_;
  if (trial_ || failures_ >= threshold_) {
    open_ = true;
    open_until_ = now + cooldown_;
  }
  trial_ = false;
}

std::string circuit_breaker::state(clock::time_point now) const {
  std::lock_guard<std::mutex> g{m_};
  if (!open_)
    return "closed";
  return now < open_until_ || trial_ ? "open" : "half_open";
}

summariser::summariser(std::vector<provider_config> providers, int breaker_threshold,
                       std::chrono::milliseconds cooldown, int max_tokens)
    : max_tokens_(max_tokens) {
  for (auto& p : providers)
    slots_.push_back({chat_client(std::move(p)), std::make_unique<circuit_breaker>(breaker_threshold, cooldown)});
}

summary_result summariser::summarise(const std::string& masked, const parsed_resume& parsed) {
  summary_result r;
  if (!slots_.empty()) {
    const std::string system =
        "You summarise resumes for recruiters. Write two to four sentences in the language of the resume, using only "
        "facts from it: experience, roles, main skills, education. Never write names, contact details or any masked "
        "value (***).";
    json facts = {{"years_experience", parsed.years_experience}};
    json skills = json::array();
    for (const auto& s : parsed.skills)
      skills.push_back(s.name);
    facts["skills"] = skills;
    if (!parsed.experiences.empty())
      facts["latest_position"] = parsed.experiences.front().position;
    auto user = "Resume (personal data masked as ***):\n" + std::string(utf8_prefix(masked, 12000)) +
                "\n\nParsed facts: " + facts.dump();
    for (auto& s : slots_) {
      const auto& c = s.client.config();
      if (!s.breaker->allow(circuit_breaker::clock::now())) {
        r.errors.push_back(c.name + ": circuit open");
        continue;
      }
      try {
        auto text = s.client.complete(system, user, max_tokens_);
        s.breaker->success();
        // The model saw masked text only; mask its answer anyway (a model can invent contact details).
        r.text = mask_pii(std::string(utf8_prefix(trim(text), 2000))).masked;
        r.model = c.name + ":" + c.model;
        return r;
      } catch (const provider_error& e) {
        s.breaker->failure(circuit_breaker::clock::now());
        r.errors.push_back(e.what());
      }
    }
  }
  r.text = extractive_summary(masked, parsed);
  r.model = local_model;
  return r;
}

std::vector<std::string> summariser::states() const {
  std::vector<std::string> out;
  for (const auto& s : slots_)
    out.push_back(s.client.config().name + ": " + s.breaker->state(circuit_breaker::clock::now()));
  return out;
}

}  // namespace hirehub::resume
