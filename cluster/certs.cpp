#include "cluster/certs.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace hirehub::cluster {

namespace {

namespace fs = std::filesystem;

struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_free {
  void operator()(X509* x) const { X509_free(x); }
};
struct file_close {
  void operator()(FILE* f) const { std::fclose(f); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;
using file_ptr = std::unique_ptr<FILE, file_close>;

[[noreturn]] void fail(const std::string& what) {
  char buf[256] = {0};
  auto code = ERR_get_error();
  if (code)
    ERR_error_string_n(code, buf, sizeof buf);
  throw std::runtime_error(what + (code ? std::string(": ") + buf : std::string{}));
}

pkey_ptr new_key() {
  pkey_ptr k{EVP_EC_gen("P-256")};
  if (!k)
    fail("cannot make an EC key");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext)
    fail(std::string("cannot make the certificate extension ") + OBJ_nid2sn(nid));
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

/// A certificate for `key` named `cn`, signed by `issuer_key` (self-signed when `issuer` is null).
x509_ptr make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key, int days, bool ca) {
  x509_ptr x{X509_new()};
  if (!x)
    fail("cannot make a certificate");
  X509_set_version(x.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(x.get(), key);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("HireHub cluster"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer ? issuer : x.get();
  add_ext(x.get(), signer, NID_subject_key_identifier, "hash");
  if (ca) {
    add_ext(x.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_ext(x.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(x.get(), signer, NID_authority_key_identifier, "keyid:always");
    add_ext(x.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(x.get(), signer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_ext(x.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
    add_ext(x.get(), signer, NID_subject_alt_name, ("DNS:" + cn + ",DNS:localhost,IP:127.0.0.1").c_str());
  }
  if (!X509_sign(x.get(), issuer_key ? issuer_key : key, EVP_sha256()))
    fail("cannot sign the certificate for " + cn);
  return x;
}

file_ptr open_for(const fs::path& p, bool secret) {
  // Keys are created readable by their owner only, before anything is written.
  auto old = umask(secret ? 077 : 022);
  file_ptr f{std::fopen(p.c_str(), "wx")};
  umask(old);
  if (!f)
    throw std::runtime_error("cannot write " + p.string());
  return f;
}

void write_key(const fs::path& p, EVP_PKEY* k) {
  auto f = open_for(p, true);
  if (!PEM_write_PrivateKey(f.get(), k, nullptr, nullptr, 0, nullptr, nullptr))
    fail("cannot write " + p.string());
}

void write_cert(const fs::path& p, X509* x) {
  auto f = open_for(p, false);
  if (!PEM_write_X509(f.get(), x))
    fail("cannot write " + p.string());
}

x509_ptr read_cert(const fs::path& p) {
  file_ptr f{std::fopen(p.c_str(), "r")};
  if (!f)
    throw std::runtime_error("cannot read " + p.string());
  x509_ptr x{PEM_read_X509(f.get(), nullptr, nullptr, nullptr)};
  if (!x)
    fail(p.string() + " is not a PEM certificate");
  return x;
}

pkey_ptr read_key(const fs::path& p) {
  file_ptr f{std::fopen(p.c_str(), "r")};
  if (!f)
    throw std::runtime_error("cannot read " + p.string());
  pkey_ptr k{PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr)};
  if (!k)
    fail(p.string() + " is not a PEM private key");
  return k;
}

}  // namespace

issued_certs make_cluster_certs(const std::string& dir, int nodes, int days) {
  if (nodes < 1 || nodes > 999)
    throw std::runtime_error("--nodes takes a number from 1 to 999");
  fs::create_directories(dir);
  fs::path d{dir};
  issued_certs out;
  out.ca_cert = (d / "ca.pem").string();
  pkey_ptr ca_key;
  x509_ptr ca;
  if (fs::exists(d / "ca.pem") && fs::exists(d / "ca.key")) {
    ca = read_cert(d / "ca.pem");
    ca_key = read_key(d / "ca.key");
  } else {
    ca_key = new_key();
    ca = make_cert(ca_key.get(), "HireHub cluster CA", nullptr, nullptr, days + 365, true);
    write_key(d / "ca.key", ca_key.get());
    write_cert(d / "ca.pem", ca.get());
    out.made += 2;
  }
  for (int i = 1; i <= nodes; ++i) {
    auto name = "node-" + std::to_string(i);
    auto cert = d / (name + ".pem");
    auto key = d / (name + ".key");
    out.node_cert.push_back(cert.string());
    out.node_key.push_back(key.string());
    if (fs::exists(cert) && fs::exists(key))
      continue;
    auto k = new_key();
    auto x = make_cert(k.get(), name, ca.get(), ca_key.get(), days, false);
    fs::remove(cert);
    fs::remove(key);
    write_key(key, k.get());
    write_cert(cert, x.get());
    out.made += 2;
  }
  return out;
}

std::string check_node_cert(const std::string& cert, const std::string& key, const std::string& ca) {
  try {
    auto x = read_cert(cert);
    auto k = read_key(key);
    auto c = read_cert(ca);
    if (X509_check_private_key(x.get(), k.get()) != 1)
      return key + " is not the key of " + cert;
    std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store{X509_STORE_new(), X509_STORE_free};
    X509_STORE_add_cert(store.get(), c.get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx{X509_STORE_CTX_new(), X509_STORE_CTX_free};
    X509_STORE_CTX_init(ctx.get(), store.get(), x.get(), nullptr);
    if (X509_verify_cert(ctx.get()) != 1)
      return cert + " is not signed by the CA in " + ca + " (" +
             X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())) + ")";
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

}  // namespace hirehub::cluster
