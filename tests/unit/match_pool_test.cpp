// The match index's snapshots (actors/match_core): a change makes a new snapshot that
// shares the side nothing changed in, replaces or drops jobseekers and jobs, drops
// expired jobs; bulk scoring ranks best first with ties by id.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "actors/match_core.hpp"
#include "actors/resume/parse.hpp"

namespace mc = hirehub::matching;
using nlohmann::json;

namespace {

std::shared_ptr<const mc::pool_candidate> cand(const std::string& resume, const std::string& user,
                                               const std::string& text) {
  return mc::candidate_from(resume, user, 1, json(hirehub::resume::parse_resume(text)));
}

std::shared_ptr<const mc::pool_job> job(const std::string& id, int64_t expires_at_ms = 0) {
  return mc::job_from(
      json{{"job_id", id},
           {"company_id", "c1"},
           {"title", "Backend Engineer"},
           {"version", 1},
           {"expires_at_ms", expires_at_ms},
           {"skills", json::array({{{"name", "Go"}, {"required", true}}, {{"name", "Kafka"}, {"required", true}}})}});
}

const std::string go_kafka = "기술\nGo, Kafka\n";
const std::string figma = "기술\nFigma, Photoshop\n";

}  // namespace

TEST(MatchPool, AJobChangeSharesTheCandidatesAndAResumeChangeSharesTheJobs) {
  auto p1 = mc::rebuild(mc::pool{}, {}, {cand("r1", "u1", go_kafka), cand("r2", "u2", figma)}, {},
                        {job("j1"), job("j2", 1000)}, 500);
  ASSERT_EQ(p1->candidates().size(), 2u);
  ASSERT_EQ(p1->jobs().size(), 2u);

  // j1 edited: the candidates are the same set, not a copy.
  auto p2 = mc::rebuild(*p1, {}, {}, {"j1"}, {job("j1")}, 500);
  EXPECT_EQ(p2->cands, p1->cands);
  EXPECT_NE(p2->open, p1->open);
  EXPECT_EQ(p2->jobs().size(), 2u);
  ASSERT_NE(p2->job("j1"), nullptr);
  EXPECT_NE(p2->job("j1"), p1->job("j1")) << "the edit was not taken";
  EXPECT_GT(p2->generation, p1->generation);

  // u1's resume replaced: the jobs are the same set; r1 is gone, r3 is u1's.
  auto p3 = mc::rebuild(*p2, {"u1"}, {cand("r3", "u1", figma)}, {}, {}, 500);
  EXPECT_EQ(p3->open, p2->open);
  EXPECT_EQ(p3->candidate("r1"), nullptr);
  ASSERT_NE(p3->candidate_of_user("u1"), nullptr);
  EXPECT_EQ(p3->candidate_of_user("u1")->resume_id, "r3");
  EXPECT_EQ(p3->candidates().size(), 2u);
  // The earlier snapshot is unchanged (readers may still hold it).
  EXPECT_EQ(p1->candidate_of_user("u1")->resume_id, "r1");

  // u2 leaves the pool (matching off); j2 expires; j1 closes.
  auto p4 = mc::rebuild(*p3, {"u2"}, {}, {}, {}, 2000);
  EXPECT_EQ(p4->candidate_of_user("u2"), nullptr);
  EXPECT_EQ(p4->job("j2"), nullptr) << "an expired job stayed";
  EXPECT_NE(p4->job("j1"), nullptr);
  auto p5 = mc::rebuild(*p4, {}, {}, {"j1"}, {}, 2000);
  EXPECT_TRUE(p5->jobs().empty());
  EXPECT_EQ(p5->cands, p4->cands);
}

TEST(MatchPool, BulkScoringRanksBestFirstWithTiesById) {
  auto p =
      mc::rebuild(mc::pool{}, {}, {cand("r-b", "u1", go_kafka), cand("r-c", "u2", figma), cand("r-a", "u3", go_kafka)},
                  {}, {job("j1")}, 0);
  hirehub::domain::matching::weights w;
  auto top = mc::top_candidates(*p, p->job("j1")->profile, 2, w);
  ASSERT_EQ(top.size(), 2u);
  // r-a and r-b score the same: the lower id first, on every node.
  EXPECT_EQ(p->candidates()[top[0].index]->resume_id, "r-a");
  EXPECT_EQ(p->candidates()[top[1].index]->resume_id, "r-b");
  EXPECT_EQ(top[0].s.overall, top[1].s.overall);
  auto all = mc::top_candidates(*p, p->job("j1")->profile, 10, w);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(p->candidates()[all[2].index]->resume_id, "r-c");
  EXPECT_LT(all[2].s.overall, all[0].s.overall);
  auto jobs = mc::score_jobs(*p, p->candidate("r-c")->form, 0, w);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].s.overall, all[2].s.overall) << "the two directions disagree";
}
