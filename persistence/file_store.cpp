#include "persistence/file_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace hirehub::persistence {

namespace fs = std::filesystem;

namespace {

void fsync_path(const fs::path& p, bool directory) {
  int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0)
    throw std::runtime_error("file store: cannot open " + p.string() + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0)
    throw std::runtime_error("file store: fsync " + p.string() + ": " + std::strerror(errno));
}

class local_store final : public file_store {
 public:
  explicit local_store(std::string root) : root_(fs::absolute(root)) {}

  void put(const std::string& key, std::string_view bytes, durability d) override {
    auto path = resolve(key);
    fs::create_directories(path.parent_path());
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    auto tmp = path;
    tmp += ".tmp." + std::to_string(rng());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
      throw std::runtime_error("file store: cannot create " + tmp.string() + ": " + std::strerror(errno));
    size_t off = 0;
    while (off < bytes.size()) {
      auto n = ::write(fd, bytes.data() + off, bytes.size() - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        auto err = std::string(std::strerror(errno));
        ::close(fd);
        ::unlink(tmp.c_str());
        throw std::runtime_error("file store: write " + tmp.string() + ": " + err);
      }
      off += static_cast<size_t>(n);
    }
    bool durable = d == durability::durable;
    if ((durable && ::fsync(fd) != 0) || ::close(fd) != 0) {
      ::unlink(tmp.c_str());
      throw std::runtime_error("file store: cannot flush " + tmp.string());
    }
    fs::rename(tmp, path);
    if (durable)
      fsync_path(path.parent_path(), true);
  }

  std::optional<std::string> get(const std::string& key) const override {
    auto path = resolve(key);
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return std::nullopt;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  void remove_prefix(const std::string& prefix) override {
    auto path = resolve(prefix);
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec)
      throw std::runtime_error("file store: cannot remove " + path.string() + ": " + ec.message());
  }

  std::string url(const std::string& key) const override { return "file://" + resolve(key).string(); }

 private:
  fs::path resolve(const std::string& key) const {
    // Keys are built by this module from UUIDs and safe names; refuse anything else.
    if (key.empty() || key.find("..") != std::string::npos || key.front() == '/')
      throw std::invalid_argument("file store: bad key");
    return root_ / key;
  }

  fs::path root_;
};

}  // namespace

std::shared_ptr<file_store> make_local_file_store(std::string root) {
  return std::make_shared<local_store>(std::move(root));
}

std::string safe_file_name(std::string_view name, const std::string& fallback) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos)
    name = name.substr(slash + 1);
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F || c == '"' || c == ':' || c == '*' || c == '?' || c == '<' || c == '>' || c == '|')
      out += '_';
    else
      out += static_cast<char>(c);
  }
  if (out.size() > 200) {
    size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
      --cut;
    out.resize(cut);
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' '))
    out.erase(0, 1);
  if (out.empty() || out.find("..") != std::string::npos)
    return fallback;
  return out;
}

std::string resume_prefix(const char* area, const std::string& user_id, const std::string& resume_id) {
  return std::string(area) + "/" + user_id + "/" + resume_id + "/";
}

std::string original_key(const std::string& user_id, const std::string& resume_id, const std::string& file_type) {
  return resume_prefix("original", user_id, resume_id) + "original." + file_type;
}

std::string processed_key(const std::string& user_id, const std::string& resume_id, const std::string& name) {
  return resume_prefix("processed", user_id, resume_id) + name;
}

}  // namespace hirehub::persistence
