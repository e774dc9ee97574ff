#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/openapi.hpp"
#include "domain/errors.hpp"
#include "gateway/http_errors.hpp"
#include "gateway/jwt.hpp"
#include "gateway/net_address.hpp"
#include "gateway/ws_protocol.hpp"
#include "runtime/ids.hpp"

using namespace hirehub;

namespace {

jwt::claims sample(int64_t exp) {
  jwt::claims c;
  c.sub = "22222222-2222-4222-8222-222222222222";
  c.role = "jobseeker";
  c.issuer = "hirehub";
  c.issued_at = 100;
  c.expires_at = exp;
  return c;
}

}  // namespace

TEST(jwt, round_trip) {
  auto t = jwt::sign(sample(2000), "secret");
  auto v = jwt::verify(t, "secret", "hirehub", 1000);
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.ok->sub, "22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(v.ok->role, "jobseeker");
}

TEST(jwt, refuses_wrong_secret_expired_issuer_and_garbage) {
  auto t = jwt::sign(sample(2000), "secret");
  EXPECT_EQ(jwt::verify(t, "other", "hirehub", 1000).error, "bad token signature");
  EXPECT_EQ(jwt::verify(t, "secret", "hirehub", 2000).error, "token expired");
  EXPECT_FALSE(jwt::verify(t, "secret", "someone-else", 1000).ok);
  EXPECT_FALSE(jwt::verify("a.b", "secret", "hirehub", 1000).ok);
  EXPECT_FALSE(jwt::verify("", "secret", "hirehub", 1000).ok);
  EXPECT_FALSE(jwt::verify("!!!.???.***", "secret", "hirehub", 1000).ok);
  // A tampered payload keeps the old signature.
  auto dot = t.find('.');
  auto forged_body = jwt::base64url_encode(
      R"({"sub":"22222222-2222-4222-8222-222222222222","role":"admin","iss":"hirehub","exp":9999})");
  auto forged = t.substr(0, dot + 1) + forged_body + t.substr(t.rfind('.'));
  EXPECT_EQ(jwt::verify(forged, "secret", "hirehub", 1000).error, "bad token signature");
}

TEST(jwt, alg_none_is_refused) {
  auto header = jwt::base64url_encode(R"({"alg":"none","typ":"JWT"})");
  auto body = jwt::base64url_encode(
      R"({"sub":"22222222-2222-4222-8222-222222222222","role":"admin","iss":"hirehub","exp":9999})");
  EXPECT_FALSE(jwt::verify(header + "." + body + ".", "secret", "hirehub", 1000).ok);
}

TEST(jwt, claims_are_validated) {
  auto c = sample(2000);
  c.role = "root";
  EXPECT_FALSE(jwt::verify(jwt::sign(c, "s"), "s", "hirehub", 1000).ok);
  c = sample(2000);
  c.sub = "not-a-uuid";
  EXPECT_FALSE(jwt::verify(jwt::sign(c, "s"), "s", "hirehub", 1000).ok);
  c = sample(2000);
  c.role = "company";
  auto v = jwt::verify(jwt::sign(c, "s"), "s", "hirehub", 1000);
  ASSERT_TRUE(v.ok);
  EXPECT_EQ(v.ok->company_id, c.sub) << "a company token without company_id acts for a one-person company";
}

TEST(jwt, weak_secrets_are_named) {
  EXPECT_EQ(hirehub::jwt::weak_secret("").value_or(""), "it is empty");
  EXPECT_EQ(hirehub::jwt::weak_secret("short-but-random-9f2k").value_or(""), "it is shorter than 32 bytes");
  // The secrets HireHub has shipped (config default, compose file) and placeholders, however long.
  EXPECT_TRUE(hirehub::jwt::weak_secret("dev-secret-change-me").has_value());
  EXPECT_TRUE(hirehub::jwt::weak_secret("change-me-in-production-please-32b").has_value());
  EXPECT_NE(hirehub::jwt::weak_secret("CHANGE-ME-at-least-32-bytes-of-random").value_or("").find("placeholder"),
            std::string::npos);
  EXPECT_TRUE(hirehub::jwt::weak_secret(std::string(40, 'a')).has_value());
  // 48 random bytes, base64: accepted.
  EXPECT_FALSE(hirehub::jwt::weak_secret("q3b1Yw8Zr0mK2vT9xL4pN6sH8dF5gJ7cE1aW3uR0iO2yB9tV").has_value());
}

TEST(ids, one_spelling_per_uuid) {
  EXPECT_TRUE(hirehub::ids::is_uuid("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"));
  // Upper case is not canonical: the edges turn it into the one spelling first.
  EXPECT_FALSE(hirehub::ids::is_uuid("6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B"));
  EXPECT_EQ(hirehub::ids::canonical_uuid("6F1C2A3B-4D5E-4F60-8a7b-9C0D1E2F3A4B"),
            "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");
  EXPECT_EQ(hirehub::ids::canonical_uuid("6f1c2a3b4d5e4f608a7b9c0d1e2f3a4b"), "");
  EXPECT_EQ(hirehub::ids::canonical_uuid("6g1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"), "");
}

TEST(net_address, networks_keys_and_the_client_behind_trusted_proxies) {
  using namespace hirehub::gateway;
  auto net = parse_network("10.0.0.0/8");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->contains(*parse_network("10.200.3.4")));
  EXPECT_FALSE(net->contains(*parse_network("11.0.0.1")));
  EXPECT_FALSE(net->contains(*parse_network("::ffff:10.0.0.1")));  // families never mix
  EXPECT_TRUE(parse_network("2001:db8::/32")->contains(*parse_network("2001:db8:ffff::1")));
  for (auto bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "not an address", "2001:db8::/129", ""})
    EXPECT_FALSE(parse_network(bad)) << bad;
  // One client per IPv4 address, per IPv6 /64.
  EXPECT_EQ(network_key("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(network_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(network_key("2001:db8:1:2:bbbb::9"), network_key("2001:db8:1:2:aaaa::1"));
  EXPECT_NE(network_key("2001:db8:1:3::1"), network_key("2001:db8:1:2::1"));
  EXPECT_EQ(network_key("::ffff:198.51.100.4"), "198.51.100.4");
  // The TCP peer, unless it is a trusted proxy: then the last untrusted hop it reports.
  std::vector<std::string> proxies{"10.0.0.0/8", "127.0.0.1"};
  EXPECT_EQ(client_of("198.51.100.4:5000", "203.0.113.9", proxies), "198.51.100.4");
  EXPECT_EQ(client_of("127.0.0.1:5000", "203.0.113.9", proxies), "203.0.113.9");
  EXPECT_EQ(client_of("127.0.0.1:5000", "6.6.6.6, 203.0.113.9, 10.1.1.1", proxies), "203.0.113.9");
  EXPECT_EQ(client_of("127.0.0.1:5000", "garbage, 203.0.113.9", proxies), "203.0.113.9");
  EXPECT_EQ(client_of("127.0.0.1:5000", "203.0.113.9, garbage", proxies), "127.0.0.1");
  EXPECT_EQ(client_of("127.0.0.1:5000", "", proxies), "127.0.0.1");
  EXPECT_EQ(client_of("::1:5000", "2001:db8:5:6::7", {"::1"}), "2001:db8:5:6::/64");
  EXPECT_EQ(client_of("127.0.0.1:5000", "203.0.113.9", {}), "127.0.0.1");
}

TEST(ws_protocol, frames_are_parsed_or_refused_with_a_reason) {
  using namespace hirehub::gateway;
  auto ok = parse_client_frame(
      R"({"op":"subscribe","topic":"application:6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B","after_seq":7})");
  ASSERT_TRUE(ok.frame);
  EXPECT_EQ(ok.frame->op, client_frame::op_kind::subscribe);
  EXPECT_EQ(ok.frame->topic, "application:6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b");  // one spelling
  EXPECT_EQ(ok.frame->after_seq, 7);
  EXPECT_TRUE(parse_client_frame(R"({"op":"ping"})").frame);
  EXPECT_TRUE(parse_client_frame(R"({"op":"unsubscribe","topic":"notifications"})").frame);
  struct bad {
    const char* text;
    const char* says;
  };
  for (auto b :
       std::vector<bad>{{"not json", "JSON objects"},
                        {"[1,2]", "JSON objects"},
                        {R"({"topic":"notifications"})", "op is required"},
                        {R"({"op":7})", "op is required"},
                        {R"({"op":"subscribe"})", "topic is required"},
                        {R"({"op":"shout","topic":"notifications"})", "unknown op"},
                        {R"({"op":"subscribe","topic":"notifications","after_seq":-1})", "non-negative"},
                        {R"({"op":"subscribe","topic":"notifications","after_seq":"3"})", "non-negative"},
                        {R"({"op":"unsubscribe","topic":"notifications","after_seq":3})", "goes with subscribe"},
                        {R"({"op":"subscribe","topic":"notifications","x":1})", "unknown field 'x'"}}) {
    auto p = parse_client_frame(b.text);
    EXPECT_FALSE(p.frame) << b.text;
    EXPECT_NE(p.error.message.find(b.says), std::string::npos) << b.text << ": " << p.error.message;
  }
  EXPECT_FALSE(parse_client_frame(R"({"op":"subscribe","topic":")" + std::string(200, 'x') + R"("})").frame);
  // The hub topic a client topic reads: the applicant's coarse view for jobseekers.
  auto app = "application:6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
  EXPECT_EQ(hub_topic_of(app, "jobseeker", "u"), std::string(app) + ":applicant");
  EXPECT_EQ(hub_topic_of(app, "company", "u"), app);
  EXPECT_EQ(hub_topic_of("notifications", "company", "u1"), "notifications:u1");
  EXPECT_EQ(hub_topic_of("application:not-an-id", "company", "u"), "");
  EXPECT_EQ(hub_topic_of("cluster", "admin", "u"), "");  // the admin feed is the session's own case
}

TEST(base64url, known_vectors) {
  EXPECT_EQ(jwt::base64url_encode("f"), "Zg");
  EXPECT_EQ(jwt::base64url_encode("fo"), "Zm8");
  EXPECT_EQ(jwt::base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(jwt::base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(*jwt::base64url_decode("Zm9vYg"), "foob");
  EXPECT_FALSE(jwt::base64url_decode("Z"));
  EXPECT_FALSE(jwt::base64url_decode("Zm9v="));
}

TEST(http_errors, every_code_of_every_vocabulary_maps_to_its_status_and_name) {
  using gateway::http_error_of;
  struct row {
    error_code code;
    int status;
    std::string name;
    bool retry_after;
  };
  const std::vector<row> table = {
      {errc::bad_request, 400, "bad_request", false},
      {errc::unauthorized, 401, "unauthorized", false},
      {errc::forbidden, 403, "forbidden", false},
      {errc::not_found, 404, "not_found", false},
      {errc::method_not_allowed, 405, "method_not_allowed", false},
      {errc::conflict, 409, "conflict", false},
      {errc::payload_too_large, 413, "payload_too_large", false},
      {errc::unsupported_media_type, 415, "unsupported_media_type", false},
      {errc::rate_limited, 429, "rate_limited", false},
      {errc::internal, 500, "internal", false},
      {errc::overloaded, 503, "overloaded", true},
      {errc::unavailable, 503, "unavailable", true},
      {errc::timeout, 503, "timeout", true},
      {accounts_errc::already_exists, 409, "already_exists", false},
      {jobs_errc::illegal_transition, 409, "illegal_transition", false},
      {applications_errc::illegal_transition, 409, "illegal_transition", false},
      {applications_errc::duplicate_application, 409, "duplicate_application", false},
      {applications_errc::job_not_open, 409, "job_not_open", false},
      {applications_errc::idempotency_mismatch, 422, "idempotency_key_reused", false},
      {resumes_errc::illegal_transition, 409, "illegal_transition", false},
      {resumes_errc::unprocessable_file, 422, "unprocessable_file", false},
      {cluster_errc::not_member, 503, "unavailable", true},
      {cluster_errc::not_connected, 503, "unavailable", true},
      {cluster_errc::refused_drain, 409, "conflict", false},
      {cluster_errc::not_supervised, 409, "conflict", false},
      {cluster_errc::node_gone, 409, "conflict", false},
  };
  for (auto& r : table) {
    auto e = http_error_of(r.code);
    EXPECT_EQ(e.status, r.status) << r.name;
    EXPECT_EQ(std::string{e.code}, r.name);
    EXPECT_EQ(e.retry_after, r.retry_after) << r.name;
    EXPECT_EQ(std::string{name_of(r.code)}, r.name);
  }
  // A code no vocabulary knows (a newer node's) is an internal error, never a made-up status.
  EXPECT_EQ(http_error_of(error_code{error_categories::jobs, 200}).status, 500);
  EXPECT_EQ(std::string{http_error_of(error_code{caf::atom("other"), 1}).code}, "internal");
  // The same number in two vocabularies is two codes.
  EXPECT_NE(error_code{applications_errc::illegal_transition}, error_code{jobs_errc::illegal_transition});
  EXPECT_NE(error_code{accounts_errc::already_exists}, error_code{errc::bad_request});
  auto body = nlohmann::json::parse(gateway::error_body(errc::bad_request, "job_id must be a UUID", "job_id"));
  EXPECT_EQ(body["error"]["code"], "bad_request");
  EXPECT_EQ(body["error"]["message"], "job_id must be a UUID");
  EXPECT_EQ(body["error"]["details"]["field"], "job_id");
  body = nlohmann::json::parse(gateway::error_body(applications_errc::job_not_open, "closed"));
  EXPECT_EQ(body["error"]["code"], "job_not_open");
}

TEST(errors, caf_errors_are_viewed_as_hirehub_codes) {
  auto v = view(make_error(applications_errc::duplicate_application, "already applied", "job_id"));
  EXPECT_EQ(v.code, applications_errc::duplicate_application);
  EXPECT_EQ(v.code.common(), errc::ok);
  EXPECT_EQ(v.message, "already applied");
  EXPECT_EQ(v.field, "job_id");
  EXPECT_EQ(view(make_error(errc::conflict, "x")).code.common(), errc::conflict);
  EXPECT_EQ(view(caf::make_error(caf::sec::request_timeout)).code, errc::timeout);
  EXPECT_EQ(view(caf::make_error(caf::sec::request_receiver_down)).code, errc::unavailable);
  EXPECT_EQ(view(caf::make_error(caf::sec::runtime_error)).code, errc::internal);
  EXPECT_TRUE(is_retryable(errc::unavailable));
  EXPECT_TRUE(is_retryable(cluster_errc::not_member));
  EXPECT_FALSE(is_retryable(cluster_errc::refused_drain));
  EXPECT_FALSE(is_retryable(errc::bad_request));
}

// ---- multipart/form-data ------------------------------------------------------------

#include "gateway/multipart.hpp"

TEST(Multipart, ReadsFieldsAndFilesAndRefusesMalformedBodies) {
  using hirehub::gateway::form_boundary;
  using hirehub::gateway::multipart_error;
  using hirehub::gateway::parse_multipart;
  EXPECT_EQ(form_boundary("multipart/form-data; boundary=abc"), std::optional<std::string>("abc"));
  EXPECT_EQ(form_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), std::optional<std::string>("a b"));
  EXPECT_FALSE(form_boundary("application/json"));
  EXPECT_FALSE(form_boundary("multipart/form-data"));
  // A quoted boundary never closed names none (the HTTP fuzzer found it throwing).
  EXPECT_FALSE(form_boundary("multipart/form-data; boundary=\"abc"));
  EXPECT_FALSE(form_boundary("multipart/form-data; boundary=\""));
  std::string body =
      "--xyz\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n백엔드\r\n"
      "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\\\"b.pdf\"\r\nContent-Type: "
      "application/pdf\r\n\r\n%PDF-1.7\r\n--xy not the end\r\n--xyz--\r\n";
  auto parts = parse_multipart(body, "xyz");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "title");
  EXPECT_FALSE(parts[0].filename);
  EXPECT_EQ(parts[0].body, "백엔드");
  EXPECT_EQ(parts[1].name, "file");
  EXPECT_EQ(*parts[1].filename, "a\"b.pdf");
  EXPECT_EQ(parts[1].content_type, "application/pdf");
  EXPECT_EQ(parts[1].body, "%PDF-1.7\r\n--xy not the end");
  for (std::string bad :
       {std::string("no boundary at all"),
        std::string("--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nunterminated"),
        std::string("--xyz\r\nContent-Type: text/plain\r\n\r\nx\r\n--xyz--"),
        std::string("--xyz\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nx\r\n--xyz--"),
        std::string("--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--"), std::string("--xyzjunk"),
        // The boundary at offset 1: no room for the line end before it (this read before the body's start).
        std::string("x--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--xyz--"),
        std::string("\n--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n--xyz--")})
    EXPECT_THROW(parse_multipart(bad, "xyz"), multipart_error) << bad;
  std::string many;
  for (int i = 0; i < 20; ++i)
    many += "--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
  many += "--xyz--\r\n";
  EXPECT_THROW(parse_multipart(many, "xyz", 16), multipart_error);
}

// The OpenAPI document is a file compiled in (gateway/openapi.json): it parses, and
// names the API's main operations (the end-to-end suite checks it against every route).
TEST(openapi, the_compiled_in_document_parses_and_names_the_api) {
  auto doc = nlohmann::json::parse(hirehub::gateway::openapi_document());
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  for (auto* path : {"/api/v1/applications", "/api/v1/jobs", "/api/v1/resumes", "/api/v1/auth/login", "/ready"})
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  EXPECT_TRUE(doc["paths"]["/api/v1/applications"].contains("post"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
}
