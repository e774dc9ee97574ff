/// Interviews of an application: schedule, read, the calendar file,
/// reschedule, complete, cancel. Every one is a message to the application
/// entity, which owns its interviews.
#include "gateway/request_context.hpp"
#include "runtime/ids.hpp"

namespace hirehub::gateway {

namespace {

using application::interview_action;
using application::interview_view;

/// The application id (and interview id, when the route has one) of the path.
void check_ids(const route_params& p) {
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no application with this id", ""};
  if (p.size() > 1 && !ids::is_uuid(p[1]))
    throw bad_input{errc::not_found, "no interview with this id on this application", ""};
}

/// Sends `a` to the application entity; answers `status` with the interview.
void act(request_actor* self, api_shared& sh, const route_params& p, interview_action a, int status) {
  auto app_id = p[0];
  ask_application<interview_view>(
      self, sh, app_id, false, caf::make_message(std::move(a)), [status, app_id](interview_view& v) {
        auto r = json_response(status, v.json);
        if (status == 201) {
          auto id = nlohmann::json::parse(v.json).value("id", "");
          r.headers.emplace_back("Location", "/api/v1/applications/" + app_id + "/interviews/" + id);
        }
        return r;
      });
}

interview_action action_of(request_actor* self, api_shared& sh, const char* action) {
  auto& req = req_of(self);
  interview_action a;
  a.request_id = req.request_id;
  a.by = caller(self, sh);
  a.action = action;
  return a;
}

/// The time fields schedule and reschedule share.
void read_when(body_reader& body, application::interview_command& c, bool create) {
  c.starts_at = body.text("scheduled_at", create, 40);
  c.time_zone = body.text("time_zone", create, 64);
  c.duration_minutes = static_cast<int32_t>(body.integer("duration_minutes", false, 5, 480).value_or(0));
  c.has_location = body.has("location");
  c.location = body.text("location", false, 500);
  c.has_notes = body.has("notes");
  c.notes = body.text("notes", false, 2000);
}

void schedule(request_actor* self, api_shared& sh, const route_params& p) {
  auto a = action_of(self, sh, "schedule");
  body_reader body{req_of(self),
                   {"interview_type", "scheduled_at", "time_zone", "duration_minutes", "location", "notes"}};
  a.cmd.type = body.choice("interview_type", true, {"phone", "video", "onsite", "assignment"});
  read_when(body, a.cmd, true);
  check_ids(p);
  act(self, sh, p, std::move(a), 201);
}

void reschedule(request_actor* self, api_shared& sh, const route_params& p) {
  auto a = action_of(self, sh, "reschedule");
  body_reader body{req_of(self), {"scheduled_at", "time_zone", "duration_minutes", "location", "notes"}};
  read_when(body, a.cmd, false);
  if (a.cmd.starts_at.empty() && a.cmd.time_zone.empty() && a.cmd.duration_minutes == 0 && !a.cmd.has_location &&
      !a.cmd.has_notes)
    throw bad_input{errc::bad_request,
                    "give at least one of scheduled_at, time_zone, duration_minutes, location, notes", ""};
  check_ids(p);
  a.cmd.interview_id = p[1];
  act(self, sh, p, std::move(a), 200);
}

void complete(request_actor* self, api_shared& sh, const route_params& p) {
  auto a = action_of(self, sh, "complete");
  body_reader body{req_of(self), {"feedback", "rating"}};
  a.cmd.feedback = body.text("feedback", true, 10000);
  a.cmd.rating = static_cast<int32_t>(body.integer("rating", false, 1, 5).value_or(0));
  check_ids(p);
  a.cmd.interview_id = p[1];
  act(self, sh, p, std::move(a), 200);
}

void cancel(request_actor* self, api_shared& sh, const route_params& p) {
  auto a = action_of(self, sh, "cancel");
  body_reader body{req_of(self), {"reason"}};
  a.cmd.reason = body.choice(
      "reason", true,
      {"candidate_unavailable", "interviewer_unavailable", "scheduling_conflict", "position_filled", "other"});
  check_ids(p);
  a.cmd.interview_id = p[1];
  act(self, sh, p, std::move(a), 200);
}

void read(request_actor* self, api_shared& sh, const route_params& p, bool calendar) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  check_ids(p);
  application::get_interview q{req.request_id, by, p[1], calendar};
  ask_application<interview_view>(
      self, sh, p[0], false, caf::make_message(std::move(q)), [calendar, id = p[1]](interview_view& v) {
        if (!calendar)
          return json_response(200, v.json);
        http_response r;
        r.content_type = "text/calendar; charset=utf-8";
        r.body = std::move(v.ics);
        r.headers.emplace_back("Content-Disposition", "attachment; filename=\"interview-" + id + ".ics\"");
        return r;
      });
}

void get_one(request_actor* self, api_shared& sh, const route_params& p) {
  read(self, sh, p, false);
}

void get_ics(request_actor* self, api_shared& sh, const route_params& p) {
  read(self, sh, p, true);
}

}  // namespace

void add_interview_routes(std::vector<route_def>& out) {
#define HH_INTERVIEWS "/api/v1/applications/{id}/interviews"
  out.insert(out.end(), {
                            {"POST", HH_INTERVIEWS, schedule},
                            // Before the plain {interview_id} route, which would also fit "<id>.ics".
                            {"GET", HH_INTERVIEWS "/{interview_id}.ics", get_ics},
                            {"GET", HH_INTERVIEWS "/{interview_id}", get_one},
                            {"POST", HH_INTERVIEWS "/{interview_id}/reschedule", reschedule},
                            {"POST", HH_INTERVIEWS "/{interview_id}/complete", complete},
                            {"POST", HH_INTERVIEWS "/{interview_id}/cancel", cancel},
                        });
#undef HH_INTERVIEWS
}

}  // namespace hirehub::gateway
