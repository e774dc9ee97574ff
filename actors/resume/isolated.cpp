#include "actors/resume/isolated.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace hirehub::resume {

namespace {

constexpr int exit_out_of_memory = 3;

/// Writes to a pipe whose reader may be gone without a SIGPIPE ending the process:
/// SIGPIPE is blocked for this thread while writing and a pending one is discarded.
class no_sigpipe {
 public:
  no_sigpipe() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~no_sigpipe() {
    timespec zero{0, 0};
    while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_, old_;
};

struct fd {
  int value = -1;
  ~fd() { reset(); }
  void reset() {
    if (value >= 0)
      ::close(value);
    value = -1;
  }
};

[[noreturn]] void refuse(const std::string& why) {
  throw extract_error(extract_errc::corrupt, why);
}

std::string arg(size_t v) {
  return std::to_string(v);
}

}  // namespace

extracted extract_isolated(std::string_view bytes, const isolation& iso) {
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  fd child_in{in_pipe[0]}, to_child{in_pipe[1]};
  if (pipe2(out_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  fd from_child{out_pipe[0]}, child_out{out_pipe[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_in.value, 0);
  posix_spawn_file_actions_adddup2(&actions, child_out.value, 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child starts with no signal blocked and the default dispositions the node changed.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGXCPU})
    sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = {iso.executable,
                                   "resume",
                                   "extract-isolated",
                                   "--cpu-s",
                                   std::to_string(iso.cpu_seconds),
                                   "--memory-mib",
                                   arg(iso.memory_mib),
                                   "--max-text-bytes",
                                   arg(iso.limits.max_text_bytes),
                                   "--max-docx-xml-bytes",
                                   arg(iso.limits.max_docx_xml_bytes),
                                   "--max-pdf-pages",
                                   std::to_string(iso.limits.max_pdf_pages)};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, iso.executable.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0)
    throw std::runtime_error("cannot start the extraction process " + iso.executable + ": " + std::strerror(rc));
  child_in.reset();
  child_out.reset();
  fcntl(to_child.value, F_SETFL, fcntl(to_child.value, F_GETFL) | O_NONBLOCK);
  fcntl(from_child.value, F_SETFL, fcntl(from_child.value, F_GETFL) | O_NONBLOCK);

  auto deadline = std::chrono::steady_clock::now() + iso.wall;
  const size_t max_output = iso.limits.max_text_bytes + 4096;
  std::string output;
  size_t written = 0;
  bool timed_out = false, too_much = false;
  {
    no_sigpipe guard;
    char buf[65536];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        timed_out = true;
        break;
      }
      pollfd fds[2];
      int n = 0;
      fds[n++] = {from_child.value, POLLIN, 0};
      if (to_child.value >= 0)
        fds[n++] = {to_child.value, POLLOUT, 0};
      int ready = ::poll(fds, static_cast<nfds_t>(n), static_cast<int>(std::min<int64_t>(left.count(), 1000)));
      if (ready < 0 && errno != EINTR)
        break;
      if (to_child.value >= 0 && n > 1 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
        auto w = ::write(to_child.value, bytes.data() + written, std::min<size_t>(bytes.size() - written, 65536));
        if (w > 0)
          written += static_cast<size_t>(w);
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == bytes.size())
          to_child.reset();  // all sent (EOF for the child), or it stopped reading
      }
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        auto r = ::read(from_child.value, buf, sizeof buf);
        if (r > 0) {
          output.append(buf, static_cast<size_t>(r));
          if (output.size() > max_output) {
            too_much = true;
            break;
          }
        } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
          break;  // the child closed its output: it is done
        }
      }
    }
  }
  to_child.reset();
  from_child.reset();
  if (timed_out || too_much)
    ::kill(pid, SIGKILL);
  int status = 0;
  // It has answered (or was killed): it ends at once; a child that closed its output
  // and kept running is killed at the deadline.
  for (;;) {
    auto r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR))
      break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      timed_out = true;
    }
    ::usleep(2000);
  }
  if (timed_out || (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL)))
    refuse("the file took too long to read (more than the reader's time budget); it may be built to exhaust the "
           "server");
  if (too_much)
    refuse("the file's text is larger than " + std::to_string(iso.limits.max_text_bytes) + " bytes");
  if (WIFEXITED(status) && WEXITSTATUS(status) == exit_out_of_memory)
    refuse("the file needs more memory to read than the reader's budget; it may be built to exhaust the server");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    refuse("the file could not be read (the reader failed on it)");
  // "OK <kind> <pages>\n<text>" or "ERR <code>\n<message>"
  auto eol = output.find('\n');
  if (eol == std::string::npos)
    refuse("the file could not be read (the reader gave no answer)");
  auto head = output.substr(0, eol);
  auto body = output.substr(eol + 1);
  if (head.rfind("OK ", 0) == 0) {
    extracted out;
    char kind[16] = {0};
    int pages = 0;
    if (std::sscanf(head.c_str() + 3, "%15s %d", kind, &pages) != 2)
      refuse("the file could not be read (the reader's answer was malformed)");
    std::string k = kind;
    out.kind = k == "pdf" ? file_kind::pdf : k == "docx" ? file_kind::docx : k == "txt" ? file_kind::text
                                                                                         : file_kind::unsupported;
    out.pages = pages;
    out.text = std::move(body);
    return out;
  }
  if (head.rfind("ERR ", 0) == 0) {
    auto code = head.substr(4);
    auto e = code == "empty"       ? extract_errc::empty
             : code == "encrypted" ? extract_errc::encrypted
             : code == "unsupported" ? extract_errc::unsupported
                                     : extract_errc::corrupt;
    throw extract_error(e, body);
  }
  refuse("the file could not be read (the reader's answer was malformed)");
}

int extract_child_main(const isolation& iso) {
  // Die with the node; never gain privileges; no core files of resumes.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  auto limit = [](int resource, rlim_t soft, rlim_t hard) {
    rlimit r{soft, hard};
    return setrlimit(resource, &r) == 0;
  };
  auto cpu = static_cast<rlim_t>(iso.cpu_seconds);
  auto memory = static_cast<rlim_t>(iso.memory_mib) * 1024 * 1024;
  if (!limit(RLIMIT_CORE, 0, 0) || !limit(RLIMIT_CPU, cpu, cpu + 1) || !limit(RLIMIT_AS, memory, memory) ||
      !limit(RLIMIT_FSIZE, 0, 0) || !limit(RLIMIT_NOFILE, 64, 64))
    return 4;  // no budget, no reading
  std::string bytes;
  char buf[65536];
  for (;;) {
    auto r = ::read(0, buf, sizeof buf);
    if (r > 0) {
      bytes.append(buf, static_cast<size_t>(r));
      continue;
    }
    if (r < 0 && errno == EINTR)
      continue;
    break;
  }
  std::string out;
  try {
    auto r = extract(bytes, iso.limits);
    out = std::string("OK ") + to_string(r.kind) + " " + std::to_string(r.pages) + "\n";
    out += r.text;
  } catch (const extract_error& e) {
    out = std::string("ERR ") + to_string(e.code()) + "\n" + e.what();
  } catch (const std::bad_alloc&) {
    return exit_out_of_memory;
  } catch (const std::exception&) {
    out = "ERR corrupt\nthe file could not be read";
  }
  size_t done = 0;
  while (done < out.size()) {
    auto w = ::write(1, out.data() + done, out.size() - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return 5;
    done += static_cast<size_t>(w);
  }
  return 0;
}

}  // namespace hirehub::resume
