#include "console/http.h"

#include "console/html.h"

namespace flexmail {

void Router::Add(std::string path, Page page) { exact_[std::move(path)] = std::move(page); }

void Router::AddPrefix(std::string prefix, Page page) {
  prefixes_[std::move(prefix)] = std::move(page);
}

void AddSecurityHeaders(HttpResponse* r) {
  r->headers.emplace_back("Content-Security-Policy",
                          "default-src 'none'; style-src 'self'; img-src 'self'");
  r->headers.emplace_back("X-Content-Type-Options", "nosniff");
  r->headers.emplace_back("Cache-Control", "no-store");
}

HttpResponse ErrorPage(int status, const std::string& title, const std::string& text) {
  HttpResponse r;
  r.status = status;
  r.body = Layout(title, "<p>" + Escape(text) + "</p>\n");
  return r;
}

namespace {

HttpResponse Route(const std::map<std::string, Page>& exact,
                   const std::map<std::string, Page>& prefixes, const ConsoleContext& ctx,
                   const HttpRequest& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    HttpResponse r = ErrorPage(405, "Méthode non permise", "Cette console ne fait que lire.");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (req.query_bytes > kMaxQueryBytes)
    return ErrorPage(414, "Adresse trop longue", "La requête dépasse 2 Kio.");
  if (auto it = exact.find(req.path); it != exact.end()) return it->second(ctx, req);
  const Page* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& [prefix, page] : prefixes) {
    if (req.path.starts_with(prefix) && prefix.size() >= best_len) {
      best = &page;
      best_len = prefix.size();
    }
  }
  if (best) return (*best)(ctx, req);
  return ErrorPage(404, "Page introuvable", "Aucune page à l'adresse " + req.path + ".");
}

}  // namespace

HttpResponse Router::Handle(const ConsoleContext& ctx, const HttpRequest& req) const {
  HttpResponse r = Route(exact_, prefixes_, ctx, req);
  if (req.method == "HEAD") r.body.clear();
  AddSecurityHeaders(&r);
  return r;
}

}  // namespace flexmail
