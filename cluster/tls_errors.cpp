// Every TLS read and write between nodes starts with an empty OpenSSL error queue.
//
// OpenSSL keeps one error queue per thread, and SSL_get_error() reports
// SSL_ERROR_SSL whenever that queue holds anything, whatever the call it is asked
// about did. CAF 0.17's OpenSSL module (session.cpp, handle_ssl_result) empties
// the queue only inside CAF_LOG_INFO, which a build without logging (Debian's)
// never evaluates. So when one peer went away abruptly (kill -9: "unexpected eof
// while reading" is queued), the next SSL_read of *another* connection on the same
// multiplexer thread that merely had nothing to read (SSL_ERROR_WANT_READ) was
// taken for a failure, that healthy connection was closed, the error stayed queued
// and the survivors' reconnections failed the same way: after one node died the
// others could no longer talk to each other.
//
// OpenSSL's own rule is to clear the queue before an I/O call whose result is to be
// inspected with SSL_get_error() (libpq and librdkafka do). These definitions of
// SSL_read, SSL_write, SSL_connect and SSL_accept are found
// before libssl's for every caller in the process; each clears the calling
// thread's queue, then calls libssl's.

#include "cluster/tls_errors.hpp"

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace hirehub::cluster {

bool tls_error_queue_cleared_before_io() {
  return dlsym(RTLD_DEFAULT, "SSL_read") == reinterpret_cast<void*>(&::SSL_read);
}

}  // namespace hirehub::cluster

namespace {

template <class Fn>
Fn next(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static const auto real = next<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static const auto real = next<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_connect(SSL* ssl) {
  static const auto real = next<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return real(ssl);
}

int SSL_accept(SSL* ssl) {
  static const auto real = next<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return real(ssl);
}

}  // extern "C"
