#include "gateway/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "runtime/ids.hpp"

namespace hirehub::jwt {

namespace {

const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

std::string base64url_encode(const std::string& in) {
  std::string out;
  size_t i = 0;
  while (i + 2 < in.size()) {
    uint32_t n =
        (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) | static_cast<uint8_t>(in[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
    i += 3;
  }
  if (i + 1 == in.size()) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
  } else if (i + 2 == in.size()) {
    uint32_t n = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(const std::string& in) {
  if (in.size() % 4 == 1)
    return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::strchr(alphabet, c);
    if (c == '\0' || p == nullptr)
      return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(p - alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string sign(const claims& c, const std::string& secret) {
  nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  nlohmann::json body = {
      {"sub", c.sub}, {"role", c.role}, {"iss", c.issuer}, {"iat", c.issued_at}, {"exp", c.expires_at}};
  if (!c.company_id.empty())
    body["company_id"] = c.company_id;
  auto signing_input = base64url_encode(header.dump()) + "." + base64url_encode(body.dump());
  return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

verify_result verify(const std::string& token, const std::string& secret, const std::string& issuer, int64_t now_s) {
  verify_result r;
  auto d1 = token.find('.');
  auto d2 = d1 == std::string::npos ? d1 : token.find('.', d1 + 1);
  if (d1 == std::string::npos || d2 == std::string::npos || token.find('.', d2 + 1) != std::string::npos) {
    r.error = "malformed token";
    return r;
  }
  auto header_txt = base64url_decode(token.substr(0, d1));
  auto body_txt = base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  auto sig = base64url_decode(token.substr(d2 + 1));
  if (!header_txt || !body_txt || !sig) {
    r.error = "malformed token";
    return r;
  }
  auto header = nlohmann::json::parse(*header_txt, nullptr, false);
  if (!header.is_object() || header.value("alg", "") != "HS256") {
    r.error = "unsupported token algorithm (HS256 expected)";
    return r;
  }
  auto expected = hmac_sha256(secret, token.substr(0, d2));
  if (expected.size() != sig->size() || CRYPTO_memcmp(expected.data(), sig->data(), expected.size()) != 0) {
    r.error = "bad token signature";
    return r;
  }
  auto body = nlohmann::json::parse(*body_txt, nullptr, false);
  if (!body.is_object()) {
    r.error = "malformed token claims";
    return r;
  }
  claims c;
  try {
    c.sub = body.at("sub").get<std::string>();
    c.role = body.at("role").get<std::string>();
    c.issuer = body.value("iss", "");
    c.issued_at = body.value("iat", int64_t{0});
    c.expires_at = body.at("exp").get<int64_t>();
    c.company_id = body.value("company_id", "");
  } catch (const std::exception&) {
    r.error = "token claims sub, role and exp are required";
    return r;
  }
  if (c.issuer != issuer) {
    r.error = "token issuer is not accepted";
    return r;
  }
  if (c.expires_at <= now_s) {
    r.error = "token expired";
    return r;
  }
  if (!ids::is_uuid(c.sub)) {
    r.error = "token subject is not a user id";
    return r;
  }
  if (c.role != "jobseeker" && c.role != "company" && c.role != "admin") {
    r.error = "token role must be jobseeker, company or admin";
    return r;
  }
  if (c.role == "company" && c.company_id.empty())
    c.company_id = c.sub;
  if (!c.company_id.empty() && !ids::is_uuid(c.company_id)) {
    r.error = "token company_id is not a UUID";
    return r;
  }
  r.ok = c;
  return r;
}

}  // namespace hirehub::jwt
