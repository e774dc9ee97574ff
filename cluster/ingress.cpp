#include "cluster/ingress.hpp"

#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "domain/errors.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/log.hpp"
#include "runtime/observe.hpp"
#include "runtime/supervisor.hpp"
#include "runtime/errors.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::cluster {

namespace {

caf::actor local(caf::local_actor* self, const char* name) {
  return services::find(self->system(), name);
}

struct ingress_state {
  std::set<std::string> members;  ///< CAF node ids of the live members (from the membership)
  const char* name = "ingress";
};

/// The ingress drops exit messages that do not come from this node before they reach
/// its mailbox: CAF ends any actor on an exit with reason `kill`, whatever its exit
/// handler says, so one message from a peer could cut the node off from the cluster.
class ingress_actor : public observed_actor<ingress_state> {
 public:
  using super = observed_actor<ingress_state>;
  using super::enqueue;
  using super::super;
  void enqueue(caf::mailbox_element_ptr x, caf::execution_unit* eu) override {
    if (x && x->content().match_elements<caf::exit_msg>() &&
        !(x->sender && x->sender->node() == home_system().node())) {
      static auto& ignored = metrics::get_counter("hirehub_ingress_exits_ignored_total",
                                                  "Exit messages to the ingress from outside this node, dropped");
      ignored.inc();
      return;
    }
    super::enqueue(std::move(x), eu);
  }
};

/// Whether the current message may be served: sent by an actor of this node, or of a
/// live member of the cluster. Mutual TLS already keeps out peers without a
/// certificate of the cluster's CA; this keeps out a certificate holder that is not
/// (or no longer) a member, and anonymous messages, whose origin is unknown.
caf::error check_sender(ingress_actor* self) {
  static auto& refused =
      metrics::get_counter("hirehub_ingress_refused_total",
                           "Messages refused by the ingress: anonymous, or from a node that is not a member");
  auto& src = self->current_sender();
  if (src && src->node() == self->home_system().node())
    return {};
  if (src && self->state.members.count(caf::to_string(src->node())) > 0)
    return {};
  refused.inc();
  auto origin = src ? caf::to_string(src->node()) : std::string{"anonymous"};
  log::warn("ingress: refused a message from outside the cluster's members", {{"from", origin}});
  // A node that joined a moment ago may not be known yet: read the members again.
  if (src)
    if (auto m = local(self, "membership"))
      self->send(m, members_atom::value);
  return make_error(cluster_errc::not_member, "not a member of this cluster (yet); retry");
}

caf::behavior ingress_impl(ingress_actor* self, std::string node_id) {
  return {
      [self](hello_atom hello, const std::string& node, const caf::actor& peer_ingress) {
        if (check_sender(self))
          return;
        if (auto m = local(self, "membership"))
          self->send(m, hello, node, peer_ingress);
      },
      [self](members_atom, std::vector<std::string>& members) {
        if (self->current_sender() && self->current_sender()->node() != self->home_system().node())
          return;  // only the local membership says who the members are
        self->state.members = std::set<std::string>(members.begin(), members.end());
      },
      [self](forward_atom fwd, const std::string& kind, const std::string& id, bool fresh, caf::message& cmd,
             int32_t hops) -> caf::result<caf::message> {
        static auto& in = metrics::get_counter("hirehub_ingress_commands_total", "Commands received from other nodes");
        if (auto err = check_sender(self))
          return err;
        in.inc();
        auto registry = local(self, "registry");
        if (!registry)
          return make_error(errc::unavailable, "the entity registry of the owning node is restarting; retry");
        self->delegate(registry, fwd, kind, id, fresh, std::move(cmd), hops);
        return caf::delegated<caf::message>{};
      },
      [self, node_id](tree_atom) -> caf::result<std::string> {
        if (auto err = check_sender(self))
          return err;
        auto root = local(self, "node");
        if (!root)
          return make_error(errc::unavailable, "the node is starting or stopping; retry");
        auto rp = self->make_response_promise<std::string>();
        self->request(root, tree_timeout * 2, tree_atom::value)
            .then(
                [self, rp, node_id](std::string& tree) mutable {
                  nlohmann::json system = nlohmann::json::array();
                  auto add = [&](const char* name, caf::actor h) {
                    auto x = sample(h);
                    if (x.is_null())
                      return;
                    x["name"] = name;
                    x["kind"] = "worker";
                    system.push_back(std::move(x));
                  };
                  add("ingress", caf::actor_cast<caf::actor>(self));
                  add("membership", local(self, "membership"));
                  nlohmann::json out = {{"node_id", node_id},
                                        {"root", nlohmann::json::parse(tree, nullptr, false)},
                                        {"system", std::move(system)}};
                  rp.deliver(out.dump());
                },
                [rp](caf::error& err) mutable { rp.deliver(err); });
        return rp;
      },
      [self](stop_atom stop, uint64_t id) -> caf::result<std::string> {
        if (auto err = check_sender(self))
          return err;
        auto root = local(self, "node");
        if (!root)
          return make_error(errc::unavailable, "the node is starting or stopping; retry");
        if (id == self->id())
          return make_error(cluster_errc::not_supervised, "the ingress is not supervised; stop the node instead");
        self->delegate(root, stop, id);
        return caf::delegated<std::string>{};
      },
      // A cluster notice from another node: reload what it changed in PostgreSQL.
      [self](reload_atom reload, const std::string& what, const std::string& id) {
        if (check_sender(self))
          return;
        if (what == "rag") {
          if (auto idx = local(self, "ragindex"))
            self->send(idx, reload, id);
        } else if (what == "templates") {
          if (auto notify = local(self, "notify"))
            self->send(notify, reload);
        }
      },
      [self](publish_atom pub, const std::string& topic, int64_t seq, const std::string& frame, bool) {
        if (check_sender(self))
          return;
        if (auto hub = local(self, "hub"))
          self->send(hub, pub, topic, seq, frame, true);
      },
  };
}

}  // namespace

caf::actor spawn_ingress(caf::actor_system& sys, std::string node_id) {
  return sys.spawn(ingress_impl, std::move(node_id));
}

}  // namespace hirehub::cluster
