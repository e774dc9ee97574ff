/// The cluster admin API (admins only): the nodes with their state and load,
/// the shard map, draining a node (its shards move to the others; then it can
/// stop with nothing lost), a node's actor tree, stopping one actor, and one
/// entity's state. Requests about another node go to it over the cluster (the
/// membership finds its ingress).
#include "persistence/membership_store.hpp"
#include "gateway/console_page.hpp"
#include "gateway/request_context.hpp"
#include "runtime/atoms.hpp"
#include "runtime/ids.hpp"

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
  require_role(caller(self, sh), "admin");
  ask_task(self, sh, "db", persistence::nodes_query(), json_reply());
}

void list_shards(request_actor* self, api_shared& sh, const route_params&) {
  require_role(caller(self, sh), "admin");
  ask_task(self, sh, "db", persistence::shard_map_query(), json_reply());
}

void drain(request_actor* self, api_shared& sh, const route_params& p) {
  require_role(caller(self, sh), "admin");
  check_node_id(p[0]);
  ask_task(self, sh, "db", persistence::drain_command(p[0]), [](json& v) { return json_response(202, v.dump()); });
}

/// The console page itself holds no data: it signs in and asks the API.
void console(request_actor* self, api_shared&, const route_params&) {
  http_response r;
  r.body = std::string{console_page_html()};
  r.content_type = "text/html; charset=utf-8";
  r.headers = {{"Content-Security-Policy",
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: "
                "wss:; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
               {"X-Frame-Options", "DENY"},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"},
               {"Cache-Control", "no-store"}};
  finish(self, std::move(r));
}

void actor_tree(request_actor* self, api_shared& sh, const route_params& p) {
  require_role(caller(self, sh), "admin");
  check_node_id(p[0]);
  ask<std::string>(
      self, sh, "membership", [](std::string& tree) { return json_response(200, std::move(tree)); }, tree_atom::value,
      p[0]);
}

void stop_actor(request_actor* self, api_shared& sh, const route_params& p) {
  require_role(caller(self, sh), "admin");
  check_node_id(p[0]);
  auto id = parse_int(p[1], "actor_id", 1, std::numeric_limits<int64_t>::max());
  ask<std::string>(
      self, sh, "membership", [](std::string& out) { return json_response(200, std::move(out)); }, stop_atom::value,
      p[0], static_cast<uint64_t>(id));
}

void entity_state(request_actor* self, api_shared& sh, const route_params& p) {
  require_role(caller(self, sh), "admin");
  check_choice(p[0], "kind", {"application", "resume"});
  if (!ids::is_uuid(p[1]))
    throw bad_input{errc::not_found, "no " + p[0] + " with this id", ""};
  ask<std::string>(
      self, sh, "registry", [](std::string& out) { return json_response(200, std::move(out)); },
      route_message(p[0], p[1], false, caf::make_message(inspect_atom::value)));
}

}  // namespace

void add_cluster_routes(std::vector<route_def>& out) {
  out.insert(out.end(), {
                            {"GET", "/admin", console, access::anyone},
                            {"GET", "/admin/api/nodes", list_nodes},
                            {"GET", "/admin/api/shards", list_shards},
                            {"POST", "/admin/api/nodes/{id}/drain", drain},
                            {"GET", "/admin/api/nodes/{id}/actors", actor_tree},
                            {"POST", "/admin/api/nodes/{id}/actors/{actor_id}/stop", stop_actor},
                            {"GET", "/admin/api/entities/{kind}/{id}", entity_state},
                        });
}

}  // namespace hirehub::gateway
