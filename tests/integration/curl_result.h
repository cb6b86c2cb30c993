// What the mail-stack tests that drive libcurl directly (as a shipper's or a
// mailbox's client would, not through flexmail's transports) share: the
// outcome of one transfer, a body collector, and the end of a transfer.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace flexmail::test {

struct CurlResult {
  CURLcode code = CURLE_OK;
  long response = 0;  // last server response code
  std::string body;
  std::string headers;
  std::string error;
};

inline std::ostream& operator<<(std::ostream& os, const CurlResult& r) {
  return os << "curl " << r.code << " (" << curl_easy_strerror(r.code) << "), response "
            << r.response << ": " << r.error << " " << r.body;
}

inline long Ms(std::chrono::steady_clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

// CURLOPT_WRITEFUNCTION (and HEADERFUNCTION) appending to a std::string.
inline std::size_t Append(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Keeps curl's explanation and the last response code, frees the handle.
inline CurlResult Finish(CURL* h, CurlResult r, const char* errbuf) {
  r.error = errbuf;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.response);
  curl_easy_cleanup(h);
  return r;
}

}  // namespace flexmail::test
