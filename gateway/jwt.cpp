#include "gateway/jwt.hpp"

#include <algorithm>
#include <cctype>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "runtime/crypto.hpp"
#include "runtime/ids.hpp"

namespace hirehub::jwt {

namespace {

std::string hmac_sha256(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

std::string base64url_encode(const std::string& in) {
  return crypto::base64url_encode(in);
}

std::optional<std::string> base64url_decode(const std::string& in) {
  return crypto::base64url_decode(in);
}

struct keys::impl {
  std::string alg;
  std::string secret;              // HS256
  std::shared_ptr<EVP_PKEY> pkey;  // RS256 (private; the public half verifies)
  std::string kid, n, e;           // RS256 JWK
};

namespace {

std::string bn_param(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
    throw std::runtime_error("cannot read RSA key parameter");
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

std::string rsa_sign(EVP_PKEY* pkey, const std::string& data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw std::runtime_error("RS256 signing failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    throw std::runtime_error("RS256 signing failed");
  sig.resize(len);
  return sig;
}

bool rsa_verify(EVP_PKEY* pkey, const std::string& data, const std::string& sig) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

std::string sha256_raw(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return std::string(reinterpret_cast<char*>(md), sizeof md);
}

}  // namespace

keys keys::hs256(std::string secret) {
  auto i = std::make_shared<impl>();
  i->alg = "HS256";
  i->secret = std::move(secret);
  keys k;
  k.impl_ = std::move(i);
  return k;
}

keys keys::rs256_from_file(const std::string& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> f{std::fopen(path.c_str(), "r"), std::fclose};
  if (!f)
    throw std::runtime_error("auth.jwt_private_key_file: cannot open '" + path + "'");
  EVP_PKEY* raw = PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr)
    throw std::runtime_error("auth.jwt_private_key_file: '" + path + "' is not a PEM private key");
  std::shared_ptr<EVP_PKEY> pkey{raw, EVP_PKEY_free};
  if (EVP_PKEY_get_base_id(raw) != EVP_PKEY_RSA || EVP_PKEY_get_bits(raw) < 2048)
    throw std::runtime_error("auth.jwt_private_key_file: '" + path + "' must be an RSA key of 2048 bits or more");
  auto i = std::make_shared<impl>();
  i->alg = "RS256";
  i->pkey = pkey;
  i->n = base64url_encode(bn_param(raw, OSSL_PKEY_PARAM_RSA_N));
  i->e = base64url_encode(bn_param(raw, OSSL_PKEY_PARAM_RSA_E));
  // RFC 7638 thumbprint: members in lexicographic order, no whitespace.
  i->kid = base64url_encode(sha256_raw(R"({"e":")" + i->e + R"(","kty":"RSA","n":")" + i->n + R"("})"));
  keys k;
  k.impl_ = std::move(i);
  return k;
}

const char* keys::alg() const {
  return impl_->alg.c_str();
}

std::string keys::sign(const claims& c) const {
  nlohmann::json header = {{"alg", impl_->alg}, {"typ", "JWT"}};
  if (!impl_->kid.empty())
    header["kid"] = impl_->kid;
  nlohmann::json body = {
      {"sub", c.sub}, {"role", c.role}, {"iss", c.issuer}, {"iat", c.issued_at}, {"exp", c.expires_at}};
  if (!c.company_id.empty())
    body["company_id"] = c.company_id;
  if (!c.session_id.empty())
    body["sid"] = c.session_id;
  auto signing_input = base64url_encode(header.dump()) + "." + base64url_encode(body.dump());
  auto sig = impl_->pkey ? rsa_sign(impl_->pkey.get(), signing_input) : hmac_sha256(impl_->secret, signing_input);
  return signing_input + "." + base64url_encode(sig);
}

std::string keys::jwks() const {
  nlohmann::json ks = nlohmann::json::array();
  if (impl_->pkey)
    ks.push_back(
        {{"kty", "RSA"}, {"use", "sig"}, {"alg", "RS256"}, {"kid", impl_->kid}, {"n", impl_->n}, {"e", impl_->e}});
  return nlohmann::json{{"keys", ks}}.dump();
}

verify_result keys::verify(const std::string& token, const std::string& issuer, int64_t now_s) const {
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
  if (!header.is_object() || !header.contains("alg") || header["alg"] != impl_->alg) {
    r.error = "unsupported token algorithm (" + impl_->alg + " expected)";
    return r;
  }
  auto signing_input = token.substr(0, d2);
  bool good = false;
  if (impl_->pkey) {
    good = rsa_verify(impl_->pkey.get(), signing_input, *sig);
  } else {
    auto expected = hmac_sha256(impl_->secret, signing_input);
    good = expected.size() == sig->size() && CRYPTO_memcmp(expected.data(), sig->data(), expected.size()) == 0;
  }
  if (!good) {
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
    c.session_id = body.value("sid", "");
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
  if (!c.session_id.empty() && !ids::is_uuid(c.session_id)) {
    r.error = "token sid is not a UUID";
    return r;
  }
  r.ok = c;
  return r;
}

std::string sign(const claims& c, const std::string& secret) {
  return keys::hs256(secret).sign(c);
}

verify_result verify(const std::string& token, const std::string& secret, const std::string& issuer, int64_t now_s) {
  return keys::hs256(secret).verify(token, issuer, now_s);
}

std::optional<std::string> weak_secret(const std::string& secret) {
  if (secret.empty())
    return "it is empty";
  std::string lower;
  for (char c : secret)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Secrets shipped in this repository (config default, manifests, compose file, benchmarks)
  // and the usual placeholders: anyone can read them, so anyone could sign an admin token.
  for (const char* shipped : {"dev-secret-change-me", "change-me-in-production-please-32b", "integration-test-secret"})
    if (lower == shipped)
      return "it is a secret shipped with HireHub";
  for (const char* placeholder : {"change-me", "changeme", "change_me", "placeholder", "your-secret", "replace-me",
                                  "xxxxxxxx"})
    if (lower.find(placeholder) != std::string::npos)
      return std::string{"it is a placeholder (contains '"} + placeholder + "')";
  if (secret.size() < 32)
    return "it is shorter than 32 bytes";
  if (std::all_of(secret.begin(), secret.end(), [&](char c) { return c == secret[0]; }))
    return "it repeats one character";
  return std::nullopt;
}

}  // namespace hirehub::jwt
