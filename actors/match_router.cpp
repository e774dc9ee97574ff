#include "actors/match_router.hpp"

#include <map>
#include <memory>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/match_atoms.hpp"
#include "actors/match_scorer.hpp"
#include "persistence/db_task.hpp"
#include "persistence/matches.hpp"
#include "persistence/types.hpp"
#include "runtime/atoms.hpp"
#include "runtime/entity_registry.hpp"
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

struct router_state {
  const char* name = "match_router";
  router_options opts;
};

using router_actor = observed_actor<router_state>;

/// What a batch names: the rows to read, the rows removed per job, the recommendations.
struct named {
  std::vector<std::string> match_ids;
  std::set<std::string> recommended;    ///< match ids
  std::map<std::string, json> removed;  ///< job -> [{resume_id, seq}]
};

named read_batch(const std::vector<kafka_record>& batch) {
  static auto& skipped =
      metrics::get_counter("hirehub_match_route_skipped_total", "Match events the router could not read and skipped");
  named out;
  std::set<std::string> seen;
  for (const auto& rec : batch) {
    auto p = json::parse(rec.payload, nullptr, false);
    auto str = [&](const char* key) { return p.is_object() && p[key].is_string() ? p[key].get<std::string>() : ""; };
    if (rec.topic == "match.removed") {
      auto seq = p.is_object() && p["seq"].is_number_integer() ? p["seq"].get<int64_t>() : 0;
      if (ids::is_uuid(str("job_id")) && ids::is_uuid(str("resume_id")) && seq > 0) {
        auto& list = out.removed[str("job_id")];
        if (list.is_null())
          list = json::array();
        list.push_back({{"resume_id", str("resume_id")}, {"seq", seq}});
        continue;
      }
    } else if (ids::is_uuid(str("match_id"))) {
      if (seen.insert(str("match_id")).second)
        out.match_ids.push_back(str("match_id"));
      if (rec.topic == "match.recommended")
        out.recommended.insert(str("match_id"));
      continue;
    }
    skipped.inc();
    log::warn("match router: event skipped", {{"topic", rec.topic}, {"offset", rec.offset}});
  }
  return out;
}

/// Each job's delta from the rows read and the removals named.
std::map<std::string, json> deltas_of(const json& rows, const std::map<std::string, json>& removed) {
  std::map<std::string, json> out;
  auto of = [&](const std::string& job) -> json& {
    auto& d = out[job];
    if (d.is_null())
      d = {{"changed", json::array()}, {"removed", json::array()}, {"seq", 0}};
    return d;
  };
  for (const auto& r : rows) {
    auto& d = of(r["job_id"].get<std::string>());
    d["seq"] = std::max(d["seq"].get<int64_t>(), r["seq"].get<int64_t>());
    d["changed"].push_back(r);
  }
  for (const auto& [job, list] : removed) {
    auto& d = of(job);
    for (const auto& x : list) {
      d["seq"] = std::max(d["seq"].get<int64_t>(), x["seq"].get<int64_t>());
      d["removed"].push_back(x);
    }
  }
  return out;
}

/// The batch's outbox rows confirmed for the group: the last step, after every actor answered.
void confirm(router_actor* self, caf::response_promise rp, caf::actor db, const std::string& group,
             const std::vector<kafka_record>& batch) {
  persistence::db_task task{pm::batch_command([](pm::writer&) { return false; }, group, batch)};
  self->request(db, self->state.opts.call_timeout, std::move(task))
      .then(
          [rp](persistence::db_reply& r) mutable {
            if (r.error)
              rp.deliver(r.error);
            else
              rp.deliver(caf::unit);
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
}

void publish_recommendations(router_actor* self, const json& rows, const std::set<std::string>& recommended) {
  auto hub = services::find(self->system(), "hub");
  if (!hub)
    return;  // the frames are live news only: a client catches up from the table
  for (const auto& r : rows)
    if (recommended.count(r["match_id"].get<std::string>()) && r["is_recommended"].get<bool>())
      self->send(hub, publish_atom::value, "recommendations:" + r["user_id"].get<std::string>(),
                 r["seq"].get<int64_t>(), recommendation_frame(r.dump()));
}

caf::result<void> handle_batch(router_actor* self, const std::string& group, const std::vector<kafka_record>& batch) {
  static auto& updates = metrics::get_counter("hirehub_match_job_updates_total", "Match deltas sent to job actors");
  auto db = services::find(self->system(), "db");
  auto registry = services::find(self->system(), "registry");
  if (!db || !registry)
    return make_error(errc::unavailable, "the database pool or the registry is restarting");
  auto what = std::make_shared<named>(read_batch(batch));
  auto rp = self->make_response_promise();
  persistence::db_task task{pm::rows_query(what->match_ids)};
  self->request(db, self->state.opts.call_timeout, std::move(task))
      .then(
          [self, rp, db, registry, what, group, batch](persistence::db_reply& r) mutable {
            if (r.error) {
              rp.deliver(r.error);
              return;
            }
            auto rows = std::make_shared<json>(std::move(r.value));
            auto deltas = deltas_of(*rows, what->removed);
            auto finish = [self, rp, db, rows, what, group, batch]() mutable {
              publish_recommendations(self, *rows, what->recommended);
              confirm(self, rp, db, group, batch);
            };
            if (deltas.empty()) {
              finish();
              return;
            }
            auto pending = std::make_shared<size_t>(deltas.size());
            auto failed = std::make_shared<bool>(false);
            for (const auto& [job, d] : deltas) {
              updates.inc();
              self->request(registry, self->state.opts.call_timeout,
                            route_message("match", job, false, caf::make_message(update_atom::value, d.dump())))
                  .then(
                      [pending, failed, finish]() mutable {
                        if (--*pending == 0 && !*failed)
                          finish();
                      },
                      [rp, failed](caf::error& err) mutable {
                        if (*failed)
                          return;
                        *failed = true;
                        rp.deliver(err);
                      });
            }
          },
          [rp](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

caf::behavior router_impl(router_actor* self, router_options o) {
  self->state.opts = o;
  return {
      [self](batch_atom, const std::string& group, const std::vector<kafka_record>& batch) -> caf::result<void> {
        return handle_batch(self, group, batch);
      },
  };
}

}  // namespace

const std::vector<std::string>& router_topics() {
  static const std::vector<std::string> t = {"match.calculated", "match.recommended", "match.removed"};
  return t;
}

caf::actor spawn_router(caf::actor_system& sys, router_options o) {
  return sys.spawn(router_impl, o);
}

}  // namespace hirehub::matching
