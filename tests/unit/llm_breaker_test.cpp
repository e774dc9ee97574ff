// The per-provider circuit breaker of the summary chain, on an explicit clock.
#include <gtest/gtest.h>

#include "actors/resume/llm.hpp"

namespace r = hirehub::resume;
using namespace std::chrono_literals;

TEST(CircuitBreaker, OpensAfterConsecutiveFailuresAndTriesOnceAfterTheCooldown) {
  r::circuit_breaker b{3, 1000ms};
  auto t = r::circuit_breaker::clock::time_point{} + 1h;
  EXPECT_TRUE(b.allow(t));
  b.failure(t);
  b.failure(t);
  EXPECT_EQ(b.state(t), "closed");
  b.success();  // a success resets the count
  b.failure(t);
  b.failure(t);
  EXPECT_TRUE(b.allow(t));
  b.failure(t);  // the third in a row
  EXPECT_EQ(b.state(t), "open");
  EXPECT_FALSE(b.allow(t + 999ms));
  EXPECT_EQ(b.state(t + 1000ms), "half_open");
  EXPECT_TRUE(b.allow(t + 1000ms));   // the one trial
  EXPECT_FALSE(b.allow(t + 1001ms));  // while it is out, nobody else
  b.failure(t + 1500ms);              // the trial failed: open again for a full cooldown
  EXPECT_FALSE(b.allow(t + 2400ms));
  EXPECT_TRUE(b.allow(t + 2500ms));
  b.success();  // the trial succeeded: closed
  EXPECT_EQ(b.state(t + 2500ms), "closed");
  EXPECT_TRUE(b.allow(t + 2500ms));
  EXPECT_TRUE(b.allow(t + 2500ms));
}

TEST(Summariser, WithoutProvidersItIsTheLocalSummary) {
  r::summariser s{{}, 3, 1000ms};
  EXPECT_FALSE(s.remote());
  r::parsed_resume p;
  p.years_experience = 5;
  auto out =
      s.summarise("경력\n카카오 | 백엔드 개발자 | 2019.03 ~ 현재\nGo와 Kubernetes로 결제 시스템을 운영했습니다.\n", p);
  EXPECT_EQ(out.model, r::summariser::local_model);
  EXPECT_FALSE(out.text.empty());
  EXPECT_TRUE(out.errors.empty());
}
