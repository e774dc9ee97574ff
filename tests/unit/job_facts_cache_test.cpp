// The node's cache of job facts for new applications: open jobs only, for a
// limited time, a bounded number.
#include <gtest/gtest.h>

#include <thread>

#include "actors/job_facts_cache.hpp"

using hirehub::job_info;
using hirehub::application::job_facts_cache;

namespace {

job_info job(const std::string& id, const std::string& status = "open") {
  return {id, "company-" + id, "owner-" + id, "Title " + id, status};
}

}  // namespace

TEST(job_facts_cache, keeps_open_jobs_and_only_those) {
  job_facts_cache cache{std::chrono::minutes(1), 10};
  EXPECT_FALSE(cache.find("a"));
  cache.put(job("a"));
  cache.put(job("d", "draft"));
  cache.put(job("c", "closed"));
  auto a = cache.find("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->company_id, "company-a");
  EXPECT_EQ(a->owner_user_id, "owner-a");
  EXPECT_EQ(a->title, "Title a");
  EXPECT_FALSE(cache.find("d"));
  EXPECT_FALSE(cache.find("c"));
  cache.put({"a", "company-a", "owner-a", "Renamed", "open"});
  EXPECT_EQ(cache.find("a")->title, "Renamed");
  cache.forget("a");
  EXPECT_FALSE(cache.find("a"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(job_facts_cache, entries_expire_and_the_oldest_make_room) {
  job_facts_cache brief{std::chrono::milliseconds(1), 10};
  brief.put(job("a"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(brief.find("a")) << "kept past its time to live";
  EXPECT_EQ(brief.size(), 0u);

  job_facts_cache small{std::chrono::minutes(1), 3};
  for (auto id : {"1", "2", "3", "4"})
    small.put(job(id));
  EXPECT_EQ(small.size(), 3u);
  EXPECT_FALSE(small.find("1"));
  EXPECT_TRUE(small.find("2"));
  EXPECT_TRUE(small.find("4"));

  job_facts_cache off{std::chrono::milliseconds(0), 10};
  off.put(job("a"));
  EXPECT_FALSE(off.find("a"));
}
