#pragma once
/// `hirehub seed`: fills a running node through the same domain paths the API
/// uses, at the seed documents' volumes (x scale): 50 companies, 500
/// jobseekers, 200 jobs, 1,000 applications in every status (with interviews),
/// Korean and English names, companies, skills, salaries and locations.
/// Accounts are written by the accounts module in the database (the API's
/// sign-up is rate-limited per address); jobs, applications and interviews go
/// through the HTTP API with tokens signed by the node's key, so they take
/// the event, outbox and Kafka path.

#include <cstdint>
#include <string>

namespace hirehub {
class config;
}

namespace hirehub::node {

struct seed_options {
  std::string url;                             ///< the node's base URL; "" = http://127.0.0.1:<http.port>
  double scale = 1.0;                          ///< multiplies every volume (0.1 = a tenth)
  bool reset = false;                          ///< empty the domain tables first
  std::string password = "hirehub-seed-2026";  ///< every seeded account's password
  int threads = 4;
  uint64_t random_seed = 20261122;
};

int run_seed(const config& cfg, const seed_options& opts);

}  // namespace hirehub::node
