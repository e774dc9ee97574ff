// libFuzzer target: any text through the masker, the parser, the chunker,
// the embedder and the summary. The masked text must never be longer than a
// bounded expansion of the input, and masking must be idempotent on its own
// output's findings (nothing found twice).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "actors/resume/embed.hpp"
#include "actors/resume/parse.hpp"
#include "actors/resume/pii.hpp"
#include "actors/resume/summary.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace r = hirehub::resume;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto m = r::mask_pii(text);
  size_t last_end = 0;
  for (const auto& f : m.findings) {
    // Findings are ordered, disjoint and inside the text.
    if (f.start < last_end || f.end > text.size() || f.start >= f.end)
      std::abort();
    last_end = f.end;
  }
  auto p = r::parse_resume(m.masked);
  auto chunks = r::chunk_text(m.masked, 200, 300);
  for (const auto& c : chunks)
    if (c.text.size() > 300)
      std::abort();
  r::hashing_embedder emb(32);
  for (const auto& c : chunks)
    emb.embed_one(c.text);
  auto s = r::extractive_summary(m.masked, p);
  if (s.size() > 480)
    std::abort();
  return 0;
}
