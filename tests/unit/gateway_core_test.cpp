#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/http_errors.hpp"
#include "gateway/jwt.hpp"

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

TEST(base64url, known_vectors) {
  EXPECT_EQ(jwt::base64url_encode("f"), "Zg");
  EXPECT_EQ(jwt::base64url_encode("fo"), "Zm8");
  EXPECT_EQ(jwt::base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(jwt::base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(*jwt::base64url_decode("Zm9vYg"), "foob");
  EXPECT_FALSE(jwt::base64url_decode("Z"));
  EXPECT_FALSE(jwt::base64url_decode("Zm9v="));
}

TEST(http_errors, every_code_maps_to_its_status) {
  using gateway::http_status_of;
  EXPECT_EQ(http_status_of(errc::bad_request), 400);
  EXPECT_EQ(http_status_of(errc::unauthorized), 401);
  EXPECT_EQ(http_status_of(errc::forbidden), 403);
  EXPECT_EQ(http_status_of(errc::not_found), 404);
  EXPECT_EQ(http_status_of(errc::illegal_transition), 409);
  EXPECT_EQ(http_status_of(errc::duplicate_application), 409);
  EXPECT_EQ(http_status_of(errc::conflict), 409);
  EXPECT_EQ(http_status_of(errc::job_not_open), 409);
  EXPECT_EQ(http_status_of(errc::idempotency_mismatch), 422);
  EXPECT_EQ(http_status_of(errc::payload_too_large), 413);
  EXPECT_EQ(http_status_of(errc::unsupported_media_type), 415);
  EXPECT_EQ(http_status_of(errc::overloaded), 503);
  EXPECT_EQ(http_status_of(errc::unavailable), 503);
  EXPECT_EQ(http_status_of(errc::timeout), 503);
  EXPECT_EQ(http_status_of(errc::internal), 500);
  auto body = nlohmann::json::parse(gateway::error_body(errc::bad_request, "job_id must be a UUID", "job_id"));
  EXPECT_EQ(body["error"]["code"], "bad_request");
  EXPECT_EQ(body["error"]["message"], "job_id must be a UUID");
  EXPECT_EQ(body["error"]["details"]["field"], "job_id");
}

TEST(errors, caf_errors_are_viewed_as_hirehub_codes) {
  auto v = view(make_error(errc::duplicate_application, "already applied", "job_id"));
  EXPECT_EQ(v.code, errc::duplicate_application);
  EXPECT_EQ(v.message, "already applied");
  EXPECT_EQ(v.field, "job_id");
  EXPECT_EQ(view(caf::make_error(caf::sec::request_timeout)).code, errc::timeout);
  EXPECT_EQ(view(caf::make_error(caf::sec::request_receiver_down)).code, errc::unavailable);
  EXPECT_EQ(view(caf::make_error(caf::sec::runtime_error)).code, errc::internal);
  EXPECT_TRUE(is_retryable(errc::unavailable));
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
        std::string("--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--"), std::string("--xyzjunk")})
    EXPECT_THROW(parse_multipart(bad, "xyz"), multipart_error) << bad;
  std::string many;
  for (int i = 0; i < 20; ++i)
    many += "--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
  many += "--xyz--\r\n";
  EXPECT_THROW(parse_multipart(many, "xyz", 16), multipart_error);
}
