#include "persistence/db_worker.hpp"

#include <map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "persistence/notifications.hpp"
#include "persistence/db_task.hpp"
#include "persistence/messages.hpp"
#include "persistence/types.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::persistence {

namespace {

const char* const notification_json_sql = notifications::inbox_json_sql();

struct worker_state {
  db_worker_options opts;
  std::unique_ptr<pqxx::connection> conn;
  std::map<std::string, std::vector<caf::response_promise>> event_loads;
  bool flush_scheduled = false;
  const char* name = "db_worker";
  // Callers may wait without a timeout: batched loads not run yet are answered when the worker stops.
  ~worker_state() {
    for (auto& [id, rps] : event_loads)
      for (auto& rp : rps)
        rp.deliver(make_error(errc::unavailable, "the database worker stopped; retry"));
  }
};

using worker_actor = observed_actor<worker_state>;

/// Runs `fn(txn)` in a transaction (Txn: pqxx::work, or pqxx::nontransaction for one read
/// statement: no BEGIN and COMMIT round trips); on failure returns an error (and drops a
/// broken connection). A pooled connection found closed is replaced and `fn` runs once
/// more, so the first request after the database came back does not fail.
template <class Txn = pqxx::work, class F>
auto run(worker_actor* self, F fn) -> caf::expected<decltype(fn(std::declval<Txn&>()))> {
  auto& st = self->state;
  for (int attempt = 0;; ++attempt) {
    bool reused = static_cast<bool>(st.conn);
    try {
      if (!st.conn)
        st.conn = connect(st.opts.db_url, st.opts.name);
      Txn txn{*st.conn};
      auto out = fn(txn);
      txn.commit();
      return out;
    } catch (const caf::error& e) {
      return e;
    } catch (const std::exception& e) {
      auto code = classify(e);
      if (code == errc::unavailable || (st.conn && !st.conn->is_open()))
        st.conn.reset();
      if (reused && attempt == 0 && stale_connection(e)) {
        log::info("db_worker: a pooled connection was closed by the server; running again on a new one",
                  {{"error", e.what()}});
        st.conn.reset();
        continue;
      }
      log::error("db_worker: query failed", {{"error", e.what()}});
      return make_error(code == errc::internal ? errc::internal : errc::unavailable,
                        code == errc::internal ? "internal error" : "the database is unavailable; retry");
    }
  }
}

journal_event event_from_row(const pqxx::row& row) {
  journal_event e;
  e.event_id = row[0].as<std::string>();
  e.application_id = row[1].as<std::string>();
  e.seq = row[2].as<int64_t>();
  e.type = row[3].as<std::string>();
  e.from_status = row[4].is_null() ? "" : row[4].as<std::string>();
  e.to_status = row[5].is_null() ? "" : row[5].as<std::string>();
  e.actor_id = row[6].is_null() ? "" : row[6].as<std::string>();
  e.actor_type = row[7].is_null() ? "" : row[7].as<std::string>();
  e.reason = row[8].is_null() ? "" : row[8].as<std::string>();
  e.payload = row[9].as<std::string>();
  e.created_at_ms = row[10].as<int64_t>();
  return e;
}

void flush_loads(worker_actor* self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  auto events = std::move(st.event_loads);
  st.event_loads.clear();
  auto fail = [](auto& waiting, const caf::error& err) {
    for (auto& [id, rps] : waiting)
      for (auto& rp : rps)
        rp.deliver(err);
  };
  if (!events.empty()) {
    auto res = run<pqxx::nontransaction>(self, [&](pqxx::nontransaction& txn) {
      std::vector<std::string> ids;
      for (auto& [id, rps] : events)
        ids.push_back(id);
      auto r = txn.exec_prepared(load_events_statement, uuid_array_literal(ids));
      std::map<std::string, std::vector<journal_event>> out;
      for (auto row : r) {
        auto e = event_from_row(row);
        out[e.application_id].push_back(std::move(e));
      }
      return out;
    });
    if (res) {
      for (auto& [id, rps] : events) {
        auto found = res->find(id);
        auto evs = found == res->end() ? std::vector<journal_event>{} : found->second;
        for (auto& rp : rps)
          rp.deliver(evs);
      }
    } else {
      fail(events, res.error());
    }
  }
}

void schedule_flush(worker_actor* self) {
  if (!self->state.flush_scheduled) {
    self->state.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

caf::behavior worker_impl(worker_actor* self, db_worker_options opts) {
  self->state.opts = std::move(opts);
  return {
      [self](load_evts_atom, const std::string& application_id) {
        auto rp = self->make_response_promise();
        self->state.event_loads[application_id].push_back(rp);
        schedule_flush(self);
        return rp;
      },
      [self](flush_atom) {
        static auto& depth = metrics::get_gauge("hirehub_persistence_queue_depth",
                                                "Commands waiting in a persistence actor (mailbox + batch queue)",
                                                {{"actor", "db_worker"}});
        depth.set(static_cast<int64_t>(self->state.event_loads.size() + self->mailbox().size()));
        flush_loads(self);
      },
      [self](list_notif_atom, const std::string& user_id, int64_t after_seq,
             int32_t limit) -> caf::result<std::vector<stored_notification>> {
        return run(self, [&](pqxx::work& txn) {
          auto r =
              txn.exec_params(std::string{"SELECT n.id::text, n.inbox_seq, n.user_id::text, "} + notification_json_sql +
                                  " FROM notifications n WHERE n.user_id = $1::uuid AND n.inbox_seq > $2 "
                                  "AND n.channel = 'in_app' ORDER BY n.inbox_seq LIMIT $3",
                              user_id, after_seq, limit);
          std::vector<stored_notification> out;
          for (auto row : r)
            out.push_back(
                {row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<std::string>(), row[3].as<std::string>()});
          return out;
        });
      },
      [self](inbox_last_atom, const std::string& user_id) -> caf::result<int64_t> {
        return run(self, [&](pqxx::work& txn) {
          auto r =
              txn.exec_params("SELECT last_seq FROM notification_inbox_counters WHERE user_id = $1::uuid", user_id);
          return r.empty() ? int64_t{0} : r[0][0].as<int64_t>();
        });
      },
      [self](read_notif_atom, const std::string& user_id, const std::string& id) -> caf::result<stored_notification> {
        auto res = run(self, [&](pqxx::work& txn) {
          auto r = txn.exec_params(std::string{"UPDATE notifications n SET status = 'read', read_at = "
                                               "COALESCE(n.read_at, now()) WHERE n.id = $1::uuid AND n.user_id = "
                                               "$2::uuid AND n.channel = 'in_app' RETURNING n.id::text, n.seq, "
                                               "n.user_id::text, "} +
                                       notification_json_sql,
                                   id, user_id);
          std::vector<stored_notification> out;
          for (auto row : r)
            out.push_back(
                {row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<std::string>(), row[3].as<std::string>()});
          return out;
        });
        if (!res)
          return res.error();
        if (res->empty())
          return make_error(errc::not_found, "no such notification");
        return res->front();
      },
      [self](store_notif_atom,
             const std::vector<notification_draft>& drafts) -> caf::result<std::vector<stored_notification>> {
        return run(self, [&](pqxx::work& txn) { return notifications::store(txn, drafts); });
      },
      [self](load_tmpl_atom) -> caf::result<std::vector<template_row>> {
        return run(self, [&](pqxx::work& txn) {
          auto r = txn.exec(
              "SELECT id::text, name, event_type, channel, COALESCE(subject_template, ''), COALESCE(body_template, '') "
              "FROM notification_templates WHERE is_active");
          std::vector<template_row> out;
          for (auto row : r)
            out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                           row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>()});
          return out;
        });
      },
      [self](const db_task& task) -> caf::result<db_reply> {
        if (task.before) {
          caf::error err;
          try {
            err = task.before();
          } catch (const std::exception& e) {
            log::error("db_worker: a task's preparation failed", {{"error", e.what()}});
            err = make_error(errc::internal, "internal error");
          }
          if (err)
            return db_reply{nullptr, std::move(err), false};
        }
        auto r = run(self, [&](pqxx::work& txn) { return task.fn(txn); });
        if (!r)
          return r.error();
        if (r->outbox)
          if (auto relay = services::find(self->system(), "relay"))
            self->send(relay, kick_atom::value);
        return std::move(*r);
      },
      [self](health_atom) -> caf::result<bool> {
        return run(self, [&](pqxx::work& txn) {
          auto r = txn.exec("SELECT count(*) FROM schema_migrations");
          return r[0][0].as<int64_t>() > 0;
        });
      },
  };
}

}  // namespace

caf::actor spawn_db_pool(caf::actor_system& sys, db_worker_options opts) {
  auto factory = [&sys, opts] { return sys.spawn<caf::detached>(worker_impl, opts); };
  return caf::actor_pool::make(sys.dummy_execution_unit(), opts.connections, factory, caf::actor_pool::round_robin());
}

db_fn no_query() {
  return [](pqxx::transaction_base&) { return reply(nullptr); };
}

}  // namespace hirehub::persistence
