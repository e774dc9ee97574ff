#include "persistence/journal_writer.hpp"

#include <deque>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "domain/errors.hpp"
#include "persistence/db.hpp"
#include "persistence/types.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::persistence {

namespace {

struct pending_append {
  append_request req;
  caf::response_promise rp;
  std::string job_status;  ///< why a new application was refused at commit (outcome::job_not_open)
  job_info job;            ///< with req.job_facts: the facts the commit took from the job row
};

enum class outcome { ok, duplicate, conflict, job_not_open, no_resume };

struct journal_state {
  journal_options opts;
  std::unique_ptr<pqxx::connection> conn;
  bool conn_used = false;  ///< conn committed before: if the server closed it since, a group may run again
  std::deque<pending_append> pending;
  bool flush_scheduled = false;
  int64_t next_batch_id = 1;
  const char* name = "journal_writer";
  // Callers wait without a timeout: what was accepted and not written is answered when the writer stops.
  ~journal_state() {
    for (auto& p : pending)
      p.rp.deliver(make_error(errc::unavailable, "the journal writer stopped; retry"));
  }
};

using journal_actor = observed_actor<journal_state>;

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (auto& p : parts) {
    if (!out.empty())
      out += ',';
    out += p;
  }
  return out;
}

nlohmann::json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

/// The rows of a group as one JSON parameter of a prepared statement (persistence/db.cpp):
/// the statement's text never changes, so PostgreSQL plans it once per connection
/// (as literal multi-row INSERTs, ~0.2 ms of planning per statement and group).
std::string json_param(const nlohmann::json& rows) {
  return rows.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// The same for rows that carry a JSON payload: each object of `rows` gets its
/// payload spliced in as JSON, not as a string holding JSON (no escaping here, no
/// second parse in PostgreSQL). A payload that is not one JSON value fails the
/// group (then that command alone, as its cast did): checked here, so it can
/// never change the array's shape.
std::string json_param(const nlohmann::json& rows, const std::vector<const std::string*>& payloads) {
  std::string out = "[";
  for (size_t i = 0; i < rows.size(); ++i) {
    auto obj = rows[i].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    obj.pop_back();  // the closing brace
    if (i > 0)
      out += ',';
    out += obj;
    out += obj.size() > 1 ? ",\"payload\":" : "\"payload\":";
    if (payloads[i]->empty()) {
      out += "{}";
    } else {
      if (!nlohmann::json::accept(*payloads[i]))
        throw std::invalid_argument("an event or outbox payload is not JSON");
      out += *payloads[i];
    }
    out += '}';
  }
  return out + "]";
}

using group_t = std::vector<pending_append*>;

std::string uuid_of(pqxx::transaction_base& txn, const std::string& s) {
  return txn.quote(s) + "::uuid";
}

void insert_applications(pqxx::transaction_base& txn, group_t& group, std::vector<outcome>& results) {
  auto uuid = [&txn](const std::string& s) { return uuid_of(txn, s); };
  // 1. First events create the read-model row, only while the job is open: checked here, in
  //    the commit, so a job closed after the entity looked at it takes no more applications
  //    (a scalar subquery: one index probe per row, never a join planned over all jobs).
  //    ON CONFLICT DO NOTHING keeps a duplicate (same job and user) from failing the rest.
  //    The row's company is the job's. A caller that did not read the job (req.job_facts)
  //    gets its facts from here: they go into its events' and outbox messages' payloads.
  auto apps = nlohmann::json::array();
  for (auto* p : group)
    if (p->req.create) {
      auto& r = p->req.row;
      apps.push_back({{"id", r.id},
                      {"job_id", r.job_id},
                      {"user_id", r.user_id},
                      {"resume_id", r.resume_id},
                      {"cover_letter", text_or_null(r.cover_letter)},
                      {"status", r.status},
                      {"match_score", r.match_score >= 0 ? nlohmann::json(r.match_score) : nlohmann::json(nullptr)}});
    }
  if (!apps.empty()) {
    auto res = txn.exec_prepared(journal_apps_statement, json_param(apps));
    std::unordered_map<std::string, job_info> inserted;
    for (auto row : res)
      inserted.emplace(row[0].as<std::string>(), job_info{"", row[1].as<std::string>(), row[2].as<std::string>(),
                                                          row[3].as<std::string>(), "open"});
    for (auto* p : group) {
      auto& req = p->req;
      auto facts = req.create && req.job_facts ? inserted.find(req.row.id) : inserted.end();
      if (facts == inserted.end())
        continue;
      p->job = facts->second;
      p->job.id = req.row.job_id;
      req.row.company_id = p->job.company_id;
      for (auto& e : req.events)
        e.payload = with_job_facts(e.payload, p->job);
      for (auto& o : req.outbox)
        o.payload = with_job_facts(o.payload, p->job);
    }
    // Why the rows that were not inserted were refused, in this order: the id is taken
    // (another writer), the job, the resume, and else the applicant applied to the job before.
    std::vector<std::string> missing, missing_jobs, missing_resumes;
    for (auto* p : group)
      if (p->req.create && !inserted.count(p->req.row.id)) {
        auto& r = p->req.row;
        missing.push_back(uuid(r.id));
        missing_jobs.push_back(uuid(r.job_id));
        missing_resumes.push_back("(" + uuid(r.resume_id) + "," + uuid(r.user_id) + ")");
      }
    std::unordered_set<std::string> existing, resumes;
    std::unordered_map<std::string, std::string> job_status;
    if (!missing.empty()) {
      for (auto row : txn.exec("SELECT id::text FROM applications WHERE id IN (" + join(missing) + ")"))
        existing.insert(row[0].as<std::string>());
      for (auto row : txn.exec("SELECT id::text, " HH_SQL_JOB_STATUS("jobs") " FROM jobs WHERE id IN (" +
                               join(missing_jobs) + ")"))
        job_status[row[0].as<std::string>()] = row[1].as<std::string>();
      for (auto row : txn.exec("SELECT id::text || user_id::text FROM resumes WHERE (id, user_id) IN (" +
                               join(missing_resumes) + ")"))
        resumes.insert(row[0].as<std::string>());
    }
    for (size_t i = 0; i < group.size(); ++i) {
      auto& req = group[i]->req;
      if (!req.create || inserted.count(req.row.id))
        continue;
      auto js = job_status.find(req.row.job_id);
      if (existing.count(req.row.id)) {
        results[i] = outcome::conflict;
      } else if (js == job_status.end() || js->second != "open") {
        results[i] = outcome::job_not_open;
        group[i]->job_status = js == job_status.end() ? "" : js->second;  // "": no such job
      } else if (!resumes.count(req.row.resume_id + req.row.user_id)) {
        results[i] = outcome::no_resume;
      } else {
        results[i] = outcome::duplicate;
      }
    }
  }
}

void append_events(pqxx::transaction_base& txn, group_t& group, std::vector<outcome>& results) {
  auto uuid = [&txn](const std::string& s) { return uuid_of(txn, s); };
  // 2. The journal. UNIQUE (application_id, seq) is the fence: a sequence number
  //    taken by another writer makes only that command fail.
  auto events = nlohmann::json::array();
  std::vector<const std::string*> event_payloads;
  for (size_t i = 0; i < group.size(); ++i) {
    if (results[i] != outcome::ok)
      continue;
    for (auto& e : group[i]->req.events) {
      event_payloads.push_back(&e.payload);
      events.push_back({{"id", e.event_id},
                        {"application_id", e.application_id},
                        {"seq", e.seq},
                        {"event_type", e.type},
                        {"from_status", text_or_null(e.from_status)},
                        {"to_status", text_or_null(e.to_status)},
                        {"actor_id", text_or_null(e.actor_id)},
                        {"actor_type", text_or_null(e.actor_type)},
                        {"reason", text_or_null(e.reason)},
                        {"created_ms", e.created_at_ms}});
    }
  }
  if (!events.empty()) {
    auto res = txn.exec_prepared(journal_events_statement, json_param(events, event_payloads));
    std::unordered_set<std::string> inserted;
    for (auto row : res)
      inserted.insert(row[0].as<std::string>());
    std::vector<std::string> undo_events;
    std::vector<std::string> undo_apps;
    for (size_t i = 0; i < group.size(); ++i) {
      if (results[i] != outcome::ok)
        continue;
      auto& req = group[i]->req;
      bool all = true;
      for (auto& e : req.events)
        all = all && inserted.count(e.event_id) > 0;
      if (all)
        continue;
      results[i] = outcome::conflict;
      for (auto& e : req.events)
        if (inserted.count(e.event_id))
          undo_events.push_back(uuid(e.event_id));
      if (req.create)
        undo_apps.push_back(uuid(req.row.id));
    }
    if (!undo_events.empty())
      txn.exec("DELETE FROM application_events WHERE id IN (" + join(undo_events) + ")");
    if (!undo_apps.empty())
      txn.exec("DELETE FROM applications WHERE id IN (" + join(undo_apps) + ")");
  }
}

void update_read_model(pqxx::transaction_base& txn, group_t& group, std::vector<outcome>& results) {
  auto uuid = [&txn](const std::string& s) { return uuid_of(txn, s); };
  auto q = [&txn](const std::string& s) { return txn.quote(s); };
  // 3. The read model follows the journal in the same transaction.
  std::vector<std::string> rows;
  for (size_t i = 0; i < group.size(); ++i) {
    auto& req = group[i]->req;
    if (results[i] == outcome::ok && !req.create && !req.new_status.empty())
      rows.push_back("(" + uuid(req.application_id) + "," + q(req.new_status) + ")");
  }
  if (!rows.empty())
    txn.exec("UPDATE applications AS a SET status = v.s, updated_at = now() FROM (VALUES " + join(rows) +
             ") AS v(id, s) WHERE a.id = v.id");
}

void upsert_interviews(pqxx::transaction_base& txn, group_t& group, std::vector<outcome>& results) {
  auto uuid = [&txn](const std::string& s) { return uuid_of(txn, s); };
  auto q = [&txn](const std::string& s) { return txn.quote(s); };
  auto nullable = [&txn](const std::string& s) { return s.empty() ? std::string{"NULL"} : txn.quote(s); };
  // 3b. Interviews the events created or changed; a row's version only grows.
  std::vector<std::string> rows;
  for (size_t i = 0; i < group.size(); ++i) {
    if (results[i] != outcome::ok)
      continue;
    for (auto& iv : group[i]->req.interviews)
      rows.push_back("(" + uuid(iv.id) + "," + uuid(iv.application_id) + "," + q(iv.interview_type) + "," +
                     sql_time(iv.scheduled_at_ms) + "," + std::to_string(iv.duration_minutes) + "," + q(iv.time_zone) +
                     "," + nullable(iv.location) + "," + nullable(iv.notes) + "," + q(iv.status) + "," +
                     nullable(iv.feedback) + "," + (iv.rating > 0 ? std::to_string(iv.rating) : "NULL") + "::int," +
                     nullable(iv.cancel_reason) + "," + std::to_string(iv.version) + "," + sql_time(iv.created_at_ms) +
                     "," + sql_time(iv.updated_at_ms) + ")");
  }
  if (!rows.empty())
    txn.exec(
        "INSERT INTO interviews (id, application_id, interview_type, scheduled_at, duration_minutes, time_zone, "
        "location, notes, status, feedback, rating, cancel_reason, version, created_at, updated_at) VALUES " +
        join(rows) +
        " ON CONFLICT (id) DO UPDATE SET interview_type = EXCLUDED.interview_type, scheduled_at = "
        "EXCLUDED.scheduled_at, duration_minutes = EXCLUDED.duration_minutes, time_zone = EXCLUDED.time_zone, "
        "location = EXCLUDED.location, notes = EXCLUDED.notes, status = EXCLUDED.status, feedback = "
        "EXCLUDED.feedback, rating = EXCLUDED.rating, cancel_reason = EXCLUDED.cancel_reason, version = "
        "EXCLUDED.version, updated_at = EXCLUDED.updated_at WHERE interviews.version < EXCLUDED.version");
}

void write_outbox(pqxx::transaction_base& txn, group_t& group, std::vector<outcome>& results) {
  // 4. The outbox: what must reach Kafka commits with the state change.
  auto outbox = nlohmann::json::array();
  std::vector<const std::string*> outbox_payloads;
  for (size_t i = 0; i < group.size(); ++i) {
    if (results[i] != outcome::ok)
      continue;
    for (auto& o : group[i]->req.outbox) {
      outbox_payloads.push_back(&o.payload);
      outbox.push_back({{"ord", outbox.size()}, {"topic", o.topic}, {"key", o.key}});
    }
  }
  if (!outbox.empty())
    txn.exec_prepared(journal_outbox_statement, json_param(outbox, outbox_payloads));
}

/// Writes one group of commands in one transaction; fills `results`.
void write_group(pqxx::connection& conn, std::vector<pending_append*>& group, std::vector<outcome>& results) {
  pqxx::work txn{conn};
  results.assign(group.size(), outcome::ok);
  insert_applications(txn, group, results);
  append_events(txn, group, results);
  update_read_model(txn, group, results);
  upsert_interviews(txn, group, results);
  write_outbox(txn, group, results);
  txn.commit();
}

void deliver(pending_append& p, outcome o, int64_t batch_id, int32_t size) {
  switch (o) {
    case outcome::ok: p.rp.deliver(append_result{batch_id, size, p.job}); break;
    case outcome::duplicate:
      p.rp.deliver(
          make_error(applications_errc::duplicate_application, "you have already applied to this job", "job_id"));
      break;
    case outcome::conflict:
      p.rp.deliver(make_error(errc::conflict, "another writer appended to this application first; retry"));
      break;
    case outcome::no_resume:
      // Another user's resume is answered as a missing one: the answer does not tell that it exists.
      p.rp.deliver(make_error(errc::not_found, "you have no resume with this id", "resume_id"));
      break;
    case outcome::job_not_open:
      if (p.job_status.empty())
        p.rp.deliver(make_error(errc::not_found, "no job with this id", "job_id"));
      else
        p.rp.deliver(make_error(applications_errc::job_not_open,
                                "the job is not open for applications (status: " + p.job_status + ")", "job_id"));
      break;
  }
}

void flush(journal_actor* self) {
  static auto& batch_hist = metrics::get_histogram("hirehub_journal_batch_size", "Commands per journal commit", {},
                                                   {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096});
  static auto& commit_hist = metrics::get_histogram("hirehub_journal_commit_seconds", "Journal commit latency");
  static auto& failures = metrics::get_counter("hirehub_journal_failures_total", "Journal commits that failed");
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.pending.empty())
    return;
  auto n = std::min(st.pending.size(), st.opts.batch_max);
  std::vector<pending_append> batch;
  batch.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    batch.push_back(std::move(st.pending.front()));
    st.pending.pop_front();
  }
  auto batch_id = st.next_batch_id++;
  auto fail_all = [&](errc code, const std::string& msg) {
    failures.inc();
    for (auto& p : batch)
      p.rp.deliver(make_error(code, msg));
  };
  if (!st.conn) {
    try {
      st.conn = connect(st.opts.db_url, "hirehub-journal");
      st.conn_used = false;
      // Every statement here finds rows by key: plans made while a table was small must
      // not keep scanning it whole as it grows (the prepared ones are planned once).
      st.conn->set_variable("enable_seqscan", "off");
      // Its statements take one JSON array whatever the group's size: the generic
      // plan fits every call, and planning again per commit costs ~0.1-0.3 ms each.
      st.conn->set_variable("plan_cache_mode", "force_generic_plan");
    } catch (const std::exception& e) {
      log::error("journal: cannot connect to PostgreSQL", {{"error", e.what()}});
      fail_all(errc::unavailable, "the database is unavailable; retry");
      if (!st.pending.empty()) {
        st.flush_scheduled = true;
        self->delayed_send(self, st.opts.retry, flush_atom::value);
      }
      return;
    }
  }
  auto started = std::chrono::steady_clock::now();
  std::vector<pending_append*> group;
  for (auto& p : batch)
    group.push_back(&p);
  std::vector<outcome> results;
  bool any_outbox = false;
  try {
    write_group(*st.conn, group, results);
    st.conn_used = true;
    for (size_t i = 0; i < batch.size(); ++i) {
      any_outbox = any_outbox || (results[i] == outcome::ok && !batch[i].req.outbox.empty());
      deliver(batch[i], results[i], batch_id, static_cast<int32_t>(batch.size()));
    }
  } catch (const std::exception& e) {
    auto code = classify(e);
    if (st.conn_used && stale_connection(e)) {
      // The server closed the connection since its last commit (it restarted): nothing
      // of this group was written; it goes first again, on a new connection.
      log::info("journal: the connection was closed by the server; writing the group again on a new one",
                {{"error", e.what()}, {"batch", batch.size()}});
      st.conn.reset();
      for (auto it = batch.rbegin(); it != batch.rend(); ++it)
        st.pending.push_front(std::move(*it));
      if (!st.flush_scheduled) {
        st.flush_scheduled = true;
        self->send(self, flush_atom::value);
      }
      return;
    }
    if (code == errc::unavailable || !st.conn->is_open()) {
      log::error("journal: commit failed, reconnecting", {{"error", e.what()}, {"batch", batch.size()}});
      st.conn.reset();
      fail_all(errc::unavailable, "the database is unavailable; retry");
    } else if (batch.size() > 1) {
      // A malformed command must not fail its neighbours: write each alone.
      log::warn("journal: group failed, retrying its commands one by one",
                {{"error", e.what()}, {"batch", batch.size()}});
      for (auto& p : batch) {
        std::vector<pending_append*> one{&p};
        std::vector<outcome> r;
        try {
          write_group(*st.conn, one, r);
          any_outbox = any_outbox || (r[0] == outcome::ok && !p.req.outbox.empty());
          deliver(p, r[0], batch_id, 1);
        } catch (const std::exception& e1) {
          failures.inc();
          log::error("journal: command failed", {{"error", e1.what()}, {"request_id", p.req.request_id}});
          p.rp.deliver(make_error(classify(e1), "the event could not be stored"));
        }
      }
    } else {
      log::error("journal: command failed", {{"error", e.what()}, {"request_id", batch[0].req.request_id}});
      fail_all(code, "the event could not be stored");
    }
  }
  batch_hist.observe(static_cast<double>(batch.size()));
  commit_hist.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (any_outbox)
    if (auto relay = services::find(self->system(), "relay"))
      self->send(relay, kick_atom::value);
  if (!st.pending.empty()) {
    st.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

caf::behavior journal_impl(journal_actor* self, journal_options opts) {
  self->state.opts = std::move(opts);
  static auto& depth = metrics::get_gauge("hirehub_persistence_queue_depth",
                                          "Commands waiting in a persistence actor (mailbox + batch queue)",
                                          {{"actor", "journal_writer"}});
  return {
      [self](append_request& req) -> caf::result<append_result> {
        auto& st = self->state;
        depth.set(static_cast<int64_t>(st.pending.size() + self->mailbox().size()));
        if (st.pending.size() >= st.opts.queue_max)
          return make_error(errc::overloaded, "the journal is overloaded; retry later");
        auto rp = self->make_response_promise();
        st.pending.push_back(pending_append{std::move(req), rp, {}, {}});
        // Group commit: the flush message queues behind every append already in
        // the mailbox, so one transaction carries all of them.
        if (!st.flush_scheduled) {
          st.flush_scheduled = true;
          self->send(self, flush_atom::value);
        }
        return rp;
      },
      [self](flush_atom) {
        flush(self);
        depth.set(static_cast<int64_t>(self->state.pending.size() + self->mailbox().size()));
      },
  };
}

}  // namespace

std::string with_job_facts(const std::string& payload, const job_info& job) {
  auto p = nlohmann::json::parse(payload.empty() ? "{}" : payload, nullptr, false);
  if (!p.is_object())
    return payload;
  p["company_id"] = job.company_id;
  p["job_owner_id"] = job.owner_user_id;
  p["job_title"] = job.title;
  return p.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

caf::actor spawn_journal_writer(caf::actor_system& sys, journal_options opts) {
  return sys.spawn<caf::detached>(journal_impl, std::move(opts));
}

}  // namespace hirehub::persistence
