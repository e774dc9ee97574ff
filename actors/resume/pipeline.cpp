#include "actors/resume/pipeline.hpp"

#include <nlohmann/json.hpp>

#include "actors/resume/summary.hpp"

namespace hirehub::resume {

const char* to_string(stage s) {
  switch (s) {
    case stage::extract: return "extract";
    case stage::mask: return "mask";
    case stage::parse: return "parse";
    case stage::embed: return "embed";
    default: return "summarise";
  }
}

const char* task_type(stage s) {
  switch (s) {
    case stage::extract: return "extraction";
    case stage::mask: return "pii_masking";
    case stage::parse: return "parsing";
    case stage::embed: return "embedding";
    default: return "summary";
  }
}

pipeline_output run_local(std::string_view bytes, const pipeline_options& o, embedder& emb) {
  pipeline_output out;
  out.text = extract(bytes, o.limits);
  out.masking = mask_pii(out.text.text, o.masking);
  out.parsed = parse_resume(out.masking.masked, o.parsing);
  out.chunks = chunk_text(out.masking.masked);
  std::vector<std::string> texts;
  texts.reserve(out.chunks.size());
  for (const auto& c : out.chunks)
    texts.push_back(c.text);
  out.vectors = emb.embed(texts);
  out.embed_model = emb.model();
  out.summary = extractive_summary(out.masking.masked, out.parsed);
  return out;
}

nlohmann::json report(const pipeline_output& out, int embedding_dims) {
  using nlohmann::json;
  json pii = json::array();
  for (const auto& f : out.masking.findings)
    pii.push_back({{"type", to_string(f.type)},
                   {"start", f.start},
                   {"end", f.end},
                   {"score", f.score},
                   {"recognizer", f.recognizer}});
  json chunks = json::array();
  for (const auto& c : out.chunks)
    chunks.push_back({{"index", c.index}, {"text", c.text}});
  return json{{"file_type", to_string(out.text.kind)},
              {"pages", out.text.pages},
              {"text_length", out.text.text.size()},
              {"masked_text", out.masking.masked},
              {"pii", pii},
              {"pii_counts", out.masking.counts()},
              {"parsed", out.parsed},
              {"summary", out.summary},
              {"embedding_model", out.embed_model},
              {"embedding_dims", embedding_dims},
              {"chunks", chunks}};
}

}  // namespace hirehub::resume
