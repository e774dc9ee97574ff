#include "persistence/matches.hpp"

#include <algorithm>
#include <map>

#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "persistence/outbox.hpp"
#include "persistence/types.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"

namespace hirehub::persistence::matches {

namespace {

using nlohmann::json;

std::string uuid_array(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (const auto& id : ids) {
    if (!ids::is_uuid(id))
      continue;
    if (out.size() > 1)
      out += ',';
    out += id;
  }
  return out + "}";
}

json scored_records(const std::vector<scored>& rows) {
  json out = json::array();
  for (const auto& s : rows)
    out.push_back({{"job_id", s.job_id},
                   {"resume_id", s.resume_id},
                   {"user_id", s.user_id},
                   {"overall", s.overall},
                   {"skill", s.skill},
                   {"experience", s.experience},
                   {"culture", s.culture},
                   {"breakdown", json::parse(s.breakdown, nullptr, false)},
                   {"reasoning", s.reasoning},
                   {"job_version", s.job_version},
                   {"resume_seq", s.resume_seq}});
  return out;
}

const char* record_columns =
    "x(job_id uuid, resume_id uuid, user_id uuid, overall numeric, skill numeric, experience numeric, culture numeric, "
    "breakdown jsonb, reasoning text, job_version bigint, resume_seq bigint)";

const char* row_columns =
    "m.id::text, m.job_id::text, m.resume_id::text, m.user_id::text, m.overall_score::float8, m.skill_score::float8, "
    "m.experience_score::float8, m.culture_score::float8, m.score_breakdown::text, m.ai_reasoning, m.is_recommended, "
    "m.seq, " HH_SQL_ISO("m.updated_at") ", m.job_version, m.resume_seq";

json row_of(const pqxx::row& r) {
  scored s;
  s.job_id = r[1].as<std::string>();
  s.resume_id = r[2].as<std::string>();
  s.user_id = r[3].as<std::string>();
  s.overall = r[4].as<double>();
  s.skill = r[5].as<double>();
  s.experience = r[6].as<double>();
  s.culture = r[7].as<double>();
  s.breakdown = r[8].as<std::string>();
  s.reasoning = r[9].as<std::string>();
  s.job_version = r[13].as<int64_t>();
  s.resume_seq = r[14].as<int64_t>();
  return row_json(s, r[0].as<std::string>(), r[11].as<int64_t>(), r[10].as<bool>(), r[12].as<std::string>());
}

json rows_of(const pqxx::result& res) {
  json out = json::array();
  for (const auto& r : res)
    out.push_back(row_of(r));
  return out;
}

/// Upserts rows, fenced: a row computed from older job or resume versions never
/// overwrites a newer one, and a row is rewritten only when its overall score moved
/// at least `step` or its versions are newer with another breakdown.
pqxx::result upsert(pqxx::transaction_base& txn, const std::vector<scored>& rows, double step) {
  return txn.exec_params(
      std::string{"INSERT INTO matches AS m (job_id, resume_id, user_id, overall_score, skill_score, "
                  "experience_score, culture_score, score_breakdown, ai_reasoning, job_version, resume_seq) "
                  "SELECT job_id, resume_id, user_id, overall, skill, experience, culture, breakdown, reasoning, "
                  "job_version, resume_seq FROM jsonb_to_recordset($1::jsonb) AS "} +
          record_columns +
          " ON CONFLICT (job_id, resume_id) DO UPDATE SET overall_score = EXCLUDED.overall_score, skill_score = "
          "EXCLUDED.skill_score, experience_score = EXCLUDED.experience_score, culture_score = "
          "EXCLUDED.culture_score, score_breakdown = EXCLUDED.score_breakdown, ai_reasoning = EXCLUDED.ai_reasoning, "
          "job_version = EXCLUDED.job_version, resume_seq = EXCLUDED.resume_seq, seq = nextval('matches_seq'), "
          "updated_at = now() WHERE m.job_version <= EXCLUDED.job_version AND m.resume_seq <= EXCLUDED.resume_seq "
          "AND (abs(m.overall_score - EXCLUDED.overall_score) >= $2::float8 OR ((m.job_version, m.resume_seq) <> "
          "(EXCLUDED.job_version, EXCLUDED.resume_seq) AND m.score_breakdown IS DISTINCT FROM "
          "EXCLUDED.score_breakdown)) RETURNING " +
          row_columns,
      scored_records(rows).dump(), step);
}

/// Appends many rows to the outbox in one statement, in the given order.
void write_outbox_many(pqxx::transaction_base& txn, const std::string& topic, const json& rows) {
  if (rows.empty())
    return;
  txn.exec_params(
      "INSERT INTO outbox (topic, key, payload) SELECT $1, v.key, v.payload FROM jsonb_to_recordset($2::jsonb) AS "
      "v(ord int, key text, payload jsonb) ORDER BY v.ord",
      topic, rows.dump());
}

void calculated_events(pqxx::transaction_base& txn, const json& changed) {
  auto now = sql_now_iso(txn);
  json rows = json::array();
  for (const auto& r : changed)
    rows.push_back({{"ord", rows.size()},
                    {"key", r["job_id"]},
                    {"payload",
                     {{"event_id", ids::random_uuid()},
                      {"match_id", r["match_id"]},
                      {"job_id", r["job_id"]},
                      {"resume_id", r["resume_id"]},
                      {"scores",
                       {{"overall", r["overall_score"]},
                        {"skill", r["skill_score"]},
                        {"experience", r["experience_score"]},
                        {"culture", r["culture_score"]}}},
                      {"occurred_at", now}}}});
  write_outbox_many(txn, "match.calculated", rows);
}

/// Each job's k-th best score and row count, after its rows changed.
void refresh_floors(pqxx::transaction_base& txn, const std::vector<std::string>& jobs, int k) {
  if (jobs.empty())
    return;
  txn.exec_params(
      "INSERT INTO match_floors AS f (job_id, floor, rows) SELECT j, (SELECT m.overall_score FROM matches m WHERE "
      "m.job_id = j ORDER BY m.overall_score DESC OFFSET $2::int - 1 LIMIT 1), (SELECT count(*) FROM matches m WHERE "
      "m.job_id = j) FROM unnest($1::uuid[]) AS j WHERE EXISTS (SELECT 1 FROM jobs WHERE id = j) ON CONFLICT (job_id) "
      "DO UPDATE SET floor = EXCLUDED.floor, rows = EXCLUDED.rows",
      uuid_array(jobs), k);
}

/// Trims the jobs back to their top-k (rows recommended or applied with stay).
pqxx::result trim(pqxx::transaction_base& txn, const std::vector<std::string>& jobs, int k) {
  return txn.exec_params(
      "DELETE FROM matches m USING (SELECT id FROM (SELECT id, is_recommended, row_number() OVER (PARTITION BY "
      "job_id ORDER BY overall_score DESC, resume_id) AS rn FROM matches WHERE job_id = ANY($1::uuid[])) r WHERE "
      "r.rn > $2::int AND NOT r.is_recommended) d WHERE m.id = d.id AND NOT EXISTS (SELECT 1 FROM applications a "
      "WHERE a.job_id = m.job_id AND a.resume_id = m.resume_id) RETURNING m.job_id::text, m.resume_id::text",
      uuid_array(jobs), k);
}

}  // namespace

json row_json(const scored& s, const std::string& match_id, int64_t seq, bool recommended,
              const std::string& calculated_at) {
  return json{{"match_id", match_id},
              {"job_id", s.job_id},
              {"resume_id", s.resume_id},
              {"user_id", s.user_id},
              {"overall_score", s.overall},
              {"skill_score", s.skill},
              {"experience_score", s.experience},
              {"culture_score", s.culture},
              {"breakdown", json::parse(s.breakdown, nullptr, false)},
              {"reasoning", s.reasoning},
              {"is_recommended", recommended},
              {"calculated_at", calculated_at},
              {"seq", seq},
              {"job_version", s.job_version},
              {"resume_seq", s.resume_seq}};
}

json pool(pqxx::transaction_base& txn, const std::vector<std::string>& users) {
  auto rows = txn.exec_params(
      "SELECT DISTINCT ON (r.user_id) r.id::text, r.user_id::text, r.seq, r.parsed_content::text FROM resumes r "
      "LEFT JOIN jobseeker_profiles p ON p.user_id = r.user_id WHERE r.status = 'ready' AND r.parsed_content IS NOT "
      "NULL AND COALESCE(p.open_to_matching, true) AND (cardinality($1::uuid[]) = 0 OR r.user_id = ANY($1::uuid[])) "
      "ORDER BY r.user_id, r.is_primary DESC, r.created_at DESC, r.id",
      uuid_array(users));
  json out = json::array();
  for (const auto& r : rows)
    out.push_back({{"resume_id", r[0].as<std::string>()},
                   {"user_id", r[1].as<std::string>()},
                   {"seq", r[2].as<int64_t>()},
                   {"parsed", json::parse(r[3].as<std::string>(), nullptr, false)}});
  return out;
}

json open_jobs(pqxx::transaction_base& txn, const std::vector<std::string>& jobs) {
  auto rows = txn.exec_params(
      "SELECT j.id::text, j.company_id::text, j.version, j.title, concat_ws(E'\\n', j.description, j.requirements), "
      "COALESCE((SELECT json_agg(json_build_object('name', t.name, 'required', s.is_required)) FROM job_skills s JOIN "
      "skill_tags t ON t.id = s.skill_id WHERE s.job_id = j.id), '[]'::json)::text, j.experience_min, "
      "j.experience_max, COALESCE(j.experience_level, ''), COALESCE(j.remote_type, ''), "
      "COALESCE((extract(epoch FROM j.expires_at) * 1000)::bigint, 0), c.name, COALESCE(j.location, '') FROM jobs j "
      "JOIN companies c ON c.id = j.company_id WHERE j.status = 'open' AND "
      "(j.expires_at IS NULL OR j.expires_at > now()) AND (cardinality($1::uuid[]) = 0 OR j.id = ANY($1::uuid[]))",
      uuid_array(jobs));
  json out = json::array();
  for (const auto& r : rows)
    out.push_back({{"job_id", r[0].as<std::string>()},
                   {"company_id", r[1].as<std::string>()},
                   {"version", r[2].as<int64_t>()},
                   {"title", r[3].as<std::string>()},
                   {"text", r[4].as<std::string>()},
                   {"skills", json::parse(r[5].as<std::string>())},
                   {"experience_min", r[6].is_null() ? -1 : r[6].as<int>()},
                   {"experience_max", r[7].is_null() ? -1 : r[7].as<int>()},
                   {"experience_level", r[8].as<std::string>()},
                   {"remote_type", r[9].as<std::string>()},
                   {"expires_at_ms", r[10].as<int64_t>()},
                   {"company_name", r[11].as<std::string>()},
                   {"location", r[12].as<std::string>()}});
  return out;
}

json changes(pqxx::transaction_base& txn, int64_t user_cursor, int64_t job_cursor) {
  json out{{"users", json::array()}, {"jobs", json::array()}, {"user_cursor", user_cursor}, {"job_cursor", job_cursor}};
  for (const auto& r : txn.exec_params(
           "SELECT DISTINCT user_id::text, max(seq) OVER () FROM match_pool_log WHERE seq > $1", user_cursor)) {
    out["users"].push_back(r[0].as<std::string>());
    out["user_cursor"] = r[1].as<int64_t>();
  }
  for (const auto& r : txn.exec_params(
           "SELECT DISTINCT job_id::text, max(seq) OVER () FROM match_job_log WHERE seq > $1", job_cursor)) {
    out["jobs"].push_back(r[0].as<std::string>());
    out["job_cursor"] = r[1].as<int64_t>();
  }
  txn.exec("DELETE FROM match_pool_log WHERE at < now() - interval '1 day'");
  txn.exec("DELETE FROM match_job_log WHERE at < now() - interval '1 day'");
  return out;
}

json parsed_of(pqxx::transaction_base& txn, const std::string& resume_id) {
  auto r = txn.exec_params(
      "SELECT user_id::text, seq, parsed_content::text FROM resumes WHERE id = $1::uuid AND status = 'ready' AND "
      "parsed_content IS NOT NULL",
      resume_id);
  if (r.empty())
    return nullptr;
  return {{"resume_id", resume_id},
          {"user_id", r[0][0].as<std::string>()},
          {"seq", r[0][1].as<int64_t>()},
          {"parsed", json::parse(r[0][2].as<std::string>(), nullptr, false)}};
}

json store_job(pqxx::transaction_base& txn, const std::string& job_id, const std::vector<scored>& top,
               const store_options& o) {
  auto changed = rows_of(upsert(txn, top, o.step));
  calculated_events(txn, changed);
  std::vector<std::string> keep;
  for (const auto& s : top)
    keep.push_back(s.resume_id);
  json removed = json::array();
  for (const auto& r : txn.exec_params(
           "DELETE FROM matches m WHERE m.job_id = $1::uuid AND NOT (m.resume_id = ANY($2::uuid[])) AND NOT "
           "m.is_recommended AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.job_id = m.job_id AND a.resume_id "
           "= m.resume_id) RETURNING m.resume_id::text",
           job_id, uuid_array(keep)))
    removed.push_back(r[0].as<std::string>());
  refresh_floors(txn, {job_id}, o.top_k);
  return {{"changed", changed}, {"removed", removed}};
}

json store_resume(pqxx::transaction_base& txn, std::vector<scored> all, const std::function<void(scored&)>& explain,
                  const store_options& o) {
  if (all.empty())
    return {{"changed", json::array()}, {"removed", json::array()}};
  // The pairs that enter their job's top-k, or that had a row already.
  json probe = json::array();
  for (const auto& s : all)
    probe.push_back({{"job_id", s.job_id}, {"overall", s.overall}});
  // Above the job's floor (none: fewer than k rows), or a row to update.
  auto entering = txn.exec_params(
      "SELECT s.job_id::text FROM jsonb_to_recordset($1::jsonb) AS s(job_id uuid, overall numeric) LEFT JOIN "
      "match_floors f ON f.job_id = s.job_id WHERE f.floor IS NULL OR s.overall > f.floor UNION SELECT job_id::text "
      "FROM matches WHERE resume_id = $2::uuid",
      probe.dump(), all.front().resume_id);
  std::map<std::string, scored*> by_job;
  for (auto& s : all)
    by_job[s.job_id] = &s;
  std::vector<scored> keep;
  std::vector<std::string> jobs;
  for (const auto& r : entering) {
    auto it = by_job.find(r[0].as<std::string>());
    if (it == by_job.end())
      continue;
    explain(*it->second);
    keep.push_back(*it->second);
    jobs.push_back(it->first);
  }
  auto changed = rows_of(upsert(txn, keep, o.step));
  calculated_events(txn, changed);
  json removed = json::array();
  for (const auto& r : trim(txn, jobs, o.top_k))
    removed.push_back({{"job_id", r[0].as<std::string>()}, {"resume_id", r[1].as<std::string>()}});
  refresh_floors(txn, jobs, o.top_k);
  return {{"changed", changed}, {"removed", removed}};
}

json recommend(pqxx::transaction_base& txn, const std::vector<scored>& rows, double threshold, int per_day) {
  std::vector<scored> above;
  for (const auto& s : rows)
    if (s.overall >= threshold)
      above.push_back(s);
  if (above.empty() || per_day <= 0)
    return json::array();
  auto res = txn.exec_params(
      std::string{"WITH s AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS "} + record_columns +
          "), today AS (SELECT user_id, count(*) AS n FROM matches WHERE is_recommended AND recommended_at > now() - "
          "interval '1 day' AND user_id IN (SELECT user_id FROM s) GROUP BY user_id), fresh AS (SELECT s.* FROM s "
          "WHERE NOT EXISTS (SELECT 1 FROM matches m WHERE m.job_id = s.job_id AND m.resume_id = s.resume_id AND "
          "m.is_recommended)), ranked AS (SELECT fresh.*, row_number() OVER (PARTITION BY fresh.user_id ORDER BY "
          "fresh.overall DESC, fresh.job_id) AS rn FROM fresh) INSERT INTO matches AS m (job_id, resume_id, user_id, "
          "overall_score, skill_score, experience_score, culture_score, score_breakdown, ai_reasoning, job_version, "
          "resume_seq, is_recommended, recommended_at) SELECT r.job_id, r.resume_id, r.user_id, r.overall, r.skill, "
          "r.experience, r.culture, r.breakdown, r.reasoning, r.job_version, r.resume_seq, true, now() FROM ranked r "
          "LEFT JOIN today t ON t.user_id = r.user_id WHERE r.rn + COALESCE(t.n, 0) <= $2::int ON CONFLICT (job_id, "
          "resume_id) DO UPDATE SET is_recommended = true, recommended_at = now(), seq = nextval('matches_seq'), "
          "updated_at = now() WHERE NOT m.is_recommended RETURNING " +
          row_columns,
      scored_records(above).dump(), per_day);
  auto out = rows_of(res);
  auto now = sql_now_iso(txn);
  std::vector<std::string> job_ids;
  for (const auto& r : out)
    job_ids.push_back(r["job_id"].get<std::string>());
  std::map<std::string, std::pair<std::string, std::string>> jobs;  // id -> title, company
  if (!job_ids.empty())
    for (const auto& j : txn.exec_params(
             "SELECT id::text, title, company_id::text FROM jobs WHERE id = ANY($1::uuid[])", uuid_array(job_ids)))
      jobs[j[0].as<std::string>()] = {j[1].as<std::string>(), j[2].as<std::string>()};
  json events = json::array();
  for (const auto& r : out) {
    const auto& job = jobs[r["job_id"].get<std::string>()];
    char score[16];
    std::snprintf(score, sizeof score, "%.1f", r["overall_score"].get<double>());
    events.push_back({{"ord", events.size()},
                      {"key", r["user_id"]},
                      {"payload",
                       {{"event_id", ids::random_uuid()},
                        {"match_id", r["match_id"]},
                        {"user_id", r["user_id"]},
                        {"job_id", r["job_id"]},
                        {"company_id", job.second},
                        {"job_title", job.first},
                        {"score", score},
                        {"occurred_at", now}}}});
  }
  write_outbox_many(txn, "match.recommended", events);
  return out;
}

json drop_user(pqxx::transaction_base& txn, const std::string& user_id, const std::string& keep_resume, int k) {
  json removed = json::array();
  for (const auto& r : txn.exec_params(
           "DELETE FROM matches m WHERE m.user_id = $1::uuid AND ($2 = '' OR m.resume_id <> $2::uuid) AND NOT EXISTS "
           "(SELECT 1 FROM applications a WHERE a.job_id = m.job_id AND a.resume_id = m.resume_id) RETURNING "
           "m.job_id::text, m.resume_id::text",
           user_id, keep_resume))
    removed.push_back({{"job_id", r[0].as<std::string>()}, {"resume_id", r[1].as<std::string>()}});
  std::vector<std::string> jobs;
  for (const auto& r : removed)
    jobs.push_back(r["job_id"].get<std::string>());
  std::sort(jobs.begin(), jobs.end());
  jobs.erase(std::unique(jobs.begin(), jobs.end()), jobs.end());
  refresh_floors(txn, jobs, k);
  return removed;
}

json job_rows(pqxx::transaction_base& txn, const std::string& job_id, int limit) {
  return rows_of(txn.exec_params(std::string{"SELECT "} + row_columns +
                                     " FROM matches m WHERE m.job_id = $1::uuid ORDER BY m.overall_score DESC, "
                                     "m.resume_id LIMIT $2::int",
                                 job_id, limit));
}

json job_state(pqxx::transaction_base& txn, const std::string& job_id, int limit) {
  auto j = txn.exec_params("SELECT j.company_id::text, " HH_SQL_JOB_STATUS("j") " FROM jobs j WHERE j.id = $1::uuid",
                           job_id);
  if (j.empty())
    throw make_error(errc::not_found, "no job with this id");
  auto removed = txn.exec_params("SELECT seq FROM match_removals WHERE job_id = $1::uuid", job_id);
  return {{"company_id", j[0][0].as<std::string>()},
          {"status", j[0][1].as<std::string>()},
          {"removed_seq", removed.empty() ? 0 : removed[0][0].as<int64_t>()},
          {"rows", job_rows(txn, job_id, limit)}};
}

int64_t next_seq(pqxx::transaction_base& txn) {
  return txn.exec("SELECT nextval('matches_seq')")[0][0].as<int64_t>();
}

void removed_events(pqxx::transaction_base& txn, const std::string& job_id, const json& resume_ids, int64_t seq) {
  if (resume_ids.empty())
    return;
  auto now = sql_now_iso(txn);
  json rows = json::array();
  for (const auto& id : resume_ids)
    rows.push_back({{"ord", rows.size()},
                    {"key", job_id},
                    {"payload",
                     {{"event_id", ids::random_uuid()},
                      {"job_id", job_id},
                      {"resume_id", id},
                      {"seq", seq},
                      {"occurred_at", now}}}});
  write_outbox_many(txn, "match.removed", rows);
  txn.exec_params(
      "INSERT INTO match_removals (job_id, seq) SELECT $1::uuid, $2 WHERE EXISTS (SELECT 1 FROM jobs WHERE id = "
      "$1::uuid) ON CONFLICT (job_id) DO UPDATE SET seq = GREATEST(match_removals.seq, EXCLUDED.seq)",
      job_id, seq);
}

json rows_by_id(pqxx::transaction_base& txn, const std::vector<std::string>& match_ids) {
  return rows_of(txn.exec_params(std::string{"SELECT "} + row_columns + " FROM matches m WHERE m.id = ANY($1::uuid[])",
                                 uuid_array(match_ids)));
}

json get(pqxx::transaction_base& txn, const std::string& match_id) {
  auto res = txn.exec_params(std::string{"SELECT "} + row_columns +
                                 ", j.company_id::text FROM matches m JOIN jobs j ON j.id = m.job_id WHERE m.id = "
                                 "$1::uuid",
                             match_id);
  if (res.empty())
    throw make_error(errc::not_found, "no match with this id");
  auto out = row_of(res[0]);
  out["company_id"] = res[0][15].as<std::string>();
  return out;
}

json feedback(pqxx::transaction_base& txn, const std::string& match_id, const std::string& by,
              const std::string& type) {
  auto res = txn.exec_params(
      "INSERT INTO match_feedback (match_id, feedback_type, feedback_by) VALUES ($1::uuid, $2, $3::uuid) ON CONFLICT "
      "(match_id, feedback_by, feedback_type) DO UPDATE SET feedback_type = EXCLUDED.feedback_type RETURNING id::text, "
      "(xmax = 0), " HH_SQL_ISO("created_at"),
      match_id, type, by);
  return {{"feedback_id", res[0][0].as<std::string>()},
          {"match_id", match_id},
          {"feedback_type", type},
          {"created", res[0][1].as<bool>()},
          {"created_at", res[0][2].as<std::string>()}};
}

json candidate_views(pqxx::transaction_base& txn, const std::vector<std::string>& resume_ids) {
  json out = json::object();
  for (const auto& r : txn.exec_params(
           "SELECT r.id::text, r.parsed_content::text, COALESCE(r.ai_summary, '') FROM resumes r WHERE r.id = "
           "ANY($1::uuid[])",
           uuid_array(resume_ids))) {
    auto p = json::parse(r[1].is_null() ? "{}" : r[1].as<std::string>(), nullptr, false);
    json skills = json::array(), experience = json::array(), education = json::array();
    if (p.is_object()) {
      for (const auto& s : p.value("skills", json::array()))
        if (s.value("source", "text") != "interests")
          skills.push_back(s.value("name", ""));
      for (const auto& e : p.value("experiences", json::array()))
        experience.push_back({{"company", e.value("company", "")},
                              {"position", e.value("position", "")},
                              {"start", e.value("start", json())},
                              {"end", e.value("end", json())},
                              {"current", e.value("current", false)}});
      for (const auto& e : p.value("educations", json::array()))
        education.push_back(
            {{"school", e.value("school", "")}, {"degree", e.value("degree", "")}, {"major", e.value("major", "")}});
    }
    out[r[0].as<std::string>()] = {{"skills", skills},
                                   {"years_experience", p.is_object() ? p.value("years_experience", 0.0) : 0.0},
                                   {"experience", experience},
                                   {"education", education},
                                   {"summary", r[2].as<std::string>()}};
  }
  return out;
}

json recommended_since(pqxx::transaction_base& txn, const std::string& user_id, int64_t after_seq, int limit) {
  return rows_of(txn.exec_params(std::string{"SELECT "} + row_columns +
                                     " FROM matches m WHERE m.user_id = $1::uuid AND m.is_recommended AND m.seq > $2 "
                                     "ORDER BY m.seq LIMIT $3::int",
                                 user_id, after_seq, limit));
}

db_fn batch_command(std::function<bool(writer&)> work, std::string group, std::vector<kafka_record> batch) {
  return [work = std::move(work), group = std::move(group), batch = std::move(batch)](pqxx::transaction_base& txn) {
    writer w{txn};
    bool wrote = work(w);
    outbox::confirm(txn, group, batch);
    return reply(nullptr, wrote);
  };
}

db_fn pool_query(bool full, int64_t user_cursor, int64_t job_cursor,
                 std::function<void(const json& changes, const json& pool_rows, const json& job_rows)> sink) {
  return [=](pqxx::transaction_base& txn) {
    if (full) {
      // Where the logs end now, then everything: a change committed in between is read twice, never missed.
      auto ends = txn.exec(
          "SELECT COALESCE((SELECT max(seq) FROM match_pool_log), 0), COALESCE((SELECT max(seq) FROM "
          "match_job_log), 0)");
      json c{{"users", json::array()},
             {"jobs", json::array()},
             {"user_cursor", ends[0][0].as<int64_t>()},
             {"job_cursor", ends[0][1].as<int64_t>()}};
      sink(c, pool(txn, {}), open_jobs(txn, {}));
      return reply(nullptr);
    }
    auto c = changes(txn, user_cursor, job_cursor);
    auto users = c["users"].get<std::vector<std::string>>();
    auto jobs = c["jobs"].get<std::vector<std::string>>();
    // pool() and open_jobs() read everything for an empty list: ask for what changed only.
    sink(c, users.empty() ? json::array() : pool(txn, users), jobs.empty() ? json::array() : open_jobs(txn, jobs));
    return reply(nullptr);
  };
}

db_fn pair_query(std::string job_id, std::string resume_id) {
  return [=](pqxx::transaction_base& txn) {
    auto jobs = open_jobs(txn, {job_id});
    return reply({{"job", jobs.empty() ? json(nullptr) : jobs[0]}, {"resume", parsed_of(txn, resume_id)}});
  };
}

db_fn job_state_query(std::string job_id, int limit) {
  return [job_id, limit](pqxx::transaction_base& txn) { return reply(job_state(txn, job_id, limit)); };
}

db_fn rows_query(std::vector<std::string> match_ids) {
  return [ids = std::move(match_ids)](pqxx::transaction_base& txn) { return reply(rows_by_id(txn, ids)); };
}

namespace {

/// The row if `by` is a party to it (the job's company, the candidate, an admin); else not_found.
json party_row(pqxx::transaction_base& txn, const std::string& match_id, const party& by) {
  auto row = get(txn, match_id);
  bool company = by.role == "company" && by.company_id == row["company_id"];
  bool candidate = by.role == "jobseeker" && by.user_id == row["user_id"];
  if (by.role != "admin" && !company && !candidate)
    throw make_error(errc::not_found, "no match with this id");
  return row;
}

}  // namespace

db_fn get_query(std::string match_id, party by) {
  return [match_id, by](pqxx::transaction_base& txn) {
    auto row = party_row(txn, match_id, by);
    row.erase("job_version");
    row.erase("resume_seq");
    if (by.role != "jobseeker") {
      // A company sees the masked candidate, never who they are.
      auto rid = row["resume_id"].get<std::string>();
      auto views = candidate_views(txn, {rid});
      row["candidate"] = views.contains(rid) ? views[rid] : json(nullptr);
      if (by.role == "company")
        row.erase("user_id");
    }
    return reply(row);
  };
}

db_fn feedback_command(std::string match_id, party by, std::string type) {
  return [=](pqxx::transaction_base& txn) {
    party_row(txn, match_id, by);
    if (by.role == "jobseeker" && (type == "hired" || type == "rejected"))
      throw make_error(errc::forbidden, "hired and rejected are the company's feedback", "feedback_type");
    return reply(feedback(txn, match_id, by.user_id, type));
  };
}

int64_t application_feedback(pqxx::transaction_base& txn, const std::string& application_id, const std::string& type) {
  return static_cast<int64_t>(
      txn.exec_params("INSERT INTO match_feedback (match_id, feedback_type, feedback_by) SELECT m.id, $2, a.company_id "
                      "FROM applications a JOIN matches m ON m.job_id = a.job_id AND m.resume_id = a.resume_id WHERE "
                      "a.id = $1::uuid ON CONFLICT (match_id, feedback_by, feedback_type) DO NOTHING",
                      application_id, type)
          .affected_rows());
}

db_fn recommended_query(std::string user_id, int64_t after_seq, int limit) {
  return [=](pqxx::transaction_base& txn) { return reply(recommended_since(txn, user_id, after_seq, limit)); };
}

db_fn candidate_views_query(std::vector<std::string> resume_ids) {
  return [ids = std::move(resume_ids)](pqxx::transaction_base& txn) { return reply(candidate_views(txn, ids)); };
}

}  // namespace hirehub::persistence::matches
