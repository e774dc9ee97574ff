// A job's match actor on CAF's deterministic coordinator, with the database, the match
// index, the hub and the registry as scripted stand-ins: when it loads, how it merges
// deltas, what it shows and to whom, and the delta for an actor nobody read.
#include <gtest/gtest.h>

#include <deque>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/match_atoms.hpp"
#include "actors/match_entities.hpp"
#include "actors/match_index.hpp"
#include "deterministic.hpp"
#include "persistence/db_task.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/services.hpp"

using namespace hirehub;
using nlohmann::json;

namespace {

const std::string job_id = "00000000-0000-4000-8000-0000000000aa";
const std::string r1 = "00000000-0000-4000-8000-000000000001";
const std::string r2 = "00000000-0000-4000-8000-000000000002";
const std::string r3 = "00000000-0000-4000-8000-000000000003";

struct world {
  std::deque<json> replies;  ///< what the database answers, in order
  int tasks = 0;
  std::vector<std::pair<std::string, int64_t>> published;
  std::vector<json> frames;
  std::vector<std::string> passivated;
  matching::pool_ptr pool;
};

caf::behavior database(caf::event_based_actor*, std::shared_ptr<world> w) {
  return {[w](persistence::db_task&) -> persistence::db_reply {
    ++w->tasks;
    auto v = w->replies.front();
    w->replies.pop_front();
    return persistence::reply(v);
  }};
}

caf::behavior index(caf::event_based_actor*, std::shared_ptr<world> w) {
  return {[w](snapshot_atom) { return w->pool; }};
}

caf::behavior hub(caf::event_based_actor*, std::shared_ptr<world> w) {
  return {[w](publish_atom, const std::string& topic, int64_t seq, const std::string& frame) {
    w->published.emplace_back(topic, seq);
    w->frames.push_back(json::parse(frame));
  }};
}

caf::behavior registry(caf::event_based_actor*, std::shared_ptr<world> w) {
  return {[w](passivate_atom, const std::string& kind, const std::string& id) {
    w->passivated.push_back(kind + "/" + id);
  }};
}

json row(const std::string& resume, double overall, int64_t seq) {
  return {{"match_id", "m-" + resume.substr(35)},
          {"job_id", job_id},
          {"resume_id", resume},
          {"user_id", "user-" + resume.substr(35)},
          {"overall_score", overall},
          {"skill_score", overall},
          {"experience_score", overall},
          {"culture_score", 50},
          {"breakdown", json::object()},
          {"reasoning", "r"},
          {"is_recommended", false},
          {"calculated_at", "2026-12-07T00:00:00.000Z"},
          {"seq", seq},
          {"job_version", 1},
          {"resume_seq", 1}};
}

std::string query(const std::string& company, const std::string& cursor = {}, int limit = 20) {
  return json{{"by", {{"user_id", "hr"}, {"role", "company"}, {"company_id", company}}},
              {"limit", limit},
              {"min_score", 0},
              {"cursor", cursor}}
      .dump();
}

struct match_actor : test::deterministic {
  std::shared_ptr<world> w = std::make_shared<world>();
  caf::actor registry_;

  void SetUp() override {
    deterministic::SetUp();
    registry_ = sys->spawn(registry, w);
    put_service("db", sys->spawn(database, w));
    put_service("matchindex", sys->spawn(index, w));
    put_service("hub", sys->spawn(hub, w));
    // r1 and r2 in the pool; r3 not (matching switched off, or the resume replaced).
    w->pool = matching::rebuild(
        matching::pool{}, {},
        {matching::candidate_from(r1, "u1", 1, json()), matching::candidate_from(r2, "u2", 1, json())}, {}, {}, 0);
    run();
  }
  caf::actor spawn_actor() {
    matching::entity_options o;
    o.top_k = 3;
    auto a = matching::make_job_factory(o)(*sys, entity_context{"match", job_id, false}, registry_);
    run();
    return a;
  }
  std::vector<std::string> listed(const json& page) {
    std::vector<std::string> out;
    for (const auto& it : page["items"])
      out.push_back(it["resume_id"]);
    return out;
  }
};

}  // namespace

TEST_F(match_actor, a_delta_for_a_job_nobody_read_goes_to_its_watchers_and_the_actor_passivates_without_loading) {
  auto a = spawn_actor();
  json delta{{"changed", {row(r1, 90, 7)}}, {"removed", json::array()}, {"seq", 7}};
  EXPECT_TRUE(acked(a, nullptr, update_atom::value, delta.dump())) << "the router waits for this answer";
  EXPECT_EQ(w->tasks, 0) << "it loaded its rows for a delta nobody reads";
  ASSERT_EQ(w->published.size(), 1u);
  EXPECT_EQ(w->published[0], std::make_pair("job:" + job_id + ":matches", int64_t{7}));
  EXPECT_EQ(w->frames[0]["changed"][0]["resume_id"], r1);
  EXPECT_FALSE(w->frames[0]["changed"][0].contains("user_id")) << "a frame names a resume, never who";
  EXPECT_EQ(w->passivated, std::vector<std::string>{"match/" + job_id});
}

TEST_F(match_actor, the_list_loads_once_hides_candidates_out_of_the_pool_and_merges_deltas_by_seq) {
  auto a = spawn_actor();
  w->replies.push_back({{"company_id", "c1"}, {"status", "open"}, {"rows", {row(r3, 95, 4), row(r1, 80, 5)}}});
  w->replies.push_back({{r1, {{"skills", {"Go"}}}}});  // the candidate view of r1
  caf::error err;
  auto page = ask<std::string>(a, &err, matches_atom::value, query("c1"));
  ASSERT_TRUE(page) << view(err).message;
  auto p = json::parse(*page);
  EXPECT_EQ(listed(p), std::vector<std::string>{r1}) << "r3 left the pool: not shown";
  EXPECT_EQ(p["items"][0]["candidate"]["skills"][0], "Go");
  EXPECT_FALSE(p["items"][0].contains("user_id"));
  EXPECT_EQ(w->tasks, 2);

  // Another company is refused; the rows are not read again for it.
  auto refused = ask<std::string>(a, &err, matches_atom::value, query("c2"));
  EXPECT_FALSE(refused);
  EXPECT_EQ(view(err).code, errc::forbidden);

  // r2 enters above r1 (a frame); an older delta for r1 changes nothing; r1 removed.
  caf::anon_send(a, update_atom::value,
                 json{{"changed", {row(r2, 88, 9)}}, {"removed", json::array()}, {"seq", 9}}.dump());
  caf::anon_send(a, update_atom::value,
                 json{{"changed", {row(r1, 10, 3)}}, {"removed", json::array()}, {"seq", 3}}.dump());
  run();
  ASSERT_EQ(w->published.size(), 1u) << "the older delta was published";
  EXPECT_EQ(w->published[0].second, 9);
  w->replies.push_back({{r2, {{"skills", {"Kafka"}}}}});
  p = json::parse(*ask<std::string>(a, &err, matches_atom::value, query("c1")));
  EXPECT_EQ(listed(p), (std::vector<std::string>{r2, r1}));
  EXPECT_EQ(p["items"][1]["overall_score"], 80) << "the older delta overwrote a newer row";
  // Pages: one at a time with the cursor.
  auto first = json::parse(*ask<std::string>(a, &err, matches_atom::value, query("c1", "", 1)));
  EXPECT_EQ(listed(first), std::vector<std::string>{r2});
  ASSERT_TRUE(first["next_cursor"].is_string());
  auto second = json::parse(
      *ask<std::string>(a, &err, matches_atom::value, query("c1", first["next_cursor"].get<std::string>(), 1)));
  EXPECT_EQ(listed(second), std::vector<std::string>{r1});
  EXPECT_TRUE(second["next_cursor"].is_null());
  EXPECT_FALSE(ask<std::string>(a, &err, matches_atom::value, query("c1", "not-a-cursor")));
  EXPECT_EQ(view(err).code, errc::bad_request);

  // A removal made before r2's row was written (seq 8 < 9) does not remove it; r1's does.
  auto removal = [](const std::string& id, int64_t seq) {
    return json{{"changed", json::array()}, {"removed", json::array({{{"resume_id", id}, {"seq", seq}}})}, {"seq", seq}}
        .dump();
  };
  EXPECT_TRUE(acked(a, nullptr, update_atom::value, removal(r2, 8)));
  EXPECT_TRUE(acked(a, nullptr, update_atom::value, removal(r1, 11)));
  // Deltas that are not rows change nothing and are still answered.
  EXPECT_TRUE(acked(a, nullptr, update_atom::value,
                    json{{"changed", json::array({42, {{"resume_id", 7}}})}, {"removed", {"x"}}, {"seq", 12}}.dump()));
  EXPECT_TRUE(acked(a, nullptr, update_atom::value, std::string{"not json"}));
  EXPECT_EQ(listed(json::parse(*ask<std::string>(a, &err, matches_atom::value, query("c1")))),
            std::vector<std::string>{r2});
  auto catch_up = [&](int64_t after) {
    return json::parse(
        *ask<std::string>(a, &err, catchup_atom::value, json{{"role", "company"}, {"company_id", "c1"}}.dump(), after));
  };
  // A watcher resuming from before r1 left gets the whole list, marked reset (a removal
  // leaves nothing to replay); one resuming after it, nothing.
  for (int64_t after : {5, 10}) {
    auto caught = catch_up(after);
    EXPECT_EQ(caught["last_seq"], 11);
    ASSERT_EQ(caught["frames"].size(), 1u) << after;
    EXPECT_EQ(caught["frames"][0][0], 11);
    auto frame = json::parse(caught["frames"][0][1].get<std::string>());
    EXPECT_EQ(frame["reset"], true);
    // Every row the actor holds, best first (r3, out of the pool, is a row of a job
    // it applied to: lists hide it, the table keeps it).
    ASSERT_EQ(frame["changed"].size(), 2u);
    EXPECT_EQ(frame["changed"][0]["resume_id"], r3);
    EXPECT_EQ(frame["changed"][1]["resume_id"], r2);
  }
  EXPECT_TRUE(catch_up(11)["frames"].empty());
  // A row changed after the removal: a resume from after the removal gets just that row.
  EXPECT_TRUE(acked(a, nullptr, update_atom::value,
                    json{{"changed", {row(r2, 70, 13)}}, {"removed", json::array()}, {"seq", 13}}.dump()));
  auto since = catch_up(11);
  ASSERT_EQ(since["frames"].size(), 1u);
  auto frame = json::parse(since["frames"][0][1].get<std::string>());
  EXPECT_FALSE(frame.contains("reset"));
  EXPECT_EQ(frame["changed"][0]["overall_score"], 70);
  EXPECT_EQ(w->tasks, 3) << "reads after the load touched the database for more than new candidate views";
}
