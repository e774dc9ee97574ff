#include "node/resume_cli.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "tools/corpus/corpus.hpp"
#include "actors/resume/pipeline.hpp"
#include "runtime/config.hpp"

namespace hirehub::node {

int resume_process_command(const std::string& file, const std::string& config_path, bool compact) {
  config cfg;
  try {
    cfg = load_config(config_path);
  } catch (const config_error& e) {
    std::cerr << "hirehub: " << e.what() << '\n';
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "hirehub resume process: cannot read " << file << '\n';
    return 2;
  }
  auto limit = static_cast<size_t>(cfg.get_int("resume.max_upload_bytes"));
  std::string bytes;
  bytes.resize(limit + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  if (bytes.size() > limit) {
    std::cerr << "hirehub resume process: " << file << " is larger than resume.max_upload_bytes (" << limit << ")\n";
    return 1;
  }
  resume::pipeline_options opts;
  opts.masking.threshold = static_cast<double>(cfg.get_int("resume.pii_threshold_pct")) / 100.0;
  auto dims = static_cast<int>(cfg.get_int("resume.embed_dims"));
  resume::hashing_embedder emb(dims);
  try {
    auto out = resume::run_local(bytes, opts, emb);
    auto j = resume::report(out, dims);
    std::cout << (compact ? j.dump() : j.dump(2)) << '\n';
    return 0;
  } catch (const resume::extract_error& e) {
    std::cerr << "hirehub resume process: " << to_string(e.code()) << ": " << e.what() << '\n';
    return 1;
  }
}

int resume_sample_command(uint64_t seed, const std::string& format, const std::string& language, int pages) {
  auto g = resume::corpus::generate(seed, language, pages);
  std::string bytes = format == "pdf"    ? resume::corpus::render_pdf(g)
                      : format == "docx" ? resume::corpus::render_docx(g)
                                         : resume::corpus::render_text(g);
  std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return std::cout ? 0 : 1;
}

}  // namespace hirehub::node
