#include "gateway/api.hpp"

#include "gateway/gateway_actors.hpp"
#include "gateway/request_context.hpp"
#include "runtime/atoms.hpp"

namespace hirehub::gateway {

struct api::impl : api_shared {};

api::api(caf::actor_system& sys, api_options opts, std::shared_ptr<readiness> ready) : impl_(std::make_shared<impl>()) {
  impl_->sys = &sys;
  impl_->opts = std::move(opts);
  impl_->ready = std::move(ready);
  impl_->gw_sup = spawn_gateway_supervisor(sys, impl_->opts.request_timeout);
}

std::vector<std::pair<std::string, std::string>> api_routes() {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& r : route_table())
    out.emplace_back(r.method, r.path);
  return out;
}

api::~api() {
  shutdown();
}

void api::shutdown() {
  // The handle stays (I/O threads may be reading it); the flag turns new requests away.
  if (!impl_->stopped.exchange(true) && impl_->gw_sup)
    caf::anon_send_exit(impl_->gw_sup, caf::exit_reason::user_shutdown);
}

size_t api::inflight() const {
  return impl_->inflight.load();
}

server_handlers api::handlers() {
  auto sh = impl_;
  server_handlers h;
  // Authentication before the body: a route that needs a token is refused on its
  // headers (401, or 403 for the wrong role where the route names one), so an
  // unauthenticated caller never makes the node read, buffer or store a body.
  h.on_head = [sh](const http_request& head) -> head_decision {
    head_decision d;
    auto* route = find_route(head.method, head.path);
    if (!route || route->who == access::anyone)
      return d;  // 404/405 and public routes are answered by the request actor
    try {
      auto ok = std::make_shared<authenticated>();
      ok->by = authenticate(*sh, head.authorization, false, &ok->claims);
      if (route->role)
        require_role(ok->by, route->role);
      d.auth = std::move(ok);
    } catch (const bad_input& e) {
      http_response r;
      r.status = http_status_of(e.code);
      r.body = error_body(e.code, e.message);
      if (e.code == errc::unauthorized)
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
      d.refused = std::move(r);
    }
    return d;
  };
  h.on_http = [sh](http_request req, http_reply reply) {
    auto job = std::make_shared<request_job>();
    job->req = std::move(req);
    job->reply = std::move(reply);
    if (sh->stopped.load()) {
      responder r{job};
      r.error(errc::unavailable, "the node is stopping; retry");
      return;
    }
    if (sh->inflight.fetch_add(1) >= sh->opts.max_inflight) {
      --sh->inflight;
      responder r{job};
      r.route = "overloaded";
      r.error(errc::overloaded, "too many requests in flight (http.max_inflight_requests = " +
                                    std::to_string(sh->opts.max_inflight) + "); retry");
      return;
    }
    int64_t started_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(job->started.time_since_epoch()).count();
    auto child = spawn_request(*sh, std::move(job));
    caf::anon_send(sh->gw_sup, adopt_atom::value, child, started_ns);
  };
  h.on_ws_upgrade = [sh](const http_request& req) -> ws_admission {
    // The caller is authenticated here, once; the session carries the principal
    // and its token's expiry (it closes with 4001 when the token expires).
    ws_admission out;
    principal by;
    jwt::claims claims;
    try {
      auto token = query_param(req.query, "access_token");
      by = token.empty() ? authenticate(*sh, req.authorization, false, &claims)
                         : authenticate(*sh, token, true, &claims);
    } catch (const bad_input& e) {
      http_response r;
      r.status = http_status_of(e.code);
      r.body = error_body(e.code, e.message);
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      out.refused = std::move(r);
      return out;
    }
    out.open = [sh, by = std::move(by), expires_at = claims.expires_at, login = claims.session_id,
                request_id = req.request_id](std::shared_ptr<ws_connection> conn) -> ws_callbacks {
      ws_callbacks cb;
      if (sh->stopped.load()) {
        conn->close(1001, "the node is stopping");
        return cb;
      }
      auto session = spawn_session(*sh, conn, by, expires_at, login, request_id);
      caf::anon_send(sh->gw_sup, adopt_atom::value, session, int64_t{0});
      caf::actor s = session;
      cb.on_text = [s](std::string text) { caf::anon_send(s, frame_atom::value, std::move(text)); };
      cb.on_close = [s] { caf::anon_send(s, close_atom::value); };
      return cb;
    };
    return out;
  };
  return h;
}

}  // namespace hirehub::gateway
