#include "tests/console/fetch.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

namespace flexmail::testing {
namespace {

size_t Append(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

}  // namespace

Fetched Fetch(int port, const std::string& path, const std::string& method) {
  Fetched f;
  CURL* curl = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &f.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &f.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  if (method == "HEAD")
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  else if (method != "GET")
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  EXPECT_EQ(curl_easy_perform(curl), CURLE_OK) << url;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &f.status);
  char* type = nullptr;
  curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type);
  if (type) f.content_type = type;
  curl_easy_cleanup(curl);
  return f;
}

}  // namespace flexmail::testing
