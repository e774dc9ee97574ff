#include "actors/notification_actor.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/notification_core.hpp"
#include "persistence/messages.hpp"
#include "persistence/types.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::notification {

std::string notification_frame(int64_t seq, const std::string& json) {
  // `json` is already the notification's JSON object (built by PostgreSQL).
  return R"({"type":"notification","topic":"notifications","seq":)" + std::to_string(seq) + R"(,"data":)" + json + "}";
}

namespace {

caf::actor service(caf::local_actor* self, const char* name) {
  return self->system().registry().get<caf::actor>(caf::atom_from_string(name));
}

caf::behavior in_app_impl(caf::event_based_actor* self, options opts) {
  return {
      [self, opts](store_notif_atom, std::vector<notification_draft>& drafts) -> caf::result<void> {
        static auto& sent = metrics::get_counter("hirehub_notifications_total", "Notifications stored and pushed",
                                                 {{"channel", "in_app"}});
        // Notifications have their own connection ("notifdb"), so a burst of API
        // reads never delays them (and the reverse).
        auto db = service(self, "notifdb");
        if (!db)
          return make_error(errc::unavailable, "the database pool is restarting");
        auto rp = self->make_response_promise();
        self->request(db, opts.call_timeout, store_notif_atom::value, std::move(drafts))
            .then(
                [self, rp](std::vector<stored_notification>& stored) mutable {
                  // Only notifications stored just now are pushed: a redelivered event
                  // stored nothing, so it pushes nothing.
                  auto hub = service(self, "hub");
                  for (auto& n : stored) {
                    sent.inc();
                    if (hub)
                      self->send(hub, publish_atom::value, "notifications:" + n.user_id, n.seq,
                                 notification_frame(n.seq, n.json));
                  }
                  rp.deliver(caf::unit);
                },
                [self, rp](caf::error& err) mutable {
                  log::warn("in_app: storing notifications failed", {{"error", self->system().render(err)}});
                  rp.deliver(err);
                });
        return rp;
      },
  };
}

struct dispatcher_state {
  options opts;
  std::vector<template_row> templates;
  bool loaded = false;
  const char* name = "notification_dispatcher";
};

using dispatcher_actor = caf::stateful_actor<dispatcher_state>;

using load_atom = caf::atom_constant<caf::atom("load")>;

caf::behavior dispatcher_impl(dispatcher_actor* self, options opts) {
  self->state.opts = opts;
  // Templates are loaded before events are handled; until then batches are
  // refused (the consumer retries them). The pool may still be starting.
  self->send(self, load_atom::value);
  return {
      [self](load_atom) {
        auto db = service(self, "db");
        if (!db) {
          self->delayed_send(self, std::chrono::milliseconds(100), load_atom::value);
          return;
        }
        self->request(db, self->state.opts.call_timeout, load_tmpl_atom::value)
            .then(
                [self](std::vector<template_row>& t) {
                  log::info("notification templates loaded", {{"count", t.size()}});
                  self->state.templates = std::move(t);
                  self->state.loaded = true;
                },
                [self](caf::error& err) {
                  log::warn("cannot load notification templates; retrying", {{"error", self->system().render(err)}});
                  self->delayed_send(self, std::chrono::milliseconds(500), load_atom::value);
                });
      },
      [self](batch_atom, const std::vector<kafka_record>& batch) -> caf::result<void> {
        static auto& skipped = metrics::get_counter("hirehub_notification_events_skipped_total",
                                                    "Consumed events that were malformed and skipped");
        if (!self->state.loaded)
          return make_error(errc::unavailable, "notification templates are not loaded yet");
        std::vector<notification_draft> in_app;
        for (auto& rec : batch) {
          auto r = drafts_for(rec.topic, rec.payload, self->state.templates, {"in_app"});
          if (!r.error.empty()) {
            skipped.inc();
            log::warn("notification: event skipped",
                      {{"topic", rec.topic}, {"partition", rec.partition}, {"offset", rec.offset}, {"error", r.error}});
          }
          for (auto& d : r.drafts)
            in_app.push_back(std::move(d));
        }
        if (in_app.empty())
          return caf::unit;
        auto channel = service(self, "in_app");
        if (!channel)
          return make_error(errc::unavailable, "the in_app channel is restarting");
        auto rp = self->make_response_promise();
        self->request(channel, self->state.opts.call_timeout, store_notif_atom::value, std::move(in_app))
            .then([rp]() mutable { rp.deliver(caf::unit); }, [rp](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
  };
}

}  // namespace

caf::actor spawn_in_app_channel(caf::actor_system& sys, options opts) {
  return sys.spawn(in_app_impl, opts);
}

caf::actor spawn_dispatcher(caf::actor_system& sys, options opts) {
  return sys.spawn(dispatcher_impl, opts);
}

}  // namespace hirehub::notification
