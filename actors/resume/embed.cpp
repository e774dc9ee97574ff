#include "actors/resume/embed.hpp"

#include <cmath>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "runtime/text_util.hpp"

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume {

namespace {

bool sentence_end(std::string_view t, size_t i) {
  char c = t[i];
  if (c == '\n')
    return true;
  if ((c == '.' || c == '!' || c == '?') && (i + 1 == t.size() || t[i + 1] == ' ' || t[i + 1] == '\n'))
    return true;
  // Korean sentence endings: "...다." is covered above; "다 " without a period in bullet text is not split.
  return false;
}

std::vector<std::string_view> sentences(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (sentence_end(text, i)) {
      auto s = trim(text.substr(start, i + 1 - start));
      if (!s.empty())
        out.push_back(s);
      start = i + 1;
    }
  }
  auto s = trim(text.substr(start));
  if (!s.empty())
    out.push_back(s);
  return out;
}

}  // namespace

std::vector<chunk> chunk_text(std::string_view text, size_t target_bytes, size_t max_bytes) {
  std::vector<std::string_view> pieces;
  for (auto s : sentences(text)) {
    // A sentence longer than a chunk is cut at spaces (or anywhere, at a code point).
    while (s.size() > max_bytes) {
      auto cut = utf8_prefix(s, max_bytes).size();
      auto sp = s.substr(0, cut).find_last_of(' ');
      if (sp != std::string_view::npos && sp > max_bytes / 2)
        cut = sp;
      pieces.push_back(s.substr(0, cut));
      s = trim(s.substr(cut));
    }
    if (!s.empty())
      pieces.push_back(s);
  }
  std::vector<chunk> out;
  std::string cur;
  std::string_view last;
  auto flush = [&] {
    if (!cur.empty())
      out.push_back({static_cast<int>(out.size()), cur});
    cur.clear();
  };
  for (auto p : pieces) {
    if (!cur.empty() && cur.size() + 1 + p.size() > target_bytes) {
      flush();
      // Overlap: the previous sentence opens the next chunk when it fits.
      if (last.size() + 1 + p.size() <= max_bytes && last.size() < target_bytes / 2)
        cur = std::string(last);
    }
    if (!cur.empty())
      cur += ' ';
    cur += p;
    last = p;
  }
  flush();
  return out;
}

hashing_embedder::hashing_embedder(int dims) : dims_(dims > 0 ? dims : 384) {}

std::string hashing_embedder::model() const {
  return "local-hash-ngram-v1-" + std::to_string(dims_);
}

namespace {

uint64_t fnv1a(std::string_view s, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  // Final mix so low bits are well spread.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

const std::unordered_set<std::string>& low_idf() {
  static const std::unordered_set<std::string> w = {
      "the",         "a",      "an",   "and",  "or",      "of",       "to",     "in",       "on",      "for",
      "with",        "at",     "by",   "from", "as",      "is",       "was",    "were",     "be",      "been",
      "i",           "my",     "me",   "we",   "our",     "it",       "its",    "this",     "that",    "these",
      "those",       "using",  "used", "use",  "via",     "per",      "also",   "etc",      "및",      "등",
      "또한",        "그리고", "위한", "통해", "대한",    "있는",     "하는",   "했습니다", "합니다",  "있습니다",
      "하였습니다",  "수행",   "담당", "업무", "경험",    "경력",     "사항",   "현재",     "present", "experience",
      "responsible", "worked", "work", "team", "project", "projects", "company"};
  return w;
}

struct features {
  std::unordered_map<std::string, float> tf;
  void add(std::string key, float w) { tf[std::move(key)] += w; }
};

}  // namespace

std::vector<float> hashing_embedder::embed_one(std::string_view text) const {
  // Words: runs of ASCII letters/digits (and + # for C++/C#) or of Hangul syllables.
  std::vector<std::string> words;
  std::string cur;
  bool cur_hangul = false;
  auto flush = [&] {
    if (!cur.empty())
      words.push_back(cur);
    cur.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    char32_t c = decode_utf8(text, i);
    bool h = is_hangul_syllable(c);
    bool a = c < 128 && (std::isalnum(static_cast<int>(c)) || c == '+' || c == '#');
    if (!h && !a) {
      flush();
      continue;
    }
    if (!cur.empty() && h != cur_hangul)
      flush();
    cur_hangul = h;
    if (a)
      cur += static_cast<char>(std::tolower(static_cast<int>(c)));
    else
      append_utf8(cur, c);
  }
  flush();

  features f;
  const auto& stop = low_idf();
  for (size_t k = 0; k < words.size(); ++k) {
    const auto& w = words[k];
    float idf = stop.count(w) ? 0.15f : 1.0f;
    f.add("w:" + w, idf);
    if (k + 1 < words.size() && !stop.count(w) && !stop.count(words[k + 1]))
      f.add("b:" + w + " " + words[k + 1], 0.6f);
    bool hangul = (static_cast<unsigned char>(w[0]) & 0x80) != 0;
    if (hangul) {
      // Syllable bigrams: 개발자 ~ 개발, 발자 (Korean attaches particles and suffixes).
      std::vector<size_t> starts;
      for (size_t p = 0; p < w.size(); p += 3)
        starts.push_back(p);
      for (size_t s = 0; s + 1 < starts.size(); ++s)
        f.add("h:" + w.substr(starts[s], 6), 0.5f * idf);
    } else if (w.size() >= 4) {
      // Character trigrams with boundaries: "kubernetes" ~ "kubernete" ~ typos.
      std::string padded = "<" + w + ">";
      for (size_t p = 0; p + 3 <= padded.size(); ++p)
        f.add("c:" + padded.substr(p, 3), 0.25f * idf);
    }
  }
  std::vector<float> v(static_cast<size_t>(dims_), 0.0f);
  for (const auto& [key, tf] : f.tf) {
    uint64_t h = fnv1a(key, 0x9e3779b97f4a7c15ULL);
    size_t idx = static_cast<size_t>(h % static_cast<uint64_t>(dims_));
    float sign = (h >> 63) ? -1.0f : 1.0f;
    // Sublinear term frequency.
    v[idx] += sign * (1.0f + std::log(1.0f + tf));
  }
  double norm = 0;
  for (float x : v)
    norm += static_cast<double>(x) * x;
  if (norm > 0) {
    auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (auto& x : v)
      x *= inv;
  }
  return v;
}

std::vector<std::vector<float>> hashing_embedder::embed(const std::vector<std::string>& texts) {
  std::vector<std::vector<float>> out;
  out.reserve(texts.size());
  for (const auto& t : texts)
    out.push_back(embed_one(t));
  return out;
}

float dot(const std::vector<float>& a, const std::vector<float>& b) {
  float s = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    s += a[i] * b[i];
  return s;
}

std::string to_bytes(const std::vector<float>& v) {
  std::string out(v.size() * 4, '\0');
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t u;
    std::memcpy(&u, &v[i], 4);
    for (int k = 0; k < 4; ++k)
      out[i * 4 + static_cast<size_t>(k)] = static_cast<char>((u >> (8 * k)) & 0xFF);
  }
  return out;
}

std::vector<float> from_bytes(std::string_view b) {
  std::vector<float> v(b.size() / 4);
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t u = 0;
    for (int k = 0; k < 4; ++k)
      u |= static_cast<uint32_t>(static_cast<unsigned char>(b[i * 4 + static_cast<size_t>(k)])) << (8 * k);
    std::memcpy(&v[i], &u, 4);
  }
  return v;
}

}  // namespace hirehub::resume
