/// The cluster admin API (admins only): the nodes with their state and load,
/// the shard map, and draining a node (its shards move to the others; then it
/// can stop with nothing lost).
#include "cluster/membership.hpp"
#include "gateway/request_context.hpp"

namespace hirehub::gateway {

namespace {

using nlohmann::json;

/// Node ids are names like "host-1234": letters, digits and . _ : - only.
void check_node_id(const std::string& id) {
  bool ok = !id.empty() && id.size() <= 200;
  for (unsigned char c : id)
    ok = ok && (std::isalnum(c) || c == '.' || c == '_' || c == ':' || c == '-');
  if (!ok)
    throw bad_input{errc::not_found, "no node with this id", ""};
}

void list_nodes(request_actor* self, api_shared& sh, const route_params&) {
  require_role(authenticate(sh, req_of(self).authorization), "admin");
  ask_task(
      self, sh, "db",
      [](pqxx::transaction_base& txn) {
        return persistence::reply({{"items", cluster::nodes(txn)}});
      },
      json_reply());
}

void list_shards(request_actor* self, api_shared& sh, const route_params&) {
  require_role(authenticate(sh, req_of(self).authorization), "admin");
  ask_task(
      self, sh, "db",
      [](pqxx::transaction_base& txn) {
        return persistence::reply({{"items", cluster::shard_map(txn)}});
      },
      json_reply());
}

void drain(request_actor* self, api_shared& sh, const route_params& p) {
  require_role(authenticate(sh, req_of(self).authorization), "admin");
  check_node_id(p[0]);
  ask_task(
      self, sh, "db",
      [id = p[0]](pqxx::transaction_base& txn) {
        auto row = cluster::drain(txn, id);
        if (row.is_null())
          throw make_error(errc::not_found, "no node with this id");
        return persistence::reply(row, true);
      },
      [](json& v) { return json_response(202, v.dump()); });
}

}  // namespace

void add_cluster_routes(std::vector<route_def>& out) {
  out.insert(out.end(), {
                            {"GET", "/admin/api/nodes", list_nodes},
                            {"GET", "/admin/api/shards", list_shards},
                            {"POST", "/admin/api/nodes/{id}/drain", drain},
                        });
}

}  // namespace hirehub::gateway
