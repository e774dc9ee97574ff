#include "runtime/http_post.hpp"

#include <curl/curl.h>

namespace hirehub::http {

namespace {

size_t collect(char* ptr, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(ptr, size * n);
  return size * n;
}

}  // namespace

answer post_json(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                 std::chrono::milliseconds timeout) {
  return call("POST", url, headers, body, timeout);
}

answer call(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
            const std::string& body, std::chrono::milliseconds timeout) {
  answer a;
  CURL* h = curl_easy_init();
  if (!h) {
    a.error = "libcurl could not start a request";
    return a;
  }
  curl_slist* list = nullptr;
  if (method != "GET")
    list = curl_slist_append(list, "Content-Type: application/json");
  for (const auto& x : headers)
    list = curl_slist_append(list, x.c_str());
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
  if (method == "POST") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  } else if (method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!body.empty()) {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  auto rc = curl_easy_perform(h);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a.status);
  } else {
    a.error = curl_easy_strerror(rc);
    a.body.clear();
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(h);
  return a;
}

}  // namespace hirehub::http
