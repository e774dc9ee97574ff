#include "actors/resume_pipeline.hpp"

#include <deque>
#include <optional>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/rag_index.hpp"
#include "actors/resume/llm.hpp"
#include "persistence/db_task.hpp"
#include "persistence/file_store.hpp"
#include "persistence/resumes.hpp"
#include "runtime/entity_passivate.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::resume_pipeline {

using nlohmann::json;
namespace store = persistence::resumes;

std::string topic_of(const std::string& resume_id) {
  return "resume:" + resume_id;
}

std::string progress_frame(const std::string& resume_id, int64_t seq, const std::string& stage, int percent,
                           const std::string& status, const std::string& error_code, const std::string& error_message) {
  json f = {{"type", "resume"},   {"resume_id", resume_id},
            {"seq", seq},         {"stage", stage.empty() ? json(nullptr) : json(stage)},
            {"percent", percent}, {"status", status}};
  if (!error_code.empty())
    f["error"] = {{"code", error_code}, {"message", error_message}};
  return f.dump();
}

namespace {

constexpr resume::stage stages[] = {resume::stage::extract, resume::stage::mask, resume::stage::parse,
                                    resume::stage::embed, resume::stage::summarise};

int percent_after(int k) {
  return (k + 1) * 100 / resume::stage_count;
}

/// What the stages hand each other, in the pipeline's memory only.
struct work {
  store::pipeline_row row;
  std::string raw;                                  ///< extracted text (PII): never stored, never logged
  std::optional<resume::extract_error> unreadable;  ///< why the stored file gave no text
  std::string masked;
  json parsed;
  std::vector<resume::index_chunk> chunks;  ///< the embed stage's output, for the vector index
};

/// A stage's outcome, as the child reports it.
struct stage_result {
  bool failed = false;  ///< permanent failure: the resume is now in error
  int64_t seq = 0;
  std::string error_code, error_message;
};

caf::actor lookup(caf::local_actor* self, const char* name) {
  return services::find(self->system(), name);
}

int64_t elapsed_ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

/// Reads the stored original again, in a child process with the upload's budget
/// (a task's `before` step: no transaction is open). Why it gave no text is kept
/// for the stage, which records it as the resume's error.
void extract_again(const options& o, work& w) {
  try {
    auto bytes = o.store->get(persistence::original_key(w.row.user_id, w.row.id, w.row.file_type));
    if (!bytes)
      throw resume::extract_error(resume::extract_errc::corrupt, "the stored original file is missing");
    auto iso = o.extraction;
    iso.limits = o.stages.limits;
    w.raw = resume::extract_isolated(*bytes, iso).text;
  } catch (const resume::extract_error& e) {
    w.unreadable = e;
  }
}

/// The text extract_again read, or its reason to fail.
const std::string& extracted_text(work& w) {
  if (w.unreadable)
    throw *w.unreadable;
  return w.raw;
}

/// The work of stage `st`, outside any transaction (a task's `before` step, on the
/// pool's thread): compute, write the processed files, call the models; what is to be
/// committed goes into `c`. A file that gives no text is a permanent failure (in `c`);
/// anything else thrown is transient (the pipeline restarts the stage).
void compute_stage(resume::stage st, const options& o, work& w, store::stage_commit& c) {
  auto t0 = std::chrono::steady_clock::now();
  const auto& id = w.row.id;
  const auto& user = w.row.user_id;
  int k = static_cast<int>(st);
  c.id = id;
  c.task.task_type = resume::task_type(st);
  c.to = resume::to_string(st);
  if (k > 0)
    c.from = resume::to_string(stages[k - 1]);
  c.progress = percent_after(k);
  try {
    switch (st) {
      case resume::stage::extract: {
        extracted_text(w);  // the upload's own extraction, handed over in memory, or extract_again's
        c.task.model = w.row.file_type == "pdf"    ? "poppler-cpp"
                       : w.row.file_type == "docx" ? "libzip+pugixml"
                                                   : "utf-8";
        c.task.output = {{"text_length", w.raw.size()}};
        break;
      }
      case resume::stage::mask: {
        // Resumed after a restart, extract_again read it again: the raw text was only in memory.
        auto m = resume::mask_pii(extracted_text(w), o.stages.masking);
        w.masked = std::move(m.masked);
        json counts = m.counts();
        o.store->put(persistence::processed_key(user, id, "masked.txt"), w.masked, persistence::durability::copy);
        c.masked = std::make_pair(w.masked, counts);
        c.task.model = "local-pii-recognizers-v1";
        c.task.output = {{"findings", m.findings.size()}, {"counts", counts}};
        break;
      }
      case resume::stage::parse: {
        if (w.masked.empty())
          w.masked = w.row.masked;
        auto p = resume::parse_resume(w.masked, o.stages.parsing);
        w.parsed = p;
        o.store->put(persistence::processed_key(user, id, "parsed.json"), w.parsed.dump(2),
                     persistence::durability::copy);
        c.parsed = w.parsed;
        c.task.model = "local-section-parser-v1";
        c.task.output = {{"experiences", p.experiences.size()},
                         {"educations", p.educations.size()},
                         {"skills", p.skills.size()},
                         {"years_experience", p.years_experience}};
        break;
      }
      case resume::stage::embed: {
        if (w.masked.empty())
          w.masked = w.row.masked;
        auto chunks = resume::chunk_text(w.masked);
        std::vector<std::string> texts;
        for (const auto& ch : chunks)
          texts.push_back(ch.text);
        // A remote model may be down: its error fails the stage transiently (restart with backoff).
        auto vecs = o.embedder->embed(texts);
        std::vector<store::embedded_chunk> rows;
        w.chunks.clear();
        for (size_t i = 0; i < chunks.size(); ++i) {
          rows.push_back({chunks[i].index, chunks[i].text, resume::to_bytes(vecs[i])});
          w.chunks.push_back({chunks[i].index, std::move(chunks[i].text), std::move(vecs[i])});
        }
        c.task.model = o.embedder->model();
        c.task.output = {{"chunks", rows.size()}, {"dims", o.embedder->dims()}};
        c.embeddings = std::make_pair(o.embedder->model(), std::move(rows));
        break;
      }
      case resume::stage::summarise: {
        if (w.masked.empty())
          w.masked = w.row.masked;
        if (w.parsed.is_null() && !w.row.parsed_json.empty())
          w.parsed = json::parse(w.row.parsed_json);
        auto parsed = w.parsed.is_null() ? resume::parsed_resume{} : w.parsed.get<resume::parsed_resume>();
        // The provider chain; the local summary ends it, so this cannot fail.
        auto sm = o.summariser->summarise(w.masked, parsed);
        c.task.model = sm.model;
        c.task.output = {{"length", sm.text.size()}, {"passed_over", sm.errors}};
        c.summary = std::move(sm.text);
        break;
      }
    }
  } catch (const resume::extract_error& e) {
    // The file itself is the problem: retrying will not help.
    c.failure = std::make_pair(std::string("file_") + resume::to_string(e.code()), std::string(e.what()));
  }
  c.task.elapsed_ms = elapsed_ms(t0);
  static auto& hist =
      metrics::get_histogram("hirehub_resume_stage_seconds", "Time of one resume pipeline stage's work");
  hist.observe(static_cast<double>(c.task.elapsed_ms) / 1000.0);
}

// ---- the stage child ---------------------------------------------------------------

/// One stage: asks the "resumedb" pool to run it, reports to the pipeline and
/// ends normally; on a transient error it ends abnormally (the pipeline
/// restarts it).
caf::behavior stage_child(observed_event_actor* self, caf::actor parent, int k, std::shared_ptr<work> w,
                          std::shared_ptr<const options> o) {
  auto pool = lookup(self, "resumedb");
  if (!pool) {
    self->quit(make_error(errc::unavailable, "the resume database pool is restarting"));
    return {};
  }
  auto st = stages[k];
  // The stage works before its transaction opens (files, models); the transaction
  // only writes what it computed and moves the fence.
  auto commit = std::make_shared<store::stage_commit>();
  persistence::db_task task;
  task.fn = store::stage_commit_command(commit);
  bool reread = (st == resume::stage::extract || st == resume::stage::mask) && w->raw.empty();
  task.before = [o, w, st, commit, reread]() -> caf::error {
    if (reread) {
      w->unreadable.reset();
      extract_again(*o, *w);
    }
    try {
      compute_stage(st, *o, *w, *commit);
      return {};
    } catch (const std::exception& e) {
      log::warn("resume stage failed; it is retried",
                {{"resume_id", w->row.id}, {"stage", resume::to_string(st)}, {"error", e.what()}});
      return make_error(errc::unavailable, std::string("the ") + resume::to_string(st) + " stage failed; retry");
    }
  };
  self->request(pool, o->call_timeout, std::move(task))
      .then(
          [self, parent, k, w](persistence::db_reply& r) {
            if (r.error) {
              self->quit(r.error);
              return;
            }
            if (stages[k] == resume::stage::embed && !r.value.value("failed", true)) {
              // Committed: the node's vector index takes the chunks at this version.
              rag::update u{w->row.id, w->row.user_id, r.value.value("seq", int64_t{0}), false, std::move(w->chunks)};
              w->chunks.clear();
              rag::send_update(self->system(), std::move(u));
            }
            self->send(parent, stage_atom::value, static_cast<int32_t>(k), r.value.dump());
            self->quit();
          },
          [self, parent, k](caf::error& err) {
            auto v = view(err);
            if (v.code == errc::conflict) {
              // Another pipeline of this resume moved on, or the resume was deleted.
              self->send(parent, stage_atom::value, static_cast<int32_t>(k), std::string{"superseded"});
              self->quit();
              return;
            }
            self->quit(err);
          });
  return {[](caf::unit_t) {}};
}

// ---- the pipeline (supervisor of the stage children) ---------------------------------

struct pipeline_state {
  entity_context ctx;
  caf::actor registry;
  std::shared_ptr<const options> opts;
  std::shared_ptr<work> w;
  bool running = false;
  bool passivating = false;
  int current = -1;
  caf::actor child;
  std::deque<std::chrono::steady_clock::time_point> restarts;  ///< in the policy's window
  const char* name = "resume_pipeline";
};
using pipeline_actor = observed_actor<pipeline_state>;

void publish(pipeline_actor* self, int64_t seq, const std::string& stage, int percent, const std::string& status,
             const std::string& code = {}, const std::string& message = {}) {
  if (auto hub = lookup(self, "hub"))
    self->send(hub, publish_atom::value, topic_of(self->state.ctx.id), seq,
               progress_frame(self->state.ctx.id, seq, stage, percent, status, code, message));
}

void start_stage(pipeline_actor* self, int k) {
  auto& s = self->state;
  s.current = k;
  s.child = self->spawn(stage_child, caf::actor_cast<caf::actor>(self), k, s.w, s.opts);
  self->monitor(s.child);
}

void finish(pipeline_actor* self) {
  self->state.running = false;
  self->state.child = nullptr;
  passivate_entity(self);
}

/// Ends the resume in error after a stage kept failing transiently.
void give_up(pipeline_actor* self, int k, const std::string& reason) {
  auto& s = self->state;
  auto pool = lookup(self, "resumedb");
  auto w = s.w;
  auto st = stages[k];
  if (!pool) {
    finish(self);  // the recovery sweep picks it up again later
    return;
  }
  auto message = std::string("the ") + resume::to_string(st) + " stage kept failing: " + reason;
  persistence::db_task task{store::fail_command(w->row.id, resume::task_type(st), "stage_failed", message)};
  self->request(pool, s.opts->call_timeout, std::move(task))
      .then(
          [self, k, message](persistence::db_reply& r) {
            if (!r.error)
              publish(self, r.value.value("seq", int64_t{0}), resume::to_string(stages[k]),
                      percent_after(k) - 100 / resume::stage_count, "error", "stage_failed", message);
            finish(self);
          },
          [self](caf::error&) { finish(self); });
}

caf::behavior pipeline_impl(pipeline_actor* self, entity_context ctx, caf::actor registry,
                            std::shared_ptr<const options> opts) {
  auto& s = self->state;
  s.ctx = std::move(ctx);
  s.registry = std::move(registry);
  s.opts = std::move(opts);
  static auto& running_gauge = metrics::get_gauge("hirehub_resume_pipelines", "Resume pipelines running");
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& s = self->state;
    if (dm.source != s.child.address())
      return;
    s.child = nullptr;
    if (!dm.reason || dm.reason == caf::exit_reason::normal)
      return;  // it reported before it ended
    // A transient failure: restart the stage after the backoff, within the limit.
    auto now = std::chrono::steady_clock::now();
    auto& p = s.opts->policy;
    while (!s.restarts.empty() && now - s.restarts.front() > p.window)
      s.restarts.pop_front();
    auto reason = view(dm.reason).message;
    if (static_cast<int>(s.restarts.size()) >= p.max_restarts) {
      log::warn("resume stage failed too often",
                {{"resume_id", s.ctx.id}, {"stage", resume::to_string(stages[s.current])}, {"error", reason}});
      give_up(self, s.current, reason);
      return;
    }
    s.restarts.push_back(now);
    auto delay = restart_delay(p, static_cast<int>(s.restarts.size()));
    log::info("restarting a resume stage", {{"resume_id", s.ctx.id},
                                            {"stage", resume::to_string(stages[s.current])},
                                            {"delay_ms", delay.count()},
                                            {"error", reason}});
    self->delayed_send(self, delay, restart_atom::value, static_cast<int32_t>(s.current));
  });
  // Starts (or continues) from the row: the stage after its last committed one.
  auto run_from = [self](std::shared_ptr<work> w) {
    auto& s = self->state;
    s.w = std::move(w);
    const auto& row = s.w->row;
    int next = 0;
    for (int k = 0; k < resume::stage_count; ++k)
      if (row.stage == resume::to_string(stages[k]))
        next = k + 1;
    if (next >= resume::stage_count) {
      finish(self);
      return;
    }
    if (next > 0)
      s.w->raw.clear();  // only the extract stage may take text handed over by the upload
    publish(self, row.seq, row.stage, next * 100 / resume::stage_count, "processing");
    start_stage(self, next);
  };
  // Returns false when this pipeline is already running or stopping.
  auto claim = [self]() {
    auto& s = self->state;
    if (s.running || s.passivating)
      return false;
    if (!lookup(self, "resumedb")) {
      passivate_entity(self);
      return false;
    }
    s.running = true;
    running_gauge.add(1);
    self->attach_functor([](const caf::error&) { running_gauge.add(-1); });
    return true;
  };
  return {
      // The cluster admin API: where the pipeline is (never the resume's text).
      [self](inspect_atom) -> caf::result<std::string> {
        auto& s = self->state;
        if (!s.running && !s.w) {
          passivate_entity(self);  // activated only to be looked at
          return make_error(errc::not_found,
                            "no pipeline is running for this resume (its state is at GET /api/v1/resumes/{id})");
        }
        nlohmann::json out = {{"kind", s.ctx.kind},
                              {"id", s.ctx.id},
                              {"node_id", s.opts->node_id},
                              {"running", s.running},
                              {"passivating", s.passivating},
                              {"stage", s.current >= 0 ? json(resume::to_string(stages[s.current])) : json(nullptr)},
                              {"stage_restarts_in_window", s.restarts.size()},
                              {"actor", sample_entity(caf::actor_cast<caf::actor>(self), s.ctx.kind, s.ctx.id)}};
        if (s.w)
          out["row"] = {{"status", s.w->row.status},
                        {"stage", s.w->row.stage},
                        {"seq", s.w->row.seq},
                        {"file_type", s.w->row.file_type},
                        {"user_id", s.w->row.user_id}};
        if (s.child)
          out["stage_child"] = sample(s.child);
        if (!s.running)
          passivate_entity(self);  // activated only to be looked at
        return out.dump();
      },
      [self, claim, run_from](process_atom) {
        if (!claim())
          return;
        auto& s = self->state;
        auto id = s.ctx.id;
        persistence::db_task load{store::pipeline_row_query(id)};
        self->request(lookup(self, "resumedb"), s.opts->call_timeout, std::move(load))
            .then(
                [self, run_from](persistence::db_reply& r) {
                  if (r.error || r.value.is_null() || r.value.value("status", "") != "processing") {
                    finish(self);
                    return;
                  }
                  auto w = std::make_shared<work>();
                  auto& row = w->row;
                  row.id = self->state.ctx.id;
                  row.user_id = r.value["user_id"];
                  row.file_type = r.value["file_type"];
                  row.status = r.value["status"];
                  row.stage = r.value["stage"];
                  row.masked = r.value["masked"];
                  row.parsed_json = r.value["parsed"];
                  row.seq = r.value["seq"];
                  run_from(std::move(w));
                },
                [self](caf::error&) { finish(self); });
      },
      // From the upload, right after its commit: the new row's facts and the
      // text it extracted, so neither is read again. Should the row have moved
      // on meanwhile, the extract stage's fence says so (superseded).
      [self, claim, run_from](process_atom, std::string& raw, std::string& user_id, std::string& file_type) {
        if (!claim())
          return;
        auto w = std::make_shared<work>();
        w->row.id = self->state.ctx.id;
        w->row.user_id = std::move(user_id);
        w->row.file_type = std::move(file_type);
        w->row.status = "processing";
        w->row.seq = 1;
        w->raw = std::move(raw);
        run_from(std::move(w));
      },
      [self](restart_atom, int32_t k) {
        if (self->state.running && !self->state.child)
          start_stage(self, k);
      },
      [self](stage_atom, int32_t k, const std::string& outcome) {
        auto& s = self->state;
        if (outcome == "superseded") {
          finish(self);
          return;
        }
        auto r = json::parse(outcome);
        auto stage_name = resume::to_string(stages[k]);
        if (r.value("failed", false)) {
          publish(self, r.value("seq", int64_t{0}), stage_name, percent_after(k) - 100 / resume::stage_count, "error",
                  r.value("code", ""), r.value("message", ""));
          finish(self);
          return;
        }
        bool last = k + 1 == resume::stage_count;
        publish(self, r.value("seq", int64_t{0}), stage_name, percent_after(k), last ? "ready" : "processing");
        s.restarts.clear();
        if (last)
          finish(self);
        else
          start_stage(self, k + 1);
      },
  };
}

caf::behavior sweep_impl(observed_event_actor* self, std::chrono::milliseconds period,
                         std::chrono::milliseconds call_timeout) {
  self->delayed_send(self, std::chrono::milliseconds(500), tick_atom::value);
  return {
      [=](tick_atom) {
        self->delayed_send(self, period, tick_atom::value);
        auto pool = lookup(self, "resumedb");
        if (!pool)
          return;
        persistence::db_task task{store::unfinished_query(200)};
        self->request(pool, call_timeout, std::move(task))
            .then(
                [self](persistence::db_reply& r) {
                  auto registry = lookup(self, "registry");
                  if (r.error || !registry)
                    return;
                  for (const auto& id : r.value)
                    self->send(registry, route_message("resume", id.get<std::string>(), false,
                                                       caf::make_message(process_atom::value)));
                },
                [](caf::error&) {});
      },
  };
}

}  // namespace

caf::actor spawn_recovery_sweep(caf::actor_system& sys, std::chrono::milliseconds period,
                                std::chrono::milliseconds call_timeout) {
  return sys.spawn(sweep_impl, period, call_timeout);
}

entity_factory make_factory(options opts) {
  auto shared = std::make_shared<const options>(std::move(opts));
  return [shared](caf::actor_system& sys, const entity_context& ctx, caf::actor registry) {
    return sys.spawn(pipeline_impl, ctx, std::move(registry), shared);
  };
}

}  // namespace hirehub::resume_pipeline
