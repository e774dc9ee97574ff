#include "actors/rag_index.hpp"

#include <thread>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/resume/embed.hpp"
#include "persistence/db_task.hpp"
#include "persistence/resumes.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/hub.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::rag {

using nlohmann::json;

std::string hits_json(const std::vector<resume::index_hit>& hits) {
  json out = json::array();
  for (const auto& h : hits)
    out.push_back({{"resume_id", h.resume_id},
                   {"user_id", h.user_id},
                   {"chunk_index", h.chunk_index},
                   {"score", std::round(static_cast<double>(h.score) * 1e6) / 1e6},
                   {"text", h.text}});
  return out.dump();
}

void send_update(caf::actor_system& sys, update u) {
  if (auto idx = services::find(sys, "ragindex"))
    caf::anon_send(idx, update_ptr{std::make_shared<const update>(std::move(u))});
}

namespace {

struct index_state {
  std::unique_ptr<resume::vector_index> index;
  options opts;
  bool loaded = false;
  std::string after;   ///< the last resume id loaded
  size_t skipped = 0;  ///< chunks of another model
  std::chrono::steady_clock::time_point load_started;
  const char* name = "ragindex";
};
using index_actor = observed_actor<index_state>;

metrics::gauge& chunks_gauge() {
  static auto& g = metrics::get_gauge("hirehub_rag_index_chunks", "Resume chunks in this node's vector index");
  return g;
}

int64_t apply(index_actor* self, const update& u) {
  auto& idx = *self->state.index;
  int64_t held = 0;
  if (u.remove)
    idx.remove(u.resume_id, u.version);
  else
    held = idx.upsert(u.resume_id, u.user_id, u.version, u.chunks) ? static_cast<int64_t>(u.chunks.size()) : -1;
  chunks_gauge().set(static_cast<int64_t>(idx.size()));
  return held;
}

/// Adds one page of stored chunks (grouped by resume), on every core.
void apply_page(index_actor* self, std::vector<persistence::resumes::index_row>& rows) {
  auto& s = self->state;
  std::vector<resume::index_doc> docs;
  for (size_t i = 0; i < rows.size();) {
    resume::index_doc d{rows[i].resume_id, rows[i].user_id, rows[i].version, {}};
    bool foreign = false;
    for (; i < rows.size() && rows[i].resume_id == d.resume_id; ++i) {
      auto& r = rows[i];
      auto vec = resume::from_bytes(r.vector);
      if (r.model != s.opts.model || static_cast<int>(vec.size()) != s.index->dims()) {
        foreign = true;
        ++s.skipped;
        continue;
      }
      d.chunks.push_back({r.chunk_index, std::move(r.text), std::move(vec)});
    }
    s.after = d.resume_id;
    if (!foreign)
      docs.push_back(std::move(d));
  }
  s.index->upsert_many(std::move(docs), std::max(1u, std::thread::hardware_concurrency()));
  chunks_gauge().set(static_cast<int64_t>(s.index->size()));
}

void load_next(index_actor* self) {
  auto& s = self->state;
  auto pool = services::find(self->system(), "resumedb");
  if (!pool) {
    self->delayed_send(self, std::chrono::milliseconds(200), tick_atom::value);
    return;
  }
  auto rows = std::make_shared<std::vector<persistence::resumes::index_row>>();
  persistence::db_task task{persistence::resumes::index_page_query(s.after, s.opts.page_resumes, rows)};
  self->request(pool, s.opts.call_timeout, std::move(task))
      .then(
          [self, rows](persistence::db_reply& r) {
            auto& s = self->state;
            if (r.error) {
              log::warn("vector index: loading a page failed; retrying", {{"error", view(r.error).message}});
              self->delayed_send(self, std::chrono::milliseconds(1000), tick_atom::value);
              return;
            }
            if (rows->empty()) {
              s.loaded = true;
              auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                              s.load_started)
                            .count();
              log::info("vector index loaded", {{"chunks", s.index->size()},
                                                {"resumes", s.index->resume_count()},
                                                {"skipped_other_model", s.skipped},
                                                {"ms", ms}});
              return;
            }
            apply_page(self, *rows);
            self->send(self, tick_atom::value);  // the next page after what is queued (queries, updates)
          },
          [self](caf::error& err) {
            log::warn("vector index: loading a page failed; retrying", {{"error", view(err).message}});
            self->delayed_send(self, std::chrono::milliseconds(1000), tick_atom::value);
          });
}

/// Another node changed a resume's chunks: take what PostgreSQL holds now (a
/// deleted resume is dropped for good; versions keep a late reload from undoing
/// a newer update).
void reload(index_actor* self, const std::string& resume_id) {
  static auto& reloads =
      metrics::get_counter("hirehub_rag_index_reloads_total", "Resumes reloaded on another node's notice");
  auto pool = services::find(self->system(), "resumedb");
  if (!pool)
    return;
  auto st = std::make_shared<persistence::resumes::index_state>();
  persistence::db_task task{persistence::resumes::index_state_query(resume_id, st)};
  self->request(pool, self->state.opts.call_timeout, std::move(task))
      .then(
          [self, st, resume_id](persistence::db_reply& r) {
            if (r.error)
              return;
            reloads.inc();
            update u{resume_id, st->user_id, st->version, false, {}};
            if (!st->exists) {
              u.remove = true;
              u.version = resume::vector_index::deleted_forever;
            }
            for (auto& row : st->rows) {
              auto vec = resume::from_bytes(row.vector);
              if (row.model != self->state.opts.model || static_cast<int>(vec.size()) != self->state.index->dims())
                continue;
              u.chunks.push_back({row.chunk_index, std::move(row.text), std::move(vec)});
            }
            if (st->exists && u.chunks.empty())
              u.remove = true;
            try {
              apply(self, u);
            } catch (const std::exception& e) {
              log::warn("vector index: reload refused", {{"resume_id", resume_id}, {"error", e.what()}});
            }
          },
          [resume_id](caf::error& err) {
            log::warn("vector index: reload failed; the node rebuilds on restart",
                      {{"resume_id", resume_id}, {"error", view(err).message}});
          });
}

caf::behavior index_impl(index_actor* self, options o) {
  auto& s = self->state;
  s.opts = std::move(o);
  s.index = std::make_unique<resume::vector_index>(s.opts.index);
  s.load_started = std::chrono::steady_clock::now();
  chunks_gauge().set(0);
  self->send(self, tick_atom::value);
  return {
      [self](tick_atom) {
        if (!self->state.loaded)
          load_next(self);
      },
      [self](const update_ptr& u) -> int64_t {
        // Committed here: the other nodes' indexes reload this resume from PostgreSQL.
        tell_peers(self->system(), "rag", u->resume_id);
        try {
          return apply(self, *u);
        } catch (const std::exception& e) {
          log::warn("vector index: update refused", {{"resume_id", u->resume_id}, {"error", e.what()}});
          return -1;
        }
      },
      [self](reload_atom, const std::string& resume_id) { reload(self, resume_id); },
      [self](query_atom, const query_ptr& q) -> caf::result<std::string> {
        auto& s = self->state;
        if (!s.loaded)
          return make_error(errc::unavailable, "the vector index is still loading (" + std::to_string(s.index->size()) +
                                                   " chunks so far); retry shortly");
        static auto& hist = metrics::get_histogram("hirehub_rag_query_seconds", "Vector index search time");
        auto t0 = std::chrono::steady_clock::now();
        try {
          auto hits = s.index->query(q->vec, q->k, q->filter);
          hist.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
          return hits_json(hits);
        } catch (const std::invalid_argument& e) {
          return make_error(errc::bad_request, e.what());
        }
      },
      [self](stats_atom) -> std::string {
        auto& s = self->state;
        return json{{"chunks", s.index->size()},        {"resumes", s.index->resume_count()},
                    {"capacity", s.index->capacity()},  {"loaded", s.loaded},
                    {"skipped_other_model", s.skipped}, {"model", s.opts.model}}
            .dump();
      },
  };
}

}  // namespace

caf::actor spawn_index(caf::actor_system& sys, options o) {
  // Detached: inserting and searching is CPU work that must not hold a scheduler thread.
  return sys.spawn<caf::detached>(index_impl, std::move(o));
}

}  // namespace hirehub::rag
