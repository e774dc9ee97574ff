#pragma once
// What the account tests share: one node (cheap password hashes, the per-account
// login limit at 6) per suite, sign-up and login helpers, `hirehub admin create`.
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "gateway/jwt.hpp"
#include "runtime/crypto.hpp"
#include "support/harness.hpp"

namespace hh_test {

inline const std::map<std::string, std::string> cheap_hashes = {
    {"HIREHUB_AUTH_PASSWORD_OPSLIMIT", "1"},
    {"HIREHUB_AUTH_PASSWORD_MEMLIMIT_KIB", "8192"},
};

inline std::map<std::string, std::string> with(std::map<std::string, std::string> a,
                                               const std::map<std::string, std::string>& b) {
  for (auto& [k, v] : b)
    a[k] = v;
  return a;
}

struct env {
  database db;
  broker kafka;
  node n{db, kafka,
         with(cheap_hashes, {{"HIREHUB_AUTH_LOGIN_ATTEMPTS_PER_ACCOUNT", "6"},
                             {"HIREHUB_AUTH_LOGIN_ATTEMPTS_PER_ADDRESS", "100000"},
                             {"HIREHUB_AUTH_SIGNUPS_PER_ADDRESS", "100000"}})};
};

inline std::string unique_email(const std::string& who) {
  return who + "-" + uuid().substr(0, 8) + "@example.com";
}

inline json claims_of(const std::string& token) {
  auto d1 = token.find('.');
  auto d2 = token.find('.', d1 + 1);
  return json::parse(*hirehub::jwt::base64url_decode(token.substr(d1 + 1, d2 - d1 - 1)));
}

class account_suite : public node_suite<env> {
 protected:
  http_result signup(const json& body) { return http_->post("/api/v1/auth/signup", body, ""); }
  http_result login(const std::string& email, const std::string& pw, const std::string& totp = {}) {
    json b = {{"email", email}, {"password", pw}};
    if (!totp.empty())
      b["totp"] = totp;
    return http_->post("/api/v1/auth/login", b, "");
  }
  http_result refresh(const std::string& tok) {
    return http_->post("/api/v1/auth/refresh", {{"refresh_token", tok}}, "");
  }

  json new_seeker(const std::string& email, const std::string& pw = "s3cret-password") {
    auto r = signup({{"email", email}, {"password", pw}, {"role", "jobseeker"}, {"name", "김민준"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json_body;
  }

  json new_company(const std::string& email, const std::string& name = "Acme Corp") {
    auto r = signup({{"email", email},
                     {"password", "company-password"},
                     {"role", "company"},
                     {"name", "Lee Hiring"},
                     {"position", "Recruiter"},
                     {"company", {{"name", name}, {"company_size", "51-200"}, {"location", "Seoul"}}}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json_body;
  }

  int64_t users() { return e_->db.count("SELECT count(*) FROM users"); }
};

struct admin_account {
  std::string email, id, key;
  std::string command;  ///< the command that made it
};

/// `hirehub admin create` for a new address, with password admin-password-123.
inline admin_account create_admin(const std::string& db_url) {
  admin_account a;
  a.email = unique_email("ops");
  auto out_path = temp_dir() + "/admin.out";
  a.command = "printf '%s\\n' 'admin-password-123' | HIREHUB_DB_URL='" + db_url +
              "' HIREHUB_AUTH_PASSWORD_OPSLIMIT=1 HIREHUB_AUTH_PASSWORD_MEMLIMIT_KIB=8192 '" + hirehub_bin() +
              "' admin create --email '" + a.email + "' > '" + out_path + "' 2>&1";
  EXPECT_EQ(std::system(a.command.c_str()), 0) << a.command;
  std::ifstream in{out_path};
  std::string line, secret;
  while (std::getline(in, line)) {
    if (line.rfind("totp_secret=", 0) == 0)
      secret = line.substr(12);
    if (line.rfind("admin_id=", 0) == 0)
      a.id = line.substr(9);
  }
  EXPECT_FALSE(secret.empty());
  a.key = hirehub::crypto::base32_decode(secret).value_or("");
  return a;
}

inline std::string totp_code(const std::string& key, int64_t step) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06u", hirehub::crypto::hotp(key, static_cast<uint64_t>(step)));
  return std::string{buf};
}

}  // namespace hh_test
