#include "actors/match_core.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "actors/resume/match_input.hpp"
#include "actors/resume/parse.hpp"

namespace hirehub::matching {

namespace {

template <class T>
void index_by(const std::vector<std::shared_ptr<const T>>& items, std::unordered_map<std::string_view, size_t>& by,
              std::string T::*key) {
  by.clear();
  by.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i)
    by.emplace((*items[i]).*key, i);
}

template <class Map, class Vec>
auto find_in(const Map& by, const Vec& all, const std::string& id) -> decltype(all.front().get()) {
  auto it = by.find(std::string_view{id});
  return it == by.end() ? nullptr : all[it->second].get();
}

/// Best first; equal scores by the id, so a ranking is the same on every node.
template <class Id>
void order(std::vector<ranked>& v, const Id& id_of) {
  std::sort(v.begin(), v.end(), [&](const ranked& a, const ranked& b) {
    if (a.s.overall != b.s.overall)
      return a.s.overall > b.s.overall;
    return id_of(a.index) < id_of(b.index);
  });
}

}  // namespace

const pool_candidate* pool::candidate_of_user(const std::string& user_id) const {
  return find_in(cands->by_user, cands->all, user_id);
}

const pool_candidate* pool::candidate(const std::string& resume_id) const {
  return find_in(cands->by_resume, cands->all, resume_id);
}

const pool_job* pool::job(const std::string& job_id) const {
  return find_in(open->by_job, open->all, job_id);
}

size_t pool::candidate_bytes() const {
  auto str = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  size_t bytes = cands->all.capacity() * sizeof(std::shared_ptr<const pool_candidate>);
  for (const auto& c : cands->all)
    bytes += sizeof(pool_candidate) + 16 /* shared_ptr control block */ + str(c->resume_id) + str(c->user_id) +
             c->form.skills.capacity() * sizeof(dm::held_skill);
  // The two id maps: a node and a bucket per entry (the keys view the ids above).
  bytes += (cands->by_resume.size() + cands->by_user.size()) *
           (sizeof(std::string_view) + sizeof(size_t) + 2 * sizeof(void*));
  return bytes;
}

std::shared_ptr<const pool_candidate> candidate_from(const std::string& resume_id, const std::string& user_id,
                                                     int64_t seq, const nlohmann::json& parsed) {
  auto c = std::make_shared<pool_candidate>();
  c->resume_id = resume_id;
  c->user_id = user_id;
  c->seq = seq;
  resume::parsed_resume p;
  if (parsed.is_object()) {
    try {
      p = parsed.get<resume::parsed_resume>();
    } catch (const nlohmann::json::exception&) {
      p = {};  // a row that does not read is a candidate with nothing known
    }
  }
  c->form = dm::compact(resume::match_input_of(p));
  return c;
}

std::shared_ptr<const pool_job> job_from(const nlohmann::json& row) {
  auto j = std::make_shared<pool_job>();
  j->job_id = row.at("job_id").get<std::string>();
  j->company_id = row.at("company_id").get<std::string>();
  j->title = row.at("title").get<std::string>();
  j->company_name = row.value("company_name", "");
  j->location = row.value("location", "");
  j->version = row.at("version").get<int64_t>();
  j->expires_at_ms = row.value("expires_at_ms", int64_t{0});
  dm::job_input in;
  in.title = j->title;
  in.text = row.value("text", "");
  for (const auto& s : row.at("skills"))
    in.skills.emplace_back(s.at("name").get<std::string>(), s.value("required", true));
  in.experience_min = row.value("experience_min", -1);
  in.experience_max = row.value("experience_max", -1);
  in.experience_level = row.value("experience_level", "");
  in.remote_type = row.value("remote_type", "");
  j->profile = dm::compact(in);
  return j;
}

pool_ptr rebuild(const pool& base, const std::vector<std::string>& users,
                 std::vector<std::shared_ptr<const pool_candidate>> candidates, const std::vector<std::string>& jobs,
                 std::vector<std::shared_ptr<const pool_job>> open, int64_t now_ms) {
  auto out = std::make_shared<pool>();
  out->generation = base.generation + 1;
  out->cands = base.cands;
  if (!users.empty() || !candidates.empty()) {
    auto next = std::make_shared<candidate_set>();
    std::set<std::string> gone_users(users.begin(), users.end());
    next->all.reserve(base.cands->all.size() + candidates.size());
    for (const auto& c : base.cands->all)
      if (!gone_users.count(c->user_id))
        next->all.push_back(c);
    for (auto& c : candidates)
      next->all.push_back(std::move(c));
    index_by(next->all, next->by_resume, &pool_candidate::resume_id);
    index_by(next->all, next->by_user, &pool_candidate::user_id);
    out->cands = std::move(next);
  }
  out->open = base.open;
  bool expired = false;
  for (const auto& j : base.open->all)
    expired = expired || (j->expires_at_ms != 0 && j->expires_at_ms <= now_ms);
  if (expired || !jobs.empty() || !open.empty()) {
    auto next = std::make_shared<job_set>();
    std::set<std::string> gone_jobs(jobs.begin(), jobs.end());
    for (const auto& j : base.open->all)
      if (!gone_jobs.count(j->job_id) && (j->expires_at_ms == 0 || j->expires_at_ms > now_ms))
        next->all.push_back(j);
    for (auto& j : open)
      if (j->expires_at_ms == 0 || j->expires_at_ms > now_ms)
        next->all.push_back(std::move(j));
    index_by(next->all, next->by_job, &pool_job::job_id);
    out->open = std::move(next);
  }
  return out;
}

std::vector<ranked> top_candidates(const pool& p, const dm::job_profile& job, size_t k, const dm::weights& w) {
  std::vector<ranked> all;
  const auto& cands = p.candidates();
  all.reserve(cands.size());
  for (size_t i = 0; i < cands.size(); ++i)
    all.push_back({i, dm::score(job, cands[i]->form, w)});
  auto id = [&](size_t i) -> const std::string& { return cands[i]->resume_id; };
  auto better = [&](const ranked& a, const ranked& b) {
    return a.s.overall != b.s.overall ? a.s.overall > b.s.overall : id(a.index) < id(b.index);
  };
  if (all.size() > k) {
    std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), better);
    all.resize(k);
  }
  std::sort(all.begin(), all.end(), better);
  return all;
}

std::vector<ranked> score_jobs(const pool& p, const dm::candidate& c, size_t k, const dm::weights& w) {
  std::vector<ranked> out;
  const auto& jobs = p.jobs();
  out.reserve(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i)
    out.push_back({i, dm::score(jobs[i]->profile, c, w)});
  order(out, [&](size_t i) -> const std::string& { return jobs[i]->job_id; });
  if (k > 0 && out.size() > k)
    out.resize(k);
  return out;
}

}  // namespace hirehub::matching
