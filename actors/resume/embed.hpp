#pragma once
/// Chunks of masked resume text and their vectors. The default embedder is
/// local and deterministic (no model download): hashed word, word-bigram and
/// character n-gram features (Hangul syllable bigrams for Korean), weighted by
/// sublinear term frequency times a fixed inverse-document-frequency prior
/// (function words and resume boilerplate weigh little), signed feature
/// hashing into a fixed dimension, L2-normalised, so cosine = dot product.
/// The `embedder` interface is where an OpenAI-compatible HTTP client will
/// plug in (not built yet: docs/status.md). Pure.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hirehub::resume {

struct chunk {
  int index = 0;
  std::string text;
};

/// Splits on paragraph, then sentence, then word boundaries into chunks of
/// about `target_bytes` (never above `max_bytes`, never inside a UTF-8
/// sequence), each starting with the last sentence of the one before.
std::vector<chunk> chunk_text(std::string_view text, size_t target_bytes = 600, size_t max_bytes = 900);

class embedder {
 public:
  virtual ~embedder() = default;
  virtual std::string model() const = 0;
  virtual int dims() const = 0;
  /// One vector per text, each of dims() floats. Throws std::runtime_error
  /// on failure (a remote model may be down: the caller retries).
  virtual std::vector<std::vector<float>> embed(const std::vector<std::string>& texts) = 0;
};

class hashing_embedder final : public embedder {
 public:
  explicit hashing_embedder(int dims = 384);
  std::string model() const override;
  int dims() const override { return dims_; }
  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts) override;
  std::vector<float> embed_one(std::string_view text) const;

 private:
  int dims_;
};

/// Dot product of two L2-normalised vectors (their cosine similarity).
float dot(const std::vector<float>& a, const std::vector<float>& b);

/// Vectors as little-endian float32 bytes (the `bytea` column) and back.
std::string to_bytes(const std::vector<float>& v);
std::vector<float> from_bytes(std::string_view b);

}  // namespace hirehub::resume
