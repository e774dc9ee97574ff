// libFuzzer target: any bytes as an uploaded resume. Extraction either yields
// text or refuses with extract_error; then the text goes through masking and
// parsing. Anything else (a crash, a hang, another exception, a sanitizer
// report) is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "actors/resume/extract.hpp"
#include "actors/resume/parse.hpp"
#include "actors/resume/pii.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace r = hirehub::resume;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  r::sniff(bytes);
  try {
    auto out = r::extract(bytes);
    auto masked = r::mask_pii(out.text);
    r::parse_resume(masked.masked);
  } catch (const r::extract_error&) {
  }
  return 0;
}
