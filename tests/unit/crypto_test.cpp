// Password hashing, TOTP (RFC 6238 vectors), base32 (RFC 4648 vectors), RS256
// tokens and the JWK set, rate limiting.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "gateway/jwt.hpp"
#include "runtime/crypto.hpp"
#include "runtime/rate_limiter.hpp"

using namespace hirehub;

namespace {

const crypto::hash_cost cheap{1, 8 << 20};

std::string write_rsa_key(int bits) {
  EVP_PKEY* pkey = EVP_RSA_gen(static_cast<unsigned>(bits));
  char path[] = "/tmp/hirehub-rsa-XXXXXX";
  int fd = mkstemp(path);
  FILE* f = fdopen(fd, "w");
  PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr);
  fclose(f);
  EVP_PKEY_free(pkey);
  return path;
}

jwt::claims sample() {
  jwt::claims c;
  c.sub = "22222222-2222-4222-8222-222222222222";
  c.role = "company";
  c.company_id = "33333333-3333-4333-8333-333333333333";
  c.issuer = "hirehub";
  c.issued_at = 100;
  c.expires_at = 2000;
  return c;
}

}  // namespace

TEST(crypto, argon2id_hashes_verify_only_the_right_password) {
  auto h = crypto::password_hash("correct horse battery staple", cheap);
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_TRUE(crypto::password_verify(h, "correct horse battery staple"));
  EXPECT_FALSE(crypto::password_verify(h, "correct horse battery stapl"));
  EXPECT_FALSE(crypto::password_verify("not a hash", "x"));
  // Salted: the same password hashes differently.
  EXPECT_NE(h, crypto::password_hash("correct horse battery staple", cheap));
}

TEST(crypto, base32_matches_rfc4648) {
  EXPECT_EQ(crypto::base32_encode(""), "");
  EXPECT_EQ(crypto::base32_encode("f"), "MY");
  EXPECT_EQ(crypto::base32_encode("fo"), "MZXQ");
  EXPECT_EQ(crypto::base32_encode("foo"), "MZXW6");
  EXPECT_EQ(crypto::base32_encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(*crypto::base32_decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(*crypto::base32_decode("mzxw 6ytb oi"), "foobar");
  EXPECT_FALSE(crypto::base32_decode("MZ1W"));
}

TEST(crypto, totp_matches_rfc6238_sha1_vectors) {
  const std::string key = "12345678901234567890";
  // RFC 6238 appendix B (8 digits); the 6-digit code is the low 6 digits.
  EXPECT_EQ(crypto::hotp(key, 59 / 30, 8), 94287082u);
  EXPECT_EQ(crypto::hotp(key, 1111111109 / 30, 8), 7081804u);
  EXPECT_EQ(crypto::hotp(key, 1234567890 / 30, 8), 89005924u);
  EXPECT_EQ(crypto::hotp(key, 20000000000 / 30, 8), 65353130u);
  EXPECT_EQ(crypto::totp_match(key, "287082", 59), 1);
  // One step of clock skew either way is accepted, two are not.
  EXPECT_EQ(crypto::totp_match(key, "287082", 59 + 30), 1);
  EXPECT_FALSE(crypto::totp_match(key, "287082", 59 + 60));
  EXPECT_FALSE(crypto::totp_match(key, "287083", 59));
  EXPECT_FALSE(crypto::totp_match(key, "28708", 59));
  EXPECT_FALSE(crypto::totp_match(key, "28708a", 59));
  auto uri = crypto::totp_uri("HireHub", "ops@example.com", key);
  EXPECT_EQ(uri.rfind("otpauth://totp/HireHub:ops@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 0), 0u) << uri;
}

TEST(crypto, random_tokens_are_url_safe_and_distinct) {
  auto a = crypto::random_token(32);
  auto b = crypto::random_token(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
}

TEST(jwt, rs256_signs_verifies_and_publishes_its_public_key) {
  auto path = write_rsa_key(2048);
  auto k = jwt::keys::rs256_from_file(path);
  auto t = k.sign(sample());
  auto v = k.verify(t, "hirehub", 1000);
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.ok->company_id, "33333333-3333-4333-8333-333333333333");
  auto jwks = nlohmann::json::parse(k.jwks());
  ASSERT_EQ(jwks["keys"].size(), 1u);
  auto& jwk = jwks["keys"][0];
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["alg"], "RS256");
  EXPECT_EQ(jwk["e"], "AQAB");
  EXPECT_EQ(*jwt::base64url_decode(jwk["n"].get<std::string>()).value().data() & 0x80, 0x80);
  auto header = nlohmann::json::parse(*jwt::base64url_decode(t.substr(0, t.find('.'))));
  EXPECT_EQ(header["kid"], jwk["kid"]);
  // A tampered payload fails.
  auto d1 = t.find('.');
  auto d2 = t.find('.', d1 + 1);
  auto forged = t.substr(0, d1 + 1) +
                jwt::base64url_encode(R"({"sub":"22222222-2222-4222-8222-222222222222","role":"admin","iss":"hirehub",)"
                                      R"("exp":2000})") +
                t.substr(d2);
  EXPECT_EQ(k.verify(forged, "hirehub", 1000).error, "bad token signature");
  // Another key's token fails.
  auto other_path = write_rsa_key(2048);
  EXPECT_EQ(k.verify(jwt::keys::rs256_from_file(other_path).sign(sample()), "hirehub", 1000).error,
            "bad token signature");
  std::remove(path.c_str());
  std::remove(other_path.c_str());
}

TEST(jwt, an_rs256_verifier_refuses_hs256_tokens_even_keyed_with_its_public_key) {
  auto path = write_rsa_key(2048);
  auto k = jwt::keys::rs256_from_file(path);
  // The classic algorithm confusion: HMAC over the token with the public key as secret.
  auto forged = jwt::keys::hs256(k.jwks()).sign(sample());
  EXPECT_FALSE(k.verify(forged, "hirehub", 1000).ok);
  EXPECT_FALSE(k.verify(jwt::sign(sample(), "secret"), "hirehub", 1000).ok);
  // And an HS256 verifier refuses RS256 tokens.
  EXPECT_FALSE(jwt::keys::hs256("secret").verify(k.sign(sample()), "hirehub", 1000).ok);
  std::remove(path.c_str());
}

TEST(jwt, rs256_refuses_unusable_key_files) {
  EXPECT_THROW(jwt::keys::rs256_from_file("/nonexistent/key.pem"), std::runtime_error);
  char path[] = "/tmp/hirehub-notakey-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_EQ(write(fd, "hello\n", 6), 6);
  close(fd);
  EXPECT_THROW(jwt::keys::rs256_from_file(path), std::runtime_error);
  std::remove(path);
  auto small = write_rsa_key(1024);
  EXPECT_THROW(jwt::keys::rs256_from_file(small), std::runtime_error);
  std::remove(small.c_str());
}

TEST(rate_limiter, allows_the_capacity_then_refills_over_the_window) {
  rate_limiter lim{3, std::chrono::seconds(30)};
  auto t0 = rate_limiter::clock::now();
  EXPECT_EQ(lim.take("a", t0), 0);
  EXPECT_EQ(lim.take("a", t0), 0);
  EXPECT_EQ(lim.take("a", t0), 0);
  auto wait = lim.take("a", t0);
  EXPECT_GE(wait, 9);  // one token per 10 s
  EXPECT_LE(wait, 10);
  EXPECT_EQ(lim.take("b", t0), 0) << "keys are independent";
  EXPECT_GT(lim.take("a", t0 + std::chrono::seconds(5)), 0);
  EXPECT_EQ(lim.take("a", t0 + std::chrono::seconds(11)), 0);
  EXPECT_GT(lim.take("a", t0 + std::chrono::seconds(11)), 0);
}

TEST(rate_limiter, drops_idle_keys_to_bound_memory) {
  rate_limiter lim{1, std::chrono::seconds(1), 4};
  auto t0 = rate_limiter::clock::now();
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(lim.take("k" + std::to_string(i), t0), 0);
  // Later, all four buckets are full again and get dropped when a fifth key comes.
  auto t1 = t0 + std::chrono::seconds(2);
  EXPECT_EQ(lim.take("k4", t1), 0);
  EXPECT_EQ(lim.take("k0", t1), 0);
  EXPECT_GT(lim.take("k0", t1), 0);
}
