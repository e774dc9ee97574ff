#include "actors/application_actor.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "domain/errors.hpp"
#include "actors/interview_ics.hpp"
#include "actors/resume/pii.hpp"
#include "actors/messages.hpp"
#include "persistence/journal_writer.hpp"
#include "persistence/messages.hpp"
#include "runtime/entity_passivate.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/observe.hpp"

namespace hirehub::application {

namespace {

struct app_state {
  state st;
  std::vector<journal_event> journal;
  entity_context ctx;
  caf::actor registry;
  actor_options opts;
  bool passivating = false;
  const char* name = "application";
};

using app_actor = observed_actor<app_state>;

caf::actor service(app_actor* self, const char* name) {
  return services::find(self->system(), name);
}

application_view view_of(const state& st, const principal& by, bool replayed = false) {
  return {to_json(st, audience_of(st, by)).dump(), st.seq, replayed};
}

interview_row row_of(const state& st, const interview& iv) {
  return {iv.id,           st.id,     iv.type,     iv.starts_at_ms, iv.duration_minutes, iv.time_zone, iv.location,
          iv.notes,        iv.status, iv.feedback, iv.rating,       iv.cancel_reason,    iv.version,   iv.created_at_ms,
          iv.updated_at_ms};
}

/// An entity with no journal (a failed first submit, a lookup of a missing id) is not kept.
void passivate_if_empty(app_actor* self) {
  if (self->state.st.current == status::none)
    passivate_entity(self);
}

// The journal writer and the database workers answer every request they take
// (an error when PostgreSQL fails; their state answers what is still pending
// when they stop), and CAF answers the ones left in a stopped actor's mailbox.
// So these requests carry no timeout: a timeout would go through CAF's one
// clock thread twice per request (set, then cancel) on the hottest path, and
// an append that timed out could still commit. The HTTP request has its own
// timeout (http.request_timeout_ms).

/// Sets the job's facts the journal committed (a submit that did not read the job).
void learn_job(app_actor* self, state& next, journal_event& ev, const job_info& job) {
  next.company_id = job.company_id;
  next.job_owner_id = job.owner_user_id;
  next.job_title = job.title;
  ev.payload = persistence::with_job_facts(ev.payload, job);
  if (self->state.opts.jobs)
    self->state.opts.jobs->put(job);
}

/// Appends one event; on commit applies it, publishes it (the full frame to the
/// company's topic, the applicant's view to theirs) and answers `rp` with
/// `make(state after)`.
/// `facts_from_commit`: a new application whose job's facts the journal takes from the
/// job row in its commit (and answers).
template <class View, class Make>
void append(app_actor* self, journal_event ev, bool create, const std::string& request_id,
            caf::typed_response_promise<View> rp, Make make, bool facts_from_commit = false) {
  auto& s = self->state;
  auto journal = service(self, "journal");
  if (!journal) {
    rp.deliver(make_error(errc::unavailable, "the journal is restarting; retry"));
    passivate_if_empty(self);
    return;
  }
  auto next = s.st;
  apply(next, ev);
  append_request req;
  req.request_id = request_id;
  req.application_id = s.st.id;
  req.create = create;
  if (create)
    req.row = {next.id,
               next.job_id,
               next.user_id,
               next.company_id,
               next.resume_id,
               next.cover_letter,
               to_string(next.current),
               next.match_score};
  else
    req.new_status = ev.to_status;
  req.outbox.push_back(to_outbox(s.st, next, ev));
  for (auto& iv : changed_interviews(s.st, next))
    req.interviews.push_back(row_of(next, iv));
  req.events.push_back(ev);
  req.job_facts = create && facts_from_commit;
  self->request(journal, caf::infinite, std::move(req))
      .await(
          [self, next, ev, rp, make](append_result& res) mutable {
            if (!res.job.id.empty())
              learn_job(self, next, ev, res.job);
            auto& s = self->state;
            auto before = std::move(s.st);
            s.st = next;
            s.journal.push_back(ev);
            if (auto hub = service(self, "hub")) {
              auto topic = "application:" + s.st.id;
              auto wanted = [&s](const std::string& t) { return !s.opts.watch || s.opts.watch->wanted(t); };
              if (wanted(topic))
                self->send(hub, publish_atom::value, topic, s.st.seq, frame_for(s.st, ev));
              if (wanted(topic + ":applicant")) {
                auto mine = applicant_frame_for(before, s.st, ev);
                if (!mine.empty())
                  self->send(hub, publish_atom::value, topic + ":applicant", s.st.seq, std::move(mine));
              }
            }
            rp.deliver(make(s.st));
          },
          [self, rp, request_id](caf::error& err) mutable {
            auto v = view(err);
            if (v.code == errc::conflict || v.code == errc::unavailable || v.code == errc::timeout) {
              // Our state may be stale (another writer won, or the commit's outcome is
              // unknown): the next command must rebuild from the journal.
              log::warn(
                  "append failed; passivating to reload",
                  {{"application_id", self->state.st.id}, {"request_id", request_id}, {"error", name_of(v.code)}});
              passivate_entity(self);
            }
            rp.deliver(err);
            passivate_if_empty(self);
          });
}

interview_view interview_of(const state& st, const std::string& interview_id, const principal& by) {
  interview_view v;
  v.seq = st.seq;
  if (auto* iv = find_interview(st, interview_id))
    v.json = interview_to_json(*iv, audience_of(st, by)).dump();
  return v;
}

decision decide_interview(const state& st, const interview_action& a, const std::string& event_id, int64_t now) {
  if (a.action == "schedule")
    return decide_schedule(st, a.by, a.cmd, event_id, now);
  if (a.action == "reschedule")
    return decide_reschedule(st, a.by, a.cmd, event_id, now);
  if (a.action == "complete")
    return decide_complete(st, a.by, a.cmd, event_id, now);
  if (a.action == "cancel")
    return decide_cancel(st, a.by, a.cmd, event_id, now);
  decision d;
  d.code = errc::bad_request;
  d.message = "unknown interview action " + a.action;
  return d;
}

/// The admin's view of an entity: every free-text value (cover letter, notes,
/// feedback, locations, reasons) goes through the PII masker; ids, statuses,
/// numbers and times are kept.
void mask_free_text(nlohmann::json& v, const std::string& key = {}) {
  if (v.is_object()) {
    for (auto& [k, x] : v.items())
      mask_free_text(x, k);
  } else if (v.is_array()) {
    for (auto& x : v)
      mask_free_text(x, key);
  } else if (v.is_string()) {
    auto ends = [&](const char* suffix) {
      std::string_view k{key}, sfx{suffix};
      return k.size() >= sfx.size() && k.substr(k.size() - sfx.size()) == sfx;
    };
    if (key == "id" || ends("_id") || ends("_at") || ends("status") || key == "type" || key == "time_zone" ||
        key == "mode")
      return;
    v = resume::mask_pii(v.get<std::string>()).masked;
  }
}

// Decides a submit against the job's facts and appends the event. The journal checks in
// the commit that the job exists and is open; with the facts cached (entity.job_cache_ttl_ms)
// the event carries them, otherwise (`facts_from_commit`) the commit takes them from the job row:
// no read of the job before the commit.
void submit_to(app_actor* self, const submit_application& cmd, const submit_command& sc, const job_info& job,
               caf::typed_response_promise<application_view> rp, bool facts_from_commit) {
  auto& s = self->state;
  job_facts facts{job.id, job.company_id, job.owner_user_id, job.title, job.status};
  auto d = decide_submit(s.st, cmd.by, sc, facts, ids::random_uuid(), now_ms());
  if (d.code != errc::ok) {
    rp.deliver(make_error(d.code, d.message, d.field));
    passivate_if_empty(self);
    return;
  }
  append(
      self, std::move(d.event), true, cmd.request_id, rp, [by = cmd.by](const state& st) { return view_of(st, by); },
      facts_from_commit);
}

caf::behavior app_impl(app_actor* self, entity_context ctx, caf::actor registry, actor_options opts) {
  auto& s = self->state;
  s.ctx = ctx;
  s.registry = std::move(registry);
  s.opts = opts;
  s.st.id = ctx.id;
  if (!ctx.fresh) {
    auto db = service(self, "db");
    if (!db) {
      self->quit(make_error(errc::unavailable, "the database pool is restarting"));
      return {};
    }
    // Rebuild from the journal before any command is handled.
    self->request(db, caf::infinite, load_evts_atom::value, ctx.id)
        .await(
            [self](std::vector<journal_event>& evs) {
              self->state.st = fold(self->state.ctx.id, evs);
              self->state.journal = std::move(evs);
            },
            [self](caf::error& err) { self->quit(err); });
  }
  return {
      [self](submit_application& cmd) -> caf::result<application_view> {
        auto& s = self->state;
        submit_command sc{cmd.job_id, cmd.resume_id, cmd.cover_letter, cmd.fingerprint, cmd.match_score};
        if (s.st.current != status::none) {
          auto d = decide_submit(s.st, cmd.by, sc, job_facts{}, {}, 0);
          if (d.code != errc::ok)
            return make_error(d.code, d.message, d.field);
          return view_of(s.st, cmd.by, true);
        }
        auto rp = self->make_response_promise<application_view>();
        if (s.opts.jobs)
          if (auto job = s.opts.jobs->find(cmd.job_id)) {
            submit_to(self, cmd, sc, *job, rp, false);
            return rp;
          }
        submit_to(self, cmd, sc, job_info{cmd.job_id, "", "", "", "open"}, rp, true);
        return rp;
      },
      [self](change_status& cmd) -> caf::result<application_view> {
        auto& s = self->state;
        auto d = decide_status_change(s.st, cmd.by, cmd.to_status, cmd.reason, ids::random_uuid(), now_ms());
        if (d.code != errc::ok) {
          passivate_if_empty(self);
          return make_error(d.code, d.message, d.field);
        }
        auto rp = self->make_response_promise<application_view>();
        append(self, std::move(d.event), false, cmd.request_id, rp,
               [by = cmd.by](const state& st) { return view_of(st, by); });
        return rp;
      },
      [self](interview_action& a) -> caf::result<interview_view> {
        auto& s = self->state;
        if (a.action == "schedule")
          a.cmd.interview_id = ids::random_uuid();
        auto d = decide_interview(s.st, a, ids::random_uuid(), now_ms());
        if (d.code != errc::ok) {
          passivate_if_empty(self);
          return make_error(d.code, d.message, d.field);
        }
        auto rp = self->make_response_promise<interview_view>();
        append(self, std::move(d.event), false, a.request_id, rp,
               [id = a.cmd.interview_id, by = a.by](const state& st) { return interview_of(st, id, by); });
        return rp;
      },
      [self](get_interview& q) -> caf::result<interview_view> {
        auto& s = self->state;
        if (s.st.current == status::none || !can_view(s.st, q.by)) {
          passivate_if_empty(self);
          return make_error(errc::not_found, "no application with this id");
        }
        auto* iv = find_interview(s.st, q.interview_id);
        if (!iv)
          return make_error(errc::not_found, "no interview with this id on this application");
        auto v = interview_of(s.st, q.interview_id, q.by);
        if (q.calendar)
          v.ics = interview_ics(s.st, *iv, now_ms());
        return v;
      },
      // The cluster admin API: this entity's state, PII masked, and where it runs.
      [self](inspect_atom) -> caf::result<std::string> {
        auto& s = self->state;
        if (s.st.current == status::none) {
          passivate_if_empty(self);
          return make_error(errc::not_found, "no application with this id");
        }
        auto state_json = to_json(s.st, audience::full);
        mask_free_text(state_json);
        nlohmann::json out = {{"kind", s.ctx.kind},
                              {"id", s.ctx.id},
                              {"node_id", s.opts.node_id},
                              {"seq", s.st.seq},
                              {"journal_events", s.journal.size()},
                              {"passivating", s.passivating},
                              {"idle_timeout_ms", s.opts.idle_timeout.count()},
                              {"actor", sample_entity(caf::actor_cast<caf::actor>(self), s.ctx.kind, s.ctx.id)},
                              {"state", std::move(state_json)}};
        return out.dump();
      },
      [self](get_application& q) -> caf::result<application_view> {
        auto& s = self->state;
        if (s.st.current == status::none || !can_view(s.st, q.by)) {
          passivate_if_empty(self);
          return make_error(errc::not_found, "no application with this id");
        }
        return view_of(s.st, q.by);
      },
      [self](get_history& q) -> caf::result<history_view> {
        auto& s = self->state;
        if (s.st.current == status::none || !can_view(s.st, q.by)) {
          passivate_if_empty(self);
          return make_error(errc::not_found, "no application with this id");
        }
        history_view h;
        auto events = nlohmann::json::array();
        bool applicant = audience_of(s.st, q.by) == audience::applicant;
        state replay;
        replay.id = s.st.id;
        for (auto& ev : s.journal) {
          auto before = replay;
          apply(replay, ev);
          if (ev.seq <= q.after_seq)
            continue;
          if (!applicant) {
            events.push_back(event_to_json(ev));
            h.frames.push_back(frame_for(replay, ev));
            h.seqs.push_back(ev.seq);
            continue;
          }
          auto e = applicant_event(before, replay, ev);
          if (e.is_null())
            continue;
          events.push_back(std::move(e));
          h.frames.push_back(applicant_frame_for(before, replay, ev));
          h.seqs.push_back(ev.seq);
        }
        h.events = events.dump();
        h.last_seq = s.st.seq;
        return h;
      },
      // The registry saw no command for this entity in entity.idle_timeout_ms (it
      // sweeps its entities on one timer: no timer per entity on the hot path).
      [self](passivate_atom) { passivate_entity(self); },
  };
}

}  // namespace

entity_factory make_factory(actor_options opts) {
  return [opts](caf::actor_system& sys, const entity_context& ctx, caf::actor registry) {
    return sys.spawn(app_impl, ctx, std::move(registry), opts);
  };
}

}  // namespace hirehub::application
