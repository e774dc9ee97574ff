#pragma once
// Generated resumes as PDFs for the resume benchmarks (Korean and English
// alternating), with a line saying what they are.
#include <cstdio>
#include <string>
#include <vector>

#include "tools/corpus/corpus.hpp"
#include "actors/resume/extract.hpp"

namespace hh_bench {

/// `files` PDFs of about `pages` pages each; prints their average size.
inline std::vector<std::string> resume_pdfs(int files, int pages) {
  namespace r = hirehub::resume;
  std::vector<std::string> pdfs;
  int page_count = 0;
  size_t bytes = 0;
  for (int i = 0; i < files; ++i) {
    auto g = r::corpus::generate(static_cast<uint64_t>(i) + 77, i % 2 ? "en" : "ko", pages * 2);
    pdfs.push_back(r::corpus::render_pdf(g));
    page_count += r::extract(pdfs.back()).pages;
    bytes += pdfs.back().size();
  }
  std::printf("corpus: %d PDFs, %.1f pages and %.0f KiB each on average\n", files,
              static_cast<double>(page_count) / files, static_cast<double>(bytes) / files / 1024.0);
  return pdfs;
}

}  // namespace hh_bench
