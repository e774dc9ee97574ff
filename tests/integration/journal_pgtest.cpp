// The persistence actors against the real PostgreSQL: group commit with a
// failing neighbour, the journal fence, idempotent migrations, and the Kafka
// consumer's handler deadline.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <mutex>
#include <set>
#include <thread>

#include "actors/message_types.hpp"
#include "domain/skill_taxonomy.hpp"
#include "domain/templates.hpp"
#include "persistence/journal_writer.hpp"
#include "persistence/kafka.hpp"
#include "persistence/migrations.hpp"
#include "persistence/types.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "domain/errors.hpp"
#include "runtime/errors.hpp"
#include "runtime/metrics.hpp"
#include "support/harness.hpp"

using namespace hirehub;
using hh_test::uuid;

namespace {

struct journal_fixture : ::testing::Test {
  hh_test::database db;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::string job_id = uuid();
  std::string company = uuid();

  void SetUp() override {
    persistence::migrate(db.url);
    db.exec("INSERT INTO jobs (id, company_id, created_by, title, status) VALUES ('" + job_id + "', '" + company +
            "', '" + company + "', 'Job', 'open')");
    announce_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  /// A command of `user`; a first one names `resume`, or a new resume of the user's.
  append_request submit(const std::string& app_id, const std::string& user, int64_t seq = 1,
                        const std::string& job = {}, std::string resume = {}) {
    append_request r;
    r.request_id = "t";
    r.application_id = app_id;
    r.create = seq == 1;
    if (r.create && resume.empty())
      resume = db.resume_of(user);
    r.row = {app_id, job.empty() ? job_id : job, user, company, resume, "", "submitted"};
    journal_event ev{uuid(), app_id, seq, seq == 1 ? "submitted" : "status_changed", "", "submitted", user, "jobseeker",
                     "",     "{}",   1000};
    r.events.push_back(ev);
    r.new_status = seq == 1 ? "" : "submitted";
    r.outbox.push_back({"application.submitted", app_id, R"({"event_id":")" + ev.event_id + R"("})"});
    return r;
  }
};

}  // namespace

TEST_F(journal_fixture, a_group_commit_keeps_a_failing_neighbour_from_failing_the_rest) {
  auto journal = persistence::spawn_journal_writer(*sys, {db.url, 512, 20000, std::chrono::milliseconds(100)});
  caf::scoped_actor self{*sys};
  // Seed: user A already applied.
  auto user_a = uuid();
  auto resume_a = db.resume_of(user_a);
  self->request(journal, std::chrono::seconds(10), submit(uuid(), user_a, 1, {}, resume_a))
      .receive([](append_result&) {}, [&](caf::error& e) { FAIL() << sys->render(e); });
  // A burst: 41 new applications and, in the middle, a duplicate of A's and one that
  // names A's resume (not its applicant's own).
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> pending;
  const int n = 42;
  auto dup_index = 20;
  auto foreign_index = 30;
  std::vector<std::string> users(n);
  for (auto& u : users)
    u = uuid();
  users[dup_index] = user_a;
  auto resumes = db.resumes_of(users);
  resumes[foreign_index] = resume_a;
  for (int i = 0; i < n; ++i)
    pending.push_back(self->request(journal, std::chrono::seconds(20), submit(uuid(), users[i], 1, {}, resumes[i])));
  int ok = 0;
  int dup = 0;
  int foreign = 0;
  std::map<int64_t, int> batches;
  for (int i = 0; i < n; ++i)
    pending[i].receive(
        [&](append_result& r) {
          ++ok;
          ++batches[r.batch_id];
        },
        [&](caf::error& e) {
          if (i == foreign_index) {
            EXPECT_EQ(view(e).code, errc::not_found) << sys->render(e);
            EXPECT_EQ(view(e).field, "resume_id") << sys->render(e);
            ++foreign;
            return;
          }
          EXPECT_EQ(i, dup_index);
          EXPECT_EQ(view(e).code, applications_errc::duplicate_application) << sys->render(e);
          ++dup;
        });
  EXPECT_EQ(ok, n - 2);
  EXPECT_EQ(dup, 1);
  EXPECT_EQ(foreign, 1);
  // The duplicate shared a commit with neighbours that succeeded.
  int largest = 0;
  for (auto& [id, count] : batches)
    largest = std::max(largest, count);
  EXPECT_GT(largest, 1) << "appends were not grouped into one commit";
  EXPECT_EQ(db.count("SELECT count(*) FROM applications"), n - 1);
  EXPECT_EQ(db.count("SELECT count(*) FROM application_events"), n - 1);
  EXPECT_EQ(db.count("SELECT count(*) FROM outbox"), n - 1);
  EXPECT_EQ(db.count("SELECT count(*) FROM applications WHERE user_id = '" + user_a + "'"), 1);
  EXPECT_EQ(db.count("SELECT count(*) FROM applications WHERE user_id = '" + users[foreign_index] + "'"), 0);
  self->send_exit(journal, caf::exit_reason::user_shutdown);
}

// Payloads go into the statement as JSON, not as strings: one that is not JSON (here
// shaped to close its row and add another) fails its own command only; the rest of
// the burst commits, and nothing of it reaches the tables.
TEST_F(journal_fixture, a_payload_that_is_not_json_fails_its_command_alone) {
  auto journal = persistence::spawn_journal_writer(*sys, {db.url, 512, 20000, std::chrono::milliseconds(100)});
  caf::scoped_actor self{*sys};
  std::vector<append_request> burst;
  for (int i = 0; i < 5; ++i)
    burst.push_back(submit(uuid(), uuid()));
  burst[2].events[0].payload = R"({}},{"id":")" + uuid() + R"(","application_id":")" + burst[2].application_id +
                               R"(","seq":2,"event_type":"forged","payload":{})";
  burst[3].outbox[0].payload = "not json";
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> pending;
  for (auto& r : burst)
    pending.push_back(self->request(journal, std::chrono::seconds(20), r));
  int ok = 0;
  for (size_t i = 0; i < burst.size(); ++i)
    pending[i].receive(
        [&](append_result&) {
          ++ok;
          EXPECT_TRUE(i != 2 && i != 3) << i;
        },
        [&](caf::error& e) {
          EXPECT_TRUE(i == 2 || i == 3) << i << " " << sys->render(e);
          EXPECT_EQ(view(e).code, errc::internal) << sys->render(e);
        });
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(db.count("SELECT count(*) FROM applications"), 3);
  EXPECT_EQ(db.count("SELECT count(*) FROM application_events"), 3);
  EXPECT_EQ(db.count("SELECT count(*) FROM application_events WHERE event_type = 'forged'"), 0);
  EXPECT_EQ(db.count("SELECT count(*) FROM outbox"), 3);
  for (int i : {2, 3})
    EXPECT_EQ(db.count("SELECT count(*) FROM applications WHERE id = '" + burst[i].application_id + "'"), 0);
  self->send_exit(journal, caf::exit_reason::user_shutdown);
}

TEST_F(journal_fixture, the_sequence_fence_refuses_a_second_writer) {
  auto journal = persistence::spawn_journal_writer(*sys, {db.url, 512, 20000, std::chrono::milliseconds(100)});
  caf::scoped_actor self{*sys};
  auto app = uuid();
  auto user = uuid();
  self->request(journal, std::chrono::seconds(10), submit(app, user))
      .receive([](append_result&) {}, [&](caf::error& e) { FAIL() << sys->render(e); });
  // Two incarnations both believe they append seq 2: one wins, one is fenced off.
  auto a = self->request(journal, std::chrono::seconds(10), submit(app, user, 2));
  auto b = self->request(journal, std::chrono::seconds(10), submit(app, user, 2));
  int ok = 0;
  int conflicts = 0;
  for (auto* h : {&a, &b})
    h->receive([&](append_result&) { ++ok; },
               [&](caf::error& e) {
                 EXPECT_EQ(view(e).code, errc::conflict);
                 ++conflicts;
               });
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(conflicts, 1);
  EXPECT_EQ(db.count("SELECT count(*) FROM application_events WHERE application_id = '" + app + "'"), 2);
  EXPECT_EQ(db.count("SELECT count(*) FROM outbox WHERE key = '" + app + "'"), 2) << "the loser wrote to the outbox";
  // A second first event for an existing id is a conflict too, not a duplicate.
  self->request(journal, std::chrono::seconds(10), submit(app, uuid()))
      .receive([](append_result&) { FAIL() << "accepted"; },
               [&](caf::error& e) { EXPECT_EQ(view(e).code, errc::conflict) << sys->render(e); });
  self->send_exit(journal, caf::exit_reason::user_shutdown);
}

TEST_F(journal_fixture, an_unreachable_database_is_a_retryable_error) {
  auto journal = persistence::spawn_journal_writer(
      *sys, {"postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", 512, 20000, std::chrono::milliseconds(100)});
  caf::scoped_actor self{*sys};
  self->request(journal, std::chrono::seconds(20), submit(uuid(), uuid()))
      .receive([](append_result&) { FAIL() << "accepted without a database"; },
               [&](caf::error& e) {
                 EXPECT_EQ(view(e).code, errc::unavailable) << sys->render(e);
                 EXPECT_TRUE(is_retryable(view(e).code));
               });
  self->send_exit(journal, caf::exit_reason::user_shutdown);
}

TEST_F(journal_fixture, migrations_are_idempotent) {
  EXPECT_EQ(persistence::migrate(db.url), 0);
  EXPECT_EQ(db.count("SELECT count(*) FROM schema_migrations"), static_cast<int64_t>(persistence::migrations().size()));
  EXPECT_GE(db.count("SELECT count(*) FROM notification_templates"), 5);
}

TEST_F(journal_fixture, every_seeded_template_passes_the_save_time_check) {
  using namespace hirehub;
  // The same check PUT /api/v1/admin/notification-templates runs: sending never
  // meets a variable its event does not provide.
  auto rows =
      db.rows("SELECT name, event_type, COALESCE(subject_template, ''), body_template FROM notification_templates");
  ASSERT_GE(rows.size(), 17u);
  std::set<std::string> covered;
  for (auto& r : rows) {
    auto& vars = templates::provided_variables(r[1]);
    EXPECT_FALSE(vars.empty()) << r[0] << ": " << r[1] << " notifies no one";
    for (auto* text : {&r[2], &r[3]}) {
      auto c = templates::check(*text, vars);
      EXPECT_TRUE(c.ok) << r[0] << ": " << c.error;
    }
    covered.insert(r[1]);
  }
  // Every event that notifies has at least one template.
  for (auto& t : templates::notifying_event_types())
    EXPECT_TRUE(covered.count(t)) << t << " has no template";
}

TEST_F(journal_fixture, every_taxonomy_skill_is_a_skill_tag) {
  // Resumes and jobs name skills the same way: the parser's canonical names
  // are exactly what jobs can be tagged with.
  for (const auto& s : hirehub::domain::all_skills())
    EXPECT_EQ(db.count("SELECT count(*) FROM skill_tags WHERE name = '" + s.name + "'"), 1) << s.name;
}

TEST_F(journal_fixture, a_job_that_is_not_open_at_the_commit_takes_no_application) {
  auto closed = uuid();
  auto expired = uuid();
  db.exec("INSERT INTO jobs (id, company_id, created_by, title, status) VALUES ('" + closed + "', '" + company +
          "', '" + company + "', 'Closed', 'closed')");
  db.exec("INSERT INTO jobs (id, company_id, created_by, title, status, expires_at) VALUES ('" + expired + "', '" +
          company + "', '" + company + "', 'Expired', 'open', now() - interval '1 hour')");
  auto journal = persistence::spawn_journal_writer(*sys, {db.url, 512, 20000, std::chrono::milliseconds(100)});
  caf::scoped_actor self{*sys};
  // One burst (one commit): open, closed, open, expired, open.
  std::vector<std::string> jobs = {job_id, closed, job_id, expired, job_id};
  std::vector<append_request> burst;
  for (auto& job : jobs)
    burst.push_back(submit(uuid(), uuid(), 1, job));
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> pending;
  for (auto& r : burst)
    pending.push_back(self->request(journal, std::chrono::seconds(20), r));
  std::vector<std::string> refused;
  for (size_t i = 0; i < jobs.size(); ++i)
    pending[i].receive([&](append_result&) { EXPECT_EQ(jobs[i], job_id) << i; },
                       [&](caf::error& e) {
                         EXPECT_EQ(view(e).code, applications_errc::job_not_open) << sys->render(e);
                         refused.push_back(view(e).message);
                       });
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_NE(refused[0].find("closed"), std::string::npos) << refused[0];
  EXPECT_NE(refused[1].find("closed"), std::string::npos) << refused[1];  // expired reads as closed
  EXPECT_EQ(db.count("SELECT count(*) FROM applications"), 3);
  EXPECT_EQ(db.count("SELECT count(*) FROM application_events"), 3);
  EXPECT_EQ(db.count("SELECT count(*) FROM outbox"), 3);
  self->send_exit(journal, caf::exit_reason::user_shutdown);
}

// A submit that did not read its job (append_request::job_facts): the commit takes the
// company, owner and title from the job row into the application row, the event and the
// outbox message, and answers them; a job that does not exist is a not_found on job_id,
// and neither disturbs the other submits sent in the same burst.
TEST_F(journal_fixture, a_submit_that_did_not_read_its_job_gets_the_facts_from_the_commit) {
  auto owner = uuid();
  auto other_job = uuid();
  db.exec("INSERT INTO jobs (id, company_id, created_by, title, status) VALUES ('" + other_job + "', '" + company +
          "', '" + owner + "', 'Data Engineer', 'open')");
  auto journal = persistence::spawn_journal_writer(*sys, {db.url, 512, 20000, std::chrono::milliseconds(100)});
  caf::scoped_actor self{*sys};
  auto blank = [&](const std::string& job) {
    auto r = submit(uuid(), uuid(), 1, job);
    r.job_facts = true;
    r.row.company_id = uuid();  // not the job's: the commit takes the job's
    r.events[0].payload = R"({"job_id":")" + job + R"(","company_id":"","job_owner_id":"","job_title":""})";
    r.outbox[0].payload = R"({"event_id":")" + r.events[0].event_id + R"(","company_id":"","job_title":""})";
    return r;
  };
  auto known = submit(uuid(), uuid());  // facts given by the caller: answered without any
  auto filled = blank(other_job);
  auto missing = blank(uuid());
  auto h_known = self->request(journal, std::chrono::seconds(20), known);
  auto h_filled = self->request(journal, std::chrono::seconds(20), filled);
  auto h_missing = self->request(journal, std::chrono::seconds(20), missing);
  h_known.receive([](append_result& r) { EXPECT_TRUE(r.job.id.empty()); },
                  [&](caf::error& e) { FAIL() << sys->render(e); });
  h_filled.receive(
      [&](append_result& r) {
        EXPECT_EQ(r.job.id, other_job);
        EXPECT_EQ(r.job.company_id, company);
        EXPECT_EQ(r.job.owner_user_id, owner);
        EXPECT_EQ(r.job.title, "Data Engineer");
        EXPECT_EQ(r.job.status, "open");
      },
      [&](caf::error& e) { FAIL() << sys->render(e); });
  h_missing.receive([](append_result&) { FAIL() << "accepted an application to a job that does not exist"; },
                    [&](caf::error& e) {
                      EXPECT_EQ(view(e).code, errc::not_found) << sys->render(e);
                      EXPECT_EQ(view(e).field, "job_id");
                    });
  auto id = filled.application_id;
  EXPECT_EQ(db.scalar("SELECT company_id::text FROM applications WHERE id = '" + id + "'"), company);
  EXPECT_EQ(db.scalar("SELECT payload->>'company_id' || '|' || (payload->>'job_owner_id') || '|' || "
                      "(payload->>'job_title') || '|' || (payload->>'job_id') FROM application_events WHERE "
                      "application_id = '" +
                      id + "'"),
            company + "|" + owner + "|Data Engineer|" + other_job);
  EXPECT_EQ(db.scalar("SELECT payload->>'company_id' || '|' || (payload->>'job_owner_id') || '|' || "
                      "(payload->>'job_title') FROM outbox WHERE key = '" +
                      id + "'"),
            company + "|" + owner + "|Data Engineer");
  EXPECT_EQ(db.count("SELECT count(*) FROM applications WHERE id = '" + missing.application_id + "'"), 0);
  EXPECT_EQ(db.count("SELECT count(*) FROM applications"), 2);
  EXPECT_EQ(db.count("SELECT count(*) FROM outbox"), 2);
  self->send_exit(journal, caf::exit_reason::user_shutdown);
}

// The consumer keeps the handler's deadline with its watchdog: a batch the
// handler holds past handler_timeout is handed over again (handlers deduplicate
// by event id), the late answer to the first hand-over changes nothing, and the
// offsets are committed once a hand-over succeeds.
TEST(kafka_consumer, a_batch_the_handler_holds_past_its_deadline_is_handed_over_again) {
  hh_test::broker kafka;
  caf::actor_system_config cfg;
  announce_message_types(cfg);
  caf::actor_system sys{cfg};
  struct seen_t {
    std::mutex mtx;
    std::vector<std::string> payloads;
    std::vector<caf::response_promise> held;
  };
  auto seen = std::make_shared<seen_t>();
  auto handler = sys.spawn([seen](caf::event_based_actor* self) -> caf::behavior {
    return {
        [self, seen](batch_atom, const std::string&, const std::vector<kafka_record>& batch) -> caf::result<void> {
          std::lock_guard<std::mutex> lock{seen->mtx};
          for (auto& r : batch)
            seen->payloads.push_back(r.payload);
          if (seen->payloads.size() == batch.size()) {  // the first hand-over: no answer for now
            seen->held.push_back(self->make_response_promise());
            return seen->held.back();
          }
          return caf::unit;
        },
    };
  });
  services::put(sys, "testhandlr", handler);
  persistence::consumer_options o;
  o.bootstrap = kafka.bootstrap;
  o.group_id = "watchdog-" + uuid();
  o.topics = {"application.submitted"};
  o.handler_timeout = std::chrono::milliseconds(400);
  o.retry = std::chrono::milliseconds(50);
  auto consumer = persistence::spawn_kafka_consumer(sys, o, "testhandlr");
  hh_test::produce(kafka.bootstrap, "application.submitted", "k1", R"({"n":1})");
  auto count = [&] {
    std::lock_guard<std::mutex> lock{seen->mtx};
    return seen->payloads.size();
  };
  ASSERT_TRUE(hh_test::eventually(std::chrono::seconds(30), [&] { return count() >= 2; }))
      << "the batch held past the deadline was not handed over again";
  {
    std::lock_guard<std::mutex> lock{seen->mtx};
    EXPECT_EQ(seen->payloads[0], R"({"n":1})");
    EXPECT_EQ(seen->payloads[1], R"({"n":1})");
    // The first hand-over's answer comes late: it is ignored.
    seen->held.front().deliver(make_error(errc::internal, "late"));
  }
  // The next message is handed over on its own: the first one's offset was committed.
  hh_test::produce(kafka.bootstrap, "application.submitted", "k1", R"({"n":2})");
  ASSERT_TRUE(hh_test::eventually(std::chrono::seconds(30), [&] { return count() >= 3; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // past another deadline
  std::lock_guard<std::mutex> lock{seen->mtx};
  ASSERT_EQ(seen->payloads.size(), 3u) << "a batch was handed over again after its handler answered";
  EXPECT_EQ(seen->payloads[2], R"({"n":2})");
  // The consumer's metrics count the batches its handler answered in time: two, of
  // one message each (not the hand-over whose answer came late).
  auto& sizes = metrics::get_histogram("hirehub_kafka_batch_size", "", {{"group", o.group_id}});
  EXPECT_EQ(sizes.count(), 2u);
  EXPECT_DOUBLE_EQ(sizes.sum(), 2.0);
  EXPECT_EQ(metrics::get_histogram("hirehub_kafka_batch_seconds", "", {{"group", o.group_id}}).count(), 2u);
  caf::anon_send_exit(consumer, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(handler, caf::exit_reason::user_shutdown);
}
