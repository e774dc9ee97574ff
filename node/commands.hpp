#pragma once
/// The node's small commands (node/main.cpp parses their options): cluster
/// certificates, a token, an admin account, migrations. Each returns the exit code.

#include <cstdint>
#include <string>

namespace hirehub {
class config;
}

namespace hirehub::node {

/// `hirehub cluster certs`: a cluster CA and `certs_nodes` node certificates in `certs_dir`.
int certs_command(const std::string& certs_dir, int certs_nodes, int certs_days);

/// `hirehub token`: an access token signed with the node's key (local use, tests).
int token_command(const config& cfg, std::string sub, const std::string& role, std::string company, int64_t ttl);

/// `hirehub admin create`: the password from stdin; prints the TOTP key.
int admin_create_command(const config& cfg, const std::string& admin_email);

/// `hirehub migrate`: applies pending migrations.
int migrate_command(const config& cfg);

}  // namespace hirehub::node
