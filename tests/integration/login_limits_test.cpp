// Logins under pressure through a real node: admins' TOTP codes (fresh, used once),
// an account under attack is slowed not locked, limits per client address and per
// account, shared by the nodes and seen through trusted proxies.
#include <gtest/gtest.h>

#include <thread>

#include "integration/accounts_support.hpp"

using namespace hh_test;

namespace {

class login_limits : public account_suite {};

}  // namespace

TEST_F(login_limits, admins_need_a_fresh_totp_code) {
  auto admin = create_admin(e_->db.url);
  auto email = admin.email;
  auto admin_id = admin.id;
  auto key = admin.key;
  ASSERT_FALSE(key.empty());
  // The same address cannot be made an admin twice.
  EXPECT_NE(std::system(admin.command.c_str()), 0);

  auto no_code = login(email, "admin-password-123");
  EXPECT_EQ(no_code.status, 401);
  EXPECT_EQ(no_code.json_body["error"]["details"]["field"], "totp");
  auto step = std::time(nullptr) / 30;
  auto code = [&](int64_t s) { return totp_code(key, s); };
  auto bad = login(email, "admin-password-123", code(step + 5));
  EXPECT_EQ(bad.status, 401);
  auto ok = login(email, "admin-password-123", code(step));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json_body["user"]["role"], "admin");
  EXPECT_EQ(claims_of(ok.json_body["access_token"])["role"], "admin");
  // The same code cannot be replayed, nor an older one.
  EXPECT_EQ(login(email, "admin-password-123", code(step)).status, 401);
  EXPECT_EQ(login(email, "admin-password-123", code(step - 1)).status, 401);
  // An admin's login ends after auth.admin_refresh_ttl_s (12 h), and refreshing never extends it.
  EXPECT_EQ(ok.json_body["refresh_expires_in"], 43200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto rotated = refresh(ok.json_body["refresh_token"]);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_LT(rotated.json_body["refresh_expires_in"].get<int64_t>(), 43200);
  EXPECT_EQ(e_->db.count("SELECT count(DISTINCT expires_at) FROM refresh_tokens WHERE user_id = '" + admin_id + "'"),
            1);
  // Admins cannot be made through the API.
  auto r = signup({{"email", unique_email("wannabe")}, {"password", "whatever-123"}, {"role", "admin"}, {"name", "X"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json_body["error"]["details"]["field"], "role");
}

TEST_F(login_limits, a_totp_code_opens_one_login_and_an_undecodable_secret_none) {
  auto admin = create_admin(e_->db.url);
  auto email = admin.email;
  auto admin_id = admin.id;
  auto step = std::time(nullptr) / 30;
  auto code = [&](int64_t s) { return totp_code(admin.key, s); };
  // Two logins at once with one fresh code: the account's row is locked during a
  // login, so the second sees the step the first used and is refused.
  std::vector<int> statuses(2);
  {
    std::vector<std::thread> both;
    for (int i = 0; i < 2; ++i)
      both.emplace_back([&, i] {
        http_client c{e_->n.port};
        statuses[i] = c.post("/api/v1/auth/login",
                             {{"email", email}, {"password", "admin-password-123"}, {"totp", code(step + 1)}}, "")
                          .status;
      });
    for (auto& t : both)
      t.join();
  }
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (std::vector<int>{200, 401}));
  // A TOTP secret that does not decode fails closed: no code opens the account
  // (with an empty key, anyone could compute the codes).
  e_->db.exec("UPDATE users SET totp_secret = '!!not-base32!!', totp_last_step = 0 WHERE id = '" + admin_id + "'");
  auto empty_key = [&](int64_t s) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%06u", hirehub::crypto::hotp("", static_cast<uint64_t>(s)));
    return std::string{buf};
  };
  EXPECT_EQ(login(email, "admin-password-123", empty_key(std::time(nullptr) / 30)).status, 401);
}

TEST_F(login_limits, an_account_under_attack_is_slowed_not_locked) {
  auto email = unique_email("limited");
  new_seeker(email);
  // The owner logged in from this device before: it got a device token.
  auto earlier = login(email, "s3cret-password");
  ASSERT_EQ(earlier.status, 200);
  auto device = earlier.json_body["device_token"].get<std::string>();
  ASSERT_FALSE(device.empty());
  // A guesser uses the account's failures (successful logins do not count), the same
  // way for an address that has no account.
  auto ghost = unique_email("ghost");
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(login(email, "wrong-password").status, 401);
    EXPECT_EQ(login(ghost, "wrong-password").status, 401);
  }
  auto limited = login(email, "s3cret-password");
  EXPECT_EQ(limited.status, 429) << "an unknown device waits, even with the right password: " << limited.body;
  EXPECT_GE(std::stoi(limited.headers["Retry-After"]), 1);
  EXPECT_EQ(login(ghost, "wrong-password").status, 429);
  // The owner's known device still gets in; a wrong password from it is still refused.
  auto from_device = [&](const std::string& pw, const std::string& tok) {
    return http_->post("/api/v1/auth/login", {{"email", email}, {"password", pw}, {"device_token", tok}}, "");
  };
  EXPECT_EQ(from_device("wrong-password", device).status, 401);
  EXPECT_EQ(from_device("s3cret-password", "a-device-token-nobody-was-given").status, 429);
  auto owner = from_device("s3cret-password", device);
  EXPECT_EQ(owner.status, 200) << owner.body;
  // Another account from the same address is not affected.
  auto other = unique_email("unaffected");
  new_seeker(other);
  EXPECT_EQ(login(other, "s3cret-password").status, 200);
}

// An admin under attack logs in with a fresh TOTP code: the guesser, who has none,
// is held at the account's limit.

TEST_F(login_limits, an_admin_under_attack_logs_in_with_a_fresh_totp_code) {
  auto admin = create_admin(e_->db.url);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(login(admin.email, "guess-" + std::to_string(i)).status, 401);
  EXPECT_EQ(login(admin.email, "admin-password-123").status, 429);
  auto step = std::time(nullptr) / 30;
  EXPECT_EQ(login(admin.email, "guess-9", totp_code(admin.key, step)).status, 401);
  auto ok = login(admin.email, "admin-password-123", totp_code(admin.key, step));
  EXPECT_EQ(ok.status, 200) << ok.body;
}

// The limits are shared by every node (PostgreSQL), and behind a trusted proxy the
// client is the address X-Forwarded-For names (IPv6 grouped by /64); elsewhere that
// header changes nothing.

TEST_F(login_limits, login_limits_are_shared_by_the_nodes_and_see_through_trusted_proxies) {
  auto env = with(cheap_hashes,
                  {{"HIREHUB_AUTH_LOGIN_ATTEMPTS_PER_ADDRESS", "4"}, {"HIREHUB_HTTP_TRUSTED_PROXIES", "127.0.0.1"}});
  node a{e_->db, e_->kafka, env};
  node b{e_->db, e_->kafka, env};
  http_client ca{a.port}, cb{b.port};
  auto attempt = [&](http_client& c, const std::string& xff) {
    return c
        .post("/api/v1/auth/login", {{"email", unique_email("spray")}, {"password", "x-password"}}, "",
              {{"X-Forwarded-For", xff}})
        .status;
  };
  EXPECT_EQ(attempt(ca, "203.0.113.10"), 401);
  EXPECT_EQ(attempt(cb, "203.0.113.10"), 401);
  EXPECT_EQ(attempt(ca, "203.0.113.10"), 401);
  EXPECT_EQ(attempt(cb, "203.0.113.10"), 401);
  EXPECT_EQ(attempt(ca, "203.0.113.10"), 429) << "four attempts over two nodes use the one budget";
  EXPECT_EQ(attempt(cb, "203.0.113.11"), 401) << "another client behind the proxy has its own";
  // One IPv6 host (a /64) is one client.
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(attempt(ca, "2001:db8:7:7::" + std::to_string(i + 1)), 401);
  EXPECT_EQ(attempt(cb, "2001:db8:7:7::99"), 429);
  EXPECT_EQ(attempt(cb, "2001:db8:7:8::1"), 401);
  // Without trusted proxies the header is the client's own claim: it is ignored. (A
  // database of its own: the suite's other nodes log in from 127.0.0.1 too.)
  database own;
  node plain{own, e_->kafka, with(cheap_hashes, {{"HIREHUB_AUTH_LOGIN_ATTEMPTS_PER_ADDRESS", "2"}})};
  http_client cp{plain.port};
  EXPECT_EQ(attempt(cp, "198.51.100.1"), 401);
  EXPECT_EQ(attempt(cp, "198.51.100.2"), 401);
  EXPECT_EQ(attempt(cp, "198.51.100.3"), 429) << "a forged X-Forwarded-For made a new budget";
}

TEST_F(login_limits, login_attempts_are_limited_per_client_address) {
  node strict{e_->db, e_->kafka,
              with(cheap_hashes,
                   {{"HIREHUB_AUTH_LOGIN_ATTEMPTS_PER_ADDRESS", "3"}, {"HIREHUB_AUTH_SIGNUPS_PER_ADDRESS", "2"}})};
  http_client c{strict.port};
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(c.post("/api/v1/auth/login", {{"email", unique_email("spray")}, {"password", "x-password"}}, "").status,
              401);
  auto r = c.post("/api/v1/auth/login", {{"email", unique_email("spray")}, {"password", "x-password"}}, "");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.json_body["error"]["code"], "rate_limited");
  auto before = users();
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(
        c.post("/api/v1/auth/signup",
               {{"email", unique_email("bulk")}, {"password", "bulk-password"}, {"role", "jobseeker"}, {"name", "B"}},
               "")
            .status,
        201);
  EXPECT_EQ(
      c.post("/api/v1/auth/signup",
             {{"email", unique_email("bulk")}, {"password", "bulk-password"}, {"role", "jobseeker"}, {"name", "B"}}, "")
          .status,
      429);
  EXPECT_EQ(users(), before + 2);
  strict.stop();
}
