// hirehub: the node and its subcommands.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "gateway/jwt.hpp"
#include "gateway/node.hpp"
#include "persistence/kafka.hpp"
#include "persistence/migrations.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"HireHub: an actor-based recruiting backend"};
  app.require_subcommand(1);
  std::string config_path;
  app.add_option("-c,--config", config_path, "TOML configuration file (see deploy/hirehub.example.toml)");

  auto* serve = app.add_subcommand("serve", "Run a node: HTTP/WebSocket API, actors, PostgreSQL, Kafka");

  auto* broker = app.add_subcommand("broker", "Run the embedded Kafka-protocol broker (librdkafka mock cluster)");
  std::string bootstrap_file = "var/run/broker.addr";
  int partitions = 8;
  broker->add_option("--bootstrap-file", bootstrap_file, "Where to write the broker's address")->capture_default_str();
  broker->add_option("--partitions", partitions, "Partitions per topic")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();

  auto* token = app.add_subcommand("token", "Print an access token signed with auth.jwt_secret (local use, tests)");
  std::string sub;
  std::string role;
  std::string company;
  int64_t ttl = -1;
  token->add_option("--sub", sub, "User id (UUID)")->required();
  token->add_option("--role", role, "jobseeker, company or admin")
      ->required()
      ->check(CLI::IsMember({"jobseeker", "company", "admin"}));
  token->add_option("--company", company, "Company id for the company role (default: --sub)");
  token->add_option("--ttl", ttl, "Lifetime in seconds (default: auth.token_ttl_s)")
      ->check(CLI::Range(int64_t{1}, int64_t{31536000}));

  auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations and exit");

  auto* cfgcmd = app.add_subcommand("config", "Configuration tools");
  auto* example = cfgcmd->add_subcommand("example", "Print the example configuration (every option)");
  auto* check = cfgcmd->add_subcommand("check", "Validate the configuration (file + environment)");
  cfgcmd->require_subcommand(1);

  CLI11_PARSE(app, argc, argv);

  if (*example) {
    std::cout << hirehub::render_example_config();
    return 0;
  }
  if (*broker) {
    hirehub::log::init("info", "", "broker");
    return hirehub::persistence::run_mock_broker(bootstrap_file, partitions);
  }
  hirehub::config cfg;
  try {
    cfg = hirehub::load_config(config_path);
  } catch (const hirehub::config_error& e) {
    std::cerr << "hirehub: " << e.what() << '\n';
    return 2;
  }
  if (*check) {
    std::cout << "configuration is valid\n";
    return 0;
  }
  if (*token) {
    if (!hirehub::ids::is_uuid(sub) || (!company.empty() && !hirehub::ids::is_uuid(company))) {
      std::cerr << "hirehub token: --sub and --company must be UUIDs\n";
      return 2;
    }
    hirehub::jwt::claims c;
    c.sub = sub;
    c.role = role;
    c.company_id = role == "company" ? (company.empty() ? sub : company) : "";
    c.issuer = cfg.get_string("auth.issuer");
    c.issued_at = hirehub::now_ms() / 1000;
    c.expires_at = c.issued_at + (ttl > 0 ? ttl : cfg.get_int("auth.token_ttl_s"));
    std::cout << hirehub::jwt::sign(c, cfg.get_string("auth.jwt_secret")) << '\n';
    return 0;
  }
  if (*migrate) {
    hirehub::log::init(cfg.get_string("log.level"), cfg.get_string("log.file"), "migrate");
    try {
      auto n = hirehub::persistence::migrate(cfg.get_string("db.url"));
      std::cout << "applied " << n << " migration(s)\n";
      return 0;
    } catch (const std::exception& e) {
      std::cerr << "hirehub migrate: " << e.what() << '\n';
      return 1;
    }
  }
  if (*serve)
    return hirehub::gateway::run_node(cfg);
  return 0;
}
