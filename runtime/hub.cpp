#include "runtime/services.hpp"
#include "runtime/hub.hpp"

#include <set>
#include <unordered_map>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub {

namespace {

struct hub_state {
  std::shared_ptr<hub_watch> watch;
  std::vector<caf::actor> peers;  ///< the other nodes' ingresses
  std::unordered_map<std::string, std::set<caf::actor>> topics;
  std::unordered_map<caf::actor_addr, std::set<std::string>> by_session;
  std::string name;
};

using hub_actor = observed_actor<hub_state>;

void count_out(hub_state& st, const std::string& topic) {
  if (st.watch)
    st.watch->remove(topic);
}

void drop(hub_actor* self, const caf::actor_addr& session) {
  auto& st = self->state;
  auto it = st.by_session.find(session);
  if (it == st.by_session.end())
    return;
  for (auto& topic : it->second) {
    count_out(st, topic);
    auto t = st.topics.find(topic);
    if (t == st.topics.end())
      continue;
    for (auto s = t->second.begin(); s != t->second.end();) {
      if (s->address() == session)
        s = t->second.erase(s);
      else
        ++s;
    }
    if (t->second.empty())
      st.topics.erase(t);
  }
  st.by_session.erase(it);
}

void fan_out(hub_actor* self, const std::string& topic, int64_t seq, const std::string& frame) {
  static auto& published = metrics::get_counter("hirehub_hub_frames_total", "Frames fanned out to sessions");
  auto t = self->state.topics.find(topic);
  if (t == self->state.topics.end())
    return;
  for (auto& s : t->second) {
    self->send(s, frame_atom::value, topic, seq, frame);
    published.inc();
  }
}

/// Messages from another node's actors are not taken: peers' frames and notices come
/// through this node's ingress, which checks that their sender is a member.
bool from_elsewhere(hub_actor* self) {
  auto& src = self->current_sender();
  return src && src->node() != self->home_system().node();
}

// Actor functions here always take an argument: CAF 0.17 binds a reference to a
// null shared_ptr<std::tuple<>> for argument-less ones, which UBSan reports.
caf::behavior hub_impl(hub_actor* self, std::string name, std::shared_ptr<hub_watch> watch) {
  self->state.name = std::move(name);
  // A restarted hub keeps the counts of the sessions its predecessor had: a count
  // too high only builds frames nobody sees; one too low would lose frames.
  self->state.watch = std::move(watch);
  self->set_down_handler([self](caf::down_msg& dm) { drop(self, dm.source); });
  return {
      [self](subscribe_atom, const std::string& topic, const caf::actor& session) {
        if (from_elsewhere(self))
          return;
        auto& st = self->state;
        auto [it, added] = st.by_session.try_emplace(session.address());
        if (added)
          self->monitor(session);
        if (!it->second.insert(topic).second)
          count_out(st, topic);  // already counted once for this session
        st.topics[topic].insert(session);
      },
      [self](unsubscribe_atom, const std::string& topic, const caf::actor& session) {
        if (from_elsewhere(self))
          return;
        auto& st = self->state;
        auto t = st.topics.find(topic);
        if (t != st.topics.end()) {
          t->second.erase(session);
          if (t->second.empty())
            st.topics.erase(t);
        }
        auto s = st.by_session.find(session.address());
        if (s != st.by_session.end() && s->second.erase(topic) > 0)
          count_out(st, topic);
      },
      [self](publish_atom, const std::string& topic, int64_t seq, const std::string& frame) {
        if (from_elsewhere(self))
          return;
        // Published here: other nodes' sessions may watch it too.
        for (auto& peer : self->state.peers)
          self->send(peer, publish_atom::value, topic, seq, frame, true);
        fan_out(self, topic, seq, frame);
      },
      [self](publish_atom, const std::string& topic, int64_t seq, const std::string& frame, bool) {
        if (from_elsewhere(self))
          return;
        fan_out(self, topic, seq, frame);  // from a peer: local sessions only
      },
      [self](peers_atom, std::vector<caf::actor>& peers) {
        if (from_elsewhere(self))
          return;
        self->state.peers = std::move(peers);
        if (self->state.watch)
          self->state.watch->set_peers(!self->state.peers.empty());
      },
      [self](reload_atom reload, const std::string& what, const std::string& id) {
        if (from_elsewhere(self))
          return;
        static auto& sent = metrics::get_counter("hirehub_cluster_notices_total", "Cluster notices sent to peers");
        for (auto& peer : self->state.peers) {
          self->send(peer, reload, what, id);
          sent.inc();
        }
      },
      // How many sessions watch a topic (the admin feed reads nothing while nobody does).
      [self](stats_atom, const std::string& topic) -> size_t {
        auto t = self->state.topics.find(topic);
        return t == self->state.topics.end() ? 0 : t->second.size();
      },
  };
}

}  // namespace

void tell_peers(caf::actor_system& sys, const std::string& what, const std::string& id) {
  if (auto hub = services::find(sys, "hub"))
    caf::anon_send(hub, reload_atom::value, what, id);
}

caf::actor spawn_hub(caf::actor_system& sys, std::shared_ptr<hub_watch> watch) {
  return sys.spawn(hub_impl, std::string{"hub"}, std::move(watch));
}

void hub_watch::add(const std::string& topic) {
  std::lock_guard<std::mutex> guard{mutex_};
  ++counts_[topic];
}

void hub_watch::remove(const std::string& topic) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto it = counts_.find(topic);
  if (it != counts_.end() && --it->second <= 0)
    counts_.erase(it);
}

bool hub_watch::wanted(const std::string& topic) const {
  if (peers_.load(std::memory_order_acquire))
    return true;
  std::lock_guard<std::mutex> guard{mutex_};
  return counts_.count(topic) > 0;
}

void hub_watch::set_peers(bool any) {
  peers_.store(any, std::memory_order_release);
}

size_t hub_watch::topics() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return counts_.size();
}

}  // namespace hirehub
