// Accounts and auth through a real node: sign-up (jobseeker, new company,
// invitation), login, refresh-token rotation and reuse detection, logout, profiles
// and company endpoints, notification settings and devices, RS256 + JWKS, bad input.
#include <gtest/gtest.h>

#include <thread>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "integration/accounts_support.hpp"

using namespace hh_test;

namespace {

class accounts : public account_suite {};

}  // namespace

TEST_F(accounts, a_jobseeker_signs_up_logs_in_and_edits_the_profile) {
  auto email = unique_email("Minjun.Kim");
  auto s = new_seeker(email);
  ASSERT_TRUE(s.contains("access_token"));
  EXPECT_EQ(s["token_type"], "Bearer");
  EXPECT_EQ(s["user"]["role"], "jobseeker");
  auto id = s["user"]["id"].get<std::string>();
  auto claims = claims_of(s["access_token"]);
  EXPECT_EQ(claims["sub"], id);
  EXPECT_EQ(claims["role"], "jobseeker");
  EXPECT_LE(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 900);
  // Stored as argon2id, never in clear; user.registered is on its way to Kafka.
  auto hash = e_->db.scalar("SELECT password_hash FROM users WHERE id = '" + id + "'");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM outbox WHERE topic = 'user.registered' AND key = '" + id + "'"), 1);
  auto events = consume_topic(e_->kafka.bootstrap, "user.registered", 1, std::chrono::seconds(30));
  bool seen = false;
  for (auto& [k, v] : events)
    seen = seen || k == id;
  EXPECT_TRUE(seen) << "user.registered for the new user did not reach Kafka";

  // The e-mail address is case-insensitive at login.
  std::string upper = email;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto l = login(upper, "s3cret-password");
  ASSERT_EQ(l.status, 200) << l.body;
  auto tok = l.json_body["access_token"].get<std::string>();
  EXPECT_NE(l.json_body["refresh_token"], s["refresh_token"]);

  auto me = http_->get("/api/v1/me", tok);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json_body["email"], email);
  EXPECT_EQ(me.json_body["profile"]["name"], "김민준");
  EXPECT_EQ(me.json_body["time_zone"], "Asia/Seoul");

  auto p = http_->patch("/api/v1/me/profile",
                        {{"experience_years", 5},
                         {"desired_position", "Backend Engineer"},
                         {"desired_salary_min", 60000000},
                         {"desired_salary_max", 80000000},
                         {"skills", {"C++", "PostgreSQL", "Kafka"}},
                         {"phone", "010-1234-5678"}},
                        tok);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json_body["profile"]["experience_years"], 5);
  EXPECT_EQ(p.json_body["profile"]["skills"], json({"C++", "PostgreSQL", "Kafka"}));
  // null clears a field.
  p = http_->patch("/api/v1/me/profile", {{"phone", nullptr}}, tok);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_TRUE(p.json_body["profile"]["phone"].is_null());
  EXPECT_EQ(p.json_body["profile"]["desired_position"], "Backend Engineer");

  auto tz = http_->patch("/api/v1/me", {{"time_zone", "Europe/Berlin"}}, tok);
  ASSERT_EQ(tz.status, 200) << tz.body;
  EXPECT_EQ(tz.json_body["time_zone"], "Europe/Berlin");
  tz = http_->patch("/api/v1/me", {{"time_zone", "Mars/Olympus_Mons"}}, tok);
  EXPECT_EQ(tz.status, 400);
  EXPECT_EQ(tz.json_body["error"]["details"]["field"], "time_zone");
  EXPECT_EQ(e_->db.scalar("SELECT time_zone FROM users WHERE id = '" + id + "'"), "Europe/Berlin");
}

TEST_F(accounts, an_email_address_has_one_account_whatever_its_case) {
  auto email = unique_email("dup");
  new_seeker(email);
  auto before = users();
  std::string upper = email;
  upper[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[0])));
  auto r = signup({{"email", upper}, {"password", "another-password"}, {"role", "jobseeker"}, {"name", "X"}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json_body["error"]["code"], "already_exists");
  EXPECT_EQ(r.json_body["error"]["details"]["field"], "email");
  EXPECT_EQ(users(), before);
}

TEST_F(accounts, login_errors_do_not_reveal_whether_an_address_has_an_account) {
  auto email = unique_email("exists");
  new_seeker(email);
  auto wrong_pw = login(email, "not-the-password");
  auto no_account = login(unique_email("nobody"), "not-the-password");
  EXPECT_EQ(wrong_pw.status, 401);
  EXPECT_EQ(no_account.status, 401);
  EXPECT_EQ(wrong_pw.body, no_account.body);
}

TEST_F(accounts, refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_login) {
  auto email = unique_email("rotate");
  new_seeker(email);
  auto l = login(email, "s3cret-password");
  ASSERT_EQ(l.status, 200);
  auto r1 = l.json_body["refresh_token"].get<std::string>();
  auto a = refresh(r1);
  ASSERT_EQ(a.status, 200) << a.body;
  auto r2 = a.json_body["refresh_token"].get<std::string>();
  EXPECT_NE(r2, r1);
  EXPECT_EQ(http_->get("/api/v1/me", a.json_body["access_token"]).status, 200);
  auto b = refresh(r2);
  ASSERT_EQ(b.status, 200) << b.body;
  auto r3 = b.json_body["refresh_token"].get<std::string>();
  // Every access token of one login names it (sid); a refresh never extends the login.
  EXPECT_EQ(claims_of(l.json_body["access_token"])["sid"], claims_of(b.json_body["access_token"])["sid"]);
  EXPECT_LE(b.json_body["refresh_expires_in"].get<int64_t>(), l.json_body["refresh_expires_in"].get<int64_t>());
  // A WebSocket of this login is closed (4001) when the login ends.
  ws_client stolen_login_socket{e_->n.port, b.json_body["access_token"]};
  ASSERT_TRUE(stolen_login_socket.open());
  stolen_login_socket.send(R"({"op":"ping"})");
  ASSERT_TRUE(stolen_login_socket.read().has_value());
  // r1 comes back (stolen?): refused, and the live r3 dies with it.
  auto reuse = refresh(r1);
  EXPECT_EQ(reuse.status, 401);
  EXPECT_NE(reuse.body.find("already used"), std::string::npos) << reuse.body;
  EXPECT_EQ(refresh(r3).status, 401);
  EXPECT_FALSE(stolen_login_socket.read(std::chrono::seconds(5)).has_value());
  EXPECT_EQ(stolen_login_socket.close_code(), 4001);
  // Other logins of the same account are not affected; logout ends one, and closes its sockets only.
  auto other = login(email, "s3cret-password");
  ASSERT_EQ(other.status, 200);
  auto third = login(email, "s3cret-password");
  ASSERT_EQ(third.status, 200);
  ws_client mine{e_->n.port, other.json_body["access_token"]};
  ws_client theirs{e_->n.port, third.json_body["access_token"]};
  ASSERT_TRUE(mine.open() && theirs.open());
  auto o1 = other.json_body["refresh_token"].get<std::string>();
  auto out = http_->post("/api/v1/auth/logout", {{"refresh_token", o1}}, "");
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(refresh(o1).status, 401);
  EXPECT_FALSE(mine.read(std::chrono::seconds(5)).has_value());
  EXPECT_EQ(mine.close_code(), 4001);
  theirs.send(R"({"op":"ping"})");
  auto pong = theirs.read();
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ((*pong)["type"], "pong");
  // Unknown tokens: refresh refuses, logout answers the same as for a real one.
  EXPECT_EQ(refresh("not-a-token").status, 401);
  EXPECT_EQ(http_->post("/api/v1/auth/logout", {{"refresh_token", "not-a-token"}}, "").status, 204);
}

TEST_F(accounts, companies_sign_up_invite_members_and_act_only_for_themselves) {
  auto owner = new_company(unique_email("owner"), "Acme Corp");
  auto cid = owner["user"]["company_id"].get<std::string>();
  auto tok = owner["access_token"].get<std::string>();
  EXPECT_EQ(claims_of(tok)["company_id"], cid);
  EXPECT_EQ(e_->db.scalar("SELECT is_primary FROM company_members WHERE company_id = '" + cid + "'"), "t");

  auto c = http_->get("/api/v1/companies/" + cid, tok);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json_body["name"], "Acme Corp");
  EXPECT_EQ(c.json_body["company_size"], "51-200");

  auto upd = http_->patch("/api/v1/companies/" + cid, {{"industry", "Software"}, {"description", "We hire."}}, tok);
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.json_body["industry"], "Software");
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM outbox WHERE topic = 'company.updated' AND key = '" + cid + "'"), 1);

  // Invite a colleague; the invitation works once, for that address only.
  auto colleague = unique_email("colleague");
  auto inv = http_->post("/api/v1/companies/" + cid + "/invitations", {{"email", colleague}}, tok);
  ASSERT_EQ(inv.status, 201) << inv.body;
  auto itok = inv.json_body["token"].get<std::string>();
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM company_invitations WHERE token_hash = '" +
                         hirehub::crypto::sha256_hex(itok) + "'"),
            1);
  json join = {{"email", unique_email("intruder")},
               {"password", "colleague-password"},
               {"role", "company"},
               {"name", "Park"},
               {"invitation_token", itok}};
  auto wrong = signup(join);
  EXPECT_EQ(wrong.status, 404) << wrong.body;
  EXPECT_EQ(wrong.json_body["error"]["details"]["field"], "invitation_token");
  join["email"] = colleague;
  auto joined = signup(join);
  ASSERT_EQ(joined.status, 201) << joined.body;
  EXPECT_EQ(joined.json_body["user"]["company_id"], cid);
  join["email"] = unique_email("again");
  EXPECT_EQ(signup(join).status, 404) << "an invitation is used once";
  auto members = http_->get("/api/v1/companies/" + cid + "/members", joined.json_body["access_token"]);
  ASSERT_EQ(members.status, 200) << members.body;
  EXPECT_EQ(members.json_body["members"].size(), 2u);

  // Another company and a jobseeker may read the public profile, nothing else.
  auto rival = new_company(unique_email("rival"), "Rival Inc");
  auto rtok = rival["access_token"].get<std::string>();
  auto seeker = new_seeker(unique_email("curious"));
  auto stok = seeker["access_token"].get<std::string>();
  EXPECT_EQ(http_->get("/api/v1/companies/" + cid, stok).status, 200);
  for (auto* t : {&rtok, &stok}) {
    auto before = e_->db.scalar("SELECT updated_at FROM companies WHERE id = '" + cid + "'");
    EXPECT_EQ(http_->patch("/api/v1/companies/" + cid, {{"name", "Hijacked"}}, *t).status, 403);
    EXPECT_EQ(http_->get("/api/v1/companies/" + cid + "/members", *t).status, 403);
    EXPECT_EQ(http_->post("/api/v1/companies/" + cid + "/invitations", {{"email", unique_email("x")}}, *t).status, 403);
    EXPECT_EQ(e_->db.scalar("SELECT updated_at FROM companies WHERE id = '" + cid + "'"), before);
  }
  EXPECT_EQ(e_->db.scalar("SELECT name FROM companies WHERE id = '" + cid + "'"), "Acme Corp");
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM company_invitations WHERE company_id = '" + cid + "'"), 1);
  // A company member has no jobseeker profile to edit.
  EXPECT_EQ(http_->patch("/api/v1/me/profile", {{"experience_years", 3}}, tok).status, 403);
  EXPECT_EQ(http_->get("/api/v1/companies/" + uuid(), tok).status, 404);
}

TEST_F(accounts, bad_sign_up_and_login_input_is_refused_and_changes_nothing) {
  auto before = users();
  auto field_of = [](const http_result& r) { return r.json_body["error"]["details"].value("field", ""); };
  struct bad_case {
    json body;
    int status;
    std::string field;
  };
  std::vector<bad_case> cases = {
      {{{"password", "long-enough"}, {"role", "jobseeker"}, {"name", "A"}}, 400, "email"},
      {{{"email", "not-an-email"}, {"password", "long-enough"}, {"role", "jobseeker"}, {"name", "A"}}, 400, "email"},
      {{{"email", "a@b.c"}, {"password", "short"}, {"role", "jobseeker"}, {"name", "A"}}, 400, "password"},
      {{{"email", "a@b.c"}, {"password", 12345678}, {"role", "jobseeker"}, {"name", "A"}}, 400, "password"},
      {{{"email", "a@b.c"}, {"password", "long-enough"}, {"role", "boss"}, {"name", "A"}}, 400, "role"},
      {{{"email", "a@b.c"}, {"password", "long-enough"}, {"role", "jobseeker"}}, 400, "name"},
      {{{"email", "a@b.c"}, {"password", "long-enough"}, {"role", "jobseeker"}, {"name", std::string(101, 'x')}},
       413,
       "name"},
      {{{"email", "a@b.c"}, {"password", "long-enough"}, {"role", "jobseeker"}, {"name", "A"}, {"admin", true}},
       400,
       "admin"},
      {{{"email", "a@b.c"},
        {"password", "long-enough"},
        {"role", "jobseeker"},
        {"name", "A"},
        {"company", {{"name", "C"}}}},
       400,
       "company"},
      {{{"email", "a@b.c"},
        {"password", "long-enough"},
        {"role", "jobseeker"},
        {"name", "A"},
        {"profile", {{"desired_salary_min", 9}, {"desired_salary_max", 1}}}},
       400,
       "profile.desired_salary_min"},
      {{{"email", "a@b.c"},
        {"password", "long-enough"},
        {"role", "jobseeker"},
        {"name", "A"},
        {"profile", {{"hobby", "x"}}}},
       400,
       "profile.hobby"},
      {{{"email", "a@b.c"}, {"password", "long-enough"}, {"role", "company"}, {"name", "A"}}, 400, "company"},
      {{{"email", "a@b.c"},
        {"password", "long-enough"},
        {"role", "company"},
        {"name", "A"},
        {"company", {{"name", "C"}, {"company_size", "huge"}}}},
       400,
       "company.company_size"},
      {{{"email", "a@b.c"},
        {"password", "long-enough"},
        {"role", "company"},
        {"name", "A"},
        {"company", {{"industry", "x"}}}},
       400,
       "company.name"},
      {{{"email", "a@b.c"},
        {"password", "long-enough"},
        {"role", "jobseeker"},
        {"name", "A"},
        {"time_zone", "Nowhere/City"}},
       400,
       "time_zone"},
  };
  for (auto& c : cases) {
    auto r = signup(c.body);
    EXPECT_EQ(r.status, c.status) << c.body.dump() << " -> " << r.body;
    EXPECT_EQ(field_of(r), c.field) << c.body.dump() << " -> " << r.body;
  }
  EXPECT_EQ(http_->request("POST", "/api/v1/auth/signup", "{not json", {{"Content-Type", "application/json"}}).status,
            400);
  EXPECT_EQ(http_->request("POST", "/api/v1/auth/login", "email=a", {{"Content-Type", "text/plain"}}).status, 415);
  EXPECT_EQ(http_->post("/api/v1/auth/login", {{"email", "a@b.c"}}, "").status, 400);
  EXPECT_EQ(http_->post("/api/v1/auth/refresh", json::object(), "").status, 400);
  EXPECT_EQ(http_->get("/api/v1/me").status, 401);
  auto not_allowed = http_->request("DELETE", "/api/v1/me");
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_EQ(nlohmann::json::parse(not_allowed.body)["error"]["code"], "method_not_allowed");
  EXPECT_EQ(users(), before);
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM companies WHERE name = 'C'"), 0);
}

TEST(accounts_rs256, tokens_are_rs256_and_the_public_key_is_published) {
  // A key made with OpenSSL, as an operator would with `openssl genpkey`.
  auto dir = temp_dir();
  auto key_path = dir + "/jwt.pem";
  EVP_PKEY* pkey = EVP_RSA_gen(2048);
  FILE* f = std::fopen(key_path.c_str(), "w");
  PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  EVP_PKEY_free(pkey);
  database db;
  broker kafka;
  node n{db, kafka,
         with(cheap_hashes, {{"HIREHUB_AUTH_JWT_ALG", "RS256"}, {"HIREHUB_AUTH_JWT_PRIVATE_KEY_FILE", key_path}})};
  http_client c{n.port};
  auto jwks = c.get("/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200) << jwks.body;
  ASSERT_EQ(jwks.json_body["keys"].size(), 1u);
  auto s =
      c.post("/api/v1/auth/signup",
             {{"email", unique_email("rsa")}, {"password", "rsa-password"}, {"role", "jobseeker"}, {"name", "R"}}, "");
  ASSERT_EQ(s.status, 201) << s.body;
  auto tok = s.json_body["access_token"].get<std::string>();
  auto header = json::parse(*hirehub::jwt::base64url_decode(tok.substr(0, tok.find('.'))));
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["kid"], jwks.json_body["keys"][0]["kid"]);
  EXPECT_EQ(c.get("/api/v1/me", tok).status, 200);
  // An HS256 token (even with the right secret) is refused by an RS256 node.
  EXPECT_EQ(c.get("/api/v1/me", token(uuid(), "jobseeker")).status, 401);
  // A node with an unusable key file does not start, and says why.
  auto out = dir + "/bad.out";
  auto cmd = "HIREHUB_AUTH_JWT_ALG=RS256 HIREHUB_AUTH_JWT_PRIVATE_KEY_FILE=/nonexistent.pem HIREHUB_DB_URL='" + db.url +
             "' HIREHUB_KAFKA_BOOTSTRAP_SERVERS=" + kafka.bootstrap + " '" + hirehub_bin() + "' serve > '" + out +
             "' 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  std::ifstream in{out};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("auth.jwt_private_key_file"), std::string::npos) << text;
  n.stop();
}

TEST_F(accounts, notification_settings_and_device_tokens_belong_to_their_user) {
  auto a = new_seeker(unique_email("settings"));
  auto tok = a["access_token"].get<std::string>();
  auto s = http_->get("/api/v1/me/notification-settings", tok);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(s.json_body["in_app_enabled"], true);
  EXPECT_EQ(s.json_body["sms_enabled"], false);
  auto u = http_->patch("/api/v1/me/notification-settings",
                        {{"sms_enabled", true}, {"disabled_event_types", {"application.status_changed"}}}, tok);
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(u.json_body["sms_enabled"], true);
  EXPECT_EQ(u.json_body["disabled_event_types"], json({"application.status_changed"}));
  for (auto& bad : std::vector<json>{{{"sms_enabled", "yes"}},
                                     {{"disabled_event_types", {"party.started"}}},
                                     {{"in_app_enabled", nullptr}},
                                     {{"volume", 11}},
                                     json::object()})
    EXPECT_EQ(http_->patch("/api/v1/me/notification-settings", bad, tok).status, 400) << bad.dump();
  EXPECT_EQ(http_->get("/api/v1/me/notification-settings", tok).json_body["sms_enabled"], true);

  auto d = http_->post("/api/v1/me/device-tokens", {{"device_type", "ios"}, {"token", "apns-token-1"}}, tok);
  ASSERT_EQ(d.status, 201) << d.body;
  auto again = http_->post("/api/v1/me/device-tokens", {{"device_type", "ios"}, {"token", "apns-token-1"}}, tok);
  EXPECT_EQ(again.json_body["id"], d.json_body["id"]) << "registering again is idempotent";
  EXPECT_EQ(http_->post("/api/v1/me/device-tokens", {{"device_type", "fax"}, {"token", "x"}}, tok).status, 400);
  EXPECT_EQ(
      http_->post("/api/v1/me/device-tokens", {{"device_type", "web"}, {"token", std::string(501, 't')}}, tok).status,
      413);
  auto list = http_->get("/api/v1/me/device-tokens", tok);
  ASSERT_EQ(list.json_body["device_tokens"].size(), 1u);
  // Someone else cannot see or remove it.
  auto b = new_seeker(unique_email("other"));
  auto btok = b["access_token"].get<std::string>();
  EXPECT_EQ(http_->get("/api/v1/me/device-tokens", btok).json_body["device_tokens"].size(), 0u);
  auto id = d.json_body["id"].get<std::string>();
  EXPECT_EQ(
      http_->request("DELETE", "/api/v1/me/device-tokens/" + id, "", {{"Authorization", "Bearer " + btok}}).status,
      404);
  EXPECT_EQ(http_->request("DELETE", "/api/v1/me/device-tokens/" + id, "", {{"Authorization", "Bearer " + tok}}).status,
            204);
  EXPECT_EQ(http_->get("/api/v1/me/device-tokens", tok).json_body["device_tokens"].size(), 0u);
}

TEST_F(accounts, a_disabled_event_type_notifies_nobody_who_switched_it_off) {
  auto company = uuid();
  auto ctok = token(company, "company");
  auto job = http_->post("/api/v1/jobs", {{"title", "Quiet role"}}, ctok).json_body["id"].get<std::string>();
  auto quiet = new_seeker(unique_email("quiet"));
  auto loud = new_seeker(unique_email("loud"));
  auto qtok = quiet["access_token"].get<std::string>();
  auto ltok = loud["access_token"].get<std::string>();
  ASSERT_EQ(
      http_->patch("/api/v1/me/notification-settings", {{"disabled_event_types", {"application.status_changed"}}}, qtok)
          .status,
      200);
  std::vector<std::string> apps;
  for (auto* who : {&quiet, &loud}) {
    auto resume = e_->db.resume_of((*who)["user"]["id"].get<std::string>());
    auto r = http_->post("/api/v1/applications", {{"job_id", job}, {"resume_id", resume}},
                         (*who)["access_token"].get<std::string>());
    ASSERT_EQ(r.status, 201) << r.body;
    apps.push_back(r.json_body["id"]);
  }
  for (auto& app : apps)
    ASSERT_EQ(http_->patch("/api/v1/applications/" + app + "/status", {{"status", "reviewing"}}, ctok).status, 200);
  auto changed = [&](const std::string& t) {
    auto page = http_->get("/api/v1/notifications", t);
    size_t n = 0;
    for (auto& item : page.json_body["notifications"])
      n += item["event_type"] == "application.status_changed" ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] { return changed(ltok) == 1; }));
  // The quiet one's event was committed before the loud one's; give the consumer
  // a moment more (they may sit on different partitions), then it must have nothing.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(changed(qtok), 0u);
  auto quiet_id = quiet["user"]["id"].get<std::string>();
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM notifications WHERE user_id = '" + quiet_id +
                         "' AND event_type = 'application.status_changed'"),
            0);
}
