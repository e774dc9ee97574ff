// Every message type crosses nodes once the cluster work lands: each must be
// announced and survive the binary serializer. A type that is not announced
// arrives empty at run time (CAF 0.17), so this test is the guard.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include "actors/message_types.hpp"
#include "actors/messages.hpp"
#include "persistence/types.hpp"

using namespace hirehub;

namespace {

struct serialization : ::testing::Test {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  void SetUp() override {
    announce_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  template <class T>
  T round_trip(const T& in) {
    auto msg = caf::make_message(in);
    std::vector<char> buf;
    caf::binary_serializer sink{*sys, buf};
    auto err = msg.save(sink);
    EXPECT_FALSE(err) << sys->render(err);
    caf::message out;
    caf::binary_deserializer source{*sys, buf};
    err = out.load(source);
    EXPECT_FALSE(err) << sys->render(err);
    EXPECT_TRUE(out.match_elements<T>()) << "type not announced: " << typeid(T).name();
    return out.match_elements<T>() ? out.get_as<T>(0) : T{};
  }
};

journal_event sample_event() {
  return {"e1", "a1", 3, "status_changed", "submitted", "reviewing", "u1", "company", "", R"({"k":1})", 42};
}

}  // namespace

TEST_F(serialization, persistence_types_round_trip) {
  auto ev = round_trip(sample_event());
  EXPECT_EQ(ev.seq, 3);
  EXPECT_EQ(ev.payload, R"({"k":1})");
  EXPECT_EQ(round_trip(std::vector<journal_event>{sample_event(), sample_event()}).size(), 2u);
  append_request req{
      "r1",
      "a1",
      true,
      {"a1", "j1", "u1", "c1", "r1", "hi", "submitted"},
      {sample_event()},
      "",
      {{"application.submitted", "a1", "{}"}},
      {{"i1", "a1", "video", 1800000000000, 45, "Asia/Seoul", "Zoom", "", "scheduled", "", 0, "", 2, 1, 2}}};
  auto back = round_trip(req);
  ASSERT_EQ(back.interviews.size(), 1u);
  EXPECT_EQ(back.interviews[0].scheduled_at_ms, 1800000000000);
  EXPECT_EQ(back.interviews[0].time_zone, "Asia/Seoul");
  EXPECT_EQ(back.interviews[0].version, 2);
  EXPECT_TRUE(back.create);
  EXPECT_EQ(back.row.company_id, "c1");
  EXPECT_EQ(back.outbox.at(0).topic, "application.submitted");
  EXPECT_EQ(round_trip(append_result{7, 9}).batch_size, 9);
  EXPECT_EQ(round_trip(job_info{"j", "c", "o", "t", "open"}).status, "open");
  EXPECT_EQ(
      round_trip(std::vector<notification_draft>{{"e", "t", "u", "in_app", "tp", "ti", "co", "{}"}}).at(0).channel,
      "in_app");
  EXPECT_EQ(round_trip(std::vector<stored_notification>{{"i", 5, "u", "{}"}}).at(0).seq, 5);
  EXPECT_EQ(round_trip(std::vector<template_row>{{"i", "n", "e", "c", "s", "b"}}).at(0).body, "b");
  EXPECT_EQ(round_trip(std::vector<kafka_record>{{"t", 1, 99, "k", "p"}}).at(0).offset, 99);
}

TEST_F(serialization, application_messages_round_trip) {
  application::principal by{"u", "company", "c"};
  EXPECT_EQ(round_trip(application::submit_application{"r", by, "j", "res", "cover", "fp"}).cover_letter, "cover");
  EXPECT_EQ(round_trip(application::change_status{"r", by, "rejected", "other"}).reason, "other");
  EXPECT_EQ(round_trip(application::get_application{"r", by}).by.company_id, "c");
  EXPECT_EQ(round_trip(application::get_history{"r", by, 4}).after_seq, 4);
  EXPECT_TRUE(round_trip(application::application_view{"{}", 2, true}).replayed);
  application::interview_action act{"r", by, "reschedule", {}};
  act.cmd.interview_id = "i";
  act.cmd.starts_at = "2030-01-01T10:00";
  act.cmd.has_notes = true;
  auto act_back = round_trip(act);
  EXPECT_EQ(act_back.action, "reschedule");
  EXPECT_EQ(act_back.cmd.starts_at, "2030-01-01T10:00");
  EXPECT_TRUE(act_back.cmd.has_notes);
  EXPECT_TRUE(round_trip(application::get_interview{"r", by, "i", true}).calendar);
  EXPECT_EQ(round_trip(application::interview_view{"{}", "BEGIN:VCALENDAR", 3}).ics, "BEGIN:VCALENDAR");
  auto h = round_trip(application::history_view{"[]", {"f1", "f2"}, {1, 2}, 2});
  EXPECT_EQ(h.frames.size(), 2u);
  EXPECT_EQ(h.seqs.at(1), 2);
}
