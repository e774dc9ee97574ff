#pragma once
/// The match tables (seed 001's `matches` and `match_feedback`, migration 019): what
/// the match index loads (the candidate pool, the open jobs, what changed since),
/// the scorer's bulk writes (a job's top-k, a resume against every open job,
/// recommendations), and the API's reads. Each function runs in the caller's
/// transaction (a db_task). Events go to the outbox in the same transaction:
/// `match.calculated` {event_id, match_id, job_id, resume_id, scores} for every row
/// written, `match.recommended` {event_id, match_id, user_id, job_id, score} for
/// every new recommendation, `match.removed` {event_id, job_id, resume_id, seq} for
/// every row that left a job's list. No free text or personal data is in any.

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "persistence/db_task.hpp"

namespace pqxx {
class transaction_base;
}

namespace hirehub {
struct kafka_record;
}

namespace hirehub::persistence::matches {

/// The candidate pool: for every jobseeker open to matching, their primary ready
/// resume, else the newest ready one: [{resume_id, user_id, seq, parsed}] (all
/// jobseekers when `users` is empty; else only those, and a user missing from the
/// answer is no longer in the pool).
nlohmann::json pool(pqxx::transaction_base& txn, const std::vector<std::string>& users);

/// Open jobs not expired (all when `jobs` is empty): [{job_id, company_id, version,
/// title, text, skills: [{name, required}], experience_min, experience_max,
/// experience_level, remote_type, expires_at_ms, company_name, location}].
nlohmann::json open_jobs(pqxx::transaction_base& txn, const std::vector<std::string>& jobs);

/// What changed since the cursors: {users: [...], jobs: [...], user_cursor, job_cursor}
/// (from the change logs migration 019's triggers write; entries older than a day are
/// pruned).
nlohmann::json changes(pqxx::transaction_base& txn, int64_t user_cursor, int64_t job_cursor);

/// A ready resume's parsed content: {resume_id, user_id, seq, parsed}, or null.
nlohmann::json parsed_of(pqxx::transaction_base& txn, const std::string& resume_id);

/// One scored pair, as the scorer writes it.
struct scored {
  std::string job_id, resume_id, user_id;
  int64_t job_version = 0, resume_seq = 0;
  double overall = 0, skill = 0, experience = 0, culture = 0;
  std::string breakdown = "{}";  ///< JSON
  std::string reasoning;
};

struct store_options {
  int top_k = 200;
  double step = 0.5;  ///< a row is rewritten when its overall score moves at least this much
};

/// A job's new top-k, best first: upserts them (fenced: never over a row computed
/// from newer versions), deletes the job's rows that left the top-k (kept: rows
/// recommended or applied with). Answers {changed: [rows], removed: [resume ids]}.
nlohmann::json store_job(pqxx::transaction_base& txn, const std::string& job_id, const std::vector<scored>& top,
                         const store_options& o);

/// A resume scored against open jobs (`all`, breakdown not yet filled): keeps the
/// pairs that enter their job's top-k (or that already had a row), has `explain`
/// fill in their breakdown and reasoning, upserts them and trims those jobs back
/// to k. Answers {changed: [rows], removed: [{job_id, resume_id}]}.
nlohmann::json store_resume(pqxx::transaction_base& txn, std::vector<scored> all,
                            const std::function<void(scored&)>& explain, const store_options& o);

/// Recommends: of `rows` (with breakdown), those at or above `threshold` not yet
/// recommended, best first per jobseeker, at most `per_day` a day per jobseeker.
/// Answers the new recommendations [rows].
nlohmann::json recommend(pqxx::transaction_base& txn, const std::vector<scored>& rows, double threshold, int per_day);

/// A jobseeker left the pool (matching off, no ready resume): their rows go, except
/// those of jobs they applied to, and those of `keep_resume` (their pool resume; may be
/// empty). Answers the rows removed [{job_id, resume_id}].
nlohmann::json drop_user(pqxx::transaction_base& txn, const std::string& user_id, const std::string& keep_resume,
                         int top_k);

/// A job's rows, best first (the match actor's state when it starts).
nlohmann::json job_rows(pqxx::transaction_base& txn, const std::string& job_id, int limit);

/// A match actor's state when it starts: {company_id, status, removed_seq (the newest
/// number a row left the list at, 0: never), rows (best first)}; not_found when the
/// job does not exist.
nlohmann::json job_state(pqxx::transaction_base& txn, const std::string& job_id, int limit);

/// A number of the rows' sequence (a WebSocket frame that only removes rows).
int64_t next_seq(pqxx::transaction_base& txn);

/// Rows that left a job's list: one `match.removed` event each, numbered `seq` (above
/// the removed rows' numbers, so a reader keeps a row that came back after it); the
/// job's newest removal number (match_removals) moves up to `seq`.
void removed_events(pqxx::transaction_base& txn, const std::string& job_id, const nlohmann::json& resume_ids,
                    int64_t seq);

/// The rows of these ids that still exist, as the API shows them (with user_id).
nlohmann::json rows_by_id(pqxx::transaction_base& txn, const std::vector<std::string>& match_ids);

/// One row with its job's company (for the caller's authorisation); not_found when none.
nlohmann::json get(pqxx::transaction_base& txn, const std::string& match_id);

/// Records feedback on a match (once per kind and person; again is no change).
nlohmann::json feedback(pqxx::transaction_base& txn, const std::string& match_id, const std::string& by,
                        const std::string& type);

/// What a company may see of candidates who did not apply: parsed skills, years,
/// titles and companies of experience, education, the masked summary. {resume_id: view}.
nlohmann::json candidate_views(pqxx::transaction_base& txn, const std::vector<std::string>& resume_ids);

/// The jobseeker's recommended rows after `after_seq` (the WebSocket catch-up).
nlohmann::json recommended_since(pqxx::transaction_base& txn, const std::string& user_id, int64_t after_seq, int limit);

/// An application reached accepted (`hired`) or rejected: the feedback on its match,
/// by its company (none when the pair has no row). Answers the rows written.
int64_t application_feedback(pqxx::transaction_base& txn, const std::string& application_id, const std::string& type);

/// What the scorer writes in one transaction (the functions above, bound to it).
class writer {
 public:
  explicit writer(pqxx::transaction_base& txn) : txn_(txn) {}
  nlohmann::json drop_user(const std::string& user_id, const std::string& keep_resume, int top_k) {
    return matches::drop_user(txn_, user_id, keep_resume, top_k);
  }
  nlohmann::json store_resume(std::vector<scored> all, const std::function<void(scored&)>& explain,
                              const store_options& o) {
    return matches::store_resume(txn_, std::move(all), explain, o);
  }
  nlohmann::json store_job(const std::string& job_id, const std::vector<scored>& top, const store_options& o) {
    return matches::store_job(txn_, job_id, top, o);
  }
  nlohmann::json recommend(const std::vector<scored>& rows, double threshold, int per_day) {
    return matches::recommend(txn_, rows, threshold, per_day);
  }
  int64_t next_seq() { return matches::next_seq(txn_); }
  void removed_events(const std::string& job_id, const nlohmann::json& resume_ids, int64_t seq) {
    matches::removed_events(txn_, job_id, resume_ids, seq);
  }
  int64_t application_feedback(const std::string& application_id, const std::string& type) {
    return matches::application_feedback(txn_, application_id, type);
  }

 private:
  pqxx::transaction_base& txn_;
};

/// A transaction running `work` (true: it wrote to the outbox), then confirming the
/// batch's outbox rows for the consumer `group`.
db_fn batch_command(std::function<bool(writer&)> work, std::string group, std::vector<kafka_record> batch);

/// The index's read: everything (`full`, with where the logs end), else what changed
/// since the cursors. `sink` gets, on the worker's thread inside the transaction, the changes (as
/// changes() answers them) and the pool and job rows read for them.
db_fn pool_query(
    bool full, int64_t user_cursor, int64_t job_cursor,
    std::function<void(const nlohmann::json& changes, const nlohmann::json& pool_rows, const nlohmann::json& job_rows)>
        sink);

/// Who asks (as the gateway authenticated them).
struct party {
  std::string user_id, role, company_id;
};

/// The db_task forms of the reads.
/// {job: open_jobs' row or null (not open), resume: parsed_of's answer}.
db_fn pair_query(std::string job_id, std::string resume_id);
db_fn job_state_query(std::string job_id, int limit);
db_fn rows_query(std::vector<std::string> match_ids);
/// A match as a party sees it: the job's company with the masked candidate and without
/// the jobseeker's id; the jobseeker without the candidate view; admins everything.
/// Anyone else: not_found.
db_fn get_query(std::string match_id, party by);
/// Feedback from a party (a jobseeker: helpful or not_helpful only).
db_fn feedback_command(std::string match_id, party by, std::string type);
db_fn candidate_views_query(std::vector<std::string> resume_ids);
db_fn recommended_query(std::string user_id, int64_t after_seq, int limit);

/// A match row as the API shows it (without the candidate).
nlohmann::json row_json(const scored& s, const std::string& match_id, int64_t seq, bool recommended,
                        const std::string& calculated_at);

}  // namespace hirehub::persistence::matches
