#pragma once
/// UUID helpers (Boost.UUID): random v4 ids, name-based v5 ids for idempotency,
/// strict validation of ids arriving from clients.

#include <string>

namespace hirehub::ids {

/// A new random (v4) UUID in canonical lower-case form.
std::string random_uuid();

/// A name-based (v5, SHA-1) UUID: the same name always yields the same id.
std::string name_uuid(const std::string& name);

/// True for the canonical form only: 8-4-4-4-12 lower-case hex (PostgreSQL's).
/// Ids are compared as text, hashed to shards and used as entity keys, so one id
/// must have one spelling: the edges (paths, queries, bodies, WebSocket topics)
/// normalise with canonical_uuid before anything else sees an id.
bool is_uuid(const std::string& s);

/// `s` in canonical form when it is a UUID in either case; empty otherwise.
std::string canonical_uuid(const std::string& s);

/// A short random request id (16 hex chars).
std::string request_id();

}  // namespace hirehub::ids
