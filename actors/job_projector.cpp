#include "actors/job_projector.hpp"

#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "persistence/db_task.hpp"
#include "persistence/jobs.hpp"
#include "persistence/outbox.hpp"
#include "persistence/types.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::jobs {

namespace {

struct projector_state {
  const char* name = "job_projector";
};

using projector_actor = observed_actor<projector_state>;

// Takes an argument: CAF 0.17 binds a reference to a null shared_ptr<std::tuple<>>
// for argument-less actor functions (UBSan reports it).
caf::behavior projector_impl(projector_actor* self, int) {
  return {
      [self](batch_atom, const std::string& group, const std::vector<kafka_record>& batch) -> caf::result<void> {
        static auto& skipped = metrics::get_counter("hirehub_job_projector_events_skipped_total",
                                                    "Job events that were malformed and skipped");
        static auto& projected = metrics::get_counter("hirehub_job_projector_rows_total", "Read-model rows rebuilt");
        std::set<std::string> touched;
        std::set<std::string> applied;
        for (auto& rec : batch) {
          auto p = nlohmann::json::parse(rec.payload, nullptr, false);
          auto id = p.is_object() ? p.value("job_id", "") : "";
          if (!ids::is_uuid(id)) {
            skipped.inc();
            log::warn("job projector: event skipped",
                      {{"topic", rec.topic}, {"partition", rec.partition}, {"offset", rec.offset}});
            continue;
          }
          // A job's own events rebuild its search row and document; applications
          // only change its applies_count.
          (rec.topic == "application.submitted" ? applied : touched).insert(id);
        }
        auto db = services::find(self->system(), "db");
        if (!db)
          return make_error(errc::unavailable, "the database pool is restarting");
        std::vector<std::string> rebuild(touched.begin(), touched.end());
        std::vector<std::string> recount(applied.begin(), applied.end());
        // The group confirms what it handled in the same transaction (skipped events too:
        // they can never succeed), so the outbox keeps only what it has not.
        persistence::db_task task{persistence::jobs::projection_command(rebuild, recount, group, batch)};
        auto rp = self->make_response_promise();
        // No timeout: the pool answers every task it takes (an error when PostgreSQL
        // fails), and the consumer's watchdog retries a batch that takes too long.
        self->request(db, caf::infinite, std::move(task))
            .then(
                [rp](persistence::db_reply& r) mutable {
                  if (r.error) {
                    rp.deliver(r.error);
                    return;
                  }
                  projected.inc(r.value.get<int64_t>());
                  rp.deliver(caf::unit);
                },
                [rp](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_projector(caf::actor_system& sys) {
  return sys.spawn(projector_impl, 0);
}

}  // namespace hirehub::jobs
