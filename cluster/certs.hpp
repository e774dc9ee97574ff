#pragma once
/// The certificates nodes authenticate each other with (mutual TLS on the CAF
/// port): a cluster CA and one certificate per node, signed by it. Pure OpenSSL;
/// for local runs and tests (`hirehub cluster certs`). A production cluster may
/// use any CA: a node trusts exactly the CA file it is given (cluster.tls_ca).

#include <string>
#include <vector>

namespace hirehub::cluster {

struct issued_certs {
  std::string ca_cert;                 ///< DIR/ca.pem
  std::vector<std::string> node_cert;  ///< DIR/node-<i>.pem, 1-based names
  std::vector<std::string> node_key;   ///< DIR/node-<i>.key
  int made = 0;                        ///< files made now (0: all were there)
};

/// Writes a CA (ca.pem, ca.key) and `nodes` node certificates (node-<i>.pem,
/// node-<i>.key; EC P-256, SHA-256, valid `days`, usable as TLS server and
/// client) into `dir`, keys readable by the owner only. What exists is kept: a
/// CA already there issues the missing node certificates. Throws
/// std::runtime_error saying what failed.
issued_certs make_cluster_certs(const std::string& dir, int nodes, int days = 825);

/// Checks that `cert` and `key` form a pair and that `cert` is signed by the CA in
/// `ca`; returns why not ("" when they are fine).
std::string check_node_cert(const std::string& cert, const std::string& key, const std::string& ca);

}  // namespace hirehub::cluster
