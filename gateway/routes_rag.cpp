/// The RAG API over resume chunks (seed: /api/v1/rag/index, /query, /delete).
/// Chunks hold masked text only. Who sees what:
///   - a jobseeker: their own resumes;
///   - a company: the resumes its applicants attached to applications to its
///     jobs (not withdrawn);
///   - an admin: every resume.
/// /index re-chunks and re-embeds a ready resume with the node's embedder
/// (e.g. after the model changed), /delete drops its chunks (the resume
/// stays); both commit first, then update the node's vector index with the
/// resume's new version.
#include "actors/rag_index.hpp"
#include "actors/resume/embed.hpp"
#include "gateway/request_context.hpp"
#include "persistence/resumes.hpp"
#include "runtime/atoms.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"

namespace hirehub::gateway {

namespace {

namespace store = persistence::resumes;
using nlohmann::json;

/// Hands `u` to the index and answers `body` (+ whether the index took it now:
/// when it is restarting it reloads the committed state from PostgreSQL).
void update_index_then_reply(request_actor* self, api_shared& sh, rag::update u, json body) {
  auto idx = service(*sh.sys, "ragindex");
  if (!idx) {
    body["index"] = "pending";
    finish(self, json_response(200, body.dump()));
    return;
  }
  // Not confirmed in time is still a success (the index catches up from PostgreSQL):
  // wait for it at most until shortly before the request's deadline.
  auto left = sh.opts.request_timeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - self->state.out.job->started);
  self->request(idx, std::max(left - left / 4, std::chrono::milliseconds{1}),
                rag::update_ptr{std::make_shared<const rag::update>(std::move(u))})
      .then(
          [self, body](int64_t) mutable {
            body["index"] = "updated";
            finish(self, json_response(200, body.dump()));
          },
          [self, body](caf::error& err) mutable {
            log::warn("vector index update not confirmed", {{"error", view(err).message}});
            body["index"] = "pending";
            finish(self, json_response(200, body.dump()));
          });
}

/// POST /api/v1/rag/index {resume_id}
void index_resume(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader in{req, {"resume_id"}};
  auto id = in.uuid("resume_id", true);
  auto emb = sh.opts.embedder;
  auto sp = &sh;
  // The masked text in one short transaction; the model (remote, blocking) on the
  // worker's thread before the second one opens; then the chunks are stored.
  ask_task_then(self, sh, "resumedb", store::masked_query(id, by.user_id, by.role == "admin"),
                [self, sp, id, emb](json& doc) {
                  auto user = doc["user_id"].get<std::string>();
                  auto parts = std::make_shared<std::vector<resume::chunk>>(
                      resume::chunk_text(doc["masked"].get<std::string>()));
                  auto rows = std::make_shared<std::vector<store::embedded_chunk>>();
                  auto chunks = std::make_shared<std::vector<resume::index_chunk>>();
                  persistence::db_task task;
                  task.before = [emb, parts, rows, chunks]() -> caf::error {
                    std::vector<std::string> texts;
                    for (const auto& c : *parts)
                      texts.push_back(c.text);
                    std::vector<std::vector<float>> vecs;
                    try {
                      vecs = emb->embed(texts);
                    } catch (const std::runtime_error& e) {
                      return make_error(errc::unavailable, std::string("the embeddings model failed: ") + e.what());
                    }
                    for (size_t i = 0; i < parts->size(); ++i) {
                      rows->push_back({(*parts)[i].index, (*parts)[i].text, resume::to_bytes(vecs[i])});
                      chunks->push_back({(*parts)[i].index, std::move((*parts)[i].text), std::move(vecs[i])});
                    }
                    return {};
                  };
                  task.fn = store::replace_embeddings_command(id, emb->model(), rows);
                  ask_task_then(self, *sp, "resumedb", std::move(task), [self, sp, id, user, emb, rows, chunks](json& v) {
                    json body = {{"resume_id", id},
                                 {"chunks", rows->size()},
                                 {"model", emb->model()},
                                 {"dims", emb->dims()},
                                 {"version", v["version"]}};
                    rag::update u{id, user, v["version"].get<int64_t>(), false, std::move(*chunks)};
                    update_index_then_reply(self, *sp, std::move(u), body);
                  });
                });
}

/// POST /api/v1/rag/delete {resume_id}
void delete_chunks(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader in{req, {"resume_id"}};
  auto id = in.uuid("resume_id", true);
  auto sp = &sh;
  ask_task_then(
      self, sh, "resumedb", store::drop_embeddings_command(id, by.user_id, by.role == "admin"),
      [self, sp](json& v) {
        rag::update u{v["resume_id"], v["user_id"], v["version"], true, {}};
        v.erase("user_id");
        update_index_then_reply(self, *sp, std::move(u), v);
      });
}

void run_query(request_actor* self, api_shared& sh, std::shared_ptr<rag::query> q) {
  auto idx = service(*sh.sys, "ragindex");
  if (!idx) {
    fail(self, make_error(errc::unavailable, "the vector index is restarting; retry"));
    return;
  }
  auto model = sh.opts.embedder->model();
  self->request(idx, caf::infinite, query_atom::value, rag::query_ptr{std::move(q)})
      .then(
          [self, model](std::string& hits) {
            finish(self, json_response(200, R"({"model":)" + json(model).dump() + R"(,"results":)" + hits + "}"));
          },
          [self](caf::error& err) { fail(self, err); });
}

/// POST /api/v1/rag/query {query, top_k?, user_id?, resume_ids?}
void query(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader in{req, {"query", "top_k", "user_id", "resume_ids"}};
  auto text = in.text("query", true, 2000);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw bad_input{errc::bad_request, "query must not be blank", "query"};
  auto k = static_cast<size_t>(in.integer("top_k", false, 1, 50).value_or(5));
  auto user = in.uuid("user_id", false);
  auto resumes = in.text_list("resume_ids", 100, 36);
  for (size_t i = 0; i < resumes.size(); ++i) {
    resumes[i] = ids::canonical_uuid(resumes[i]);
    if (resumes[i].empty())
      throw bad_input{errc::bad_request, "resume_ids[" + std::to_string(i) + "] must be a UUID",
                      "resume_ids[" + std::to_string(i) + "]"};
  }
  auto q = std::make_shared<rag::query>();
  q->k = k;
  q->filter.resume_ids = resumes;
  if (!user.empty())
    q->filter.user_ids = {user};
  if (by.role == "jobseeker") {
    if (!user.empty() && user != by.user_id)
      throw bad_input{errc::forbidden, "a jobseeker searches their own resumes only", "user_id"};
    q->filter.user_ids = {by.user_id};
  } else if (by.role != "admin" && (by.role != "company" || by.company_id.empty())) {
    throw bad_input{errc::forbidden, "only jobseekers, companies and admins search resumes", ""};
  }
  q->filter.restricted = by.role != "admin";
  // The query's vector, and for a company the resumes it may see, on a worker
  // when a step blocks (a remote embeddings model, the database); else here.
  auto emb = sh.opts.embedder;
  bool local = dynamic_cast<const resume::hashing_embedder*>(emb.get()) != nullptr;
  auto company = by.role == "company" ? by.company_id : std::string{};
  if (local) {
    q->vec = static_cast<const resume::hashing_embedder&>(*emb).embed_one(text);
    if (company.empty()) {
      run_query(self, sh, std::move(q));
      return;
    }
  }
  auto sp = &sh;
  persistence::db_task task;
  if (!local)  // a remote model: a blocking call, on the worker's thread, before any transaction
    task.before = [emb, text, q]() -> caf::error {
      try {
        q->vec = emb->embed({text}).at(0);
        return {};
      } catch (const std::runtime_error& e) {
        return make_error(errc::unavailable, std::string("the embeddings model failed: ") + e.what());
      }
    };
  task.fn = company.empty() ? persistence::no_query() : store::visible_to_company_query(company);
  ask_task_then(
      self, sh, local ? "db" : "resumedb", std::move(task),
      [self, sp, q](json& v) {
        if (v.is_null()) {  // not a company
          run_query(self, *sp, q);
          return;
        }
        auto visible = v.get<std::vector<std::string>>();
        if (q->filter.resume_ids.empty()) {
          q->filter.resume_ids = std::move(visible);
        } else {
          std::sort(visible.begin(), visible.end());
          std::vector<std::string> both;
          for (auto& id : q->filter.resume_ids)
            if (std::binary_search(visible.begin(), visible.end(), id))
              both.push_back(id);
          q->filter.resume_ids = std::move(both);
        }
        if (q->filter.resume_ids.empty()) {  // nothing of theirs to search (an empty list means "any" to the index)
          finish(self,
                 json_response(200, R"({"model":)" + json(sp->opts.embedder->model()).dump() + R"(,"results":[]})"));
          return;
        }
        run_query(self, *sp, q);
      });
}

}  // namespace

void add_rag_routes(std::vector<route_def>& out) {
  out.insert(out.end(), {
                            {"POST", "/api/v1/rag/index", index_resume},
                            {"POST", "/api/v1/rag/query", query},
                            {"POST", "/api/v1/rag/delete", delete_chunks},
                        });
}

}  // namespace hirehub::gateway
