#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "domain/errors.hpp"
#include "actors/application_core.hpp"

using namespace hirehub;
using namespace hirehub::application;

namespace {

const std::string app_id = "11111111-1111-4111-8111-111111111111";
const std::string user = "22222222-2222-4222-8222-222222222222";
const std::string company = "33333333-3333-4333-8333-333333333333";
const std::string other = "44444444-4444-4444-8444-444444444444";
const std::string job_id = "55555555-5555-4555-8555-555555555555";

principal jobseeker{user, "jobseeker", ""};
principal company_member{other, "company", company};
principal other_company{other, "company", other};
principal other_jobseeker{other, "jobseeker", ""};

job_facts open_job{job_id, company, other, "Backend Engineer", "open"};

state submitted_state() {
  state st;
  st.id = app_id;
  auto d = decide_submit(st, jobseeker, {job_id, other, "hello", "fp"}, open_job, "e1", 1000);
  EXPECT_EQ(d.code, errc::ok);
  apply(st, d.event);
  return st;
}

const int64_t now = 1'700'000'000'000;  // 2023-11-14

/// One step along the pipeline (interview states go through interviews); returns its event.
journal_event step(state& st, status s) {
  decision d;
  if (s == status::interview_scheduled) {
    interview_command c;
    c.interview_id = "66666666-6666-4666-8666-66666666666" + std::to_string(st.interviews.size());
    c.type = "video";
    c.starts_at = "2030-01-07T10:00";
    c.time_zone = "Asia/Seoul";
    d = decide_schedule(st, company_member, c, "e", now);
  } else if (s == status::interview_completed) {
    interview_command c;
    c.interview_id = st.interviews.back().id;
    c.feedback = "strong";
    c.rating = 4;
    d = decide_complete(st, company_member, c, "e", now);
  } else {
    d = decide_status_change(st, company_member, to_string(s), "", "e", now);
  }
  EXPECT_EQ(d.code, errc::ok) << to_string(s) << ": " << d.message;
  apply(st, d.event);
  return d.event;
}

/// Drives an application to `target` along the legal path.
state state_in(status target) {
  auto st = submitted_state();
  if (target == status::rejected) {
    auto d = decide_status_change(st, company_member, "rejected", "not_qualified", "e", 2000);
    EXPECT_EQ(d.code, errc::ok);
    apply(st, d.event);
    return st;
  }
  std::vector<status> path = {status::reviewing, status::interview_scheduled, status::interview_completed,
                              status::offered, status::accepted};
  if (target == status::submitted)
    return st;
  for (auto s : path) {
    step(st, s);
    if (s == target)
      return st;
  }
  return st;
}

}  // namespace

TEST(application_core, submit_creates_first_event_with_job_facts) {
  state st;
  st.id = app_id;
  auto d = decide_submit(st, jobseeker, {job_id, other, "cover", "fp"}, open_job, "ev-1", 1234);
  ASSERT_EQ(d.code, errc::ok);
  EXPECT_EQ(d.event.seq, 1);
  EXPECT_EQ(d.event.type, "submitted");
  EXPECT_EQ(d.event.to_status, "submitted");
  apply(st, d.event);
  EXPECT_EQ(st.current, status::submitted);
  EXPECT_EQ(st.company_id, company);
  EXPECT_EQ(st.job_owner_id, other);
  EXPECT_EQ(st.job_title, "Backend Engineer");
  EXPECT_EQ(st.cover_letter, "cover");
  EXPECT_EQ(st.applied_at_ms, 1234);
}

TEST(application_core, submit_refuses_closed_job_and_wrong_role) {
  state st;
  st.id = app_id;
  auto closed = open_job;
  closed.status = "closed";
  EXPECT_EQ(decide_submit(st, jobseeker, {job_id, other, "", "fp"}, closed, "e", 1).code,
            applications_errc::job_not_open);
  EXPECT_EQ(decide_submit(st, company_member, {job_id, other, "", "fp"}, open_job, "e", 1).code, errc::forbidden);
}

TEST(application_core, repeated_submit_replays_or_detects_a_different_body) {
  auto st = submitted_state();
  auto same = decide_submit(st, jobseeker, {job_id, other, "hello", "fp"}, open_job, "e", 1);
  EXPECT_EQ(same.code, errc::ok);
  EXPECT_TRUE(same.replay);
  EXPECT_EQ(decide_submit(st, jobseeker, {job_id, other, "changed", "fp2"}, open_job, "e", 1).code,
            applications_errc::idempotency_mismatch);
  EXPECT_EQ(decide_submit(st, other_jobseeker, {job_id, other, "hello", "fp"}, open_job, "e", 1).code, errc::conflict);
}

TEST(application_core, every_pair_of_states_follows_the_transition_table) {
  const std::vector<status> all = {status::submitted,
                                   status::reviewing,
                                   status::interview_scheduled,
                                   status::interview_completed,
                                   status::offered,
                                   status::accepted,
                                   status::rejected,
                                   status::withdrawn};
  // The table of the seed plus a further interview round.
  auto expected = [](status from, status to) {
    if (from == status::accepted || from == status::rejected || from == status::withdrawn)
      return false;
    if (to == status::rejected || to == status::withdrawn)
      return true;
    return (from == status::submitted && to == status::reviewing) ||
           (from == status::reviewing && to == status::interview_scheduled) ||
           (from == status::interview_scheduled && to == status::interview_completed) ||
           (from == status::interview_completed && to == status::offered) ||
           (from == status::interview_completed && to == status::interview_scheduled) ||
           (from == status::offered && to == status::accepted);
  };
  int legal = 0;
  for (auto from : all)
    for (auto to : all) {
      EXPECT_EQ(is_legal_move(from, to), expected(from, to)) << to_string(from) << " -> " << to_string(to);
      legal += is_legal_move(from, to) ? 1 : 0;
    }
  EXPECT_EQ(legal, 16);
}

TEST(application_core, decisions_follow_the_table_for_the_right_party) {
  const std::vector<status> reachable = {
      status::submitted, status::reviewing, status::interview_scheduled, status::interview_completed, status::offered,
      status::accepted,  status::rejected};
  const std::vector<status> targets = {status::submitted,
                                       status::reviewing,
                                       status::interview_scheduled,
                                       status::interview_completed,
                                       status::offered,
                                       status::accepted,
                                       status::rejected,
                                       status::withdrawn};
  for (auto from : reachable) {
    auto st = state_in(from);
    ASSERT_EQ(st.current, from);
    for (auto to : targets) {
      bool withdraw = to == status::withdrawn;
      auto& by = withdraw ? jobseeker : company_member;
      std::string reason = to == status::rejected ? "not_qualified" : withdraw ? "not_interested" : "";
      auto d = decide_status_change(st, by, to_string(to), reason, "e", 5000);
      // The interview states are reached through interviews only.
      bool by_interview = to == status::interview_scheduled || to == status::interview_completed;
      if (is_legal_move(from, to) && !by_interview) {
        ASSERT_EQ(d.code, errc::ok) << to_string(from) << " -> " << to_string(to) << ": " << d.message;
        EXPECT_EQ(d.event.seq, st.seq + 1);
        EXPECT_EQ(d.event.from_status, to_string(from));
        EXPECT_EQ(d.event.to_status, to_string(to));
      } else {
        EXPECT_EQ(d.code, applications_errc::illegal_transition) << to_string(from) << " -> " << to_string(to);
      }
    }
  }
}

TEST(application_core, only_the_applicant_withdraws_and_only_the_company_moves) {
  auto st = submitted_state();
  EXPECT_EQ(decide_status_change(st, company_member, "withdrawn", "other", "e", 1).code, errc::forbidden);
  EXPECT_EQ(decide_status_change(st, jobseeker, "reviewing", "", "e", 1).code, errc::forbidden);
  EXPECT_EQ(decide_status_change(st, jobseeker, "rejected", "other", "e", 1).code, errc::forbidden);
  // Other parties do not learn that the application exists.
  EXPECT_EQ(decide_status_change(st, other_company, "reviewing", "", "e", 1).code, errc::not_found);
  EXPECT_EQ(decide_status_change(st, other_jobseeker, "withdrawn", "other", "e", 1).code, errc::not_found);
  EXPECT_EQ(decide_status_change(st, jobseeker, "withdrawn", "personal", "e", 1).code, errc::ok);
}

TEST(application_core, reasons_are_required_known_and_only_for_terminal_refusals) {
  auto st = submitted_state();
  auto d = decide_status_change(st, company_member, "rejected", "", "e", 1);
  EXPECT_EQ(d.code, errc::bad_request);
  EXPECT_EQ(d.field, "reason");
  EXPECT_EQ(decide_status_change(st, company_member, "rejected", "because", "e", 1).code, errc::bad_request);
  EXPECT_EQ(decide_status_change(st, company_member, "reviewing", "other", "e", 1).code, errc::bad_request);
  EXPECT_EQ(decide_status_change(st, company_member, "sideways", "", "e", 1).code, errc::bad_request);
  auto ok = decide_status_change(st, company_member, "rejected", "position_filled", "e", 1);
  ASSERT_EQ(ok.code, errc::ok);
  EXPECT_EQ(ok.event.reason, "position_filled");
}

TEST(application_core, a_move_to_the_current_state_is_refused) {
  auto st = state_in(status::reviewing);
  EXPECT_EQ(decide_status_change(st, company_member, "reviewing", "", "e", 1).code,
            applications_errc::illegal_transition);
}

TEST(application_core, fold_rebuilds_the_same_state) {
  auto st = state_in(status::offered);
  std::vector<journal_event> journal;
  state replay;
  replay.id = app_id;
  auto d0 = decide_submit(replay, jobseeker, {job_id, other, "hello", "fp"}, open_job, "e1", 1000);
  journal.push_back(d0.event);
  apply(replay, d0.event);
  for (auto s : {status::reviewing, status::interview_scheduled, status::interview_completed, status::offered})
    journal.push_back(step(replay, s));
  auto folded = fold(app_id, journal);
  EXPECT_EQ(folded.current, status::offered);
  EXPECT_EQ(folded.seq, 5);
  EXPECT_EQ(to_json(folded), to_json(st));
}

TEST(application_core, visibility) {
  auto st = submitted_state();
  EXPECT_TRUE(can_view(st, jobseeker));
  EXPECT_TRUE(can_view(st, company_member));
  EXPECT_TRUE(can_view(st, principal{other, "admin", ""}));
  EXPECT_FALSE(can_view(st, other_jobseeker));
  EXPECT_FALSE(can_view(st, other_company));
}

TEST(application_core, outbox_payloads_carry_event_id_and_topic) {
  auto st = submitted_state();
  auto d = decide_status_change(st, company_member, "reviewing", "", "ev-2", 3000);
  auto next = st;
  apply(next, d.event);
  auto row = to_outbox(st, next, d.event);
  EXPECT_EQ(row.topic, "application.status_changed");
  EXPECT_EQ(row.key, app_id);
  auto p = nlohmann::json::parse(row.payload);
  EXPECT_EQ(p["event_id"], "ev-2");
  EXPECT_EQ(p["from_status"], "submitted");
  EXPECT_EQ(p["to_status"], "reviewing");
  EXPECT_EQ(p["user_id"], user);
  auto frame = nlohmann::json::parse(frame_for(next, d.event));
  EXPECT_EQ(frame["topic"], "application:" + app_id);
  EXPECT_EQ(frame["seq"], 2);
  EXPECT_EQ(frame["data"]["application"]["status"], "reviewing");
}

// ---- interviews ----------------------------------------------------------------

namespace {

interview_command at(const std::string& when, const std::string& zone = "America/New_York") {
  interview_command c;
  c.interview_id = "77777777-7777-4777-8777-777777777777";
  c.type = "onsite";
  c.starts_at = when;
  c.time_zone = zone;
  c.location = "Seoul, Gangnam-daero 1";
  return c;
}

state scheduled(const std::string& when = "2027-03-12T10:00") {
  auto st = state_in(status::reviewing);
  auto d = decide_schedule(st, company_member, at(when), "ev-s", now);
  EXPECT_EQ(d.code, errc::ok) << d.message;
  apply(st, d.event);
  return st;
}

}  // namespace

TEST(application_interviews, scheduling_stores_utc_from_a_local_time_in_the_zone) {
  auto st = scheduled("2027-03-12T10:00");  // New York, before the DST change of 2027-03-14: EST, UTC-5
  EXPECT_EQ(st.current, status::interview_scheduled);
  ASSERT_EQ(st.interviews.size(), 1u);
  auto& iv = st.interviews[0];
  EXPECT_EQ(iso_time(iv.starts_at_ms), "2027-03-12T15:00:00.000Z");
  EXPECT_EQ(iv.return_status, "reviewing");
  EXPECT_EQ(iv.status, "scheduled");
  auto j = interview_to_json(iv);
  EXPECT_EQ(j["local_start"], "2027-03-12T10:00:00-05:00");
  // After the change the same wall-clock time is an hour earlier in UTC (EDT, UTC-4).
  auto later = state_in(status::reviewing);
  auto d = decide_schedule(later, company_member, at("2027-03-15T10:00"), "e", now);
  ASSERT_EQ(d.code, errc::ok);
  apply(later, d.event);
  EXPECT_EQ(iso_time(later.interviews[0].starts_at_ms), "2027-03-15T14:00:00.000Z");
  // An instant with an offset is taken as it is.
  auto inst = state_in(status::reviewing);
  d = decide_schedule(inst, company_member, at("2027-03-15T23:00:00+09:00", "Asia/Seoul"), "e", now);
  ASSERT_EQ(d.code, errc::ok);
  apply(inst, d.event);
  EXPECT_EQ(iso_time(inst.interviews[0].starts_at_ms), "2027-03-15T14:00:00.000Z");
}

TEST(application_interviews, schedule_refuses_bad_times_parties_and_states) {
  auto st = state_in(status::reviewing);
  auto d = decide_schedule(st, company_member, at("2027-03-14T02:30"), "e", now);  // skipped by DST
  EXPECT_EQ(d.code, errc::bad_request);
  EXPECT_EQ(d.field, "scheduled_at");
  d = decide_schedule(st, company_member, at("2027-03-15T10:00", "Mars/Olympus"), "e", now);
  EXPECT_EQ(d.code, errc::bad_request);
  EXPECT_EQ(d.field, "time_zone");
  d = decide_schedule(st, company_member, at("2020-01-01T10:00"), "e", now);  // the past
  EXPECT_EQ(d.field, "scheduled_at");
  EXPECT_EQ(decide_schedule(st, company_member, at("2027-02-30T10:00"), "e", now).code, errc::bad_request);
  EXPECT_EQ(decide_schedule(st, company_member, at("tomorrow"), "e", now).code, errc::bad_request);
  EXPECT_EQ(decide_schedule(st, jobseeker, at("2027-03-15T10:00"), "e", now).code, errc::forbidden);
  EXPECT_EQ(decide_schedule(st, other_company, at("2027-03-15T10:00"), "e", now).code, errc::not_found);
  auto sub = submitted_state();
  EXPECT_EQ(decide_schedule(sub, company_member, at("2027-03-15T10:00"), "e", now).code,
            applications_errc::illegal_transition);
  auto twice = scheduled();
  EXPECT_EQ(decide_schedule(twice, company_member, at("2027-03-20T10:00"), "e", now).code,
            applications_errc::illegal_transition);
  // The status route does not reach the interview states.
  EXPECT_EQ(decide_status_change(st, company_member, "interview_scheduled", "", "e", now).code,
            applications_errc::illegal_transition);
}

TEST(application_interviews, an_ambiguous_local_time_is_the_earlier_instant) {
  auto st = state_in(status::reviewing);
  // 2027-11-07 01:30 happens twice in New York: first in EDT (05:30Z), then in EST (06:30Z).
  auto d = decide_schedule(st, company_member, at("2027-11-07T01:30"), "e", now);
  ASSERT_EQ(d.code, errc::ok);
  apply(st, d.event);
  EXPECT_EQ(iso_time(st.interviews[0].starts_at_ms), "2027-11-07T05:30:00.000Z");
}

TEST(application_interviews, reschedule_keeps_the_wall_clock_across_dst_and_refuses_a_no_op) {
  auto st = scheduled("2027-03-12T10:00");
  interview_command c;
  c.interview_id = st.interviews[0].id;
  c.starts_at = "2027-03-16T10:00";
  auto d = decide_reschedule(st, company_member, c, "e2", now);
  ASSERT_EQ(d.code, errc::ok) << d.message;
  EXPECT_EQ(d.event.to_status, "interview_scheduled");
  auto before = st;
  apply(st, d.event);
  EXPECT_EQ(iso_time(st.interviews[0].starts_at_ms), "2027-03-16T14:00:00.000Z");
  EXPECT_EQ(st.interviews[0].version, 2);
  EXPECT_EQ(st.interviews[0].time_zone, "America/New_York");
  auto row = to_outbox(before, st, d.event);
  EXPECT_EQ(row.topic, "interview.rescheduled");
  EXPECT_EQ(nlohmann::json::parse(row.payload)["scheduled_at"], "2027-03-16T14:00:00.000Z");
  // The same time again changes nothing, so it is refused (and notifies no one).
  EXPECT_EQ(decide_reschedule(st, company_member, c, "e3", now).code, applications_errc::illegal_transition);
  c.interview_id = "88888888-8888-4888-8888-888888888888";
  EXPECT_EQ(decide_reschedule(st, company_member, c, "e3", now).code, errc::not_found);
}

TEST(application_interviews, complete_needs_feedback_and_happens_once) {
  auto st = scheduled();
  interview_command c;
  c.interview_id = st.interviews[0].id;
  EXPECT_EQ(decide_complete(st, company_member, c, "e", now).field, "feedback");
  c.feedback = "Clear thinker; strong SQL.";
  c.rating = 5;
  EXPECT_EQ(decide_complete(st, jobseeker, c, "e", now).code, errc::forbidden);
  auto d = decide_complete(st, company_member, c, "e", now);
  ASSERT_EQ(d.code, errc::ok);
  apply(st, d.event);
  EXPECT_EQ(st.current, status::interview_completed);
  EXPECT_EQ(st.interviews[0].status, "completed");
  EXPECT_EQ(st.interviews[0].feedback, "Clear thinker; strong SQL.");
  EXPECT_EQ(decide_complete(st, company_member, c, "e", now).code, applications_errc::illegal_transition);
  // A further round from interview_completed.
  auto again = at("2027-04-01T10:00");
  again.interview_id = "99999999-9999-4999-8999-999999999999";
  EXPECT_EQ(decide_schedule(st, company_member, again, "e", now).code, errc::ok);
}

TEST(application_interviews, cancel_returns_to_the_status_before_and_needs_a_known_reason) {
  auto st = scheduled();
  interview_command c;
  c.interview_id = st.interviews[0].id;
  c.reason = "because";
  EXPECT_EQ(decide_cancel(st, company_member, c, "e", now).field, "reason");
  c.reason = "interviewer_unavailable";
  auto d = decide_cancel(st, company_member, c, "e", now);
  ASSERT_EQ(d.code, errc::ok);
  auto before = st;
  apply(st, d.event);
  EXPECT_EQ(st.current, status::reviewing);
  EXPECT_EQ(st.interviews[0].status, "cancelled");
  EXPECT_EQ(st.interviews[0].cancel_reason, "interviewer_unavailable");
  EXPECT_EQ(to_outbox(before, st, d.event).topic, "interview.cancelled");
  EXPECT_EQ(decide_cancel(st, company_member, c, "e", now).code, applications_errc::illegal_transition);
}

TEST(application_interviews, rejecting_cancels_the_scheduled_interview) {
  auto st = scheduled();
  auto d = decide_status_change(st, company_member, "rejected", "culture_fit", "e", now);
  ASSERT_EQ(d.code, errc::ok);
  auto before = st;
  apply(st, d.event);
  EXPECT_EQ(st.interviews[0].status, "cancelled");
  EXPECT_EQ(st.interviews[0].cancel_reason, "application_rejected");
  EXPECT_EQ(changed_interviews(before, st).size(), 1u);
}

TEST(application_interviews, the_applicant_sees_a_coarse_stage_and_no_company_notes) {
  auto st = scheduled();
  interview_command c;
  c.interview_id = st.interviews[0].id;
  c.feedback = "not a fit";
  c.rating = 2;
  auto d = decide_complete(st, company_member, c, "e", now);
  apply(st, d.event);
  auto mine = to_json(st, audience::applicant);
  EXPECT_EQ(mine["stage"], "in_review");
  EXPECT_FALSE(mine.contains("status"));
  EXPECT_FALSE(mine.contains("reason"));
  EXPECT_FALSE(mine["interviews"][0].contains("feedback"));
  EXPECT_FALSE(mine["interviews"][0].contains("rating"));
  auto full = to_json(st, audience::full);
  EXPECT_EQ(full["status"], "interview_completed");
  EXPECT_EQ(full["interviews"][0]["feedback"], "not a fit");
  EXPECT_EQ(audience_of(st, jobseeker), audience::applicant);
  EXPECT_EQ(audience_of(st, company_member), audience::full);

  auto before = st;
  auto rej = decide_status_change(st, company_member, "rejected", "culture_fit", "e9", now);
  apply(st, rej.event);
  auto ev = applicant_event(before, st, rej.event);
  EXPECT_EQ(ev["type"], "stage_changed");
  EXPECT_EQ(ev["stage"], "not_selected");
  EXPECT_FALSE(ev.contains("reason"));
  EXPECT_EQ(applicant_frame_for(before, st, rej.event).find("culture_fit"), std::string::npos);
  EXPECT_NE(frame_for(st, rej.event).find("culture_fit"), std::string::npos);
}

TEST(application_interviews, moves_inside_one_stage_are_not_shown_to_the_applicant) {
  auto st = state_in(status::reviewing);
  auto before = st;
  step(st, status::interview_scheduled);
  step(st, status::interview_completed);  // interview -> in_review: a stage change
  auto mid = st;
  interview_command c = at("2027-05-01T10:00");
  c.interview_id = "abababab-abab-4bab-8bab-abababababab";
  auto d = decide_schedule(st, company_member, c, "e", now);
  apply(st, d.event);
  auto ev = applicant_event(mid, st, d.event);
  ASSERT_FALSE(ev.is_null());
  EXPECT_EQ(ev["type"], "interview_scheduled");
  EXPECT_EQ(ev["interview"]["location"], "Seoul, Gangnam-daero 1");
  // reviewing and interview_completed are both "in_review": a move between them is invisible.
  state a = before;
  a.current = status::interview_completed;
  journal_event fake;
  fake.type = "status_changed";
  fake.to_status = "reviewing";
  state b = a;
  b.current = status::reviewing;
  EXPECT_TRUE(applicant_event(a, b, fake).is_null());
}
