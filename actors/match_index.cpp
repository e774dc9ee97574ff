#include "actors/match_index.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/match_atoms.hpp"
#include "persistence/db_task.hpp"
#include "persistence/matches.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"
#include "runtime/services.hpp"

namespace hirehub::matching {

namespace {

using nlohmann::json;
namespace pm = persistence::matches;

/// What one read of PostgreSQL brought: filled on the db worker's thread (parsing the
/// stored resumes there, off the index), read by the index after the reply.
struct delta {
  bool full = false;
  int64_t user_cursor = 0, job_cursor = 0;
  std::vector<std::string> users, jobs;
  std::vector<std::shared_ptr<const pool_candidate>> candidates;
  std::vector<std::shared_ptr<const pool_job>> open;
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

persistence::db_fn read_delta(bool full, int64_t user_cursor, int64_t job_cursor, std::shared_ptr<delta> d) {
  // The stored resumes are parsed into compact forms on the db worker's thread, off the index.
  return pm::pool_query(full, user_cursor, job_cursor, [d](const json& c, const json& pool_rows, const json& job_rows) {
    d->user_cursor = c["user_cursor"].get<int64_t>();
    d->job_cursor = c["job_cursor"].get<int64_t>();
    d->users = c["users"].get<std::vector<std::string>>();
    d->jobs = c["jobs"].get<std::vector<std::string>>();
    for (const auto& r : pool_rows)
      d->candidates.push_back(candidate_from(r["resume_id"].get<std::string>(), r["user_id"].get<std::string>(),
                                             r["seq"].get<int64_t>(), r["parsed"]));
    for (const auto& r : job_rows)
      d->open.push_back(job_from(r));
  });
}

struct index_state {
  const char* name = "match_index";
  index_options opts;
  pool_ptr cur = std::make_shared<pool>();
  bool loaded = false;
  bool reading = false;
  int64_t user_cursor = 0, job_cursor = 0;
  std::vector<caf::response_promise> waiting;       ///< for the first load
  std::vector<caf::response_promise> next_refresh;  ///< asked while a read was under way: the next one answers
  std::vector<caf::response_promise> this_refresh;
  std::vector<std::function<void()>> after_load;  ///< score requests that came before the first load
};

using index_actor = observed_actor<index_state>;

void publish_gauges(const pool& p) {
  static auto& candidates = metrics::get_gauge("hirehub_match_pool_candidates", "Candidates in this node's pool");
  static auto& jobs = metrics::get_gauge("hirehub_match_pool_jobs", "Open jobs in this node's match index");
  candidates.set(static_cast<int64_t>(p.candidates().size()));
  jobs.set(static_cast<int64_t>(p.jobs().size()));
}

void read(index_actor* self);

void finish_read(index_actor* self, const delta& d) {
  auto& s = self->state;
  s.user_cursor = d.user_cursor;
  s.job_cursor = d.job_cursor;
  auto now = now_ms();
  bool expired = false;
  for (const auto& j : s.cur->jobs())
    expired = expired || (j->expires_at_ms != 0 && j->expires_at_ms <= now);
  if (d.full) {
    s.cur = rebuild(pool{}, {}, d.candidates, {}, d.open, now);
    s.loaded = true;
    log::info("match index loaded", {{"candidates", s.cur->candidates().size()}, {"jobs", s.cur->jobs().size()}});
  } else if (!d.users.empty() || !d.jobs.empty() || expired) {
    s.cur = rebuild(*s.cur, d.users, d.candidates, d.jobs, d.open, now);
  }
  publish_gauges(*s.cur);
  for (auto& rp : s.waiting)
    rp.deliver(s.cur);
  s.waiting.clear();
  for (auto& f : s.after_load)
    f();
  s.after_load.clear();
  for (auto& rp : s.this_refresh)
    rp.deliver(s.cur);
  s.this_refresh.clear();
  s.reading = false;
  if (!s.next_refresh.empty())
    read(self);
}

void read(index_actor* self) {
  auto& s = self->state;
  if (s.reading)
    return;
  auto db = services::find(self->system(), "db");
  if (!db) {
    // The pool is starting: soon again, not a whole refresh period later.
    self->delayed_send(self, std::chrono::milliseconds(50), refresh_atom::value, true);
    return;
  }
  s.reading = true;
  s.this_refresh = std::move(s.next_refresh);
  s.next_refresh.clear();
  auto d = std::make_shared<delta>();
  d->full = !s.loaded;
  persistence::db_task task{read_delta(d->full, s.user_cursor, s.job_cursor, d)};
  auto fail = [self](const caf::error& err) {
    auto& s = self->state;
    log::warn("match index: reading the pool failed; retrying", {{"error", view(err).message}});
    s.reading = false;
    // Those waiting for this read wait for the next one.
    for (auto& rp : s.this_refresh)
      s.next_refresh.push_back(std::move(rp));
    s.this_refresh.clear();
  };
  self->request(db, s.opts.call_timeout, std::move(task))
      .then(
          [self, d, fail](persistence::db_reply& r) {
            if (r.error) {
              fail(r.error);
              return;
            }
            finish_read(self, *d);
          },
          [fail](caf::error& err) { fail(err); });
}

/// One pair's score for an application: from the snapshot when it holds both, else
/// the job and the resume as PostgreSQL has them now (a job opened, or a resume made
/// ready, since the last refresh; a resume that is not the jobseeker's pool resume).
void score_pair(index_actor* self, caf::typed_response_promise<double> rp, const std::string& job_id,
                const std::string& resume_id) {
  auto& s = self->state;
  const auto* job = s.cur->job(job_id);
  const auto* c = s.cur->candidate(resume_id);
  if (job && c) {
    rp.deliver(static_cast<double>(dm::score(job->profile, c->form, s.opts.weights).overall));
    return;
  }
  auto db = services::find(self->system(), "db");
  if (!db) {
    rp.deliver(make_error(errc::unavailable, "the database pool is restarting"));
    return;
  }
  persistence::db_task task{pm::pair_query(job_id, resume_id)};
  self->request(db, s.opts.call_timeout, std::move(task))
      .then(
          [rp, weights = s.opts.weights](persistence::db_reply& r) mutable {
            if (r.error) {
              rp.deliver(r.error);
              return;
            }
            const auto& j = r.value["job"];
            const auto& row = r.value["resume"];
            if (j.is_null() || row.is_null()) {
              rp.deliver(-1.0);  // not open, or the resume not ready: no score
              return;
            }
            auto c = candidate_from(row["resume_id"].get<std::string>(), row["user_id"].get<std::string>(),
                                    row["seq"].get<int64_t>(), row["parsed"]);
            rp.deliver(static_cast<double>(dm::score(job_from(j)->profile, c->form, weights).overall));
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
}

caf::behavior index_impl(index_actor* self, index_options o) {
  self->state.opts = o;
  self->send(self, tick_atom::value);
  return {
      [self](tick_atom) {
        read(self);
        self->delayed_send(self, self->state.opts.refresh, tick_atom::value);
      },
      [self](snapshot_atom) -> caf::result<pool_ptr> {
        auto& s = self->state;
        if (s.loaded)
          return s.cur;
        auto rp = self->make_response_promise<pool_ptr>();
        s.waiting.push_back(rp);
        return rp;
      },
      [self](refresh_atom) -> caf::result<pool_ptr> {
        auto& s = self->state;
        auto rp = self->make_response_promise<pool_ptr>();
        if (!s.loaded) {
          s.waiting.push_back(rp);  // the first load reads everything
          return rp;
        }
        s.next_refresh.push_back(rp);
        read(self);
        return rp;
      },
      [self](refresh_atom, bool) { read(self); },
      [self](score_atom, const std::string& job_id, const std::string& resume_id) -> caf::result<double> {
        auto rp = self->make_response_promise<double>();
        if (self->state.loaded)
          score_pair(self, rp, job_id, resume_id);
        else
          self->state.after_load.push_back([self, rp, job_id, resume_id] { score_pair(self, rp, job_id, resume_id); });
        return rp;
      },
      [self](stats_atom) -> std::string {
        auto& s = self->state;
        return json{{"candidates", s.cur->candidates().size()},
                    {"jobs", s.cur->jobs().size()},
                    {"generation", s.cur->generation},
                    {"loaded", s.loaded},
                    {"candidate_bytes", s.cur->candidate_bytes()}}
            .dump();
      },
  };
}

}  // namespace

caf::actor spawn_index(caf::actor_system& sys, index_options o) {
  return sys.spawn(index_impl, std::move(o));
}

}  // namespace hirehub::matching
