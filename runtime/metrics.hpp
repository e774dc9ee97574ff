#pragma once
/// Process-wide metrics registry rendered in the Prometheus text format at /metrics.
/// Series are created on first use and live for the process; hot paths keep the
/// returned reference. Thread-safe: updates are atomic, creation takes a lock.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hirehub::metrics {

using labels = std::vector<std::pair<std::string, std::string>>;

class counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class gauge {
 public:
  void set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

/// Histogram of seconds with fixed buckets.
class histogram {
 public:
  explicit histogram(std::vector<double> bounds);
  void observe(double seconds);
  std::vector<uint64_t> bucket_counts() const;  ///< cumulative, one per bound plus +Inf
  const std::vector<double>& bounds() const { return bounds_; }
  double sum() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

/// Default latency buckets (seconds): 0.5 ms .. 10 s.
const std::vector<double>& latency_buckets();

counter& get_counter(const std::string& name, const std::string& help, const labels& l = {});
gauge& get_gauge(const std::string& name, const std::string& help, const labels& l = {});
histogram& get_histogram(const std::string& name, const std::string& help, const labels& l = {},
                         const std::vector<double>& bounds = latency_buckets());

/// A function run before each render, to refresh gauges that are sampled
/// (mailbox depths, outbox backlog). Returns an id for remove_collector.
int add_collector(std::function<void()> fn);
void remove_collector(int id);

/// The whole registry in Prometheus text exposition format 0.0.4.
std::string render();

}  // namespace hirehub::metrics
