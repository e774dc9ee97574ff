#pragma once
/// The in-memory vector index of resume chunks: an HNSW graph (hnswlib, from
/// Debian) over L2-normalised vectors with inner-product distance, plus what
/// the RAG API needs around it: which resume and user each chunk belongs to,
/// its (masked) text, and a version per resume so that updates arriving out
/// of order never resurrect older or deleted chunks.
///
/// Queries may be filtered by users and resumes. A filter that leaves few
/// chunks (<= exact_limit) is answered exactly by scanning them; a wider one
/// searches the graph with a growing candidate list and keeps what passes.
/// Slots of replaced or removed chunks are reused by later inserts, so the
/// graph does not grow with churn. Not thread-safe: one owner (the index
/// actor) calls it. Pure (no CAF).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hirehub::resume {

struct index_chunk {
  int chunk_index = 0;
  std::string text;        ///< masked text
  std::vector<float> vec;  ///< dims floats, L2-normalised
};

struct index_doc {
  std::string resume_id, user_id;
  int64_t version = 0;
  std::vector<index_chunk> chunks;
};

struct index_hit {
  std::string resume_id;
  std::string user_id;
  int chunk_index = 0;
  std::string text;
  float score = 0;  ///< cosine similarity
};

/// What a query may see. `restricted` with both lists empty sees nothing; an
/// unrestricted filter with both empty sees everything; given lists are ANDed.
struct index_filter {
  bool restricted = false;
  std::vector<std::string> user_ids;
  std::vector<std::string> resume_ids;
};

struct vector_index_options {
  int dims = 384;
  size_t m = 32;  ///< graph degree
  size_t ef_construction = 100;
  size_t ef_search = 128;     ///< candidate list of a search (at least k)
  size_t exact_limit = 4096;  ///< filtered queries over at most this many chunks are exact
  size_t initial_capacity = 1024;
};

class vector_index {
 public:
  static constexpr int64_t deleted_forever = INT64_MAX;

  explicit vector_index(vector_index_options o = {});
  ~vector_index();
  vector_index(const vector_index&) = delete;
  vector_index& operator=(const vector_index&) = delete;

  /// Replaces the resume's chunks when `version` is newer than the one held
  /// (or the resume is new); returns false (and changes nothing) otherwise.
  /// Throws std::invalid_argument for a vector of the wrong dimension.
  bool upsert(const std::string& resume_id, const std::string& user_id, int64_t version,
              std::vector<index_chunk> chunks);

  /// Many upserts at once (rebuilding from the store), adding to the graph
  /// on `threads` threads; returns how many resumes were applied.
  size_t upsert_many(std::vector<index_doc> docs, unsigned threads);

  /// Removes the resume's chunks and remembers `version` (deleted_forever for
  /// a deleted resume), so older upserts are ignored; returns how many chunks
  /// went (0 when `version` is not newer).
  size_t remove(const std::string& resume_id, int64_t version);

  /// The k best chunks for the (normalised) query vector that pass the filter,
  /// best first.
  std::vector<index_hit> query(const std::vector<float>& q, size_t k, const index_filter& f) const;

  size_t size() const;          ///< live chunks
  size_t resume_count() const;  ///< resumes with chunks
  size_t capacity() const;      ///< graph slots (live + reusable)
  int dims() const;

 private:
  struct impl;
  std::unique_ptr<impl> p_;
};

}  // namespace hirehub::resume
