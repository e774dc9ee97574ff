#pragma once
/// Text extraction in a child process with a budget. A crafted file (a PDF whose
/// form XObjects fan out, a Flate or ZIP bomb, a file that crashes the reader)
/// must cost one child a few seconds, not a worker for hours or the node its
/// life: the child (`hirehub resume extract-isolated`, this binary again) limits
/// itself with setrlimit (CPU time, address space, no files, no core) before it
/// reads anything, and the parent kills it at a wall-clock deadline. Whatever
/// goes wrong surfaces as an extract_error with a message a user understands.
/// Blocking: run it off the actor scheduler, and never inside a transaction.

#include <chrono>
#include <string>
#include <string_view>

#include "actors/resume/extract.hpp"

namespace hirehub::resume {

struct isolation {
  std::string executable = "/proc/self/exe";  ///< a binary with the `resume extract-isolated` command
  int cpu_seconds = 10;                       ///< RLIMIT_CPU of the child
  size_t memory_mib = 1024;                   ///< RLIMIT_AS of the child
  std::chrono::milliseconds wall{20000};      ///< killed (SIGKILL) after this
  extract_limits limits;
};

/// `extract(bytes, limits)` in a child process. Throws extract_error: the reader's
/// own refusals as they are; a child killed for time, out of memory or crashed as
/// `corrupt` with a message saying so.
extracted extract_isolated(std::string_view bytes, const isolation& iso);

/// The child's side: applies the limits to itself, reads the file from stdin,
/// writes the outcome to stdout. Returns the process exit code.
int extract_child_main(const isolation& iso);

}  // namespace hirehub::resume
