#pragma once
/// The candidate pool and the open jobs in compact form, and bulk scoring over
/// them. Pure: the match index (actors/match_index) builds pools from PostgreSQL and
/// hands out immutable snapshots; the scorer and the match actors score from them.
///
/// The pool: every jobseeker open to matching, by their primary ready resume (else
/// the newest ready one). A snapshot is never changed after it is published; a
/// change makes a new snapshot that shares the unchanged entries.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "domain/matching.hpp"

namespace hirehub::matching {

namespace dm = domain::matching;

struct pool_candidate {
  std::string resume_id, user_id;
  int64_t seq = 0;  ///< the resume's version (fences late writes)
  dm::candidate form;
};

struct pool_job {
  std::string job_id, company_id, title, company_name, location;
  int64_t version = 0;
  int64_t expires_at_ms = 0;  ///< 0: never
  dm::job_profile profile;
};

/// The candidates of a snapshot, indexed by resume and by jobseeker (the keys view the
/// candidates' own ids). Shared by the snapshots that follow until a candidate changes.
struct candidate_set {
  std::vector<std::shared_ptr<const pool_candidate>> all;
  std::unordered_map<std::string_view, size_t> by_resume, by_user;
};

/// The open jobs of a snapshot, indexed by id; shared until a job changes.
struct job_set {
  std::vector<std::shared_ptr<const pool_job>> all;
  std::unordered_map<std::string_view, size_t> by_job;
};

struct pool {
  uint64_t generation = 0;
  std::shared_ptr<const candidate_set> cands = std::make_shared<const candidate_set>();
  std::shared_ptr<const job_set> open = std::make_shared<const job_set>();

  const std::vector<std::shared_ptr<const pool_candidate>>& candidates() const { return cands->all; }
  const std::vector<std::shared_ptr<const pool_job>>& jobs() const { return open->all; }
  const pool_candidate* candidate_of_user(const std::string& user_id) const;
  const pool_candidate* candidate(const std::string& resume_id) const;
  const pool_job* job(const std::string& job_id) const;
  /// Bytes held by the candidates' compact forms and ids (an estimate, for the benchmark).
  size_t candidate_bytes() const;
};
using pool_ptr = std::shared_ptr<const pool>;

/// A candidate from a parsed resume as stored (parsed_content JSON).
std::shared_ptr<const pool_candidate> candidate_from(const std::string& resume_id, const std::string& user_id,
                                                     int64_t seq, const nlohmann::json& parsed);

/// A job from persistence::matches::open_jobs' row.
std::shared_ptr<const pool_job> job_from(const nlohmann::json& row);

/// A new snapshot: `base` with the users in `users` replaced by `candidates` (a user
/// named in `users` and absent from `candidates` leaves the pool), the jobs in `jobs`
/// by `open` (absent: closed), and expired jobs dropped. A side nothing changed in is
/// shared with `base`, not copied.
pool_ptr rebuild(const pool& base, const std::vector<std::string>& users,
                 std::vector<std::shared_ptr<const pool_candidate>> candidates, const std::vector<std::string>& jobs,
                 std::vector<std::shared_ptr<const pool_job>> open, int64_t now_ms);

struct ranked {
  size_t index = 0;  ///< into pool::candidates() or pool::jobs()
  dm::scores s;
};

/// The job's best `k` candidates, best first (ties by resume id).
std::vector<ranked> top_candidates(const pool& p, const dm::job_profile& job, size_t k, const dm::weights& w);

/// The candidate against every open job, best first; `k` 0: all.
std::vector<ranked> score_jobs(const pool& p, const dm::candidate& c, size_t k, const dm::weights& w);

}  // namespace hirehub::matching
