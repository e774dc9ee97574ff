// hirehub: the node and its subcommands.
#include <cstdlib>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "actors/resume/isolated.hpp"
#include "node/commands.hpp"
#include "node/node.hpp"
#include "node/resume_cli.hpp"
#include "node/seed.hpp"
#include "persistence/kafka.hpp"
#include "runtime/config.hpp"
#include "runtime/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"HireHub: an actor-based recruiting backend"};
  app.require_subcommand(1);
  std::string config_path;
  app.add_option("-c,--config", config_path, "TOML configuration file (see deploy/hirehub.example.toml)");

  auto* serve = app.add_subcommand("serve", "Run a node: HTTP/WebSocket API, actors, PostgreSQL, Kafka");
  bool dev = false;
  serve->add_flag("--dev", dev,
                  "Development mode (also HIREHUB_DEV=1): start even with a missing or weak auth.jwt_secret");

  auto* broker = app.add_subcommand("broker", "Run the embedded Kafka-protocol broker (librdkafka mock cluster)");
  std::string bootstrap_file = "var/run/broker.addr";
  int partitions = 8;
  broker->add_option("--bootstrap-file", bootstrap_file, "Where to write the broker's address")->capture_default_str();
  broker->add_option("--partitions", partitions, "Partitions per topic")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  int broker_port = 0;
  broker
      ->add_option("--port", broker_port,
                   "Listen on this loopback port (a restarted broker keeps its address); 0: any free port")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();

  auto* token = app.add_subcommand("token", "Print an access token signed with the node's key (local use, tests)");
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

  auto* seed = app.add_subcommand("seed", "Fill a running node with realistic data through the domain paths");
  hirehub::node::seed_options seed_opts;
  seed->add_option("--url", seed_opts.url, "The node's base URL (default: http://127.0.0.1:<http.port>)");
  seed->add_option("--scale", seed_opts.scale,
                   "Multiplies the volumes (50 companies, 500 jobseekers, 200 jobs, "
                   "1000 applications)")
      ->check(CLI::Range(0.001, 100.0))
      ->capture_default_str();
  seed->add_flag("--reset", seed_opts.reset, "Empty the domain tables first");
  seed->add_option("--password", seed_opts.password, "Password of every seeded account")->capture_default_str();
  seed->add_option("--threads", seed_opts.threads, "Concurrent API clients")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();

  auto* admin = app.add_subcommand("admin", "Administrator accounts (server only)");
  auto* admin_create = admin->add_subcommand(
      "create", "Create an admin: reads the password from stdin, prints the TOTP key to add to an authenticator app");
  std::string admin_email;
  admin_create->add_option("--email", admin_email, "E-mail address to log in with")->required();
  admin->require_subcommand(1);

  auto* resume = app.add_subcommand("resume", "Resume pipeline tools (no database or broker)");
  auto* resume_process = resume->add_subcommand(
      "process", "Run extract -> mask -> parse -> embed -> summarise on one file and print the result as JSON");
  std::string resume_file;
  bool resume_compact = false;
  resume_process->add_option("FILE", resume_file, "A PDF, DOCX or UTF-8 text resume")->required();
  resume_process->add_flag("--json", resume_compact, "One line of JSON (default: indented)");
  auto* resume_sample =
      resume->add_subcommand("sample", "Write a generated resume with planted PII (the test corpus) to stdout");
  uint64_t sample_seed = 1;
  std::string sample_format = "txt", sample_lang;
  int sample_pages = 1;
  resume_sample->add_option("--seed", sample_seed, "Which resume")->capture_default_str();
  resume_sample->add_option("--format", sample_format, "txt, docx or pdf")
      ->check(CLI::IsMember({"txt", "docx", "pdf"}))
      ->capture_default_str();
  resume_sample->add_option("--lang", sample_lang, "ko or en (default: chosen by the seed)")
      ->check(CLI::IsMember({"ko", "en"}));
  resume_sample->add_option("--pages", sample_pages, "About how many pages")->check(CLI::Range(1, 20));
  // The isolated extraction's child (actors/resume/isolated.hpp); not for people.
  auto* resume_isolated = resume->add_subcommand("extract-isolated", "");
  resume_isolated->group("");
  hirehub::resume::isolation child_limits;
  resume_isolated->add_option("--cpu-s", child_limits.cpu_seconds)->required();
  resume_isolated->add_option("--memory-mib", child_limits.memory_mib)->required();
  resume_isolated->add_option("--max-text-bytes", child_limits.limits.max_text_bytes)->required();
  resume_isolated->add_option("--max-docx-xml-bytes", child_limits.limits.max_docx_xml_bytes)->required();
  resume_isolated->add_option("--max-pdf-pages", child_limits.limits.max_pdf_pages)->required();
  resume->require_subcommand(1);

  auto* clustercmd = app.add_subcommand("cluster", "Cluster tools");
  auto* certs = clustercmd->add_subcommand(
      "certs", "Make a cluster CA and node certificates for mutual TLS between nodes (local runs, tests)");
  std::string certs_dir;
  int certs_nodes = 3;
  int certs_days = 825;
  certs->add_option("--out", certs_dir, "Directory for ca.pem, ca.key, node-<i>.pem, node-<i>.key")->required();
  certs->add_option("--nodes", certs_nodes, "Node certificates to make")
      ->check(CLI::Range(1, 999))
      ->capture_default_str();
  certs->add_option("--days", certs_days, "Validity of the node certificates")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  clustercmd->require_subcommand(1);

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
  if (*certs)
    return hirehub::node::certs_command(certs_dir, certs_nodes, certs_days);
  if (*resume_isolated)
    return hirehub::resume::extract_child_main(child_limits);
  if (*resume_sample)
    return hirehub::node::resume_sample_command(sample_seed, sample_format, sample_lang, sample_pages);
  if (*resume_process)
    return hirehub::node::resume_process_command(resume_file, config_path, resume_compact);
  if (*broker) {
    hirehub::log::init("info", "", "broker");
    return hirehub::persistence::run_mock_broker(bootstrap_file, partitions, broker_port);
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
  if (*token)
    return hirehub::node::token_command(cfg, sub, role, company, ttl);
  if (*admin_create)
    return hirehub::node::admin_create_command(cfg, admin_email);
  if (*migrate)
    return hirehub::node::migrate_command(cfg);
  if (*seed) {
    hirehub::log::init("warn", cfg.get_string("log.file"), "seed");
    return hirehub::node::run_seed(cfg, seed_opts);
  }
  if (*serve) {
    const char* dev_env = std::getenv("HIREHUB_DEV");
    if (dev_env && std::string{dev_env} != "" && std::string{dev_env} != "0")
      dev = true;
    return hirehub::node::run_node(cfg, dev);
  }
  return 0;
}
