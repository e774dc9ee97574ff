#pragma once
/// The gateway's actors, for the api (api.cpp) that spawns them: one request actor
/// per HTTP request (request_actor.cpp), one session actor per WebSocket
/// (ws_session.cpp), and the gateway supervisor that adopts both (gateway_supervisor.cpp).

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>

namespace hirehub::application {
struct principal;
}

namespace hirehub::gateway {

struct api_shared;
struct request_job;
using application::principal;
struct route_def;
class ws_connection;

/// (adopt_atom, child, started_ns): the supervisor watches `child`; a request's
/// deadline counts from `started_ns` (0: a WebSocket session, no deadline).
using adopt_atom = caf::atom_constant<caf::atom("adopt")>;

/// Every route of the API, in matching order.
const std::vector<route_def>& route_table();

caf::actor spawn_request(api_shared& sh, std::shared_ptr<request_job> job);

caf::actor spawn_session(api_shared& sh, std::shared_ptr<ws_connection> conn, principal by, int64_t expires_at,
                         std::string login, std::string request_id);

caf::actor spawn_gateway_supervisor(caf::actor_system& sys, std::chrono::milliseconds request_timeout);

}  // namespace hirehub::gateway
