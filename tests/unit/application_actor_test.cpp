// The application entity actor on CAF's deterministic coordinator, with the actors
// it talks to (journal writer, database pool, hub, registry) as scripted stand-ins:
// the test decides when the journal commits, so ordering is checked exactly.
#include <gtest/gtest.h>

#include <deque>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/application_actor.hpp"
#include "actors/messages.hpp"
#include "deterministic.hpp"
#include "domain/errors.hpp"
#include "persistence/journal_writer.hpp"
#include "persistence/messages.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/services.hpp"

using namespace hirehub;
using namespace hirehub::application;
using commit_atom = caf::atom_constant<caf::atom("tcommit")>;
using refuse_atom = caf::atom_constant<caf::atom("trefuse")>;

namespace {

/// What the stand-ins saw, and the appends still waiting for the test's word.
struct world {
  std::vector<append_request> appends;
  std::deque<caf::typed_response_promise<append_result>> in_flight;
  std::vector<journal_event> journal;  ///< what the database answers a load with
  std::vector<std::string> published;  ///< hub topics, in order
  std::vector<std::string> passivated;
};

/// The journal writer: holds every append until the test commits or refuses it.
caf::behavior journal(caf::event_based_actor* self, std::shared_ptr<world> w) {
  return {
      [self, w](append_request& r) -> caf::result<append_result> {
        w->appends.push_back(r);
        auto rp = self->make_response_promise<append_result>();
        w->in_flight.push_back(rp);
        return rp;
      },
      [w](commit_atom, std::string company_id) {
        auto rp = w->in_flight.front();
        w->in_flight.pop_front();
        append_result res;
        auto& req = w->appends[w->appends.size() - w->in_flight.size() - 1];
        if (req.job_facts)
          res.job = {req.row.job_id, company_id, "owner-1", "Backend engineer", "open"};
        for (auto ev : req.events) {  // stored with the facts the commit read
          if (req.job_facts)
            ev.payload = persistence::with_job_facts(ev.payload, res.job);
          w->journal.push_back(ev);
        }
        rp.deliver(res);
      },
      [w](refuse_atom, uint8_t code) {
        auto rp = w->in_flight.front();
        w->in_flight.pop_front();
        rp.deliver(make_error(error_code{error_categories::common, code}, "scripted refusal"));
      },
  };
}

caf::behavior database(caf::event_based_actor*, std::shared_ptr<world> w) {
  return {[w](load_evts_atom, const std::string&) { return w->journal; }};
}

caf::behavior hub(caf::event_based_actor*, std::shared_ptr<world> w) {
  return {[w](publish_atom, const std::string& topic, int64_t, const std::string&) { w->published.push_back(topic); }};
}

caf::behavior registry(caf::event_based_actor*, std::shared_ptr<world> w) {
  return {[w](passivate_atom, const std::string& kind, const std::string& id) {
    w->passivated.push_back(kind + "/" + id);
  }};
}

const principal seeker{"user-1", "jobseeker", ""};
const principal member{"user-2", "company", "company-1"};
const principal stranger{"user-3", "company", "company-9"};
const std::string app_id = "00000000-0000-4000-8000-000000000001";

struct application_actor : test::deterministic {
  std::shared_ptr<world> w = std::make_shared<world>();
  caf::actor journal_, registry_;

  void SetUp() override {
    deterministic::SetUp();
    journal_ = sys->spawn(journal, w);
    registry_ = sys->spawn(registry, w);
    put_service("journal", journal_);
    put_service("db", sys->spawn(database, w));
    put_service("hub", sys->spawn(hub, w));
    run();
  }
  caf::actor incarnation(bool fresh) {
    actor_options opts;
    opts.node_id = "node-1";
    auto a = make_factory(opts)(*sys, entity_context{"application", app_id, fresh}, registry_);
    run();
    return a;
  }
  void commit() {
    caf::anon_send(journal_, commit_atom::value, member.company_id);
    run();
  }
  submit_application submit() { return {"req-1", seeker, "job-1", "resume-1", "please", "fp-1"}; }
  change_status move_to(const principal& by, std::string to) { return {"req-2", by, std::move(to), ""}; }
};

}  // namespace

TEST_F(application_actor, a_command_waits_while_an_append_is_in_flight_and_each_is_answered_after_its_commit) {
  auto app = incarnation(true);
  auto submitted = request<application_view>(app, submit());
  run();
  ASSERT_EQ(w->appends.size(), 1u);
  EXPECT_TRUE(w->appends[0].create);
  EXPECT_TRUE(w->appends[0].job_facts) << "without cached facts the commit reads the job";
  EXPECT_FALSE(submitted->answered()) << "answered before the commit";

  auto moved = request<application_view>(app, move_to(member, "reviewing"));
  run();
  EXPECT_EQ(w->appends.size(), 1u) << "a second append went out while the first was in flight";
  EXPECT_FALSE(moved->answered());
  EXPECT_TRUE(w->published.empty()) << "published before the commit";

  commit();
  ASSERT_TRUE(submitted->value);
  EXPECT_EQ(submitted->value->seq, 1);
  auto mine = nlohmann::json::parse(submitted->value->json);
  EXPECT_FALSE(mine.contains("status")) << "the applicant sees a stage, not the company's status";
  EXPECT_EQ(mine["job_title"], "Backend engineer") << "the job's facts from the commit";
  // Only now the status change is decided, against the facts the commit brought.
  ASSERT_EQ(w->appends.size(), 2u);
  EXPECT_EQ(w->appends[1].new_status, "reviewing");
  EXPECT_EQ(w->appends[1].events.at(0).seq, 2);
  EXPECT_FALSE(moved->answered());

  commit();
  ASSERT_TRUE(moved->value) << caf::to_string(moved->error);
  EXPECT_EQ(moved->value->seq, 2);
  EXPECT_EQ(nlohmann::json::parse(moved->value->json)["status"], "reviewing");
  EXPECT_FALSE(w->published.empty());
  for (auto& t : w->published)
    EXPECT_EQ(t.rfind("application:" + app_id, 0), 0u) << t;
  EXPECT_TRUE(w->passivated.empty());
}

TEST_F(application_actor, a_refused_command_sends_nothing_to_the_journal) {
  auto app = incarnation(true);
  auto submitted = request<application_view>(app, submit());
  run();
  commit();
  ASSERT_TRUE(submitted->value);
  caf::error err;
  EXPECT_FALSE(ask<application_view>(app, &err, move_to(stranger, "reviewing")));
  EXPECT_EQ(view(err).code, errc::not_found) << "another company is not told the application exists";
  EXPECT_FALSE(ask<application_view>(app, &err, move_to(seeker, "reviewing")));
  EXPECT_EQ(view(err).code, errc::forbidden);
  EXPECT_FALSE(ask<application_view>(app, &err, move_to(member, "accepted")));
  EXPECT_EQ(view(err).code, applications_errc::illegal_transition);
  EXPECT_FALSE(ask<application_view>(app, &err, move_to(member, "hired")));
  EXPECT_EQ(view(err).code, errc::bad_request);
  EXPECT_EQ(w->appends.size(), 1u);
  auto same = ask<application_view>(app, nullptr, get_application{"req-3", seeker});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->seq, 1);
}

TEST_F(application_actor, an_incarnation_rebuilds_from_the_journal_and_a_lost_race_makes_it_reload) {
  auto first = incarnation(true);
  auto submitted = request<application_view>(first, submit());
  run();
  commit();
  ASSERT_TRUE(submitted->value);
  caf::anon_send_exit(first, caf::exit_reason::user_shutdown);
  run();

  auto again = incarnation(false);  // loads the journal before any command
  auto got = ask<application_view>(again, nullptr, get_application{"req-4", member});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->seq, 1);
  EXPECT_EQ(nlohmann::json::parse(got->json)["status"], "submitted");

  // Another writer appended first: the answer is the conflict, and the actor asks
  // the registry to let it go, so the next command reads the journal again.
  auto moved = request<application_view>(again, move_to(member, "reviewing"));
  run();
  ASSERT_EQ(w->appends.size(), 2u);
  caf::anon_send(journal_, refuse_atom::value, static_cast<uint8_t>(errc::conflict));
  run();
  ASSERT_TRUE(moved->error);
  EXPECT_EQ(view(moved->error).code, errc::conflict);
  ASSERT_EQ(w->passivated.size(), 1u);
  EXPECT_EQ(w->passivated[0], "application/" + app_id);
}

TEST_F(application_actor, a_repeated_submit_is_answered_from_state_and_a_different_body_refused) {
  auto app = incarnation(true);
  auto submitted = request<application_view>(app, submit());
  run();
  commit();
  ASSERT_TRUE(submitted->value);
  auto replay = ask<application_view>(app, nullptr, submit());
  ASSERT_TRUE(replay);
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->seq, 1);
  auto other = submit();
  other.fingerprint = "fp-2";
  caf::error err;
  EXPECT_FALSE(ask<application_view>(app, &err, other));
  EXPECT_EQ(view(err).code, applications_errc::idempotency_mismatch);
  EXPECT_EQ(w->appends.size(), 1u);
}
