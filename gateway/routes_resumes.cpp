/// Resumes: the upload (multipart/form-data; the type decided by content), the
/// owner's views, the original file, deletion; for admins, the resumes whose
/// pipeline ended in error (dead letters) and their replay.
#include "actors/rag_index.hpp"
#include "domain/errors.hpp"
#include "actors/resume/extract.hpp"
#include "actors/resume/isolated.hpp"
#include "runtime/text_util.hpp"
#include "actors/resume_pipeline.hpp"
#include "gateway/multipart.hpp"
#include "gateway/request_context.hpp"
#include "persistence/file_store.hpp"
#include "persistence/resumes.hpp"
#include "runtime/atoms.hpp"
#include "runtime/crypto.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"

namespace hirehub::gateway {

namespace {

namespace store = persistence::resumes;
using nlohmann::json;

void check_id(const std::string& id) {
  if (!ids::is_uuid(id))
    throw bad_input{errc::not_found, "no resume with this id", ""};
}

/// Starts (or continues) the resume's pipeline through the entity registry.
void start_pipeline(caf::actor_system& sys, const std::string& id,
                    caf::message cmd = caf::make_message(process_atom::value)) {
  if (auto registry = service(sys, "registry"))
    caf::anon_send(registry, route_message("resume", id, false, std::move(cmd)));
}

error_code errc_of(resume::extract_errc e) {
  if (e == resume::extract_errc::unsupported)
    return errc::unsupported_media_type;
  return resumes_errc::unprocessable_file;
}

/// POST /api/v1/resumes: 202 with the resume id once the original is stored
/// and the row and `resume.uploaded` are committed.
void upload(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  require_role(by, "jobseeker");
  auto boundary = form_boundary(req.content_type);
  if (!boundary)
    throw bad_input{errc::unsupported_media_type,
                    "send the resume as multipart/form-data with a 'file' field (and an optional 'title')",
                    "Content-Type"};
  std::vector<form_part> parts;
  try {
    parts = parse_multipart(req.body_view(), *boundary);
  } catch (const multipart_error& e) {
    throw bad_input{errc::bad_request, std::string("malformed multipart body: ") + e.what(), ""};
  }
  const form_part* file = nullptr;
  std::string title;
  for (const auto& p : parts) {
    if (p.name == "file") {
      if (file)
        throw bad_input{errc::bad_request, "send one file per upload", "file"};
      if (!p.filename)
        throw bad_input{errc::bad_request, "the 'file' field must be a file", "file"};
      file = &p;
    } else if (p.name == "title") {
      title = std::string(p.body);
      if (title.size() > 200 || !text::valid_utf8(title))
        throw bad_input{errc::bad_request, "title must be UTF-8 text of at most 200 bytes", "title"};
    } else {
      throw bad_input{errc::bad_request, "unknown form field '" + p.name + "' (expected file and title)", p.name};
    }
  }
  if (!file)
    throw bad_input{errc::bad_request, "the 'file' field is required", "file"};
  if (file->body.size() > sh.opts.max_upload_bytes)
    throw bad_input{errc::payload_too_large,
                    "the file exceeds " + std::to_string(sh.opts.max_upload_bytes) + " bytes (resume.max_upload_bytes)",
                    "file"};
  if (file->body.empty())
    throw bad_input{resumes_errc::unprocessable_file, "the file is empty", "file"};
  auto kind = resume::sniff(file->body);
  if (kind == resume::file_kind::unsupported) {
    // An encrypted Office document looks like a legacy one: let extract say which.
    try {
      resume::extract(file->body);
    } catch (const resume::extract_error& e) {
      throw bad_input{errc_of(e.code()), e.what(), "file"};
    }
    throw bad_input{errc::unsupported_media_type, "only PDF, DOCX and plain-text resumes are accepted", "file"};
  }
  auto files = sh.opts.resume_files;
  if (!files)
    throw bad_input{errc::unavailable, "resume storage is not configured on this node", ""};
  store::new_resume r;
  r.id = ids::random_uuid();
  r.user_id = by.user_id;
  r.title = title;
  r.file_type = resume::to_string(kind);
  r.file_name = persistence::safe_file_name(*file->filename, std::string("resume.") + r.file_type);
  r.file_size = static_cast<int64_t>(file->body.size());
  auto bytes = std::make_shared<std::string>(file->body);
  r.sha256 = crypto::sha256_hex(*bytes);
  auto key = persistence::original_key(r.user_id, r.id, r.file_type);
  r.file_url = files->url(key);
  auto sys = sh.sys;
  auto text = std::make_shared<std::string>();
  auto slot = take_upload_slot(sh, by.user_id);
  persistence::db_task task;
  // The file must yield text before anything is kept (422 saying why otherwise), read by
  // a child process with a time and memory budget, before any transaction opens.
  // Then the file is stored, durable before the row that points at it commits, and
  // outside the transaction: a failed commit leaves an orphan file, never a row without one.
  task.before = [bytes, text, iso = sh.opts.extraction, slot, files, key]() -> caf::error {
    try {
      *text = resume::extract_isolated(*bytes, iso).text;
    } catch (const resume::extract_error& e) {
      return make_error(errc_of(e.code()), e.what(), "file");
    }
    try {
      files->put(key, *bytes);
    } catch (const std::exception& e) {
      log::error("resume file not stored", {{"key", key}, {"error", e.what()}});
      return make_error(errc::unavailable, "the file could not be stored; retry");
    }
    return {};
  };
  task.fn = store::create_command(r);
  ask_task(self, sh, "resumedb", std::move(task),
           [sys, id = r.id, user = r.user_id, type = r.file_type, text](json& v) {
             // The new row's facts and the text just extracted: the pipeline reads neither again.
             start_pipeline(*sys, id, caf::make_message(process_atom::value, std::move(*text), user, type));
             auto resp = json_response(202, v.dump());
             resp.headers.emplace_back("Location", "/api/v1/resumes/" + id);
             return resp;
           });
}

void list_own(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  query_reader in{req.query, {"limit", "before"}};
  auto limit = static_cast<int>(in.integer("limit", 1, 100).value_or(20));
  auto before = in.text("before", 36);
  if (!before.empty() && !ids::is_uuid(before))
    throw bad_input{errc::bad_request, "before must be a resume id", "before"};
  auto user = by.user_id;
  ask_task(self, sh, "db", store::list_request(user, limit, before), json_reply());
}

/// GET /api/v1/resumes/{id}: the owner, admins, and the companies it was sent to.
void get_one(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  check_id(p[0]);
  ask_task(self, sh, "db",
           store::get_query(p[0], by.user_id, by.role == "admin", by.role == "company" ? by.company_id : std::string{}),
           json_reply());
}

/// GET /api/v1/resumes/{id}/file: the original, to its owner.
void download(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  check_id(p[0]);
  auto files = sh.opts.resume_files;
  auto id = p[0];
  // The original holds the raw personal data: its owner only, not admins.
  ask_task(self, sh, "db", store::original_query(id, by.user_id), [files, id](json& v) {
    auto name = v["file_name"].get<std::string>();
    auto bytes = files ? files->get(persistence::original_key(v["user_id"], id, v["file_type"])) : std::nullopt;
    if (!bytes)
      return error_response(errc::not_found, "the original file is gone");
    http_response r;
    r.status = 200;
    r.body = std::move(*bytes);
    auto type = v["file_type"].get<std::string>();
    r.content_type = type == "pdf"    ? resume::mime_type(resume::file_kind::pdf)
                     : type == "docx" ? resume::mime_type(resume::file_kind::docx)
                                      : resume::mime_type(resume::file_kind::text);
    std::string ascii;
    for (char c : name)
      ascii += (static_cast<unsigned char>(c) < 0x80 && c != '"' && c != '\\') ? c : '_';
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + ascii + "\"");
    return r;
  });
}

void remove(request_actor* self, api_shared& sh, const route_params& p) {
  auto files = sh.opts.resume_files;
  auto id = p[0];
  auto sys = sh.sys;
  auto by = caller(self, sh);
  check_id(p[0]);
  ask_task(self, sh, "resumedb", store::remove_command(p[0], by.user_id, by.role == "admin"),
           [files, id, sys](json& v) {
             // Its chunks leave this node's vector index for good (late updates included).
             rag::send_update(*sys, rag::update{id, v["user_id"], resume::vector_index::deleted_forever, true, {}});
             // After the commit: a crash here leaves orphan files, never a row without its file.
             if (files) {
               auto owner = v["user_id"].get<std::string>();
               try {
                 files->remove_prefix(persistence::resume_prefix("original", owner, id));
                 files->remove_prefix(persistence::resume_prefix("processed", owner, id));
               } catch (const std::exception& e) {
                 log::warn("resume files not removed", {{"resume_id", id}, {"error", e.what()}});
               }
             }
             return no_content(v);
           });
}

void dead_letters(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  require_role(caller(self, sh), "admin");
  query_reader in{req.query, {"limit"}};
  auto limit = static_cast<int>(in.integer("limit", 1, 500).value_or(100));
  ask_task(self, sh, "db", store::dead_letters_query(limit), json_reply());
}

void replay(request_actor* self, api_shared& sh, const route_params& p) {
  require_role(caller(self, sh), "admin");
  check_id(p[0]);
  auto id = p[0];
  auto sys = sh.sys;
  ask_task(self, sh, "resumedb", store::replay_command(id), [sys, id](json& v) {
    start_pipeline(*sys, id);
    return json_response(202, v.dump());
  });
}

}  // namespace

void add_resume_routes(std::vector<route_def>& out) {
  out.insert(out.end(), {
                            {"POST", "/api/v1/resumes", upload, access::token, "jobseeker"},
                            {"GET", "/api/v1/resumes", list_own},
                            {"GET", "/api/v1/resumes/{id}", get_one},
                            {"GET", "/api/v1/resumes/{id}/file", download},
                            {"DELETE", "/api/v1/resumes/{id}", remove},
                            {"GET", "/api/v1/admin/resumes/dead-letters", dead_letters},
                            {"POST", "/api/v1/admin/resumes/{id}/replay", replay},
                        });
}

}  // namespace hirehub::gateway
