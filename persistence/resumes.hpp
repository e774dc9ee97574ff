#pragma once
/// The resume tables (seed 001, resume-service): uploads, the owner's and
/// admins' views, deletion, and the pipeline's fenced stage commits. Each
/// function runs inside the caller's transaction (a db_task). Nothing here
/// ever writes unmasked text: `masked_content`, the chunks and the parsed
/// rows come from the masking stage's output.

#include <optional>
#include <string>
#include <vector>

#include <memory>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "persistence/db_task.hpp"

namespace pqxx {
class transaction_base;
}

namespace hirehub::persistence::resumes {

struct new_resume {
  std::string id;
  std::string user_id;
  std::string title;
  std::string file_name;  ///< safe name
  std::string file_type;  ///< pdf, docx, txt
  std::string file_url;
  int64_t file_size = 0;
  std::string sha256;
};

/// Inserts the row (status processing) and `resume.uploaded` to the outbox.
nlohmann::json create(pqxx::transaction_base& txn, const new_resume& r);

/// The resume as its owner, an admin, or a company it was sent to (attached
/// by its owner to an application to one of the company's jobs, not
/// withdrawn: masked text, parsed content and summary; never the file name)
/// sees it; not_found for anyone else.
nlohmann::json get(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id, bool admin,
                   const std::string& company_id = {});

/// The caller's resumes, newest first (keyset on created_at, id).
nlohmann::json list(pqxx::transaction_base& txn, const std::string& user_id, int limit, const std::string& before);

struct file_ref {
  std::string user_id, file_name, file_type;
};
/// What to read for a download; not_found unless owner or admin.
file_ref file_of(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id, bool admin);

/// Deletes the row and everything hanging off it (cascade); returns the owner
/// for the file removal. not_found unless owner or admin.
std::string remove(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id, bool admin);

// ---- the pipeline ---------------------------------------------------------------

struct pipeline_row {
  std::string id, user_id, title, file_name, file_type, status, stage, masked, parsed_json;
  int64_t seq = 0;
  int attempts = 0;
};
std::optional<pipeline_row> load(pqxx::transaction_base& txn, const std::string& id);

struct ai_task {
  std::string task_type;
  std::string model;
  int64_t elapsed_ms = 0;
  nlohmann::json output;  ///< counts and sizes only, never text
};

/// Moves `stage` from `from` (empty: none) to `to` with `progress`, bumps seq
/// and records the ai_tasks row. Returns the new seq, or nullopt when the
/// fence failed (another pipeline moved on, or the resume is gone or no
/// longer processing): the caller's transaction must then roll back.
std::optional<int64_t> advance(pqxx::transaction_base& txn, const std::string& id, const std::string& from,
                               const std::string& to, int progress, const ai_task& task);

/// Stage outputs, written in the same transaction as `advance`.
void save_masked(pqxx::transaction_base& txn, const std::string& id, const std::string& masked,
                 const nlohmann::json& counts);
/// `parsed` is the parser's JSON (experiences, educations, skills, ...).
void save_parsed(pqxx::transaction_base& txn, const std::string& id, const nlohmann::json& parsed);
struct embedded_chunk {
  int index = 0;
  std::string text;
  std::string vector;  ///< float32 little-endian
};
void save_embeddings(pqxx::transaction_base& txn, const std::string& id, const std::string& model,
                     const std::vector<embedded_chunk>& chunks);
/// The summary; the resume becomes `ready` and `resume.processed` goes to the outbox.
void save_summary(pqxx::transaction_base& txn, const std::string& id, const std::string& summary);

/// Ends the resume in `error` (code, message: no PII), records the failed
/// ai_tasks row; returns the new seq (nullopt when not processing any more).
std::optional<int64_t> fail(pqxx::transaction_base& txn, const std::string& id, const std::string& stage_failed,
                            const std::string& code, const std::string& message, int64_t elapsed_ms);

/// Admin: resumes that ended in error (the dead letters), newest first.
nlohmann::json dead_letters(pqxx::transaction_base& txn, int limit);
/// Admin: puts an errored resume back to processing from its last completed
/// stage; returns {id, user_id, seq} or not_found / illegal_transition.
nlohmann::json replay(pqxx::transaction_base& txn, const std::string& id);
/// Resumes left processing (by a crash or restart), oldest first.
std::vector<std::string> unfinished(pqxx::transaction_base& txn, int limit);

// ---- the vector index and the RAG API ---------------------------------------------

/// One stored chunk, with its resume's owner and version (resumes.seq).
struct index_row {
  std::string resume_id, user_id, model, text;
  std::string vector;  ///< float32 little-endian
  int64_t version = 0;
  int chunk_index = 0;
};
/// The chunks of the next `max_resumes` resumes with chunks after resume id
/// `after` (empty: from the first), ordered by resume and chunk: pages for
/// rebuilding the index.
std::vector<index_row> index_page(pqxx::transaction_base& txn, const std::string& after, int max_resumes);

/// What the index should hold for one resume right now (another node changed
/// it): its owner, version and stored chunks; `exists` false when it was deleted.
struct index_state {
  bool exists = false;
  std::string user_id;
  int64_t version = 0;
  std::vector<index_row> rows;
};
index_state index_of(pqxx::transaction_base& txn, const std::string& resume_id);

/// The masked text of a resume to (re-)index: owner or admin, not_found
/// otherwise; illegal_transition unless the resume is ready.
struct masked_text {
  std::string user_id, masked;
};
masked_text masked_of(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id, bool admin);

/// Replaces the resume's chunks with `chunks` (a rag/index) and bumps its
/// seq; returns the new seq, the version of these chunks in the index.
int64_t replace_embeddings(pqxx::transaction_base& txn, const std::string& id, const std::string& model,
                           const std::vector<embedded_chunk>& chunks);

/// Deletes the resume's chunks (a rag/delete; the resume stays) and bumps
/// its seq. not_found unless owner or admin.
struct dropped_chunks {
  std::string user_id;
  int64_t removed = 0;
  int64_t seq = 0;
};
dropped_chunks drop_embeddings(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id,
                               bool admin);

/// The resumes a company may search: each attached by its own owner to an
/// application to one of the company's jobs that was not withdrawn.
std::vector<std::string> visible_to_company(pqxx::transaction_base& txn, const std::string& company_id);

// ---- the API's requests, as tasks for the db pool ------------------------------------

/// `create` (answers the row; resume.uploaded in the outbox). The file is stored before.
db_fn create_command(new_resume r);
/// `get` for the owner, an admin, or a company it was sent to (company_id "").
db_fn get_query(std::string id, std::string user_id, bool admin, std::string company_id = {});
/// `list`.
db_fn list_request(std::string user_id, int limit, std::string before);
/// The original's facts for its owner: {"user_id", "file_name", "file_type"}.
db_fn original_query(std::string id, std::string user_id);
/// `remove` for its owner or an admin: {"user_id": the owner} (resume.deleted in the outbox).
db_fn remove_command(std::string id, std::string user_id, bool admin);
/// `dead_letters`.
db_fn dead_letters_query(int limit);
/// `replay`.
db_fn replay_command(std::string id);
/// `masked_of`: {"user_id", "masked"}.
db_fn masked_query(std::string id, std::string user_id, bool admin);
/// `replace_embeddings` with the chunks `rows` holds when the task runs (its before
/// step may fill them): {"version": the new seq}.
db_fn replace_embeddings_command(std::string id, std::string model,
                                 std::shared_ptr<const std::vector<embedded_chunk>> rows);
/// `drop_embeddings`: {"resume_id", "user_id", "removed", "version"}.
db_fn drop_embeddings_command(std::string id, std::string user_id, bool admin);
/// `visible_to_company`: the ids as an array.
db_fn visible_to_company_query(std::string company_id);
/// `index_page` into `*rows` (answers {"rows": n}).
db_fn index_page_query(std::string after, int max_resumes, std::shared_ptr<std::vector<index_row>> rows);
/// `index_of` into `*state` (answers null).
db_fn index_state_query(std::string resume_id, std::shared_ptr<index_state> state);

// ---- the pipeline's tasks --------------------------------------------------------------

/// What one stage computed (outside any transaction) and now commits.
struct stage_commit {
  std::string id;
  std::string from, to;  ///< the fence: stage `from` (empty: none) moves to `to`
  int progress = 0;
  ai_task task;
  std::optional<std::pair<std::string, nlohmann::json>> masked;  ///< masked text, counts per entity type
  std::optional<nlohmann::json> parsed;
  std::optional<std::pair<std::string, std::vector<embedded_chunk>>> embeddings;  ///< model, chunks
  std::optional<std::string> summary;  ///< the last stage: the resume becomes ready
  /// A permanent failure instead (code, message): the resume ends in error.
  std::optional<std::pair<std::string, std::string>> failure;
};

/// Commits `*c` as it is when the task runs (its before step computes it): the
/// outputs, then the fence (`advance`), or the failure (`fail`). Answers {"failed":
/// false, "seq"} or {"failed": true, "seq", "code", "message"}; conflict when another
/// pipeline moved on or the resume is gone.
db_fn stage_commit_command(std::shared_ptr<const stage_commit> c);

/// `fail` after a stage kept failing: {"failed": true, "seq", "code", "message"}.
db_fn fail_command(std::string id, std::string stage_failed, std::string code, std::string message);

/// `load` for a pipeline resuming: {user_id, file_type, status, stage, masked, parsed,
/// seq}, or null for no such resume.
db_fn pipeline_row_query(std::string id);

/// `unfinished` as an array of ids.
db_fn unfinished_query(int limit);

}  // namespace hirehub::persistence::resumes
