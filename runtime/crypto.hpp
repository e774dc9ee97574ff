#pragma once
/// Small cryptographic building blocks used by accounts and tokens: argon2id
/// password hashes (libsodium), random opaque tokens, SHA-256, RFC 4648 base32
/// and RFC 6238 TOTP (HMAC-SHA1, OpenSSL).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace hirehub::crypto {

struct hash_cost {
  uint64_t opslimit = 2;
  size_t memlimit_bytes = size_t{64} << 20;
};

/// An argon2id hash in the PHC string format ("$argon2id$v=19$m=...").
/// Throws std::runtime_error when the memory cannot be had.
std::string password_hash(const std::string& password, hash_cost cost);

/// True when `password` matches `phc_hash`; false for a malformed hash.
bool password_verify(const std::string& phc_hash, const std::string& password);

/// `n` bytes from the OS CSPRNG.
std::string random_bytes(size_t n);

/// A URL-safe opaque token with `bytes` bytes of entropy.
std::string random_token(size_t bytes = 32);

std::string sha256_hex(const std::string& data);

/// Compares two secrets in time that does not depend on where they differ.
bool equal(const std::string& a, const std::string& b);

/// RFC 4648 base64 (standard alphabet, padded), as MIME bodies and headers use it.
std::string base64_encode(const std::string& bytes);
std::optional<std::string> base64_decode(const std::string& text);  ///< ignores CR, LF and spaces

/// RFC 4648 base64url without padding.
std::string base64url_encode(const std::string& bytes);
std::optional<std::string> base64url_decode(const std::string& text);

std::string base32_encode(const std::string& bytes);
/// Accepts upper or lower case, ignores spaces and '=' padding.
std::optional<std::string> base32_decode(const std::string& text);

/// The RFC 4226 HOTP value of `counter` (HMAC-SHA1, dynamic truncation).
uint32_t hotp(const std::string& key, uint64_t counter, int digits = 6);

/// Checks a 6-digit RFC 6238 code (30 s steps) against the steps around `now_s`
/// (`window` steps either side). Returns the matching step, or nothing. A caller
/// refuses a step it has already accepted (replay).
std::optional<int64_t> totp_match(const std::string& key, const std::string& code, int64_t now_s, int window = 1);

/// otpauth:// URI an authenticator app imports (as a QR code or by hand).
std::string totp_uri(const std::string& issuer, const std::string& account, const std::string& key);

}  // namespace hirehub::crypto
