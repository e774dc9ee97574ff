#pragma once
/// JSON Web Tokens, HS256 (HMAC-SHA256) or RS256 (RSA PKCS#1 v1.5 SHA-256),
/// via OpenSSL. Access tokens carry sub (user id, a UUID), role (jobseeker |
/// company | admin), optional company_id (company role; defaults to sub), iss,
/// iat and exp. A verifier accepts only the algorithm it is configured with
/// (no "none", no HS256 token checked against an RSA public key).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace hirehub::jwt {

struct claims {
  std::string sub;
  std::string role;
  std::string company_id;
  std::string issuer;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  std::string session_id;  ///< "sid": the login (refresh token family) that issued it; empty for tool tokens
};

/// Signs `c` with `secret`.
std::string sign(const claims& c, const std::string& secret);

struct verify_result {
  std::optional<claims> ok;
  std::string error;  ///< why the token was refused (for the 401 message)
};

/// Verifies signature, algorithm, issuer, expiry (`now_s`, seconds since epoch)
/// and the shape of the claims.
verify_result verify(const std::string& token, const std::string& secret, const std::string& issuer, int64_t now_s);

/// The keys a node signs and verifies access tokens with.
class keys {
 public:
  /// HS256 with a shared secret.
  static keys hs256(std::string secret);
  /// RS256 with the RSA private key in the PEM file at `path` (2048 bits or
  /// more). Throws std::runtime_error naming the file when it cannot be used.
  static keys rs256_from_file(const std::string& path);

  const char* alg() const;
  std::string sign(const claims& c) const;
  verify_result verify(const std::string& token, const std::string& issuer, int64_t now_s) const;
  /// The public keys as a JWK set (RFC 7517); empty "keys" for HS256.
  std::string jwks() const;

 private:
  struct impl;
  std::shared_ptr<const impl> impl_;
};

/// Why `secret` must not sign tokens in production (empty, shorter than 32 bytes,
/// a secret shipped with HireHub, a placeholder, one character repeated);
/// nullopt when it may.
std::optional<std::string> weak_secret(const std::string& secret);

std::string base64url_encode(const std::string& in);
std::optional<std::string> base64url_decode(const std::string& in);

}  // namespace hirehub::jwt
