// The HNSW vector index of resume chunks: recall against an exact scan,
// versions (out-of-order updates, deletions), filters, slot reuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "actors/resume/embed.hpp"
#include "actors/resume/vector_index.hpp"

namespace r = hirehub::resume;

namespace {

std::vector<float> random_unit(std::mt19937& rng, int dims) {
  std::normal_distribution<float> n(0, 1);
  std::vector<float> v(static_cast<size_t>(dims));
  float norm = 0;
  for (auto& x : v) {
    x = n(rng);
    norm += x * x;
  }
  for (auto& x : v)
    x /= std::sqrt(norm);
  return v;
}

struct corpus {
  std::vector<std::string> resume_ids, user_ids;
  std::vector<std::vector<std::vector<float>>> vecs;  ///< per resume, per chunk
};

/// `resumes` resumes of `chunks` chunks, resume i owned by user i % users.
corpus fill(r::vector_index& idx, std::mt19937& rng, int resumes, int chunks, int users, int dims) {
  corpus c;
  for (int i = 0; i < resumes; ++i) {
    c.resume_ids.push_back("resume-" + std::to_string(i));
    c.user_ids.push_back("user-" + std::to_string(i % users));
    std::vector<r::index_chunk> cs;
    c.vecs.emplace_back();
    for (int j = 0; j < chunks; ++j) {
      auto v = random_unit(rng, dims);
      c.vecs.back().push_back(v);
      cs.push_back({j, "chunk " + std::to_string(j) + " of " + c.resume_ids.back(), v});
    }
    EXPECT_TRUE(idx.upsert(c.resume_ids.back(), c.user_ids.back(), 1, std::move(cs)));
  }
  return c;
}

/// The exact top k (resume, chunk) pairs among resumes passing `keep`.
template <class Keep>
std::vector<std::pair<std::string, int>> exact(const corpus& c, const std::vector<float>& q, size_t k, Keep keep) {
  std::vector<std::pair<float, std::pair<std::string, int>>> all;
  for (size_t i = 0; i < c.vecs.size(); ++i) {
    if (!keep(i))
      continue;
    for (size_t j = 0; j < c.vecs[i].size(); ++j)
      all.push_back({r::dot(q, c.vecs[i][j]), {c.resume_ids[i], static_cast<int>(j)}});
  }
  std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::vector<std::pair<std::string, int>> out;
  for (size_t i = 0; i < std::min(k, all.size()); ++i)
    out.push_back(all[i].second);
  return out;
}

double overlap(const std::vector<r::index_hit>& got, const std::vector<std::pair<std::string, int>>& want) {
  std::set<std::pair<std::string, int>> w(want.begin(), want.end());
  size_t n = 0;
  for (const auto& h : got)
    n += w.count({h.resume_id, h.chunk_index});
  return want.empty() ? 1.0 : static_cast<double>(n) / static_cast<double>(want.size());
}

}  // namespace

TEST(VectorIndex, RecallAgainstExactScan) {
  // Random Gaussian directions are the hardest case for a graph index (no
  // clusters): a wide candidate list is needed for high recall.
  std::mt19937 rng(7);
  r::vector_index_options o;
  o.dims = 64;
  o.ef_search = 256;
  r::vector_index idx(o);
  auto c = fill(idx, rng, 2000, 5, 100, 64);
  ASSERT_EQ(idx.size(), 10000u);
  ASSERT_EQ(idx.resume_count(), 2000u);
  double total = 0;
  const int queries = 200;
  for (int i = 0; i < queries; ++i) {
    auto q = random_unit(rng, 64);
    auto got = idx.query(q, 10, {});
    ASSERT_EQ(got.size(), 10u);
    for (size_t j = 1; j < got.size(); ++j)
      EXPECT_GE(got[j - 1].score, got[j].score);
    total += overlap(got, exact(c, q, 10, [](size_t) { return true; }));
  }
  double recall = total / queries;
  std::printf("vector index recall@10 over 10000 random 64-d vectors: %.4f\n", recall);
  EXPECT_GE(recall, 0.97);
}

TEST(VectorIndex, ScoresAreCosineAndTextsComeBack) {
  r::vector_index idx({256});
  r::hashing_embedder e(256);
  auto go = e.embed_one("Go 백엔드 개발자, Kubernetes 운영 경험");
  auto mk = e.embed_one("브랜드 마케팅 캠페인 기획 및 SNS 광고 운영");
  ASSERT_TRUE(idx.upsert("r1", "u1", 1, {{0, "Go 백엔드 개발자", go}, {1, "마케팅 캠페인", mk}}));
  auto q = e.embed_one("golang Kubernetes 백엔드");
  auto hits = idx.query(q, 5, {});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].chunk_index, 0);
  EXPECT_EQ(hits[0].text, "Go 백엔드 개발자");
  EXPECT_EQ(hits[0].user_id, "u1");
  EXPECT_NEAR(hits[0].score, r::dot(q, go), 1e-5);
  EXPECT_NEAR(hits[1].score, r::dot(q, mk), 1e-5);
  EXPECT_GT(hits[0].score, hits[1].score);
}

TEST(VectorIndex, VersionsOrderUpdatesAndDeletionsStick) {
  std::mt19937 rng(1);
  r::vector_index idx({32});
  auto v = [&] { return random_unit(rng, 32); };
  ASSERT_TRUE(idx.upsert("r1", "u1", 5, {{0, "five", v()}, {1, "five", v()}}));
  EXPECT_FALSE(idx.upsert("r1", "u1", 4, {{0, "four", v()}}));  // late and older: ignored
  EXPECT_FALSE(idx.upsert("r1", "u1", 5, {{0, "again", v()}}));
  EXPECT_EQ(idx.size(), 2u);
  auto hits = idx.query(v(), 10, {});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].text, "five");
  ASSERT_TRUE(idx.upsert("r1", "u1", 6, {{0, "six", v()}}));
  EXPECT_EQ(idx.size(), 1u);
  EXPECT_EQ(idx.query(v(), 10, {})[0].text, "six");

  EXPECT_EQ(idx.remove("r1", 5), 0u);  // older than what the index holds
  EXPECT_EQ(idx.size(), 1u);
  EXPECT_EQ(idx.remove("r1", 7), 1u);
  EXPECT_EQ(idx.size(), 0u);
  EXPECT_TRUE(idx.query(v(), 10, {}).empty());
  EXPECT_FALSE(idx.upsert("r1", "u1", 6, {{0, "six", v()}}));   // the removal was later
  ASSERT_TRUE(idx.upsert("r1", "u1", 8, {{0, "eight", v()}}));  // re-indexed after it
  EXPECT_EQ(idx.size(), 1u);

  // A deleted resume never comes back, whatever arrives late.
  EXPECT_EQ(idx.remove("r1", r::vector_index::deleted_forever), 1u);
  EXPECT_FALSE(idx.upsert("r1", "u1", 9, {{0, "nine", v()}}));
  EXPECT_EQ(idx.size(), 0u);
  EXPECT_EQ(idx.resume_count(), 0u);
  // A removal of a resume the index never saw still fences older upserts.
  EXPECT_EQ(idx.remove("r2", 3), 0u);
  EXPECT_FALSE(idx.upsert("r2", "u2", 2, {{0, "two", v()}}));
  EXPECT_TRUE(idx.upsert("r2", "u2", 4, {{0, "four", v()}}));
}

TEST(VectorIndex, ReplacedChunksReuseTheirSlots) {
  std::mt19937 rng(3);
  r::vector_index idx({32});
  auto c = fill(idx, rng, 50, 4, 10, 32);
  auto slots = idx.capacity();
  for (int version = 2; version < 12; ++version)
    for (size_t i = 0; i < c.resume_ids.size(); ++i) {
      std::vector<r::index_chunk> cs;
      for (int j = 0; j < 4; ++j)
        cs.push_back({j, "v" + std::to_string(version), random_unit(rng, 32)});
      ASSERT_TRUE(idx.upsert(c.resume_ids[i], c.user_ids[i], version, std::move(cs)));
    }
  EXPECT_EQ(idx.size(), 200u);
  EXPECT_EQ(idx.capacity(), slots);
  auto hits = idx.query(random_unit(rng, 32), 200, {});
  EXPECT_EQ(hits.size(), 200u);
  for (const auto& h : hits)
    EXPECT_EQ(h.text, "v11");
}

TEST(VectorIndex, FiltersSeeOnlyWhatTheyAllow) {
  std::mt19937 rng(11);
  r::vector_index_options o;
  o.dims = 48;
  o.exact_limit = 100;  // so that wide filters take the graph path
  r::vector_index idx(o);
  auto c = fill(idx, rng, 1000, 4, 20, 48);  // 50 resumes (200 chunks) per user

  // One user: 200 chunks > exact_limit -> the graph with a growing candidate list.
  double total = 0;
  for (int i = 0; i < 50; ++i) {
    auto q = random_unit(rng, 48);
    r::index_filter f{true, {"user-3"}, {}};
    auto got = idx.query(q, 10, f);
    ASSERT_EQ(got.size(), 10u);
    for (const auto& h : got)
      EXPECT_EQ(h.user_id, "user-3");
    total += overlap(got, exact(c, q, 10, [&](size_t i) { return c.user_ids[i] == "user-3"; }));
  }
  EXPECT_GE(total / 50, 0.9);

  // A few resumes: exact.
  auto q = random_unit(rng, 48);
  r::index_filter few{true, {}, {"resume-3", "resume-23", "resume-999", "no-such-resume"}};
  auto got = idx.query(q, 10, few);
  auto want = exact(c, q, 10, [](size_t i) { return i == 3 || i == 23 || i == 999; });
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].resume_id, want[i].first);
    EXPECT_EQ(got[i].chunk_index, want[i].second);
  }
  // Users and resumes together: the intersection.
  r::index_filter both{true, {"user-3"}, {"resume-3", "resume-4"}};  // resume-4 is user-4's
  for (const auto& h : idx.query(q, 10, both))
    EXPECT_EQ(h.resume_id, "resume-3");
  EXPECT_EQ(idx.query(q, 10, both).size(), 4u);
  // Restricted with nothing allowed sees nothing; an unknown user sees nothing.
  EXPECT_TRUE(idx.query(q, 10, r::index_filter{true, {}, {}}).empty());
  EXPECT_TRUE(idx.query(q, 10, r::index_filter{true, {"user-404"}, {}}).empty());
  // Deleted resumes drop out of filtered queries too.
  idx.remove("resume-3", r::vector_index::deleted_forever);
  for (const auto& h : idx.query(q, 10, both))
    ADD_FAILURE() << "deleted chunk returned: " << h.resume_id;
}

TEST(VectorIndex, RefusesVectorsOfTheWrongDimension) {
  r::vector_index idx({16});
  EXPECT_THROW(idx.upsert("r", "u", 1, {{0, "x", std::vector<float>(15, 0.f)}}), std::invalid_argument);
  EXPECT_EQ(idx.size(), 0u);
  EXPECT_THROW(idx.query(std::vector<float>(17, 0.f), 3, {}), std::invalid_argument);
}

TEST(VectorIndex, BulkLoadOnThreadsMatchesOneByOne) {
  std::mt19937 rng(5);
  r::vector_index_options o;
  o.dims = 64;
  o.ef_search = 256;
  o.initial_capacity = 16;  // the bulk load grows the graph before inserting in parallel
  r::vector_index idx(o);
  corpus c;
  std::vector<r::index_doc> docs;
  for (int i = 0; i < 2000; ++i) {
    c.resume_ids.push_back("resume-" + std::to_string(i));
    c.user_ids.push_back("user-" + std::to_string(i % 50));
    c.vecs.emplace_back();
    r::index_doc d{c.resume_ids.back(), c.user_ids.back(), 3, {}};
    for (int j = 0; j < 5; ++j) {
      c.vecs.back().push_back(random_unit(rng, 64));
      d.chunks.push_back({j, "t", c.vecs.back().back()});
    }
    docs.push_back(std::move(d));
  }
  // A newer version already held for resume-0: the bulk copy of it is stale.
  ASSERT_TRUE(idx.upsert("resume-0", "user-0", 9, {{0, "newer", c.vecs[0][0]}}));
  // resume-1 twice in one batch: the later one wins.
  docs.push_back({"resume-1", "user-1", 4, {{0, "again", c.vecs[1][0]}}});
  EXPECT_EQ(idx.upsert_many(std::move(docs), 2), 2000u);  // 1999 + the second resume-1
  EXPECT_EQ(idx.size(), 1u + 1998u * 5u + 1u);
  EXPECT_EQ(idx.resume_count(), 2000u);
  double total = 0;
  for (int i = 0; i < 100; ++i) {
    auto q = random_unit(rng, 64);
    total += overlap(idx.query(q, 10, {}), exact(c, q, 10, [](size_t i) { return i > 1; }));
  }
  // The two replaced resumes may take a few of the exact answers' places.
  EXPECT_GE(total / 100, 0.95);
  auto mine = idx.query(c.vecs[1][0], 10, r::index_filter{true, {}, {"resume-1"}});
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].text, "again");
}
