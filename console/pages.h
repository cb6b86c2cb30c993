// The console's pages, server-rendered in French. Each is a pure function
// of the ConsoleContext and the request: they read the ledger (read-only)
// and never write.
#pragma once

#include "console/http.h"

namespace flexmail {

HttpResponse DashboardPage(const ConsoleContext& ctx, const HttpRequest& req);  // "/"
HttpResponse OutboxPage(const ConsoleContext& ctx, const HttpRequest& req);     // "/outbox"
// "/healthz": 200 "OK" when `flexmail status` would exit 0, else 503 with
// one problem per line.
HttpResponse HealthzPage(const ConsoleContext& ctx, const HttpRequest& req);
// "/metrics": the Prometheus exposition of the metrics textfile.
HttpResponse MetricsPage(const ConsoleContext& ctx, const HttpRequest& req);
// "/sites/LI0002/2026-12-03": the site/day chart and table; 400 for a bad
// day or site id, 404 for a site the referential does not know.
HttpResponse SiteDayPage(const ConsoleContext& ctx, const HttpRequest& req);
HttpResponse StyleSheetPage(const ConsoleContext& ctx, const HttpRequest& req);  // "/style.css"

// Adds every page above, and the declaration pages (console/declarations.h),
// to `router`.
void AddStandardPages(Router* router);

}  // namespace flexmail
