#include <gtest/gtest.h>

#include "runtime/metrics.hpp"

using namespace hirehub;

TEST(metrics, renders_prometheus_text) {
  metrics::get_counter("test_requests_total", "Requests", {{"route", "/a"}, {"status", "200"}}).inc(3);
  metrics::get_gauge("test_depth", "Depth").set(7);
  auto& h = metrics::get_histogram("test_latency_seconds", "Latency", {}, {0.01, 0.1});
  h.observe(0.005);
  h.observe(0.05);
  h.observe(5);
  auto text = metrics::render();
  EXPECT_NE(text.find("# TYPE test_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("test_requests_total{route=\"/a\",status=\"200\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("test_depth 7"), std::string::npos);
  EXPECT_NE(text.find("test_latency_seconds_bucket{le=\"0.01\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("test_latency_seconds_bucket{le=\"0.1\"} 2"), std::string::npos);
  EXPECT_NE(text.find("test_latency_seconds_bucket{le=\"+Inf\"} 3"), std::string::npos);
  EXPECT_NE(text.find("test_latency_seconds_count 3"), std::string::npos);
}

TEST(metrics, collectors_run_before_render_and_can_be_removed) {
  int runs = 0;
  auto id = metrics::add_collector([&runs] {
    ++runs;
    metrics::get_gauge("test_sampled", "Sampled").set(runs);
  });
  metrics::render();
  auto text = metrics::render();
  EXPECT_NE(text.find("test_sampled 2"), std::string::npos);
  metrics::remove_collector(id);
  metrics::render();
  EXPECT_EQ(runs, 2);
}

TEST(metrics, label_values_are_escaped) {
  metrics::get_counter("test_escaped_total", "Esc", {{"v", "a\"b\\c"}}).inc();
  EXPECT_NE(metrics::render().find(R"(test_escaped_total{v="a\"b\\c"} 1)"), std::string::npos);
}
