#include "actors/match_scorer.hpp"

#include <map>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/match_atoms.hpp"
#include "actors/match_index.hpp"
#include "persistence/db_task.hpp"
#include "persistence/matches.hpp"
#include "persistence/types.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"
#include "runtime/services.hpp"

namespace hirehub::matching {

namespace {

using nlohmann::json;
namespace pm = persistence::matches;

/// What a batch changed (the removals become `match.removed` events).
struct outcome {
  std::map<std::string, json> deltas;  ///< job -> {changed: [rows], removed: [resume ids]}
  size_t recommended = 0;              ///< new recommendations
};

json& delta_of(outcome& out, const std::string& job_id) {
  auto& d = out.deltas[job_id];
  if (d.is_null())
    d = {{"changed", json::array()}, {"removed", json::array()}};
  return d;
}

void note_changed(outcome& out, const json& rows) {
  for (const auto& r : rows)
    delta_of(out, r["job_id"].get<std::string>())["changed"].push_back(r);
}

void note_removed(outcome& out, const json& pairs) {
  for (const auto& r : pairs)
    delta_of(out, r["job_id"].get<std::string>())["removed"].push_back(r["resume_id"]);
}

pm::scored pair_of(const pool_job& j, const pool_candidate& c, const dm::scores& s) {
  pm::scored out;
  out.job_id = j.job_id;
  out.resume_id = c.resume_id;
  out.user_id = c.user_id;
  out.job_version = j.version;
  out.resume_seq = c.seq;
  out.overall = s.overall;
  out.skill = s.skill;
  out.experience = s.experience;
  out.culture = s.culture;
  return out;
}

void explain(pm::scored& row, const pool_job& j, const pool_candidate& c, const dm::weights& w) {
  auto b = dm::breakdown(j.profile, c.form, w);
  row.reasoning = dm::reasoning(b, j.profile.korean);
  row.breakdown = b.dump();
}

/// A jobseeker named by an event: their pool resume against every open job.
void score_user(pm::writer& txn, const pool& p, const std::string& user_id, const scorer_options& o, outcome& out) {
  const auto* c = p.candidate_of_user(user_id);
  note_removed(out, txn.drop_user(user_id, c ? c->resume_id : std::string{}, o.top_k));
  if (!c)
    return;
  auto ranked = score_jobs(p, c->form, 0, o.weights);
  std::vector<pm::scored> all;
  all.reserve(ranked.size());
  for (const auto& r : ranked)
    all.push_back(pair_of(*p.jobs()[r.index], *c, r.s));
  pm::store_options so{o.top_k, o.step};
  auto stored = txn.store_resume(
      all, [&](pm::scored& row) { explain(row, *p.job(row.job_id), *c, o.weights); }, so);
  note_changed(out, stored["changed"]);
  note_removed(out, stored["removed"]);
  std::vector<pm::scored> best;
  for (size_t i = 0; i < all.size() && static_cast<int>(i) < o.recommend_top; ++i) {
    if (all[i].overall < o.recommend_threshold)
      break;
    explain(all[i], *p.job(all[i].job_id), *c, o.weights);
    best.push_back(all[i]);
  }
  out.recommended += txn.recommend(best, o.recommend_threshold, o.recommend_per_day).size();
}

/// A job named by an event: if open, its top-k over the pool and its recommendations.
void score_job(pm::writer& txn, const pool& p, const std::string& job_id, const scorer_options& o, outcome& out) {
  const auto* j = p.job(job_id);
  if (!j)
    return;  // closed, expired or a draft: its rows stay as they are; recommendations skip it
  std::vector<pm::scored> top;
  for (const auto& r : top_candidates(p, j->profile, static_cast<size_t>(o.top_k), o.weights)) {
    top.push_back(pair_of(*j, *p.candidates()[r.index], r.s));
    explain(top.back(), *j, *p.candidates()[r.index], o.weights);
  }
  auto stored = txn.store_job(job_id, top, {o.top_k, o.step});
  note_changed(out, stored["changed"]);
  for (const auto& id : stored["removed"])
    delta_of(out, job_id)["removed"].push_back(id);
  // Its best candidates at or above the threshold are told (not everyone above it: a
  // new job reaches the people it is best for, each at most recommend_per_day a day).
  std::vector<pm::scored> above;
  for (const auto& row : top)
    if (row.overall >= o.recommend_threshold)
      above.push_back(row);
  out.recommended += txn.recommend(above, o.recommend_threshold, o.recommend_per_day).size();
}

struct scorer_state {
  const char* name = "match_scorer";
  scorer_options opts;
};

using scorer_actor = observed_actor<scorer_state>;

/// How long a batch waited for the index's refresh ("index") and for its scoring and
/// writing transaction ("score_and_store").
void observe_phase(const char* phase, std::chrono::steady_clock::time_point since) {
  metrics::get_histogram("hirehub_match_batch_seconds", "Time of a matching batch's phases", {{"phase", phase}})
      .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count());
}

caf::result<void> handle_batch(scorer_actor* self, const std::string& group, const std::vector<kafka_record>& batch) {
  static auto& skipped =
      metrics::get_counter("hirehub_match_events_skipped_total", "Matching events that were malformed and skipped");
  std::set<std::string> users, jobs;
  std::vector<std::pair<std::string, std::string>> outcomes;  // application, hired | rejected
  for (const auto& rec : batch) {
    auto p = json::parse(rec.payload, nullptr, false);
    auto id_of = [&](const char* key) { return p.is_object() ? p.value(key, "") : ""; };
    if (rec.topic == "application.status_changed") {
      // Accepted or rejected: the match learns it (match_feedback), by itself.
      auto to = id_of("to_status");
      if ((to == "accepted" || to == "rejected") && ids::is_uuid(id_of("application_id")))
        outcomes.emplace_back(id_of("application_id"), to == "accepted" ? "hired" : "rejected");
      continue;
    }
    bool job = rec.topic.rfind("job.", 0) == 0;
    auto id = job ? id_of("job_id") : id_of("user_id");
    if (!ids::is_uuid(id)) {
      skipped.inc();
      log::warn("match scorer: event skipped", {{"topic", rec.topic}, {"offset", rec.offset}});
      continue;
    }
    (job ? jobs : users).insert(id);
  }
  auto index = services::find(self->system(), "matchindex");
  auto db = services::find(self->system(), "db");
  if (!index || !db)
    return make_error(errc::unavailable, "the match index or the database pool is restarting");
  auto rp = self->make_response_promise();
  auto opts = self->state.opts;
  auto started = std::chrono::steady_clock::now();
  // The index reads the changes these events stand for before anything is scored.
  self->request(index, std::chrono::seconds(60), refresh_atom::value)
      .then(
          [self, rp, db, opts, users, jobs, outcomes, group, batch, started](const pool_ptr& p) mutable {
            observe_phase("index", started);
            auto refreshed = std::chrono::steady_clock::now();
            auto out = std::make_shared<outcome>();
            auto work = [=](pm::writer& txn) {
              for (const auto& [application, type] : outcomes)
                txn.application_feedback(application, type);
              for (const auto& u : users)
                score_user(txn, *p, u, opts, *out);
              for (const auto& j : jobs)
                score_job(txn, *p, j, opts, *out);
              // Removals are events of their own, numbered above the rows they remove
              // (the batch's newest number of the job, else a fresh one).
              for (auto& [job, d] : out->deltas) {
                if (d["removed"].empty())
                  continue;
                int64_t seq = 0;
                for (const auto& r : d["changed"])
                  seq = std::max(seq, r["seq"].get<int64_t>());
                txn.removed_events(job, d["removed"], seq > 0 ? seq : txn.next_seq());
              }
              return !out->deltas.empty() || out->recommended > 0;
            };
            persistence::db_task task{pm::batch_command(work, group, batch)};
            self->request(db, caf::infinite, std::move(task))
                .then(
                    [rp, out, refreshed](persistence::db_reply& r) mutable {
                      observe_phase("score_and_store", refreshed);
                      static auto& recommended =
                          metrics::get_counter("hirehub_match_recommendations_total", "Jobs recommended to jobseekers");
                      if (r.error) {
                        rp.deliver(r.error);
                        return;
                      }
                      recommended.inc(out->recommended);
                      rp.deliver(caf::unit);
                    },
                    [rp](caf::error& err) mutable { rp.deliver(err); });
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::behavior scorer_impl(scorer_actor* self, scorer_options o) {
  self->state.opts = o;
  return {
      [self](batch_atom, const std::string& group, const std::vector<kafka_record>& batch) -> caf::result<void> {
        return handle_batch(self, group, batch);
      },
  };
}

}  // namespace

const std::vector<std::string>& scorer_topics() {
  static const std::vector<std::string> t = {"resume.processed", "resume.deleted", "user.matching_changed",
                                             "job.created",      "job.updated",    "application.status_changed"};
  return t;
}

std::string recommendation_frame(const std::string& row_json) {
  auto r = json::parse(row_json);
  json f{{"type", "recommendation"}, {"seq", r["seq"]}};
  for (const char* k : {"match_id", "job_id", "resume_id", "overall_score", "skill_score", "experience_score",
                        "culture_score", "reasoning", "calculated_at"})
    f[k] = r[k];
  return f.dump();
}

std::string job_topic(const std::string& job_id) {
  return "job:" + job_id + ":matches";
}

caf::actor spawn_scorer(caf::actor_system& sys, scorer_options o) {
  return sys.spawn(scorer_impl, std::move(o));
}

}  // namespace hirehub::matching
