#pragma once
/// Where resume files live, behind an interface so an object store (S3) can
/// replace the local one. Keys follow the seed's S3 layout:
///   original/{user_id}/{resume_id}/original.{pdf,docx,txt}
///   processed/{user_id}/{resume_id}/masked.txt | parsed.json
/// The local store writes atomically (temporary file, rename), so a reader
/// never sees half a file. Originals are `durable`: the file and its directory
/// are fsync'ed before `put` returns, so a crash leaves the old file or the new
/// one. The processed files are `copy`: copies of columns PostgreSQL already
/// holds (`masked_text`, `parsed_json`), written without fsync, since nothing
/// reads them back and the database is their source of truth. Thread-safe.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hirehub::persistence {

enum class durability { durable, copy };

class file_store {
 public:
  virtual ~file_store() = default;
  /// Throws std::runtime_error when the bytes cannot be stored (durably, for
  /// `durability::durable`).
  virtual void put(const std::string& key, std::string_view bytes, durability d = durability::durable) = 0;
  virtual std::optional<std::string> get(const std::string& key) const = 0;
  /// Removes every object under `prefix` ("original/{user}/{resume}/").
  virtual void remove_prefix(const std::string& prefix) = 0;
  /// The URL recorded in `resumes.original_file_url` (file://... or s3://...).
  virtual std::string url(const std::string& key) const = 0;
};

std::shared_ptr<file_store> make_local_file_store(std::string root);

/// A file name safe to use as the last part of a key: the base name only,
/// no path separators or control characters, at most 200 bytes of UTF-8;
/// `fallback` when nothing is left.
std::string safe_file_name(std::string_view name, const std::string& fallback);

/// The upload is stored as `original.<type>`: the name the user gave it (often
/// their own name) stays in their row only, never in keys, URLs or events.
std::string original_key(const std::string& user_id, const std::string& resume_id, const std::string& file_type);
std::string processed_key(const std::string& user_id, const std::string& resume_id, const std::string& name);
std::string resume_prefix(const char* area, const std::string& user_id, const std::string& resume_id);

}  // namespace hirehub::persistence
