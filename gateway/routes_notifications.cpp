/// Notifications beyond the inbox: a user's notifications on every channel with
/// their delivery status; for admins, every user's (the dead letters among
/// them), a retry of a dead letter, and the templates (checked when saved).
#include "domain/templates.hpp"
#include "gateway/request_context.hpp"
#include "persistence/notifications.hpp"
#include "runtime/atoms.hpp"
#include "runtime/hub.hpp"
#include "runtime/ids.hpp"

namespace hirehub::gateway {

namespace {

namespace store = persistence::notifications;
using nlohmann::json;

const std::initializer_list<const char*> channels = {"in_app", "email", "push", "sms"};
const std::initializer_list<const char*> statuses = {"pending", "sent", "delivered", "failed", "read"};

store::list_query read_list(const query_reader& in) {
  store::list_query q;
  q.channel = in.choice("channel", {"in_app", "email", "push", "sms", "all"});
  if (q.channel == "all")
    q.channel.clear();
  q.status = in.choice("status", statuses);
  q.after_seq = in.integer("after_seq", 0, INT64_MAX).value_or(0);
  q.limit = static_cast<int>(in.integer("limit", 1, 500).value_or(50));
  return q;
}

void reply_list(request_actor* self, api_shared& sh, store::list_query q) {
  ask_task(self, sh, "db", store::list_request(std::move(q)), json_reply());
}

/// GET /api/v1/notifications: the caller's own; the in-app inbox unless `channel` says otherwise.
void list_own(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  query_reader in{req.query, {"channel", "status", "after_seq", "limit"}};
  auto q = read_list(in);
  if (in.text("channel", 10).empty())
    q.channel = "in_app";
  q.user_id = by.user_id;
  reply_list(self, sh, std::move(q));
}

void list_all(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  require_role(caller(self, sh), "admin");
  query_reader in{req.query, {"channel", "status", "user_id", "after_seq", "limit"}};
  auto q = read_list(in);
  q.user_id = in.text("user_id", 36);
  if (!q.user_id.empty() && !ids::is_uuid(q.user_id))
    throw bad_input{errc::bad_request, "user_id must be a UUID", "user_id"};
  reply_list(self, sh, std::move(q));
}

void retry(request_actor* self, api_shared& sh, const route_params& p) {
  require_role(caller(self, sh), "admin");
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no failed notification with this id", ""};
  auto id = p[0];
  ask_task(self, sh, "db", store::retry_command(id), [sys = sh.sys](json& row) {
    // Wake the channel's sender rather than wait for its next poll.
    if (auto ch = service(*sys, row.value("channel", "").c_str()))
      caf::anon_send(ch, kick_atom::value);
    return json_response(200, row.dump());
  });
}

void list_templates(request_actor* self, api_shared& sh, const route_params&) {
  require_role(caller(self, sh), "admin");
  json vars = json::object();
  for (auto& t : templates::templated_event_types())
    vars[t] = templates::provided_variables(t);
  ask_task(self, sh, "db", store::templates_query(), [vars](json& v) {
    v["variables"] = vars;
    return json_response(200, v.dump());
  });
}

/// PUT: every {{variable}} must be one the event type provides, so sending
/// never meets a missing one. Activating a template retires the other active
/// one of the same event type and channel.
void put_template(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  require_role(caller(self, sh), "admin");
  auto name = p[0];
  if (name.empty() || name.size() > 100 || !std::all_of(name.begin(), name.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
      }))
    throw bad_input{errc::bad_request, "a template name is 1-100 characters of a-z, 0-9 and _", "name"};
  body_reader body{req, {"event_type", "channel", "subject", "body", "is_active"}};
  std::vector<std::string> known = templates::templated_event_types();
  auto event_type = body.text("event_type", true, 50);
  if (std::find(known.begin(), known.end(), event_type) == known.end()) {
    std::string list;
    for (auto& k : known)
      list += (list.empty() ? "" : ", ") + k;
    throw bad_input{errc::bad_request, "event_type must be one of " + list, "event_type"};
  }
  auto channel = body.choice("channel", true, channels);
  auto subject = body.text("subject", false, 500);
  auto text = body.text("body", true, 10000);
  bool active = body.boolean("is_active").value_or(true);
  if (subject.empty() && channel != "sms")
    throw bad_input{errc::bad_request, "subject is required for " + channel + " templates", "subject"};
  auto& provided = templates::provided_variables(event_type);
  for (auto [field, t] : {std::pair<const char*, const std::string*>{"subject", &subject}, {"body", &text}}) {
    auto c = templates::check(*t, provided);
    if (!c.ok) {
      std::string vars;
      for (auto& v : provided)
        vars += (vars.empty() ? "" : ", ") + v;
      throw bad_input{errc::bad_request,
                      std::string{field} + ": " + c.error + " (" + event_type + " provides " + vars + ")", field};
    }
  }
  ask_task(self, sh, "db", store::save_template_command({name, event_type, channel, subject, text, active}),
           [sys = sh.sys](json& saved) {
             // This node's dispatcher renders with the new text from its next batch; the
             // other nodes' dispatchers reload too (a cluster notice).
             if (auto d = service(*sys, "notify"))
               caf::anon_send(d, reload_atom::value);
             tell_peers(*sys, "templates", "");
             return json_response(200, saved.dump());
           });
}

}  // namespace

void add_notification_routes(std::vector<route_def>& out) {
  out.insert(out.end(), {
                            {"GET", "/api/v1/notifications", list_own},
                            {"GET", "/api/v1/admin/notifications", list_all},
                            {"POST", "/api/v1/admin/notifications/{id}/retry", retry},
                            {"GET", "/api/v1/admin/notification-templates", list_templates},
                            {"PUT", "/api/v1/admin/notification-templates/{name}", put_template},
                        });
}

}  // namespace hirehub::gateway
