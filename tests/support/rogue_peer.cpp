// A process that speaks CAF 0.17 to a node's cluster port, as an attacker (or a
// removed node) would: tests/integration/hardening_test.cpp runs it.
//
//   hirehub_rogue_peer HOST PORT [--cert C --key K --ca A] [--db URL]
//
// Connects (with TLS when --cert is given, else in the clear) and asks the node's
// ingress for its actor tree. With --db it first registers itself as an active
// member in cluster_nodes, asks, then marks itself 'left', waits for the node to
// see it, and asks again. Prints one line per step:
//   connect: refused <why>            (exit 2)
//   ask: ok | refused <why>
//   member: ok | refused <why>
//   removed: ok | refused <why>
//   after-exit: ok | refused <why>   (asked again after sending the ingress exit messages)

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <pqxx/pqxx>

#include "runtime/atoms.hpp"

namespace {

std::string ask(caf::actor_system& sys, const caf::actor& ingress) {
  caf::scoped_actor self{sys};
  std::string out;
  self->request(ingress, std::chrono::seconds(5), hirehub::tree_atom::value)
      .receive([&](std::string&) { out = "ok"; },
               [&](caf::error& err) { out = "refused " + sys.render(err); });
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: hirehub_rogue_peer HOST PORT [--cert C --key K --ca A] [--db URL]\n";
    return 64;
  }
  std::string host = argv[1];
  auto port = static_cast<uint16_t>(std::stoi(argv[2]));
  std::string cert, key, ca, db;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--cert")
      cert = v;
    else if (k == "--key")
      key = v;
    else if (k == "--ca")
      ca = v;
    else if (k == "--db")
      db = v;
  }
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  bool tls = !cert.empty();
  if (tls) {
    cfg.openssl_certificate = cert;
    cfg.openssl_key = key;
    cfg.openssl_cafile = ca;
    cfg.load<caf::openssl::manager>();
  }
  caf::actor_system sys{cfg};
  auto remote = tls ? caf::openssl::remote_actor(sys, host, port) : sys.middleman().remote_actor(host, port);
  if (!remote) {
    std::cout << "connect: refused " << sys.render(remote.error()) << std::endl;
    return 2;
  }
  auto ingress = *remote;
  std::cout << "ask: " << ask(sys, ingress) << std::endl;
  if (!db.empty()) {
    auto me = caf::to_string(sys.node());
    pqxx::connection conn{db};
    {
      pqxx::work txn{conn};
      txn.exec_params(
          "INSERT INTO cluster_nodes (node_id, http_url, caf_node) VALUES ('rogue', 'http://127.0.0.1:1', $1)", me);
      txn.commit();
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));  // a few heartbeats of the node
    std::cout << "member: " << ask(sys, ingress) << std::endl;
    {
      pqxx::work txn{conn};
      txn.exec("UPDATE cluster_nodes SET status = 'left' WHERE node_id = 'rogue'");
      txn.commit();
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    std::cout << "removed: " << ask(sys, ingress) << std::endl;
  }
  // An exit message must not stop the node's ingress: it answers as before.
  {
    caf::scoped_actor self{sys};
    self->send_exit(ingress, caf::exit_reason::user_shutdown);
  }
  caf::anon_send_exit(ingress, caf::exit_reason::kill);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::cout << "after-exit: " << ask(sys, ingress) << std::endl;
  return 0;
}
