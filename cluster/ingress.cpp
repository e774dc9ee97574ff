#include "cluster/ingress.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/observe.hpp"
#include "runtime/supervisor.hpp"
#include "runtime/errors.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::cluster {

namespace {

caf::actor local(caf::local_actor* self, const char* name) {
  return services::find(self->system(), name);
}

caf::behavior ingress_impl(observed_event_actor* self, std::string node_id) {
  return {
      [self](forward_atom fwd, const std::string& kind, const std::string& id, bool fresh, caf::message& cmd,
             int32_t hops) -> caf::result<caf::message> {
        static auto& in = metrics::get_counter("hirehub_ingress_commands_total", "Commands received from other nodes");
        in.inc();
        auto registry = local(self, "registry");
        if (!registry)
          return make_error(errc::unavailable, "the entity registry of the owning node is restarting; retry");
        self->delegate(registry, fwd, kind, id, fresh, std::move(cmd), hops);
        return caf::delegated<caf::message>{};
      },
      [self, node_id](tree_atom) -> caf::result<std::string> {
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
        auto root = local(self, "node");
        if (!root)
          return make_error(errc::unavailable, "the node is starting or stopping; retry");
        if (id == self->id())
          return make_error(errc::conflict, "the ingress is not supervised; stop the node instead");
        self->delegate(root, stop, id);
        return caf::delegated<std::string>{};
      },
      // A cluster notice from another node: reload what it changed in PostgreSQL.
      [self](reload_atom reload, const std::string& what, const std::string& id) {
        if (what == "rag") {
          if (auto idx = local(self, "ragindex"))
            self->send(idx, reload, id);
        } else if (what == "templates") {
          if (auto notify = local(self, "notify"))
            self->send(notify, reload);
        }
      },
      [self](publish_atom pub, const std::string& topic, int64_t seq, const std::string& frame, bool) {
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
