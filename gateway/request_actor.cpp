// The request actors: one per HTTP request, spawned by the api (api.cpp) and watched
// by the gateway supervisor; each finds its route, runs the handler and answers once.
#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "gateway/gateway_actors.hpp"
#include "gateway/request_context.hpp"
#include "gateway/route_match.hpp"
#include "runtime/atoms.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::gateway {

const std::vector<route_def>& route_table() {
  static const std::vector<route_def> table = [] {
    std::vector<route_def> t;
    add_core_routes(t);
    add_account_routes(t);
    add_job_routes(t);
    add_interview_routes(t);
    add_notification_routes(t);
    add_resume_routes(t);
    add_match_routes(t);
    add_rag_routes(t);
    add_cluster_routes(t);
    return t;
  }();
  return table;
}

const route_def* find_route(const std::string& method, const std::string& path) {
  route_params ignored;
  for (auto& r : route_table())
    if (r.method == method && match_path(path, r.path, &ignored))
      return &r;
  return nullptr;
}

namespace {

void serve(request_actor* self, api_shared& sh) {
  auto& out = self->state.out;
  auto& req = out.job->req;
  route_params params;
  const route_def* path_match = nullptr;
  for (auto& r : route_table()) {
    if (!match_path(req.path, r.path, &params))
      continue;
    // Ids in one spelling: an upper-case UUID names the same entity (and shard).
    for (auto& p : params)
      if (auto id = ids::canonical_uuid(p); !id.empty())
        p = std::move(id);
    path_match = &r;
    if (req.method == r.method) {
      out.route = r.path;
      r.handler(self, sh, params);
      return;
    }
  }
  if (path_match != nullptr) {
    out.route = path_match->path;
    throw bad_input{errc::method_not_allowed, "method " + req.method + " is not allowed on " + out.route, ""};
  }
  throw bad_input{errc::not_found, "no route for " + req.method + " " + req.path, ""};
}

caf::behavior request_impl(request_actor* self, std::shared_ptr<request_job> job, api_shared* sh) {
  self->state.out.job = std::move(job);
  self->state.out.inflight = &sh->inflight;
  // The gateway supervisor ends a request at its deadline (sec::request_timeout): answer 503 timeout.
  self->set_exit_handler([self](caf::exit_msg& em) {
    if (em.reason == caf::sec::request_timeout) {
      fail(self, em.reason);
      return;
    }
    // The node stops with this request still running: it is retried elsewhere (503), never a 500.
    if (em.reason == caf::exit_reason::user_shutdown) {
      fail(self, make_error(errc::unavailable, "the node is stopping; retry"));
      return;
    }
    self->quit(em.reason);
  });
  self->set_exception_handler([self](std::exception_ptr& ep) -> caf::error {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      log::error("request actor failed", {{"request_id", self->state.out.job->req.request_id}, {"error", e.what()}});
    } catch (...) {
    }
    self->state.out.error(errc::internal, "internal error");
    return caf::sec::runtime_error;
  });
  try {
    serve(self, *sh);
  } catch (const bad_input& e) {
    self->state.out.error(e.code, e.message, e.field, e.retry_after_s);
    self->quit();
  } catch (const caf::error& e) {
    fail(self, e);  // a domain rule refused the request (domain/: rules throw caf::error)
  }
  return {
      [](caf::unit_t) {},
  };
}

}  // namespace

caf::actor spawn_request(api_shared& sh, std::shared_ptr<request_job> job) {
  return sh.sys->spawn(request_impl, std::move(job), &sh);
}

}  // namespace hirehub::gateway
