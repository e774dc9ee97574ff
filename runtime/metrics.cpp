#include "runtime/metrics.hpp"

#include <cmath>
#include <sstream>

namespace hirehub::metrics {

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i)
    buckets_[i].store(0);
}

void histogram::observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i])
    ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(seconds * 1e6)), std::memory_order_relaxed);
}

std::vector<uint64_t> histogram::bucket_counts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t acc = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    out[i] = acc;
  }
  return out;
}

double histogram::sum() const {
  return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> b = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                        0.1,    0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
  return b;
}

namespace {

enum class kind { counter, gauge, histogram };

struct family {
  kind k;
  std::string help;
  std::vector<double> bounds;
  std::map<labels, std::unique_ptr<counter>> counters;
  std::map<labels, std::unique_ptr<gauge>> gauges;
  std::map<labels, std::unique_ptr<histogram>> histograms;
};

struct registry {
  std::mutex mtx;
  std::map<std::string, family> families;
  std::mutex collectors_mtx;
  std::map<int, std::function<void()>> collectors;
  int next_collector = 1;
};

registry& reg() {
  static registry r;
  return r;
}

family& fam(registry& r, const std::string& name, kind k, const std::string& help) {
  auto [it, added] = r.families.try_emplace(name);
  if (added) {
    it->second.k = k;
    it->second.help = help;
  }
  return it->second;
}

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string label_text(const labels& l, const std::string& extra_key = {}, const std::string& extra_val = {}) {
  if (l.empty() && extra_key.empty())
    return {};
  std::string out = "{";
  bool first = true;
  for (auto& [k, v] : l) {
    out += (first ? "" : ",") + k + "=\"" + escape(v) + "\"";
    first = false;
  }
  if (!extra_key.empty())
    out += (first ? "" : ",") + extra_key + "=\"" + extra_val + "\"";
  return out + "}";
}

std::string num(double v) {
  if (std::isinf(v))
    return "+Inf";
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

counter& get_counter(const std::string& name, const std::string& help, const labels& l) {
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.mtx};
  auto& f = fam(r, name, kind::counter, help);
  auto& p = f.counters[l];
  if (!p)
    p = std::make_unique<counter>();
  return *p;
}

gauge& get_gauge(const std::string& name, const std::string& help, const labels& l) {
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.mtx};
  auto& f = fam(r, name, kind::gauge, help);
  auto& p = f.gauges[l];
  if (!p)
    p = std::make_unique<gauge>();
  return *p;
}

histogram& get_histogram(const std::string& name, const std::string& help, const labels& l,
                         const std::vector<double>& bounds) {
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.mtx};
  auto& f = fam(r, name, kind::histogram, help);
  auto& p = f.histograms[l];
  if (!p)
    p = std::make_unique<histogram>(bounds);
  return *p;
}

int add_collector(std::function<void()> fn) {
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.collectors_mtx};
  auto id = r.next_collector++;
  r.collectors.emplace(id, std::move(fn));
  return id;
}

void remove_collector(int id) {
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.collectors_mtx};
  r.collectors.erase(id);
}

std::string render() {
  auto& r = reg();
  {
    std::lock_guard<std::mutex> guard{r.collectors_mtx};
    for (auto& [id, fn] : r.collectors)
      fn();
  }
  std::ostringstream os;
  std::lock_guard<std::mutex> guard{r.mtx};
  for (auto& [name, f] : r.families) {
    os << "# HELP " << name << ' ' << f.help << '\n';
    switch (f.k) {
      case kind::counter:
        os << "# TYPE " << name << " counter\n";
        for (auto& [l, c] : f.counters)
          os << name << label_text(l) << ' ' << c->value() << '\n';
        break;
      case kind::gauge:
        os << "# TYPE " << name << " gauge\n";
        for (auto& [l, g] : f.gauges)
          os << name << label_text(l) << ' ' << g->value() << '\n';
        break;
      case kind::histogram:
        os << "# TYPE " << name << " histogram\n";
        for (auto& [l, h] : f.histograms) {
          auto counts = h->bucket_counts();
          for (size_t i = 0; i < counts.size(); ++i) {
            double bound = i < h->bounds().size() ? h->bounds()[i] : INFINITY;
            os << name << "_bucket" << label_text(l, "le", num(bound)) << ' ' << counts[i] << '\n';
          }
          os << name << "_sum" << label_text(l) << ' ' << h->sum() << '\n';
          os << name << "_count" << label_text(l) << ' ' << h->count() << '\n';
        }
        break;
    }
  }
  return os.str();
}

}  // namespace hirehub::metrics
