#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
    auto d = decide_status_change(st, company_member, to_string(s), "", "e", 2000);
    EXPECT_EQ(d.code, errc::ok) << to_string(s);
    apply(st, d.event);
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
  EXPECT_EQ(decide_submit(st, jobseeker, {job_id, other, "", "fp"}, closed, "e", 1).code, errc::job_not_open);
  EXPECT_EQ(decide_submit(st, company_member, {job_id, other, "", "fp"}, open_job, "e", 1).code, errc::forbidden);
}

TEST(application_core, repeated_submit_replays_or_detects_a_different_body) {
  auto st = submitted_state();
  auto same = decide_submit(st, jobseeker, {job_id, other, "hello", "fp"}, open_job, "e", 1);
  EXPECT_EQ(same.code, errc::ok);
  EXPECT_TRUE(same.replay);
  EXPECT_EQ(decide_submit(st, jobseeker, {job_id, other, "changed", "fp2"}, open_job, "e", 1).code,
            errc::idempotency_mismatch);
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
      if (is_legal_move(from, to)) {
        ASSERT_EQ(d.code, errc::ok) << to_string(from) << " -> " << to_string(to) << ": " << d.message;
        EXPECT_EQ(d.event.seq, st.seq + 1);
        EXPECT_EQ(d.event.from_status, to_string(from));
        EXPECT_EQ(d.event.to_status, to_string(to));
      } else {
        EXPECT_EQ(d.code, errc::illegal_transition) << to_string(from) << " -> " << to_string(to);
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
  EXPECT_EQ(decide_status_change(st, company_member, "reviewing", "", "e", 1).code, errc::illegal_transition);
}

TEST(application_core, fold_rebuilds_the_same_state) {
  auto st = state_in(status::offered);
  std::vector<journal_event> journal;
  state replay;
  replay.id = app_id;
  auto d0 = decide_submit(replay, jobseeker, {job_id, other, "hello", "fp"}, open_job, "e1", 1000);
  journal.push_back(d0.event);
  apply(replay, d0.event);
  for (auto s : {"reviewing", "interview_scheduled", "interview_completed", "offered"}) {
    auto d = decide_status_change(replay, company_member, s, "", "e", 2000);
    journal.push_back(d.event);
    apply(replay, d.event);
  }
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
  auto row = to_outbox(next, d.event);
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
