#include "cluster/ingress.hpp"

#include <caf/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::cluster {

namespace {

caf::actor local(caf::local_actor* self, const char* name) {
  return self->system().registry().get<caf::actor>(caf::atom_from_string(name));
}

caf::behavior ingress_impl(caf::event_based_actor* self, int) {
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
      [self](publish_atom pub, const std::string& topic, int64_t seq, const std::string& frame, bool) {
        if (auto hub = local(self, "hub"))
          self->send(hub, pub, topic, seq, frame, true);
      },
  };
}

}  // namespace

caf::actor spawn_ingress(caf::actor_system& sys) {
  return sys.spawn(ingress_impl, 0);
}

}  // namespace hirehub::cluster
