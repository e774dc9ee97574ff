// What an application entity needs to know of a job to take an application
// (owner company, owner user, title), learnt from the commit of an earlier submit
// to it and kept for a short while: a submit that finds them here writes them into
// its event itself; one that does not lets the journal take them from the job row
// in its commit (append_request::job_facts). The job's status is not cached: the
// journal checks the job is open in the commit that stores the application.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "persistence/types.hpp"

namespace hirehub::application {

class job_facts_cache {
 public:
  /// `ttl` 0 turns the cache off (every submit's commit reads the job's facts).
  job_facts_cache(std::chrono::milliseconds ttl, size_t capacity);

  /// The job's facts if read within the last `ttl`; its status is "open" (unchecked: see above).
  std::optional<job_info> find(const std::string& job_id);

  /// Remembers an open job's facts (other statuses are not kept).
  void put(const job_info& job);

  void forget(const std::string& job_id);

  size_t size();

 private:
  struct entry {
    job_info job;
    std::chrono::steady_clock::time_point at;
    std::list<std::string>::iterator lru;
  };
  std::chrono::milliseconds ttl_;
  size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
  std::list<std::string> lru_;  ///< most recently stored first
};

}  // namespace hirehub::application
