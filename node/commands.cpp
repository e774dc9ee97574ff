#include "node/commands.hpp"

#include <iostream>

#include "cluster/certs.hpp"
#include "gateway/api.hpp"
#include "gateway/jwt.hpp"
#include "persistence/accounts.hpp"
#include "persistence/migrations.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/crypto.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"

namespace hirehub::node {

int certs_command(const std::string& certs_dir, int certs_nodes, int certs_days) {
  try {
    auto c = cluster::make_cluster_certs(certs_dir, certs_nodes, certs_days);
    std::cout << "cluster CA: " << c.ca_cert << " (its key ca.key signs new nodes: keep it safe)\n";
    for (size_t i = 0; i < c.node_cert.size(); ++i)
      std::cout << "node-" << i + 1 << ": cluster.tls_cert=" << c.node_cert[i] << " cluster.tls_key=" << c.node_key[i]
                << " cluster.tls_ca=" << c.ca_cert << '\n';
    std::cout << (c.made ? "made " + std::to_string(c.made) + " file(s)" : std::string{"all files were there"}) << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hirehub cluster certs: " << e.what() << '\n';
    return 1;
  }
}

int token_command(const config& cfg, std::string sub, const std::string& role, std::string company, int64_t ttl) {
  bool has_company = !company.empty();
  sub = ids::canonical_uuid(sub);
  company = ids::canonical_uuid(company);
  if (sub.empty() || (has_company && company.empty())) {
    std::cerr << "hirehub token: --sub and --company must be UUIDs\n";
    return 2;
  }
  jwt::claims c;
  c.sub = sub;
  c.role = role;
  c.company_id = role == "company" ? (company.empty() ? sub : company) : "";
  c.issuer = cfg.get_string("auth.issuer");
  c.issued_at = now_ms() / 1000;
  c.expires_at = c.issued_at + (ttl > 0 ? ttl : cfg.get_int("auth.token_ttl_s"));
  try {
    std::cout << gateway::load_keys(cfg, true).sign(c) << '\n';
  } catch (const std::exception& e) {
    std::cerr << "hirehub token: " << e.what() << '\n';
    return 2;
  }
  return 0;
}

int admin_create_command(const config& cfg, const std::string& admin_email) {
  log::init(cfg.get_string("log.level"), cfg.get_string("log.file"), "admin");
  std::string password;
  std::getline(std::cin, password);
  if (password.size() < 12 || password.size() > 256) {
    std::cerr << "hirehub admin create: give a password of 12-256 bytes on stdin\n";
    return 2;
  }
  auto at = admin_email.find('@');
  if (at == std::string::npos || at == 0 || admin_email.find('.', at) == std::string::npos) {
    std::cerr << "hirehub admin create: --email must be an e-mail address\n";
    return 2;
  }
  try {
    auto a = persistence::accounts::create_admin_account(
        cfg.get_string("db.url"), admin_email, password, static_cast<uint64_t>(cfg.get_int("auth.password_opslimit")),
        static_cast<size_t>(cfg.get_int("auth.password_memlimit_kib")) * 1024);
    std::cout << "admin_id=" << a.user_id << '\n'
              << "totp_secret=" << crypto::base32_encode(a.totp_key) << '\n'
              << "totp_uri=" << crypto::totp_uri(cfg.get_string("auth.issuer"), admin_email, a.totp_key) << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hirehub admin create: " << e.what() << '\n';
    return 1;
  }
}

int migrate_command(const config& cfg) {
  log::init(cfg.get_string("log.level"), cfg.get_string("log.file"), "migrate");
  try {
    auto n = persistence::migrate(cfg.get_string("db.url"));
    std::cout << "applied " << n << " migration(s)\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hirehub migrate: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace hirehub::node
