#include "actors/delivery_channel.hpp"

#include <caf/all.hpp>

#include "actors/delivery_core.hpp"
#include "actors/delivery_senders.hpp"
#include "persistence/notifications.hpp"
#include "runtime/atoms.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"
#include "runtime/rate_limiter.hpp"

namespace hirehub::notification {

namespace {

namespace store = persistence::notifications;

struct channel_state {
  channel_options opts;
  std::unique_ptr<store::delivery_store> db;
  std::unique_ptr<rate_limiter> limiter;
  std::unique_ptr<sender> out;
  const char* name = "delivery_channel";
};

using channel_actor = observed_actor<channel_state>;

/// One round: claim, send, record. Returns how many rows it claimed.
size_t round(channel_actor* self) {
  auto& st = self->state;
  auto& o = st.opts;
  // Per channel (each actor its own labels): looked up, not cached in statics.
  const char* help = "Notification sends by channel and outcome";
  auto& sent = metrics::get_counter("hirehub_notification_deliveries_total", help,
                                    {{"channel", o.channel}, {"outcome", "sent"}});
  auto& retried = metrics::get_counter("hirehub_notification_deliveries_total", help,
                                       {{"channel", o.channel}, {"outcome", "retry"}});
  auto& failed = metrics::get_counter("hirehub_notification_deliveries_total", help,
                                      {{"channel", o.channel}, {"outcome", "failed"}});
  auto& limited = metrics::get_counter("hirehub_notification_rate_limited_total",
                                       "Sends postponed by a channel's rate limit", {{"channel", o.channel}});
  auto due = st.db->claim_due(o.batch, o.lease.count());
  for (size_t i = 0; i < due.size(); ++i) {
    auto& d = due[i];
    if (auto wait_s = st.limiter->take(o.channel); wait_s > 0) {
      // Over the rate: give this and the rest back, uncounted, for later.
      limited.inc();
      std::vector<std::string> back;
      for (size_t j = i; j < due.size(); ++j)
        back.push_back(due[j].id);
      st.db->release(back, wait_s * 1000);
      break;
    }
    std::string recipient;
    auto a = st.out->send(d, recipient);
    auto v = judge(o.channel, d.id, a, d.attempts, {o.max_attempts, o.retry_base.count(), o.retry_max.count()});
    switch (v.what) {
      case verdict::outcome::sent:
        sent.inc();
        st.db->mark_sent(d.id, v.delivered, recipient, v.provider_ref);
        break;
      case verdict::outcome::retry:
        retried.inc();
        st.db->mark_retry(d.id, v.error, v.retry_in_ms);
        break;
      case verdict::outcome::failed:
        failed.inc();
        st.db->mark_failed(d.id, v.error);
        log::warn("notification dead-lettered",
                  {{"channel", o.channel}, {"notification_id", d.id}, {"error", v.error}});
        break;
    }
  }
  return due.size();
}

void run_rounds(channel_actor* self) {
  try {
    for (int i = 0; i < 20 && round(self) == static_cast<size_t>(self->state.opts.batch); ++i) {
    }
  } catch (const std::exception& e) {
    log::warn("delivery round failed", {{"channel", self->state.opts.channel}, {"error", e.what()}});
  }
}

caf::behavior channel_impl(channel_actor* self, channel_options opts) {
  self->state.limiter = std::make_unique<rate_limiter>(opts.rate_per_sec, std::chrono::milliseconds(1000));
  self->state.opts = std::move(opts);
  self->state.out = make_sender(self->state.opts);
  self->state.db = std::make_unique<store::delivery_store>(self->state.opts.db_url, self->state.opts.channel);
  self->send(self, tick_atom::value);
  return {
      [self](tick_atom) {
        run_rounds(self);
        self->delayed_send(self, self->state.opts.poll, tick_atom::value);
      },
      [self](kick_atom) { run_rounds(self); },
  };
}

}  // namespace

caf::actor spawn_delivery_channel(caf::actor_system& sys, channel_options opts) {
  return sys.spawn<caf::detached>(channel_impl, std::move(opts));
}

}  // namespace hirehub::notification
