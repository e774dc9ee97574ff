#include "actors/notification_actor.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/notification_core.hpp"
#include "persistence/db_task.hpp"
#include "persistence/outbox.hpp"
#include "persistence/notifications.hpp"
#include "runtime/services.hpp"
#include "runtime/ids.hpp"
#include "persistence/messages.hpp"
#include "persistence/types.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::notification {

std::string notification_frame(int64_t seq, const std::string& json) {
  // `json` is already the notification's JSON object (built by PostgreSQL).
  return R"({"type":"notification","topic":"notifications","seq":)" + std::to_string(seq) + R"(,"data":)" + json + "}";
}

namespace {

caf::actor service(caf::local_actor* self, const char* name) {
  return services::find(self->system(), name);
}

/// The in_app channel: its notifications are stored by the dispatcher's
/// transaction (stored = delivered to the inbox); this actor pushes each new one
/// to the user's live sessions.
caf::behavior in_app_impl(observed_event_actor* self, options) {
  return {
      [self](publish_atom, const std::vector<stored_notification>& stored) {
        static auto& sent = metrics::get_counter("hirehub_notifications_total", "Notifications stored and pushed",
                                                 {{"channel", "in_app"}});
        auto hub = service(self, "hub");
        for (auto& n : stored) {
          sent.inc();
          if (hub)
            self->send(hub, publish_atom::value, "notifications:" + n.user_id, n.seq,
                       notification_frame(n.seq, n.json));
        }
      },
  };
}

/// The channels a recipient can be reached on, as the store checks them (and still
/// does, in its statement): in-app always, e-mail with an account, SMS with a
/// phone, push with an active device. Drafts for the others would be rendered
/// only for the store to drop them.
std::vector<std::string> reachable(const std::vector<std::string>& channels,
                                   const persistence::notifications::person* p) {
  std::vector<std::string> out;
  for (auto& ch : channels)
    if (ch == "in_app" || (p && (ch == "email" || (ch == "sms" && p->phone) || (ch == "push" && p->device))))
      out.push_back(ch);
  return out;
}

/// The notification pool's task for a batch: looks the people of the events up,
/// renders every enabled channel they can be reached on and stores the
/// notifications, and confirms the consumed records, all in one transaction.
persistence::db_fn store_events(std::vector<event_facts> events, std::vector<template_row> templates,
                                std::vector<std::string> channels, std::string group,
                                std::vector<kafka_record> consumed) {
  namespace store = persistence::notifications;
  std::vector<std::string> users;
  std::vector<std::string> companies;
  for (auto& f : events) {
    users.push_back(f.recipient_id);
    if (ids::is_uuid(f.applicant_id))
      users.push_back(f.applicant_id);
    if (ids::is_uuid(f.company_id))
      companies.push_back(f.company_id);
  }
  auto draft = [events = std::move(events), templates = std::move(templates),
                channels = std::move(channels)](const store::directory& dir) {
    std::vector<notification_draft> drafts;
    for (auto& f : events) {
      directory_entry who;
      if (auto a = dir.people.find(f.applicant_id); a != dir.people.end())
        who.applicant_name = a->second.name;
      if (auto c = dir.company_names.find(f.company_id); c != dir.company_names.end())
        who.company_name = c->second;
      const store::person* recipient = nullptr;
      if (auto r = dir.people.find(f.recipient_id); r != dir.people.end()) {
        recipient = &r->second;
        who.recipient_time_zone = r->second.time_zone;
        who.recipient_name = r->second.name;
      }
      std::string error;
      for (auto& d : render_drafts(f, who, templates, reachable(channels, recipient), &error))
        drafts.push_back(std::move(d));
      if (!error.empty())
        log::error("notification template failed to render", {{"event_id", f.event_id}, {"error", error}});
    }
    return drafts;
  };
  return store::store_batch_command(std::move(users), std::move(companies), std::move(draft), std::move(group),
                                    std::move(consumed));
}

struct dispatcher_state {
  options opts;
  std::vector<template_row> templates;
  bool loaded = false;
  const char* name = "notification_dispatcher";
};

using dispatcher_actor = observed_actor<dispatcher_state>;

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
                  static auto& loads = metrics::get_counter("hirehub_notification_template_loads_total",
                                                            "Times this node loaded the notification templates");
                  loads.inc();
                  log::info("notification templates loaded", {{"count", t.size()}});
                  self->state.templates = std::move(t);
                  self->state.loaded = true;
                },
                [self](caf::error& err) {
                  log::warn("cannot load notification templates; retrying", {{"error", self->system().render(err)}});
                  self->delayed_send(self, std::chrono::milliseconds(500), load_atom::value);
                });
      },
      [self](reload_atom) { self->send(self, load_atom::value); },
      [self](batch_atom, const std::string& group, const std::vector<kafka_record>& batch) -> caf::result<void> {
        static auto& skipped = metrics::get_counter("hirehub_notification_events_skipped_total",
                                                    "Consumed events that were malformed and skipped");
        auto& st = self->state;
        if (!st.loaded)
          return make_error(errc::unavailable, "notification templates are not loaded yet");
        std::vector<event_facts> events;
        for (auto& rec : batch) {
          auto r = facts_for(rec.topic, rec.payload, st.opts.public_url);
          if (!r.error.empty()) {
            skipped.inc();
            log::warn("notification: event skipped",
                      {{"topic", rec.topic}, {"partition", rec.partition}, {"offset", rec.offset}, {"error", r.error}});
          }
          if (r.facts)
            events.push_back(std::move(*r.facts));
        }
        auto db = service(self, "notifdb");
        if (!db)
          return make_error(errc::unavailable, "the notification pool is restarting");
        auto channels = st.opts.channels;
        auto templates = st.templates;
        // The group confirms what it handled in the transaction of the notifications it
        // stores (skipped events too: they can never succeed).
        persistence::db_task task{store_events(std::move(events), templates, channels, group, batch)};
        auto rp = self->make_response_promise();
        // No timeout: the pool answers every task it takes (an error when PostgreSQL
        // fails), and the consumer's watchdog retries a batch that takes too long.
        self->request(db, caf::infinite, std::move(task))
            .then(
                [self, rp](persistence::db_reply& r) mutable {
                  if (r.error) {
                    rp.deliver(r.error);
                    return;
                  }
                  std::vector<stored_notification> stored;
                  for (auto& n : r.value)
                    stored.push_back({n["id"], n["seq"], n["user_id"], n["json"]});
                  if (auto in_app = service(self, "in_app"); in_app && !stored.empty())
                    self->send(in_app, publish_atom::value, std::move(stored));
                  // Rows for the other channels wait in the table: wake their senders.
                  for (auto& ch : self->state.opts.channels)
                    if (ch != "in_app")
                      if (auto a = service(self, ch.c_str()))
                        self->send(a, kick_atom::value);
                  rp.deliver(caf::unit);
                },
                [rp](caf::error& err) mutable { rp.deliver(err); });
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
