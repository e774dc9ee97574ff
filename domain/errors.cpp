#include "domain/errors.hpp"

namespace hirehub {

namespace {

const char* name(accounts_errc x) {
  switch (x) {
    case accounts_errc::already_exists: return "already_exists";
  }
  return nullptr;
}

const char* name(jobs_errc x) {
  switch (x) {
    case jobs_errc::illegal_transition: return "illegal_transition";
  }
  return nullptr;
}

const char* name(applications_errc x) {
  switch (x) {
    case applications_errc::illegal_transition: return "illegal_transition";
    case applications_errc::duplicate_application: return "duplicate_application";
    case applications_errc::idempotency_mismatch: return "idempotency_key_reused";
    case applications_errc::job_not_open: return "job_not_open";
  }
  return nullptr;
}

const char* name(resumes_errc x) {
  switch (x) {
    case resumes_errc::illegal_transition: return "illegal_transition";
    case resumes_errc::unprocessable_file: return "unprocessable_file";
  }
  return nullptr;
}

const char* name(cluster_errc x) {
  switch (x) {
    case cluster_errc::not_member:
    case cluster_errc::not_connected: return "unavailable";
    case cluster_errc::refused_drain:
    case cluster_errc::not_supervised:
    case cluster_errc::node_gone: return "conflict";
  }
  return nullptr;
}

}  // namespace

const char* name_of(error_code c) {
  namespace cat = error_categories;
  const char* n = nullptr;
  if (c.category == cat::common)
    return to_string(static_cast<errc>(c.value));
  if (c.category == cat::accounts)
    n = name(static_cast<accounts_errc>(c.value));
  else if (c.category == cat::jobs)
    n = name(static_cast<jobs_errc>(c.value));
  else if (c.category == cat::applications)
    n = name(static_cast<applications_errc>(c.value));
  else if (c.category == cat::resumes)
    n = name(static_cast<resumes_errc>(c.value));
  else if (c.category == cat::cluster)
    n = name(static_cast<cluster_errc>(c.value));
  return n ? n : "internal";
}

bool is_retryable(error_code c) {
  switch (c.common()) {
    case errc::conflict:
    case errc::overloaded:
    case errc::unavailable:
    case errc::timeout: return true;
    default: break;
  }
  return c == cluster_errc::not_member || c == cluster_errc::not_connected;
}

}  // namespace hirehub
