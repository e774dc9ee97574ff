#pragma once
/// The OpenSSL error-queue fix for CAF's TLS sessions between nodes (see
/// tls_errors.cpp): SSL_read/SSL_write/SSL_connect/SSL_accept clear the calling
/// thread's error queue first, so one peer's failure never reads as another's.

namespace hirehub::cluster {

/// True when this process's SSL_read is the clearing one (links the fix in; the
/// node checks it before it loads CAF's OpenSSL module).
bool tls_error_queue_cleared_before_io();

}  // namespace hirehub::cluster
