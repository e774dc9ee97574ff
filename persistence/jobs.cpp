#include "persistence/jobs.hpp"

#include <map>
#include <set>

#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "persistence/outbox.hpp"
#include "persistence/types.hpp"
#include "runtime/crypto.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"
#include "runtime/search_text.hpp"

namespace hirehub::persistence::jobs {

namespace {

using nlohmann::json;

const char* job_json_sql =
    "json_build_object('id', j.id, 'company_id', j.company_id, 'company_name', c.name, 'created_by', j.created_by, "
    "'title', j.title, 'description', j.description, 'requirements', j.requirements, 'job_type', j.job_type, "
    "'experience_level', j.experience_level, 'experience_min', j.experience_min, 'experience_max', j.experience_max, "
    "'salary_min', j.salary_min, 'salary_max', j.salary_max, 'location', j.location, 'remote_type', j.remote_type, "
    "'status', " HH_SQL_JOB_STATUS("j") ", "
    "'views_count', j.views_count, 'applies_count', j.applies_count, "
    "'posted_at', " HH_SQL_ISO("j.posted_at") ", 'expires_at', " HH_SQL_ISO("j.expires_at") ", "
    "'created_at', " HH_SQL_ISO("j.created_at") ", 'updated_at', " HH_SQL_ISO("j.updated_at") ", "
    "'version', j.version, 'skills', COALESCE((SELECT json_agg(json_build_object('name', t.name, 'required', "
    "s.is_required) ORDER BY s.is_required DESC, t.name) FROM job_skills s JOIN skill_tags t ON t.id = s.skill_id "
    "WHERE s.job_id = j.id), '[]'::json))";

struct job_row {
  std::string company_id;
  std::string status;
  int64_t version = 0;
};

/// Locks the job; 404 when it does not exist or is a draft of another company,
/// 403 when `by` may see it but not change it.
job_row lock_own(pqxx::transaction_base& txn, const std::string& job_id, const actor& by) {
  auto r = txn.exec_params("SELECT company_id::text, status, version FROM jobs WHERE id = $1::uuid FOR UPDATE", job_id);
  if (r.empty())
    throw make_error(errc::not_found, "no job with this id");
  job_row j{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<int64_t>()};
  domain::jobs::require_owner(by, j.company_id, j.status);
  return j;
}

json load(pqxx::transaction_base& txn, const std::string& job_id) {
  auto r = txn.exec_params(std::string{"SELECT "} + job_json_sql +
                               "::text FROM jobs j LEFT JOIN companies c ON c.id = j.company_id WHERE j.id = $1::uuid",
                           job_id);
  if (r.empty())
    throw make_error(errc::not_found, "no job with this id");
  return json::parse(r[0][0].as<std::string>());
}

/// Replaces the job's skills (canonical, each once: domain/jobs); names the master
/// list does not hold are refused with the field named.
void set_skills(pqxx::transaction_base& txn, const std::string& job_id, const json& skills) {
  txn.exec_params("DELETE FROM job_skills WHERE job_id = $1::uuid", job_id);
  auto refs = domain::jobs::canonical_skills(skills);
  for (size_t i = 0; i < refs.size(); ++i) {
    auto r = txn.exec_params("SELECT id::text FROM skill_tags WHERE lower(name) = lower($1)", refs[i].name);
    if (r.empty())
      throw make_error(errc::bad_request, "unknown skill '" + refs[i].name + "' (GET /api/v1/skills lists them)",
                       "skills[" + std::to_string(i) + "].name");
    txn.exec_params("INSERT INTO job_skills (job_id, skill_id, is_required) VALUES ($1::uuid, $2::uuid, $3)", job_id,
                    r[0][0].as<std::string>(), refs[i].required);
  }
}

/// Records a change: job_events row and the outbox event.
void record(pqxx::transaction_base& txn, const std::string& job_id, const std::string& company_id, int64_t version,
            const std::string& type, const actor& by, json payload) {
  auto event_id = ids::random_uuid();
  auto at = sql_now_iso(txn);
  txn.exec_params(
      "INSERT INTO job_events (job_id, version, event_type, actor_id, payload) "
      "VALUES ($1::uuid, $2, $3, NULLIF($4, '')::uuid, $5::jsonb)",
      job_id, version, type, by.user_id, payload.dump());
  payload["event_id"] = event_id;
  payload["job_id"] = job_id;
  payload["company_id"] = company_id;
  payload["version"] = version;
  payload["change"] = type;
  payload["occurred_at"] = at;
  write_outbox(txn, type == "created" ? "job.created" : "job.updated", job_id, payload);
}

void check_ranges(const pqxx::sql_error& e) {
  std::string what = e.what();
  if (what.find("jobs_experience_range") != std::string::npos)
    throw make_error(errc::bad_request, "experience_min must not exceed experience_max", "experience_min");
  if (what.find("jobs_salary_range") != std::string::npos)
    throw make_error(errc::bad_request, "salary_min must not exceed salary_max", "salary_min");
  if (what.find("expires_at") != std::string::npos || e.sqlstate() == "22007" || e.sqlstate() == "22008")
    throw make_error(errc::bad_request, "expires_at must be an RFC 3339 time", "expires_at");
}

json field_names(const json& fields) {
  json names = json::array();
  for (auto& [k, v] : fields.items())
    names.push_back(k);
  return names;
}

void check_future(pqxx::transaction_base& txn, const json& fields) {
  auto it = fields.find("expires_at");
  if (it == fields.end() || it->is_null())
    return;
  try {
    auto r = txn.exec_params("SELECT $1::timestamptz > now()", it->get<std::string>());
    if (!r[0][0].as<bool>())
      throw make_error(errc::bad_request, "expires_at must be in the future", "expires_at");
  } catch (const pqxx::data_exception&) {
    throw make_error(errc::bad_request, "expires_at must be an RFC 3339 time", "expires_at");
  }
}

}  // namespace

json create(pqxx::transaction_base& txn, const json& fields, const json& skills, const std::string& status,
            const actor& by) {
  domain::jobs::require_poster(by);
  check_future(txn, fields);
  auto id = ids::random_uuid();
  std::string cols = "id, company_id, created_by, status, posted_at";
  std::string vals = txn.quote(id) + "::uuid, " + txn.quote(by.company_id) + "::uuid, " + txn.quote(by.user_id) +
                     "::uuid, " + txn.quote(status) + ", " + (status == "open" ? "now()" : "NULL");
  for (auto& [k, v] : fields.items()) {
    cols += ", " + txn.quote_name(k);
    vals += ", " + sql_literal(txn, v);
  }
  try {
    txn.exec("INSERT INTO jobs (" + cols + ") VALUES (" + vals + ")");
  } catch (const pqxx::sql_error& e) {
    check_ranges(e);
    throw;
  }
  if (skills.is_array())
    set_skills(txn, id, skills);
  auto job = load(txn, id);
  record(txn, id, by.company_id, 1, "created", by,
         {{"title", job["title"]}, {"status", status}, {"created_by", by.user_id}});
  return job;
}

json update(pqxx::transaction_base& txn, const std::string& job_id, const json& fields, const json& skills,
            const actor& by) {
  auto j = lock_own(txn, job_id, by);
  check_future(txn, fields);
  std::string set = sql_assignments(txn, fields);
  try {
    txn.exec("UPDATE jobs SET " + (set.empty() ? std::string{} : set + ", ") +
             "version = version + 1, updated_at = now() WHERE id = " + txn.quote(job_id) + "::uuid");
  } catch (const pqxx::sql_error& e) {
    check_ranges(e);
    throw;
  }
  auto names = field_names(fields);
  if (skills.is_array()) {
    set_skills(txn, job_id, skills);
    names.push_back("skills");
  }
  record(txn, job_id, j.company_id, j.version + 1, "updated", by, {{"updated_fields", names}});
  return load(txn, job_id);
}

json set_status(pqxx::transaction_base& txn, const std::string& job_id, const std::string& to, const actor& by) {
  auto j = lock_own(txn, job_id, by);
  domain::jobs::check_transition(j.status, to);
  txn.exec_params(
      "UPDATE jobs SET status = $2::varchar, posted_at = CASE WHEN $2::varchar = 'open' THEN COALESCE(posted_at, "
      "now()) ELSE posted_at END, expires_at = CASE WHEN $2::varchar = 'open' AND expires_at <= now() THEN NULL "
      "ELSE expires_at END, "
      "version = version + 1, updated_at = now() WHERE id = $1::uuid",
      job_id, to);
  record(txn, job_id, j.company_id, j.version + 1, to == "open" ? "opened" : "closed", by,
         {{"updated_fields", {"status"}}, {"from_status", j.status}, {"status", to}});
  return load(txn, job_id);
}

void remove_draft(pqxx::transaction_base& txn, const std::string& job_id, const actor& by) {
  auto j = lock_own(txn, job_id, by);
  domain::jobs::check_deletable(j.status);
  txn.exec_params("DELETE FROM jobs WHERE id = $1::uuid", job_id);
  record(txn, job_id, j.company_id, j.version + 1, "deleted", by, {{"deleted", true}, {"status", "deleted"}});
}

json get(pqxx::transaction_base& txn, const std::string& job_id, const actor& viewer) {
  auto job = load(txn, job_id);
  auto company_id = job["company_id"].get<std::string>();
  if (!domain::jobs::visible(viewer, company_id, job["status"].get<std::string>()))
    throw make_error(errc::not_found, "no job with this id");
  if (domain::jobs::counts_view(viewer, company_id)) {
    // Views are a counter, not a domain event: both models are bumped here.
    txn.exec_params("UPDATE jobs SET views_count = views_count + 1 WHERE id = $1::uuid", job_id);
    txn.exec_params(
        "UPDATE job_search_docs SET doc = jsonb_set(doc, '{views_count}', "
        "to_jsonb(COALESCE((doc->>'views_count')::int, "
        "0) + 1)) WHERE job_id = $1::uuid",
        job_id);
    job["views_count"] = job["views_count"].get<int64_t>() + 1;
  }
  return job;
}

json skills(pqxx::transaction_base& txn) {
  auto r = txn.exec(
      "SELECT COALESCE(json_agg(json_build_object('name', name, 'category', category) ORDER BY category, name), "
      "'[]'::json)::text FROM skill_tags");
  return {{"skills", json::parse(r[0][0].as<std::string>())}};
}

// ---- the read model ----------------------------------------------------------------------

size_t project(pqxx::transaction_base& txn, const std::vector<std::string>& job_ids) {
  if (job_ids.empty())
    return 0;
  std::string ids;
  for (auto& id : job_ids)
    ids += (ids.empty() ? "" : ",") + txn.quote(id) + "::uuid";
  auto r =
      txn.exec(std::string{"SELECT j.id::text, "} + job_json_sql +
               "::text, j.title, COALESCE(j.description, '') || ' ' || COALESCE(j.requirements, ''), "
               "COALESCE(c.name, ''), COALESCE((SELECT string_agg(t.name, ' ') FROM job_skills s JOIN skill_tags t "
               "ON t.id = s.skill_id WHERE s.job_id = j.id), ''), COALESCE((SELECT array_agg(lower(t.name)) FROM "
               "job_skills s JOIN skill_tags t ON t.id = s.skill_id WHERE s.job_id = j.id), '{}')::text, "
               "j.version FROM jobs j LEFT JOIN companies c ON c.id = j.company_id WHERE j.id IN (" +
               ids + ")");
  std::set<std::string> found;
  std::string rows;
  for (auto row : r) {
    auto id = row[0].as<std::string>();
    found.insert(id);
    auto tsv = [&](int col, char weight) {
      return "setweight(to_tsvector('english', " + txn.quote(search_text::index_terms(row[col].as<std::string>())) +
             "), '" + weight + "')";
    };
    rows += (rows.empty() ? "(" : ",(") + txn.quote(id) + "::uuid, " + txn.quote(row[1].as<std::string>()) +
            "::jsonb, " + txn.quote(row[6].as<std::string>()) + "::text[], " + row[7].as<std::string>() + ", " +
            tsv(2, 'A') + " || " + tsv(5, 'B') + " || " + tsv(4, 'C') + " || " + tsv(3, 'D') + ")";
  }
  if (!rows.empty()) {
    txn.exec(
        "CREATE TEMP TABLE IF NOT EXISTS projected (id uuid, doc jsonb, skills text[], version bigint, "
        "search tsvector) ON COMMIT DELETE ROWS");
    txn.exec("INSERT INTO projected VALUES " + rows);
    txn.exec(
        "INSERT INTO job_search AS s (job_id, company_id, status, job_type, experience_level, experience_min, "
        "experience_max, salary_min, salary_max, location, remote_type, skills, posted_at, expires_at, sort_at, "
        "version, search) SELECT v.id, j.company_id, j.status, j.job_type, j.experience_level, "
        "j.experience_min, j.experience_max, j.salary_min, j.salary_max, j.location, j.remote_type, v.skills, "
        "j.posted_at, j.expires_at, COALESCE(j.posted_at, j.created_at), v.version, v.search "
        "FROM projected v JOIN jobs j ON j.id = v.id "
        "ON CONFLICT (job_id) DO UPDATE SET company_id = EXCLUDED.company_id, status = EXCLUDED.status, "
        "job_type = EXCLUDED.job_type, experience_level = EXCLUDED.experience_level, "
        "experience_min = EXCLUDED.experience_min, experience_max = EXCLUDED.experience_max, "
        "salary_min = EXCLUDED.salary_min, salary_max = EXCLUDED.salary_max, location = EXCLUDED.location, "
        "remote_type = EXCLUDED.remote_type, skills = EXCLUDED.skills, posted_at = EXCLUDED.posted_at, "
        "expires_at = EXCLUDED.expires_at, sort_at = EXCLUDED.sort_at, version = EXCLUDED.version, "
        "search = EXCLUDED.search WHERE s.version <= EXCLUDED.version");
    txn.exec(
        "INSERT INTO job_search_docs AS d (job_id, doc) SELECT v.id, v.doc FROM projected v "
        "JOIN job_search s ON s.job_id = v.id AND s.version = v.version "
        "ON CONFLICT (job_id) DO UPDATE SET doc = EXCLUDED.doc");
  }
  std::string gone;
  for (auto& id : job_ids)
    if (!found.count(id))
      gone += (gone.empty() ? "" : ",") + txn.quote(id) + "::uuid";
  if (!gone.empty())
    txn.exec("DELETE FROM job_search WHERE job_id IN (" + gone + ")");
  return job_ids.size();
}

void recount_applies(pqxx::transaction_base& txn, const std::vector<std::string>& job_ids) {
  if (job_ids.empty())
    return;
  // The counters (views are counted in the write model as they happen) are the
  // only part of the search document that an application changes.
  txn.exec_params(
      "WITH c AS (UPDATE jobs j SET applies_count = (SELECT count(*) FROM applications a WHERE a.job_id = j.id) "
      "WHERE j.id = ANY($1::uuid[]) RETURNING j.id, jsonb_build_object('applies_count', j.applies_count, "
      "'views_count', j.views_count) AS counts) UPDATE job_search_docs d SET doc = d.doc || c.counts FROM c "
      "WHERE d.job_id = c.id AND NOT d.doc @> c.counts",
      uuid_array_literal(job_ids));
}

/// The tsquery of the search's words.
std::string ts_query(pqxx::transaction_base& txn, const search_query& q) {
  return "plainto_tsquery('english', " + txn.quote(search_text::query_terms(q.text)) + ")";
}

/// The search's conditions on job_search s, ANDed ("true" for none).
std::string search_filter(pqxx::transaction_base& txn, const search_query& q, const std::string& query) {
  std::vector<std::string> where;
  bool text = !q.text.empty();
  if (q.status == "open")
    where.push_back("s.status = 'open' AND (s.expires_at IS NULL OR s.expires_at > now())");
  else if (q.status == "closed")
    where.push_back("(s.status = 'closed' OR (s.status = 'open' AND s.expires_at <= now()))");
  else if (q.status == "draft")
    where.push_back("s.status = 'draft'");
  if (text)
    where.push_back("s.search @@ " + query);
  if (!q.skills.empty()) {
    json lower = json::array();
    for (auto& sk : q.skills) {
      std::string l = sk;
      std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
      lower.push_back(l);
    }
    where.push_back("s.skills @> " + sql_literal(txn, lower));
  }
  if (!q.location.empty()) {
    std::string esc;
    for (char c : q.location) {
      if (c == '%' || c == '_' || c == '\\')
        esc += '\\';
      esc += c;
    }
    where.push_back("lower(s.location) LIKE lower(" + txn.quote(esc) + ") || '%'");
  }
  if (!q.remote_type.empty())
    where.push_back("s.remote_type = " + txn.quote(q.remote_type));
  if (!q.job_type.empty())
    where.push_back("s.job_type = " + txn.quote(q.job_type));
  if (!q.experience_level.empty())
    where.push_back("s.experience_level = " + txn.quote(q.experience_level));
  if (q.experience) {
    auto n = std::to_string(*q.experience);
    where.push_back("COALESCE(s.experience_min, 0) <= " + n +
                    " AND (s.experience_max IS NULL OR s.experience_max >= " + n + ")");
  }
  if (q.salary_min)
    where.push_back("(s.salary_max IS NULL OR s.salary_max >= " + std::to_string(*q.salary_min) + ")");
  if (q.salary_max)
    where.push_back("(s.salary_min IS NULL OR s.salary_min <= " + std::to_string(*q.salary_max) + ")");
  if (!q.company_id.empty())
    where.push_back("s.company_id = " + txn.quote(q.company_id) + "::uuid");

  std::string filter = where.empty() ? "true" : "";
  for (auto& w : where)
    filter += (filter.empty() ? "" : " AND ") + w;
  return filter;
}

/// The keyset condition on the ranked rows x that a cursor continues from (empty
/// without one); bad_request for a cursor of another search.
std::string after_cursor(pqxx::transaction_base& txn, const search_query& q) {
  bool relevance = q.sort == "relevance";
  std::string after;
  if (!q.cursor.empty()) {
    auto raw = crypto::base64url_decode(q.cursor);
    auto c = raw ? json::parse(*raw, nullptr, false) : json{};
    bool ok = c.is_object() && c.value("s", "") == q.sort && c.contains("t") && c["t"].is_string() && c.contains("i") &&
              c["i"].is_string() && ids::is_uuid(c["i"].get<std::string>()) &&
              (!relevance || (c.contains("r") && c["r"].is_number()));
    if (!ok)
      throw make_error(errc::bad_request, "cursor is not a cursor of this search (sort changed?)", "cursor");
    try {
      txn.exec_params("SELECT $1::timestamptz", c["t"].get<std::string>());
    } catch (const pqxx::data_exception&) {
      throw make_error(errc::bad_request, "cursor is not a cursor of this search", "cursor");
    }
    auto key =
        txn.quote(c["t"].get<std::string>()) + "::timestamptz, " + txn.quote(c["i"].get<std::string>()) + "::uuid";
    if (relevance) {
      char rank_text[32];
      std::snprintf(rank_text, sizeof rank_text, "%.9g", c["r"].get<double>());
      after = "(x.rank, x.sort_at, x.job_id) < (" + std::string{rank_text} + "::real, " + key + ")";
    } else {
      after = "(x.sort_at, x.job_id) < (" + key + ")";
    }
  }
  return after;
}

/// The page's SQL: over the newest `probe_rows` rows (`windowed`) or over every row.
std::string search_sql(pqxx::transaction_base& txn, const search_query& q, const std::string& filter,
                       const std::string& after, const std::string& query, bool windowed) {
  bool relevance = q.sort == "relevance";
  // Relevance ranks the newest `window` matches (ts_rank_cd: title > skills >
  // company > description) found among the newest `probe_rows` rows; ranking
  // every match of a common word would cost a heap visit per match. Rare words
  // have fewer matches than the window: all of them are ranked.
  //
  // Both sorts first probe the newest `probe_rows` rows: common words fill a
  // page within a few hundred of them (a walk of the newest index), rare words
  // are found through the text index restricted to the probe's time range.
  // Only when the probe cannot answer exactly (fewer matches than needed) does
  // the query run over every row, which then has few matches (GIN bitmap).
  // Unbounded, the planner alone cannot choose well: it misjudges ANDed Korean
  // bigrams, which are correlated.
  constexpr int probe_rows = 5000;
  // The conditions that bound the probe, for a table alias.
  auto window_where = [&](const std::string& a) {
    std::vector<std::string> w;
    if (q.status == "open" || q.status == "draft")
      w.push_back(a + ".status = " + txn.quote(q.status));
    if (!q.company_id.empty())
      w.push_back(a + ".company_id = " + txn.quote(q.company_id) + "::uuid");
    if (!relevance && !after.empty()) {
      // The keyset condition of "newest" also bounds the probe: it starts at the cursor.
      auto bound = after;
      for (auto pos = bound.find("x."); pos != std::string::npos; pos = bound.find("x.", pos))
        bound.replace(pos, 2, a + ".");
      w.push_back(bound);
    }
    return w;
  };
  std::string source = "job_search s";
  std::string bounded = filter;
  if (windowed) {
    // The probe: rows at least as new as the `probe_rows`-th newest (an
    // index-only walk finds that time). As a range rather than a LIMIT, the
    // planner may meet it with the text index (a bitmap AND: only matching
    // rows are read) or walk the newest index and stop at the page: rare
    // words take the first way, common ones the second.
    std::string w;
    for (auto& c : window_where("t"))
      w += (w.empty() ? " WHERE " : " AND ") + c;
    for (auto& c : window_where("s"))
      bounded += " AND " + c;
    bounded += " AND s.sort_at >= COALESCE((SELECT t.sort_at FROM job_search t" + w +
               " ORDER BY t.sort_at DESC, t.job_id DESC OFFSET " + std::to_string(probe_rows - 1) +
               " LIMIT 1), '-infinity')";
  }
  std::string candidates = "SELECT s.job_id, s.sort_at, s.status, s.expires_at" +
                           std::string{relevance ? ", s.search" : ""} + " FROM " + source + " WHERE " + bounded;
  std::string ranked =
      relevance ? "SELECT c.job_id, c.sort_at, c.status, c.expires_at, ts_rank_cd(c.search, " + query +
                      ") AS rank, count(*) OVER () AS n FROM (" + candidates +
                      " ORDER BY s.sort_at DESC, s.job_id DESC LIMIT " + std::to_string(q.relevance_window) + ") c"
                : "SELECT c.job_id, c.sort_at, c.status, c.expires_at, 0::real AS rank, 0::bigint AS n FROM (" +
                      candidates + ") c";
  std::string page = "SELECT x.* FROM (" + ranked + ") x" + (after.empty() ? "" : " WHERE " + after) + " ORDER BY " +
                     (relevance ? "x.rank DESC, " : "") + "x.sort_at DESC, x.job_id DESC LIMIT " +
                     std::to_string(q.limit + 1);
  return "SELECT CASE WHEN p.status = 'open' AND p.expires_at <= now() THEN jsonb_set(d.doc, '{status}', "
         "'\"closed\"') ELSE d.doc END::text, to_char(p.sort_at AT TIME ZONE 'UTC', "
         "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), p.job_id::text, p.rank, p.n FROM (" +
         page + ") p JOIN job_search_docs d ON d.job_id = p.job_id ORDER BY " + (relevance ? "p.rank DESC, " : "") +
         "p.sort_at DESC, p.job_id DESC";
}

json search(pqxx::transaction_base& txn, const search_query& q) {
  bool relevance = q.sort == "relevance";
  auto query = ts_query(txn, q);
  auto filter = search_filter(txn, q, query);
  auto after = after_cursor(txn, q);
  auto build = [&](bool windowed) { return search_sql(txn, q, filter, after, query, windowed); };
  auto r = txn.exec(build(true));
  // Newest: a full page from the probe is exactly the next page. Relevance: the
  // probe's candidates are used when they fill at least a page (so every page
  // of one search ranks the same set); otherwise every match is a candidate.
  bool exact = relevance ? (!r.empty() && r[0][4].as<int64_t>() > q.limit) : static_cast<int>(r.size()) > q.limit;
  if (!exact)
    r = txn.exec(build(false));
  json items = json::array();
  json next = nullptr;
  for (size_t i = 0; i < r.size(); ++i) {
    if (static_cast<int>(i) == q.limit) {
      auto& last = r[i - 1];
      json c = {{"s", q.sort}, {"t", last[1].as<std::string>()}, {"i", last[2].as<std::string>()}};
      if (relevance)
        c["r"] = last[3].as<double>();
      next = crypto::base64url_encode(c.dump());
      break;
    }
    auto doc = json::parse(r[i][0].as<std::string>());
    if (relevance)
      doc["score"] = r[i][3].as<double>();
    items.push_back(std::move(doc));
  }
  return {{"jobs", items}, {"next_cursor", next}};
}

// ---- the API's requests --------------------------------------------------------------

db_fn create_command(json fields, json skills, std::string status, actor by) {
  return [fields = std::move(fields), skills = std::move(skills), status = std::move(status), by = std::move(by)](
             pqxx::transaction_base& txn) { return reply(create(txn, fields, skills, status, by), true); };
}

db_fn update_command(std::string job_id, json fields, json skills, actor by) {
  return [job_id = std::move(job_id), fields = std::move(fields), skills = std::move(skills), by = std::move(by)](
             pqxx::transaction_base& txn) { return reply(update(txn, job_id, fields, skills, by), true); };
}

db_fn status_command(std::string job_id, std::string to, actor by) {
  return [job_id = std::move(job_id), to = std::move(to), by = std::move(by)](pqxx::transaction_base& txn) {
    return reply(set_status(txn, job_id, to, by), true);
  };
}

db_fn delete_draft_command(std::string job_id, actor by) {
  return [job_id = std::move(job_id), by = std::move(by)](pqxx::transaction_base& txn) {
    remove_draft(txn, job_id, by);
    return reply(nullptr, true);
  };
}

db_fn get_query(std::string job_id, actor viewer) {
  return [job_id = std::move(job_id), viewer = std::move(viewer)](pqxx::transaction_base& txn) {
    return reply(get(txn, job_id, viewer));
  };
}

db_fn skills_query() {
  return [](pqxx::transaction_base& txn) { return reply(skills(txn)); };
}

db_fn search_request(search_query q) {
  return [q = std::move(q)](pqxx::transaction_base& txn) { return reply(search(txn, q)); };
}

db_fn projection_command(std::vector<std::string> rebuild, std::vector<std::string> recount, std::string group,
                         std::vector<kafka_record> consumed) {
  return [rebuild = std::move(rebuild), recount = std::move(recount), group = std::move(group),
          consumed = std::move(consumed)](pqxx::transaction_base& txn) {
    recount_applies(txn, recount);
    auto n = project(txn, rebuild) + recount.size();
    outbox::confirm(txn, group, consumed);
    return reply(static_cast<int64_t>(n));
  };
}

}  // namespace hirehub::persistence::jobs
