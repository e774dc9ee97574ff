// Resumes per second through the pipeline's stages on this machine, in
// process (no database, no broker): extract -> mask -> parse -> embed ->
// summarise on generated PDFs of about two pages (Korean and English), on N
// threads. Prints throughput and per-stage p50/p99 in ms. It asserts nothing.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/corpus/corpus.hpp"
#include "actors/resume/pipeline.hpp"
#include "actors/resume/summary.hpp"
#include "bench/resume_pdfs.hpp"

namespace r = hirehub::resume;
using clk = std::chrono::steady_clock;

namespace {

double ms_since(clk::time_point t) {
  return std::chrono::duration<double, std::milli>(clk::now() - t).count();
}

double pct(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Resume pipeline throughput (in process)"};
  int seconds = 10, threads = 2, pages = 2, files = 64;
  app.add_option("--seconds", seconds)->capture_default_str();
  app.add_option("--threads", threads)->capture_default_str();
  app.add_option("--pages", pages, "Pages per resume (about)")->capture_default_str();
  app.add_option("--files", files, "Distinct resumes generated")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto pdfs = hh_bench::resume_pdfs(files, pages);

  const char* names[] = {"extract", "mask", "parse", "embed", "summarise", "total"};
  std::vector<std::vector<double>> times(6);
  std::mutex mtx;
  std::atomic<long> done{0};
  auto deadline = clk::now() + std::chrono::seconds(seconds);
  auto t0 = clk::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      r::hashing_embedder emb(384);
      std::vector<std::vector<double>> mine(6);
      size_t i = static_cast<size_t>(t);
      while (clk::now() < deadline) {
        const auto& pdf = pdfs[i++ % pdfs.size()];
        auto start = clk::now();
        auto s = clk::now();
        auto text = r::extract(pdf);
        mine[0].push_back(ms_since(s));
        s = clk::now();
        auto m = r::mask_pii(text.text);
        mine[1].push_back(ms_since(s));
        s = clk::now();
        auto p = r::parse_resume(m.masked);
        mine[2].push_back(ms_since(s));
        s = clk::now();
        auto chunks = r::chunk_text(m.masked);
        std::vector<std::string> texts;
        for (auto& c : chunks)
          texts.push_back(c.text);
        auto vecs = emb.embed(texts);
        mine[3].push_back(ms_since(s));
        s = clk::now();
        auto summary = r::extractive_summary(m.masked, p);
        mine[4].push_back(ms_since(s));
        mine[5].push_back(ms_since(start));
        if (vecs.empty() || summary.empty())
          std::abort();
        ++done;
      }
      std::lock_guard<std::mutex> g{mtx};
      for (int k = 0; k < 6; ++k)
        times[static_cast<size_t>(k)].insert(times[static_cast<size_t>(k)].end(), mine[static_cast<size_t>(k)].begin(),
                                             mine[static_cast<size_t>(k)].end());
    });
  for (auto& th : pool)
    th.join();
  double elapsed = ms_since(t0) / 1000.0;
  std::printf("resumes: %ld in %.1f s on %d threads = %.1f resumes/s\n", done.load(), elapsed, threads,
              static_cast<double>(done.load()) / elapsed);
  for (int k = 0; k < 6; ++k)
    std::printf("  %-10s p50 %7.2f ms  p99 %7.2f ms\n", names[k], pct(times[static_cast<size_t>(k)], 0.5),
                pct(times[static_cast<size_t>(k)], 0.99));
  return 0;
}
