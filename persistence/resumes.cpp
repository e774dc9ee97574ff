#include "persistence/resumes.hpp"

#include <pqxx/pqxx>

#include "domain/errors.hpp"
#include "persistence/db.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"

namespace hirehub::persistence::resumes {

using nlohmann::json;

namespace {

// The owner's view: everything but the original's storage path.
const char* view_columns =
    "json_build_object('id', r.id, 'user_id', r.user_id, 'title', r.title, 'file_name', CASE WHEN r.user_id = $2::uuid "
    "THEN "
    "r.original_file_name END, 'file_type', r.file_type, 'file_size', r.file_size, 'status', r.status, 'stage', "
    "r.stage, 'progress', r.progress, "
    "'seq', r.seq, 'error', CASE WHEN r.status = 'error' THEN json_build_object('code', r.error_code, 'message', "
    "r.error_message) END, 'is_primary', r.is_primary, 'masked_content', r.masked_content, 'parsed', "
    "r.parsed_content, 'summary', r.ai_summary, 'created_at', to_char(r.created_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'updated_at', to_char(r.updated_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))::text";

const char* list_columns =
    "json_build_object('id', r.id, 'title', r.title, 'file_name', r.original_file_name, 'file_type', r.file_type, "
    "'status', r.status, 'stage', r.stage, 'progress', r.progress, 'seq', r.seq, 'is_primary', r.is_primary, "
    "'created_at', to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))::text";

std::optional<std::string> date_of(const json& v) {
  if (!v.is_string())
    return std::nullopt;
  auto s = v.get<std::string>();
  if (s.size() == 7)
    return s + "-01";
  if (s.size() == 4)
    return s + "-01-01";
  return std::nullopt;
}

std::string owner_check(const char* alias) {
  return std::string(" AND (") + alias + ".user_id = $2::uuid OR $3)";
}

/// The resumes a company sees: attached by their owner to an application to
/// one of its jobs that was not withdrawn. `company` is a parameter ($n).
std::string company_sees(const char* alias, const char* company) {
  return std::string("EXISTS (SELECT 1 FROM applications a WHERE a.resume_id = ") + alias +
         ".id AND a.user_id = " + alias + ".user_id AND a.company_id = " + company +
         "::uuid AND a.status <> 'withdrawn')";
}

}  // namespace

json create(pqxx::transaction_base& txn, const new_resume& r) {
  txn.exec_params(
      "INSERT INTO resumes (id, user_id, title, original_file_url, original_file_name, file_type, file_size, "
      "file_sha256) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::bigint, $8)",
      r.id, r.user_id, r.title.empty() ? std::optional<std::string>{} : std::optional<std::string>{r.title}, r.file_url,
      r.file_name, r.file_type, r.file_size, r.sha256);
  // The seed's payload; file_url names the stored original (a path, no PII).
  write_outbox(txn, "resume.uploaded", r.id,
               {{"event_id", ids::random_uuid()},
                {"resume_id", r.id},
                {"user_id", r.user_id},
                {"file_url", r.file_url},
                {"file_type", r.file_type},
                {"occurred_at", sql_now_iso(txn)}});
  return {{"id", r.id}, {"status", "processing"}, {"seq", 1}};
}

json get(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id, bool admin,
         const std::string& company_id) {
  auto rows = txn.exec_params(
      std::string("SELECT ") + view_columns +
          " FROM resumes r WHERE r.id = $1::uuid AND (r.user_id = $2::uuid OR $3 OR ($4::uuid "
          "IS NOT NULL AND " +
          company_sees("r", "$4") + "))",
      id, user_id, admin, company_id.empty() ? std::optional<std::string>{} : std::optional<std::string>{company_id});
  if (rows.empty())
    throw make_error(errc::not_found, "no resume with this id");
  return json::parse(rows[0][0].as<std::string>());
}

json list(pqxx::transaction_base& txn, const std::string& user_id, int limit, const std::string& before) {
  pqxx::result rows;
  if (before.empty()) {
    rows = txn.exec_params(std::string("SELECT ") + list_columns +
                               ", r.id::text FROM resumes r WHERE r.user_id = $1::uuid ORDER BY r.created_at DESC, "
                               "r.id DESC LIMIT $2::int",
                           user_id, limit + 1);
  } else {
    rows = txn.exec_params(std::string("SELECT ") + list_columns +
                               ", r.id::text FROM resumes r, resumes c WHERE r.user_id = $1::uuid AND c.id = "
                               "$3::uuid AND (r.created_at, r.id) < (c.created_at, c.id) ORDER BY r.created_at "
                               "DESC, r.id DESC LIMIT $2::int",
                           user_id, limit + 1, before);
  }
  json items = json::array();
  std::string next;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (static_cast<int>(i) == limit) {
      next = rows[i - 1][1].as<std::string>();
      break;
    }
    items.push_back(json::parse(rows[i][0].as<std::string>()));
  }
  return {{"items", items}, {"next_before", next.empty() ? json(nullptr) : json(next)}};
}

file_ref file_of(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id, bool admin) {
  auto rows =
      txn.exec_params("SELECT r.user_id::text, r.original_file_name, r.file_type FROM resumes r WHERE r.id = $1::uuid" +
                          owner_check("r"),
                      id, user_id, admin);
  if (rows.empty())
    throw make_error(errc::not_found, "no resume with this id");
  return {rows[0][0].as<std::string>(), rows[0][1].as<std::string>(), rows[0][2].as<std::string>()};
}

std::string remove(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id, bool admin) {
  auto rows =
      txn.exec_params("DELETE FROM resumes r WHERE r.id = $1::uuid" + owner_check("r") + " RETURNING r.user_id::text",
                      id, user_id, admin);
  if (rows.empty())
    throw make_error(errc::not_found, "no resume with this id");
  txn.exec_params("DELETE FROM ai_tasks WHERE source_type = 'resume' AND source_id = $1::uuid", id);
  auto owner = rows[0][0].as<std::string>();
  write_outbox(
      txn, "resume.deleted", id,
      {{"event_id", ids::random_uuid()}, {"resume_id", id}, {"user_id", owner}, {"occurred_at", sql_now_iso(txn)}});
  return owner;
}

std::optional<pipeline_row> load(pqxx::transaction_base& txn, const std::string& id) {
  auto rows = txn.exec_params(
      "SELECT user_id::text, COALESCE(title, ''), original_file_name, file_type, status, COALESCE(stage, ''), "
      "COALESCE(masked_content, ''), COALESCE(parsed_content::text, ''), seq, attempts FROM resumes WHERE id = "
      "$1::uuid",
      id);
  if (rows.empty())
    return std::nullopt;
  const auto& r = rows[0];
  pipeline_row p;
  p.id = id;
  p.user_id = r[0].as<std::string>();
  p.title = r[1].as<std::string>();
  p.file_name = r[2].as<std::string>();
  p.file_type = r[3].as<std::string>();
  p.status = r[4].as<std::string>();
  p.stage = r[5].as<std::string>();
  p.masked = r[6].as<std::string>();
  p.parsed_json = r[7].as<std::string>();
  p.seq = r[8].as<int64_t>();
  p.attempts = r[9].as<int>();
  return p;
}

std::optional<int64_t> advance(pqxx::transaction_base& txn, const std::string& id, const std::string& from,
                               const std::string& to, int progress, const ai_task& task) {
  auto rows = txn.exec_params(
      "UPDATE resumes SET stage = $3, progress = $4::int, seq = seq + 1, updated_at = now() WHERE id = $1::uuid AND "
      "status = 'processing' AND COALESCE(stage, '') = $2 RETURNING seq",
      id, from, to, progress);
  if (rows.empty())
    return std::nullopt;
  txn.exec_params(
      "INSERT INTO ai_tasks (task_type, source_type, source_id, status, output_data, model_used, processing_time_ms, "
      "completed_at) VALUES ($1, 'resume', $2::uuid, 'completed', $3::jsonb, $4, $5::int, now())",
      task.task_type, id, task.output.dump(), task.model, static_cast<int>(task.elapsed_ms));
  return rows[0][0].as<int64_t>();
}

void save_masked(pqxx::transaction_base& txn, const std::string& id, const std::string& masked, const json& counts) {
  txn.exec_params("UPDATE resumes SET masked_content = $2 WHERE id = $1::uuid", id, masked);
  txn.exec_params("DELETE FROM pii_masking_logs WHERE resume_id = $1::uuid", id);
  txn.exec_params("INSERT INTO pii_masking_logs (resume_id, masked_fields) VALUES ($1::uuid, $2::jsonb)", id,
                  counts.dump());
}

void save_parsed(pqxx::transaction_base& txn, const std::string& id, const json& parsed) {
  txn.exec_params("UPDATE resumes SET parsed_content = $2::jsonb WHERE id = $1::uuid", id, parsed.dump());
  // Idempotent: a stage re-run after a crash replaces its rows.
  txn.exec_params("DELETE FROM resume_experiences WHERE resume_id = $1::uuid", id);
  txn.exec_params("DELETE FROM resume_skills WHERE resume_id = $1::uuid", id);
  txn.exec_params("DELETE FROM resume_educations WHERE resume_id = $1::uuid", id);
  auto cut = [](const json& v, size_t n) {
    auto s = v.is_string() ? v.get<std::string>() : std::string{};
    if (s.size() <= n)
      return s;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
      --n;
    return s.substr(0, n);
  };
  for (const auto& e : parsed.value("experiences", json::array()))
    txn.exec_params(
        "INSERT INTO resume_experiences (resume_id, company_name, position, start_date, end_date, is_current, "
        "description) VALUES ($1::uuid, $2, $3, $4::date, $5::date, $6, $7)",
        id, cut(e["company"], 200), cut(e["position"], 100), date_of(e["start"]), date_of(e["end"]),
        e.value("current", false), cut(e["description"], 4000));
  for (const auto& e : parsed.value("educations", json::array()))
    txn.exec_params(
        "INSERT INTO resume_educations (resume_id, school_name, degree, major, start_date, end_date, is_current) "
        "VALUES ($1::uuid, $2, $3, $4, $5::date, $6::date, $7)",
        id, cut(e["school"], 200), cut(e["degree"], 100), cut(e["major"], 100), date_of(e["start"]), date_of(e["end"]),
        e.value("current", false));
  for (const auto& sk : parsed.value("skills", json::array()))
    txn.exec_params(
        "INSERT INTO resume_skills (resume_id, skill_name, proficiency, years) VALUES ($1::uuid, $2, $3, $4::int)", id,
        cut(sk["name"], 100),
        sk["proficiency"].is_string() ? std::optional<std::string>{sk["proficiency"].get<std::string>()}
                                      : std::optional<std::string>{},
        sk["years"].is_number() ? std::optional<int>{sk["years"].get<int>()} : std::optional<int>{});
}

void save_embeddings(pqxx::transaction_base& txn, const std::string& id, const std::string& model,
                     const std::vector<embedded_chunk>& chunks) {
  txn.exec_params("DELETE FROM resume_embeddings WHERE resume_id = $1::uuid", id);
  for (const auto& c : chunks) {
    pqxx::binarystring vec(c.vector.data(), c.vector.size());
    txn.exec_params(
        "INSERT INTO resume_embeddings (resume_id, chunk_index, chunk_text, model, embedding) VALUES ($1::uuid, "
        "$2::int, $3, $4, $5)",
        id, c.index, c.text, model, vec);
  }
}

void save_summary(pqxx::transaction_base& txn, const std::string& id, const std::string& summary) {
  auto rows = txn.exec_params(
      "UPDATE resumes SET ai_summary = $2, status = 'ready', error_code = NULL, error_message = NULL WHERE id = "
      "$1::uuid RETURNING user_id::text, COALESCE(title, original_file_name)",
      id, summary);
  write_outbox(txn, "resume.processed", id,
               {{"event_id", ids::random_uuid()},
                {"resume_id", id},
                {"user_id", rows[0][0].as<std::string>()},
                {"resume_title", rows[0][1].as<std::string>()},
                {"status", "ready"},
                {"occurred_at", sql_now_iso(txn)}});
}

std::optional<int64_t> fail(pqxx::transaction_base& txn, const std::string& id, const std::string& stage_failed,
                            const std::string& code, const std::string& message, int64_t elapsed_ms) {
  auto rows = txn.exec_params(
      "UPDATE resumes SET status = 'error', error_code = $2, error_message = $3, seq = seq + 1, updated_at = now() "
      "WHERE id = $1::uuid AND status = 'processing' RETURNING seq, user_id::text, COALESCE(title, "
      "original_file_name)",
      id, code, message);
  if (rows.empty())
    return std::nullopt;
  txn.exec_params(
      "INSERT INTO ai_tasks (task_type, source_type, source_id, status, error_message, processing_time_ms, "
      "completed_at) VALUES ($1, 'resume', $2::uuid, 'failed', $3, $4::int, now())",
      stage_failed, id, code + ": " + message, static_cast<int>(elapsed_ms));
  write_outbox(txn, "resume.processed", id,
               {{"event_id", ids::random_uuid()},
                {"resume_id", id},
                {"user_id", rows[0][1].as<std::string>()},
                {"resume_title", rows[0][2].as<std::string>()},
                {"status", "error"},
                {"error_code", code},
                {"occurred_at", sql_now_iso(txn)}});
  return rows[0][0].as<int64_t>();
}

json dead_letters(pqxx::transaction_base& txn, int limit) {
  auto rows = txn.exec_params(
      "SELECT json_build_object('id', r.id, 'user_id', r.user_id, 'file_type', r.file_type, 'stage', r.stage, "
      "'error', json_build_object('code', r.error_code, 'message', r.error_message), 'attempts', r.attempts, "
      "'updated_at', to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))::text FROM "
      "resumes r WHERE r.status = 'error' ORDER BY r.updated_at DESC LIMIT $1::int",
      limit);
  json items = json::array();
  for (const auto& r : rows)
    items.push_back(json::parse(r[0].as<std::string>()));
  return {{"items", items}};
}

json replay(pqxx::transaction_base& txn, const std::string& id) {
  auto rows = txn.exec_params("SELECT status FROM resumes WHERE id = $1::uuid FOR UPDATE", id);
  if (rows.empty())
    throw make_error(errc::not_found, "no resume with this id");
  if (rows[0][0].as<std::string>() != "error")
    throw make_error(resumes_errc::illegal_transition, "only a resume that ended in error can be replayed");
  auto r = txn.exec_params(
      "UPDATE resumes SET status = 'processing', error_code = NULL, error_message = NULL, attempts = attempts + 1, "
      "seq = seq + 1, updated_at = now() WHERE id = $1::uuid RETURNING user_id::text, seq",
      id);
  return {{"id", id}, {"user_id", r[0][0].as<std::string>()}, {"seq", r[0][1].as<int64_t>()}, {"status", "processing"}};
}

std::vector<std::string> unfinished(pqxx::transaction_base& txn, int limit) {
  auto rows = txn.exec_params(
      "SELECT id::text FROM resumes WHERE status = 'processing' ORDER BY updated_at LIMIT $1::int", limit);
  std::vector<std::string> out;
  for (const auto& r : rows)
    out.push_back(r[0].as<std::string>());
  return out;
}

// ---- the vector index and the RAG API ---------------------------------------------

index_state index_of(pqxx::transaction_base& txn, const std::string& resume_id) {
  index_state out;
  auto head = txn.exec_params("SELECT user_id::text, seq FROM resumes WHERE id = $1::uuid", resume_id);
  if (head.empty())
    return out;
  out.exists = true;
  out.user_id = head[0][0].as<std::string>();
  out.version = head[0][1].as<int64_t>();
  for (const auto& r : txn.exec_params("SELECT chunk_index, chunk_text, model, embedding FROM resume_embeddings WHERE "
                                       "resume_id = $1::uuid ORDER BY chunk_index",
                                       resume_id)) {
    index_row x;
    x.resume_id = resume_id;
    x.user_id = out.user_id;
    x.version = out.version;
    x.chunk_index = r[0].as<int>();
    x.text = r[1].as<std::string>();
    x.model = r[2].as<std::string>();
    x.vector = pqxx::binarystring(r[3]).str();
    out.rows.push_back(std::move(x));
  }
  return out;
}

std::vector<index_row> index_page(pqxx::transaction_base& txn, const std::string& after, int max_resumes) {
  auto rows = txn.exec_params(
      "WITH page AS (SELECT r.id, r.user_id, r.seq FROM resumes r WHERE r.id > COALESCE($1::uuid, "
      "'00000000-0000-0000-0000-000000000000'::uuid) AND EXISTS (SELECT 1 FROM resume_embeddings e WHERE e.resume_id "
      "= r.id) ORDER BY r.id LIMIT $2::int) "
      "SELECT p.id::text, p.user_id::text, p.seq, e.chunk_index, e.chunk_text, e.model, e.embedding FROM page p JOIN "
      "resume_embeddings e ON e.resume_id = p.id ORDER BY p.id, e.chunk_index",
      after.empty() ? std::optional<std::string>{} : std::optional<std::string>{after}, max_resumes);
  std::vector<index_row> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    index_row x;
    x.resume_id = r[0].as<std::string>();
    x.user_id = r[1].as<std::string>();
    x.version = r[2].as<int64_t>();
    x.chunk_index = r[3].as<int>();
    x.text = r[4].as<std::string>();
    x.model = r[5].as<std::string>();
    x.vector = pqxx::binarystring(r[6]).str();
    out.push_back(std::move(x));
  }
  return out;
}

masked_text masked_of(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id, bool admin) {
  auto rows = txn.exec_params(
      "SELECT r.user_id::text, r.status, COALESCE(r.masked_content, '') FROM resumes r WHERE "
      "r.id = $1::uuid" +
          owner_check("r") + " FOR UPDATE",
      id, user_id, admin);
  if (rows.empty())
    throw make_error(errc::not_found, "no resume with this id");
  if (rows[0][1].as<std::string>() != "ready")
    throw make_error(resumes_errc::illegal_transition,
                     "the resume is " + rows[0][1].as<std::string>() + "; only a ready resume can be indexed");
  return {rows[0][0].as<std::string>(), rows[0][2].as<std::string>()};
}

int64_t replace_embeddings(pqxx::transaction_base& txn, const std::string& id, const std::string& model,
                           const std::vector<embedded_chunk>& chunks) {
  save_embeddings(txn, id, model, chunks);
  auto rows =
      txn.exec_params("UPDATE resumes SET seq = seq + 1, updated_at = now() WHERE id = $1::uuid RETURNING seq", id);
  return rows[0][0].as<int64_t>();
}

dropped_chunks drop_embeddings(pqxx::transaction_base& txn, const std::string& id, const std::string& user_id,
                               bool admin) {
  auto rows = txn.exec_params("UPDATE resumes r SET seq = r.seq + 1, updated_at = now() WHERE r.id = $1::uuid" +
                                  owner_check("r") + " RETURNING r.user_id::text, r.seq",
                              id, user_id, admin);
  if (rows.empty())
    throw make_error(errc::not_found, "no resume with this id");
  auto removed = txn.exec_params("DELETE FROM resume_embeddings WHERE resume_id = $1::uuid", id).affected_rows();
  return {rows[0][0].as<std::string>(), static_cast<int64_t>(removed), rows[0][1].as<int64_t>()};
}

std::vector<std::string> visible_to_company(pqxx::transaction_base& txn, const std::string& company_id) {
  auto rows = txn.exec_params("SELECT r.id::text FROM resumes r WHERE " + company_sees("r", "$1"), company_id);
  std::vector<std::string> out;
  out.reserve(rows.size());
  for (const auto& r : rows)
    out.push_back(r[0].as<std::string>());
  return out;
}

db_fn create_command(new_resume r) {
  return [r = std::move(r)](pqxx::transaction_base& txn) { return reply(create(txn, r), true); };
}

db_fn get_query(std::string id, std::string user_id, bool admin, std::string company_id) {
  return [id = std::move(id), user_id = std::move(user_id), admin, company_id = std::move(company_id)](
             pqxx::transaction_base& txn) { return reply(get(txn, id, user_id, admin, company_id)); };
}

db_fn list_request(std::string user_id, int limit, std::string before) {
  return [user_id = std::move(user_id), limit, before = std::move(before)](pqxx::transaction_base& txn) {
    return reply(list(txn, user_id, limit, before));
  };
}

db_fn original_query(std::string id, std::string user_id) {
  return [id = std::move(id), user_id = std::move(user_id)](pqxx::transaction_base& txn) {
    auto f = file_of(txn, id, user_id, false);
    return reply({{"user_id", f.user_id}, {"file_name", f.file_name}, {"file_type", f.file_type}});
  };
}

db_fn remove_command(std::string id, std::string user_id, bool admin) {
  return [id = std::move(id), user_id = std::move(user_id), admin](pqxx::transaction_base& txn) {
    return reply({{"user_id", remove(txn, id, user_id, admin)}}, true);
  };
}

db_fn dead_letters_query(int limit) {
  return [limit](pqxx::transaction_base& txn) { return reply(dead_letters(txn, limit)); };
}

db_fn replay_command(std::string id) {
  return [id = std::move(id)](pqxx::transaction_base& txn) { return reply(replay(txn, id)); };
}

db_fn masked_query(std::string id, std::string user_id, bool admin) {
  return [id = std::move(id), user_id = std::move(user_id), admin](pqxx::transaction_base& txn) {
    auto doc = masked_of(txn, id, user_id, admin);
    return reply({{"user_id", doc.user_id}, {"masked", doc.masked}});
  };
}

db_fn replace_embeddings_command(std::string id, std::string model,
                                 std::shared_ptr<const std::vector<embedded_chunk>> rows) {
  return [id = std::move(id), model = std::move(model), rows = std::move(rows)](pqxx::transaction_base& txn) {
    return reply({{"version", replace_embeddings(txn, id, model, *rows)}});
  };
}

db_fn drop_embeddings_command(std::string id, std::string user_id, bool admin) {
  return [id = std::move(id), user_id = std::move(user_id), admin](pqxx::transaction_base& txn) {
    auto d = drop_embeddings(txn, id, user_id, admin);
    return reply({{"resume_id", id}, {"user_id", d.user_id}, {"removed", d.removed}, {"version", d.seq}});
  };
}

db_fn visible_to_company_query(std::string company_id) {
  return [company_id = std::move(company_id)](pqxx::transaction_base& txn) {
    return reply(visible_to_company(txn, company_id));
  };
}

db_fn index_page_query(std::string after, int max_resumes, std::shared_ptr<std::vector<index_row>> rows) {
  return [after = std::move(after), max_resumes, rows = std::move(rows)](pqxx::transaction_base& txn) {
    *rows = index_page(txn, after, max_resumes);
    return reply({{"rows", rows->size()}});
  };
}

db_fn index_state_query(std::string resume_id, std::shared_ptr<index_state> state) {
  return [resume_id = std::move(resume_id), state = std::move(state)](pqxx::transaction_base& txn) {
    *state = index_of(txn, resume_id);
    return reply(nullptr);
  };
}

namespace {

json failed_reply(std::optional<int64_t> seq, const std::string& code, const std::string& message) {
  if (!seq)
    throw make_error(errc::conflict, "superseded");
  return {{"failed", true}, {"seq", *seq}, {"code", code}, {"message", message}};
}

}  // namespace

db_fn stage_commit_command(std::shared_ptr<const stage_commit> c) {
  return [c = std::move(c)](pqxx::transaction_base& txn) {
    if (c->failure) {
      auto seq = fail(txn, c->id, c->task.task_type, c->failure->first, c->failure->second, c->task.elapsed_ms);
      return reply(failed_reply(seq, c->failure->first, c->failure->second), true);
    }
    if (c->masked)
      save_masked(txn, c->id, c->masked->first, c->masked->second);
    if (c->parsed)
      save_parsed(txn, c->id, *c->parsed);
    if (c->embeddings)
      save_embeddings(txn, c->id, c->embeddings->first, c->embeddings->second);
    auto seq = advance(txn, c->id, c->from, c->to, c->progress, c->task);
    if (!seq)
      throw make_error(errc::conflict, "superseded");
    if (c->summary)
      save_summary(txn, c->id, *c->summary);  // after the fence: it ends `processing`
    return reply({{"failed", false}, {"seq", *seq}}, c->summary.has_value());
  };
}

db_fn fail_command(std::string id, std::string stage_failed, std::string code, std::string message) {
  return [id = std::move(id), stage_failed = std::move(stage_failed), code = std::move(code),
          message = std::move(message)](pqxx::transaction_base& txn) {
    return reply(failed_reply(fail(txn, id, stage_failed, code, message, 0), code, message), true);
  };
}

db_fn pipeline_row_query(std::string id) {
  return [id = std::move(id)](pqxx::transaction_base& txn) {
    auto row = load(txn, id);
    if (!row)
      return reply(nullptr);
    return reply({{"user_id", row->user_id},
                  {"file_type", row->file_type},
                  {"status", row->status},
                  {"stage", row->stage},
                  {"masked", row->masked},
                  {"parsed", row->parsed_json},
                  {"seq", row->seq}});
  };
}

db_fn unfinished_query(int limit) {
  return [limit](pqxx::transaction_base& txn) { return reply(unfinished(txn, limit)); };
}

}  // namespace hirehub::persistence::resumes
