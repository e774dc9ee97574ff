#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "runtime/config.hpp"

using namespace hirehub;

namespace {

std::string write_temp(const std::string& text) {
  static int n = 0;
  auto path = ::testing::TempDir() + "hirehub_config_test_" + std::to_string(++n) + ".toml";
  std::ofstream out{path};
  out << text;
  return path;
}

std::string error_of(const std::string& toml, std::map<std::string, std::string> env = {}) {
  try {
    load_config(toml.empty() ? "" : write_temp(toml), &env);
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST(config, defaults_file_and_environment_in_that_order) {
  std::map<std::string, std::string> env = {{"HIREHUB_HTTP_PORT", "9091"}};
  auto cfg = load_config(write_temp("[http]\nport = 9090\nmax_body_bytes = 2048\n"), &env);
  EXPECT_EQ(cfg.get_int("http.port"), 9091);
  EXPECT_EQ(cfg.get_int("http.max_body_bytes"), 2048);
  EXPECT_EQ(cfg.get_string("http.address"), "127.0.0.1");
  EXPECT_EQ(cfg.origins().at("http.port"), "HIREHUB_HTTP_PORT");
}

TEST(config, unknown_keys_stop_start_up_naming_the_key) {
  auto err = error_of("[http]\nprot = 1\n");
  EXPECT_NE(err.find("http.prot"), std::string::npos) << err;
  err = error_of("[nosuch]\nkey = \"x\"\n");
  EXPECT_NE(err.find("nosuch.key"), std::string::npos) << err;
}

TEST(config, bad_values_name_the_key_and_the_rule) {
  auto err = error_of("[http]\nport = 70000\n");
  EXPECT_NE(err.find("http.port"), std::string::npos);
  EXPECT_NE(err.find("out of range"), std::string::npos) << err;
  err = error_of("", {{"HIREHUB_HTTP_PORT", "eighty"}});
  EXPECT_NE(err.find("HIREHUB_HTTP_PORT"), std::string::npos) << err;
  EXPECT_NE(err.find("not an integer"), std::string::npos) << err;
  err = error_of("[log]\nlevel = \"loud\"\n");
  EXPECT_NE(err.find("log.level"), std::string::npos) << err;
  err = error_of("[http]\nport = [1, 2]\n");
  EXPECT_NE(err.find("http.port"), std::string::npos) << err;
  err = error_of("this is = = not toml");
  EXPECT_NE(err.find("cannot read configuration file"), std::string::npos) << err;
}

TEST(config, unrelated_environment_variables_are_ignored) {
  std::map<std::string, std::string> env = {{"HIREHUB_HTTP", "http://127.0.0.1:8080"}};
  EXPECT_NO_THROW(load_config("", &env));
}

TEST(config, env_names) {
  EXPECT_EQ(env_name("db.url"), "HIREHUB_DB_URL");
  EXPECT_EQ(env_name("kafka.bootstrap_servers"), "HIREHUB_KAFKA_BOOTSTRAP_SERVERS");
}

TEST(config, example_file_in_deploy_matches_the_registry) {
  std::ifstream in{std::string{HIREHUB_SOURCE_DIR} + "/deploy/hirehub.example.toml"};
  ASSERT_TRUE(in)
      << "deploy/hirehub.example.toml is missing: run `hirehub config example > deploy/hirehub.example.toml`";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), render_example_config())
      << "deploy/hirehub.example.toml is stale: run `hirehub config example > deploy/hirehub.example.toml`";
  // And the example parses back to the defaults.
  std::map<std::string, std::string> env;
  auto cfg = load_config(std::string{HIREHUB_SOURCE_DIR} + "/deploy/hirehub.example.toml", &env);
  for (auto& spec : option_registry())
    EXPECT_EQ(cfg.origins().count(spec.name), 1u) << spec.name;
}

// The container and Kubernetes files configure nodes by environment variables:
// each one must name an option (a renamed option would otherwise be ignored
// there, silently), and the values the files set must pass the option's checks.
TEST(config, every_variable_the_deploy_files_set_names_an_option) {
  std::set<std::string> known;
  for (auto& spec : option_registry())
    known.insert(env_name(spec.name));
  int seen = 0;
  for (auto file : {"/deploy/docker/docker-compose.yml", "/deploy/docker/Dockerfile", "/deploy/k8s/hirehub.yaml"}) {
    std::ifstream in{std::string{HIREHUB_SOURCE_DIR} + file};
    ASSERT_TRUE(in) << file;
    std::string text{std::istreambuf_iterator<char>(in), {}};
    std::regex var{R"(HIREHUB_[A-Z0-9_]+)"};
    for (auto it = std::sregex_iterator(text.begin(), text.end(), var); it != std::sregex_iterator(); ++it) {
      ++seen;
      EXPECT_TRUE(known.count(it->str())) << file << " sets " << it->str() << ", which names no option";
    }
  }
  EXPECT_GT(seen, 20);
  // The values the image and the manifests give pass the options' checks.
  std::map<std::string, std::string> env = {{"HIREHUB_HTTP_ADDRESS", "0.0.0.0"},
                                            {"HIREHUB_HTTP_PORT", "8080"},
                                            {"HIREHUB_CLUSTER_CAF_ADDRESS", "0.0.0.0"},
                                            {"HIREHUB_CLUSTER_CAF_PORT", "4242"},
                                            {"HIREHUB_CLUSTER_DRAIN_TIMEOUT_MS", "20000"},
                                            {"HIREHUB_LOG_LEVEL", "info"},
                                            {"HIREHUB_RESUME_STORAGE_DIR", "/var/lib/hirehub/resumes"}};
  auto cfg = load_config("", &env);
  EXPECT_EQ(cfg.get_int("cluster.caf_port"), 4242);
}
