// The console's HTTP layer without the network: requests and responses as
// plain values, and a Router from paths to page functions. The server
// (console/server.h) turns libmicrohttpd's requests into HttpRequest and
// sends back what Router::Handle returns; tests call Handle directly.
//
// Router::Handle enforces, for every page: GET and HEAD only (405 with
// Allow otherwise), a query string of at most kMaxQueryBytes (414), 404 for
// an unknown path, no body for HEAD, and the security headers
// (Content-Security-Policy, X-Content-Type-Options, Cache-Control).
// Not thread safe while pages are being added; Handle is const.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "console/context.h"

namespace flexmail {

struct HttpRequest {
  std::string method;                        // "GET", "HEAD", ...
  std::string path;                          // "/sites/LI0001/2026-12-04", decoded, no query
  std::map<std::string, std::string> query;  // decoded arguments
  std::size_t query_bytes = 0;               // the raw query string's length
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones
};

inline constexpr std::size_t kMaxQueryBytes = 2048;
inline constexpr const char* kHtmlType = "text/html; charset=utf-8";
inline constexpr const char* kTextType = "text/plain; charset=utf-8";

using Page = std::function<HttpResponse(const ConsoleContext&, const HttpRequest&)>;

class Router {
 public:
  // `path` alone ("/outbox").
  void Add(std::string path, Page page);
  // Every path starting with `prefix` ("/sites/"); the longest prefix wins,
  // an exact path wins over any prefix. The page gets the whole path and
  // answers 404 itself for what it does not know.
  void AddPrefix(std::string prefix, Page page);
  HttpResponse Handle(const ConsoleContext& ctx, const HttpRequest& req) const;

 private:
  std::map<std::string, Page> exact_;
  std::map<std::string, Page> prefixes_;
};

// The headers every response carries.
void AddSecurityHeaders(HttpResponse* r);
// A French error page with `status`.
HttpResponse ErrorPage(int status, const std::string& title, const std::string& text);

}  // namespace flexmail
