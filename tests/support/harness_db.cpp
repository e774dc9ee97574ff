// The test database: a fresh PostgreSQL database per suite, and reads of it.
#include "support/harness.hpp"

#include <pqxx/pqxx>

namespace hh_test {

database::database() {
  const char* admin = std::getenv("HIREHUB_TEST_PG_ADMIN_URL");
  if (!admin)
    throw std::runtime_error("HIREHUB_TEST_PG_ADMIN_URL is not set: run the integration tests through tests/run.sh");
  admin_url_ = admin;
  name_ = "hh_test_" + uuid().substr(0, 8);
  pqxx::connection c{admin_url_};
  pqxx::nontransaction t{c};
  t.exec("CREATE DATABASE " + name_);
  auto slash = admin_url_.rfind('/');
  url = admin_url_.substr(0, slash + 1) + name_;
}

database::~database() {
  try {
    pqxx::connection c{admin_url_};
    pqxx::nontransaction t{c};
    t.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
  }
}

std::string database::scalar(const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction t{c};
  auto r = t.exec(sql);
  if (r.empty() || r[0][0].is_null())
    return {};
  return r[0][0].as<std::string>();
}

std::vector<std::vector<std::string>> database::rows(const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction t{c};
  std::vector<std::vector<std::string>> out;
  for (auto row : t.exec(sql)) {
    out.emplace_back();
    for (auto f : row)
      out.back().push_back(f.is_null() ? std::string{} : f.as<std::string>());
  }
  return out;
}

void database::exec(const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction t{c};
  t.exec(sql);
}

std::string database::resume_of(const std::string& user_id, const json& parsed) {
  return resumes_of({user_id}, parsed)[0];
}

std::vector<std::string> database::resumes_of(const std::vector<std::string>& user_ids, const json& parsed) {
  std::vector<std::string> ids;
  std::string users = "{", resumes = "{";
  for (auto& u : user_ids) {
    ids.push_back(uuid());
    users += (users.size() > 1 ? "," : "") + u;
    resumes += (resumes.size() > 1 ? "," : "") + ids.back();
  }
  pqxx::connection c{url};
  pqxx::work t{c};
  t.exec_params(
      "INSERT INTO users (id, email, password_hash, user_type) SELECT u, u || '@resume.test', '-', 'jobseeker' "
      "FROM unnest($1::uuid[]) u ON CONFLICT DO NOTHING",
      users + "}");
  t.exec_params(
      "INSERT INTO resumes (id, user_id, title, original_file_url, original_file_name, file_type, file_size, "
      "file_sha256, status, progress, parsed_content) SELECT r, u, 'CV', 'resumes/' || r || '.txt', 'cv.txt', "
      "'txt', 1, repeat('0', 64), 'ready', 100, NULLIF($3, '')::jsonb FROM unnest($1::uuid[], $2::uuid[]) AS x(r, u)",
      resumes + "}", users + "}", parsed.is_null() ? std::string{} : parsed.dump());
  t.commit();
  return ids;
}

}  // namespace hh_test
