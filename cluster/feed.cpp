#include "cluster/feed.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "cluster/membership.hpp"
#include "persistence/db_task.hpp"
#include "persistence/membership_store.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/observe.hpp"
#include "runtime/supervisor.hpp"

namespace hirehub::cluster {

namespace {

using nlohmann::json;

struct feed_state {
  std::chrono::milliseconds period{1000};
  std::string node_id;
  bool busy = false;  ///< a round is being gathered
  int64_t last_seq = 0;
  const char* name = "cluster_feed";
};
using feed_actor = observed_actor<feed_state>;

caf::actor local(caf::local_actor* self, const char* name) {
  return services::find(self->system(), name);
}

/// Collects the actor trees of the live nodes, then publishes the frame.
struct round {
  json frame;
  size_t pending = 1;
  feed_actor* self = nullptr;

  void done() {
    if (--pending > 0)
      return;
    auto& st = self->state;
    st.busy = false;
    auto now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    int64_t seq = std::max<int64_t>(now, st.last_seq + 1);  // sessions drop frames whose seq does not grow
    st.last_seq = seq;
    frame["seq"] = seq;
    if (auto hub = local(self, "hub"))  // the 5-argument form: this node's sessions only
      self->send(hub, publish_atom::value, std::string{feed_topic}, seq, frame.dump(), true);
  }
};

void gather(feed_actor* self) {
  auto& st = self->state;
  auto db = local(self, "db");
  auto membership = local(self, "membership");
  if (st.busy || !db)
    return;
  st.busy = true;
  persistence::db_task task{persistence::console_snapshot_query()};
  self->request(db, tree_timeout, std::move(task))
      .then(
          [self, membership](persistence::db_reply& r) {
            if (r.error) {
              self->state.busy = false;
              return;
            }
            auto rd = std::make_shared<round>();
            rd->self = self;
            rd->frame = std::move(r.value);
            rd->frame["type"] = "cluster";
            rd->frame["node_id"] = self->state.node_id;
            rd->frame["actors"] = json::object();
            for (auto& n : rd->frame["nodes"]) {
              auto status = n.value("status", "");
              if (!membership || (status != "active" && status != "draining" && status != "suspected"))
                continue;
              auto id = n.value("node_id", "");
              ++rd->pending;
              self->request(membership, tree_timeout * 2, tree_atom::value, id)
                  .then(
                      [rd, id](std::string& tree) {
                        rd->frame["actors"][id] = json::parse(tree, nullptr, false);
                        rd->done();
                      },
                      [rd, id](caf::error& err) {
                        rd->frame["actors"][id] = {{"error", view(err).message}};
                        rd->done();
                      });
            }
            rd->done();
          },
          [self](caf::error& err) {
            self->state.busy = false;
            log::warn("the cluster feed cannot read the cluster", {{"error", view(err).message}});
          });
}

/// Publishes only while someone watches (the hub counts the topic's sessions).
void maybe_gather(feed_actor* self) {
  auto hub = local(self, "hub");
  if (!hub || self->state.busy)
    return;
  self->request(hub, tree_timeout, stats_atom::value, std::string{feed_topic})
      .then(
          [self](size_t watchers) {
            if (watchers > 0)
              gather(self);
          },
          [](caf::error&) {});
}

caf::behavior feed_impl(feed_actor* self, std::chrono::milliseconds period, std::string node_id) {
  self->state.period = period;
  self->state.node_id = std::move(node_id);
  self->send(self, tick_atom::value);
  return {
      [self](tick_atom) {
        maybe_gather(self);
        self->delayed_send(self, self->state.period, tick_atom::value);
      },
      [self](kick_atom) { maybe_gather(self); },
  };
}

}  // namespace

caf::actor spawn_feed(caf::actor_system& sys, std::chrono::milliseconds period, std::string node_id) {
  return sys.spawn(feed_impl, period, std::move(node_id));
}

}  // namespace hirehub::cluster
