#include "runtime/search_text.hpp"

#include "runtime/text_util.hpp"

#include <vector>

namespace hirehub::search_text {

namespace {

using text::append_utf8;
using text::decode_utf8;

std::string encode(const std::vector<char32_t>& w, size_t from, size_t n) {
  std::string out;
  for (size_t k = from; k < from + n; ++k)
    append_utf8(out, w[k]);
  return out;
}

/// Rewrites each run of Hangul with `emit(word)`; everything else is copied
/// (with a space around Hangul runs, so "Java개발자" splits into two words).
template <class Emit>
std::string rewrite(std::string_view text, Emit emit) {
  std::string out;
  out.reserve(text.size() * 2);
  std::vector<char32_t> word;
  auto flush = [&] {
    if (word.empty())
      return;
    out += ' ';
    emit(out, word);
    out += ' ';
    word.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    char32_t c = decode_utf8(text, i);
    if (is_hangul(c)) {
      word.push_back(c);
      continue;
    }
    flush();
    if (c == 0xFFFD)
      out += ' ';
    else
      out.append(text.substr(start, i - start));
  }
  flush();
  return out;
}

}  // namespace

bool is_hangul(char32_t c) {
  return (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F);
}

std::string index_terms(std::string_view text) {
  return rewrite(text, [](std::string& out, const std::vector<char32_t>& w) {
    out += encode(w, 0, w.size());
    if (w.size() >= 3)
      for (size_t k = 0; k + 1 < w.size(); ++k)
        out += ' ' + encode(w, k, 2);
  });
}

std::string query_terms(std::string_view text) {
  return rewrite(text, [](std::string& out, const std::vector<char32_t>& w) {
    if (w.size() < 3) {
      out += encode(w, 0, w.size());
      return;
    }
    for (size_t k = 0; k + 1 < w.size(); ++k)
      out += (k ? " " : "") + encode(w, k, 2);
  });
}

}  // namespace hirehub::search_text
