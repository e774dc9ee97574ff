#pragma once
/// `hirehub resume process FILE`: the whole pipeline on one file, locally.

#include <cstdint>
#include <string>

namespace hirehub::node {

/// Prints the pipeline's JSON report on stdout; 0 on success, 1 when the file
/// has no usable text (the reason on stderr), 2 on a usage error.
int resume_process_command(const std::string& file, const std::string& config_path, bool compact);

/// Writes a generated resume (actors/resume/corpus) to stdout.
int resume_sample_command(uint64_t seed, const std::string& format, const std::string& language, int pages);

}  // namespace hirehub::node
