#pragma once
/// JSON Web Tokens, HS256 (HMAC-SHA256 via OpenSSL). Access tokens carry
/// sub (user id, a UUID), role (jobseeker | company | admin), optional
/// company_id (company role; defaults to sub), iss, iat and exp.

#include <cstdint>
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

std::string base64url_encode(const std::string& in);
std::optional<std::string> base64url_decode(const std::string& in);

}  // namespace hirehub::jwt
