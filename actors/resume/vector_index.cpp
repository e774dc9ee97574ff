#include "actors/resume/vector_index.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <hnswlib/hnswlib.h>

namespace hirehub::resume {

namespace {

/// A graph slot (its hnswlib label is its position in `slots`).
struct slot {
  std::string resume_id;  ///< empty: free for reuse
  int chunk_index = 0;
  std::string text;
};

struct doc {
  std::string user_id;
  int64_t version = 0;
  std::vector<size_t> labels;
};

float dot(const float* a, const float* b, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i)
    s += a[i] * b[i];
  return s;
}

bool better(const index_hit& a, const index_hit& b) {
  if (a.score != b.score)
    return a.score > b.score;
  if (a.resume_id != b.resume_id)
    return a.resume_id < b.resume_id;
  return a.chunk_index < b.chunk_index;
}

}  // namespace

struct vector_index::impl {
  vector_index_options opts;
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
  std::vector<slot> slots;
  std::vector<size_t> free_labels;
  std::unordered_map<std::string, doc> docs;  ///< also tombstones (no labels)
  std::unordered_map<std::string, std::unordered_set<std::string>> by_user;
  size_t live = 0;
  size_t with_chunks = 0;

  explicit impl(vector_index_options o) : opts(o), space(static_cast<size_t>(o.dims)) {
    graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(&space, std::max<size_t>(o.initial_capacity, 16), o.m,
                                                              o.ef_construction);
    graph->setEf(o.ef_search);
  }

  const float* data(size_t label) const {
    return reinterpret_cast<const float*>(graph->getDataByInternalId(graph->label_lookup_.at(label)));
  }

  /// A free slot for a chunk (a reused one, or a new one, growing the graph).
  size_t take_label(const std::string& resume_id, index_chunk& c) {
    size_t label;
    if (!free_labels.empty()) {
      label = free_labels.back();
      free_labels.pop_back();
    } else {
      label = slots.size();
      if (label >= graph->max_elements_)
        graph->resizeIndex(graph->max_elements_ * 2);
      slots.emplace_back();
    }
    slots[label] = slot{resume_id, c.chunk_index, std::move(c.text)};
    ++live;
    return label;
  }

  /// Replaces the chunks of `d` (version already checked); returns the
  /// (label, vector) pairs still to be added to the graph.
  std::vector<std::pair<size_t, const float*>> replace(doc& d, const std::string& resume_id, const std::string& user_id,
                                                       int64_t version, std::vector<index_chunk>& chunks) {
    drop(d, resume_id);
    d.user_id = user_id;
    d.version = version;
    std::vector<std::pair<size_t, const float*>> adds;
    for (auto& c : chunks) {
      d.labels.push_back(take_label(resume_id, c));
      adds.emplace_back(d.labels.back(), c.vec.data());
    }
    if (!d.labels.empty()) {
      ++with_chunks;
      by_user[user_id].insert(resume_id);
    }
    return adds;
  }

  void drop(doc& d, const std::string& resume_id) {
    for (auto label : d.labels) {
      graph->markDelete(label);
      slots[label] = slot{};
      free_labels.push_back(label);
      --live;
    }
    if (!d.labels.empty()) {
      --with_chunks;
      auto u = by_user.find(d.user_id);
      if (u != by_user.end()) {
        u->second.erase(resume_id);
        if (u->second.empty())
          by_user.erase(u);
      }
    }
    d.labels.clear();
  }

  index_hit hit(size_t label, float score) const {
    const auto& s = slots[label];
    return index_hit{s.resume_id, docs.at(s.resume_id).user_id, s.chunk_index, s.text, score};
  }

  /// The resumes a restricted or filtered query may see.
  std::vector<const std::string*> candidates(const index_filter& f) const {
    std::vector<const std::string*> out;
    std::unordered_set<std::string> users(f.user_ids.begin(), f.user_ids.end());
    if (!f.resume_ids.empty()) {
      for (const auto& id : f.resume_ids) {
        auto it = docs.find(id);
        if (it != docs.end() && !it->second.labels.empty() && (users.empty() || users.count(it->second.user_id)))
          out.push_back(&it->first);
      }
    } else {
      for (const auto& u : users) {
        auto it = by_user.find(u);
        if (it == by_user.end())
          continue;
        for (const auto& id : it->second)
          out.push_back(&docs.find(id)->first);
      }
    }
    std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return *a < *b; });
    out.erase(std::unique(out.begin(), out.end(), [](auto* a, auto* b) { return *a == *b; }), out.end());
    return out;
  }
};

vector_index::vector_index(vector_index_options o) : p_(std::make_unique<impl>(o)) {}
vector_index::~vector_index() = default;

bool vector_index::upsert(const std::string& resume_id, const std::string& user_id, int64_t version,
                          std::vector<index_chunk> chunks) {
  for (const auto& c : chunks)
    if (static_cast<int>(c.vec.size()) != p_->opts.dims)
      throw std::invalid_argument("vector of " + std::to_string(c.vec.size()) + " dimensions; the index has " +
                                  std::to_string(p_->opts.dims));
  auto& d = p_->docs[resume_id];
  if (version <= d.version)  // a new resume has version 0; real ones start at 1
    return false;
  // Reusing a deleted label updates that slot in place (hnswlib unmarks it).
  for (auto [label, vec] : p_->replace(d, resume_id, user_id, version, chunks))
    p_->graph->addPoint(vec, label);
  return true;
}

size_t vector_index::upsert_many(std::vector<index_doc> docs, unsigned threads) {
  for (const auto& x : docs)
    for (const auto& c : x.chunks)
      if (static_cast<int>(c.vec.size()) != p_->opts.dims)
        throw std::invalid_argument("vector of " + std::to_string(c.vec.size()) + " dimensions; the index has " +
                                    std::to_string(p_->opts.dims));
  // Book-keeping and slots first (this grows the graph), then the graph
  // inserts in parallel: hnswlib locks per element for concurrent additions.
  std::vector<std::pair<size_t, const float*>> adds;
  auto run_adds = [&] {
    auto n = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(adds.size() / 64 + 1)));
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next++) < adds.size();)
        p_->graph->addPoint(adds[i].second, adds[i].first);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < n; ++t)
      pool.emplace_back(work);
    work();
    for (auto& t : pool)
      t.join();
    adds.clear();
  };
  std::unordered_set<std::string> seen;
  size_t applied = 0;
  for (auto& x : docs) {
    auto& d = p_->docs[x.resume_id];
    if (x.version <= d.version)
      continue;
    if (!seen.insert(x.resume_id).second)
      run_adds();  // the same resume again: its earlier chunks must be in the graph before they are dropped
    auto more = p_->replace(d, x.resume_id, x.user_id, x.version, x.chunks);
    adds.insert(adds.end(), more.begin(), more.end());
    ++applied;
  }
  run_adds();
  return applied;
}

size_t vector_index::remove(const std::string& resume_id, int64_t version) {
  auto& d = p_->docs[resume_id];
  if (version <= d.version)
    return 0;
  auto n = d.labels.size();
  p_->drop(d, resume_id);
  d.version = version;
  return n;
}

std::vector<index_hit> vector_index::query(const std::vector<float>& q, size_t k, const index_filter& f) const {
  auto& p = *p_;
  if (static_cast<int>(q.size()) != p.opts.dims)
    throw std::invalid_argument("query vector of " + std::to_string(q.size()) + " dimensions; the index has " +
                                std::to_string(p.opts.dims));
  std::vector<index_hit> out;
  if (k == 0 || p.live == 0)
    return out;
  bool filtered = f.restricted || !f.user_ids.empty() || !f.resume_ids.empty();
  std::unordered_set<const std::string*> allowed;
  if (filtered) {
    if (f.user_ids.empty() && f.resume_ids.empty())
      return out;
    auto cand = p.candidates(f);
    size_t chunks = 0;
    for (auto* id : cand)
      chunks += p.docs.at(*id).labels.size();
    if (chunks <= p.opts.exact_limit) {
      // Few chunks: exact, by scanning them.
      for (auto* id : cand)
        for (auto label : p.docs.at(*id).labels)
          out.push_back(p.hit(label, dot(q.data(), p.data(label), q.size())));
      std::sort(out.begin(), out.end(), better);
      if (out.size() > k)
        out.resize(k);
      return out;
    }
    allowed.insert(cand.begin(), cand.end());
  }
  // The graph, with a candidate list that grows until k chunks pass the filter.
  auto passes = [&](size_t label) {
    if (!filtered)
      return true;
    auto it = p.docs.find(p.slots[label].resume_id);
    return it != p.docs.end() && allowed.count(&it->first) > 0;
  };
  size_t want = filtered ? std::max<size_t>(k * 8, 64) : k;
  for (;;) {
    want = std::min(want, p.live);
    auto found = p.graph->searchKnn(q.data(), want);
    out.clear();
    while (!found.empty()) {
      auto [dist, label] = found.top();
      found.pop();
      if (passes(label))
        out.push_back(p.hit(label, 1.0f - dist));
    }
    if (out.size() >= k || want >= p.live)
      break;
    want *= 4;
  }
  std::sort(out.begin(), out.end(), better);
  if (out.size() > k)
    out.resize(k);
  return out;
}

size_t vector_index::size() const {
  return p_->live;
}
size_t vector_index::resume_count() const {
  return p_->with_chunks;
}
size_t vector_index::capacity() const {
  return p_->slots.size();
}
int vector_index::dims() const {
  return p_->opts.dims;
}

}  // namespace hirehub::resume
