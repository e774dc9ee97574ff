#include "actors/job_facts_cache.hpp"

namespace hirehub::application {

job_facts_cache::job_facts_cache(std::chrono::milliseconds ttl, size_t capacity) : ttl_(ttl), capacity_(capacity) {}

std::optional<job_info> job_facts_cache::find(const std::string& job_id) {
  if (ttl_.count() <= 0)
    return std::nullopt;
  std::lock_guard<std::mutex> guard{mutex_};
  auto it = entries_.find(job_id);
  if (it == entries_.end())
    return std::nullopt;
  if (std::chrono::steady_clock::now() - it->second.at >= ttl_) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.job;
}

void job_facts_cache::put(const job_info& job) {
  if (ttl_.count() <= 0 || capacity_ == 0 || job.status != "open")
    return;
  std::lock_guard<std::mutex> guard{mutex_};
  auto now = std::chrono::steady_clock::now();
  auto it = entries_.find(job.id);
  if (it != entries_.end()) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
  }
  while (entries_.size() >= capacity_) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(job.id);
  entries_.emplace(job.id, entry{job, now, lru_.begin()});
}

void job_facts_cache::forget(const std::string& job_id) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto it = entries_.find(job_id);
  if (it == entries_.end())
    return;
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

size_t job_facts_cache::size() {
  std::lock_guard<std::mutex> guard{mutex_};
  return entries_.size();
}

}  // namespace hirehub::application
