#include "console/pages.h"

#include "console/declarations.h"
#include "console/html.h"
#include "console/indicators.h"
#include "console/site_day.h"

namespace flexmail {
namespace {

HttpResponse Internal(const Status& s) {
  return ErrorPage(500, "Erreur interne", s.ToString());
}

std::string Row(std::initializer_list<std::string> cells) {
  std::string r = "<tr>";
  for (const auto& c : cells) r += "<td>" + c + "</td>";
  return r + "</tr>\n";
}

std::string HealthHtml(const ChannelHealth& h) {
  std::string b = h.problems.empty() ? "<p class=\"ok\">Canal en bonne santé</p>\n"
                                     : "<p class=\"bad\">Canal en mauvaise santé</p>\n<ul>\n";
  for (const auto& p : h.problems) b += "<li>" + Escape(p) + "</li>\n";
  if (!h.problems.empty()) b += "</ul>\n";
  b += "<table>\n";
  for (const auto& [label, value] : h.facts) b += Row({Escape(label), Escape(value)});
  b += "</table>\n";
  for (const auto& w : h.warnings) b += "<p>Avertissement : " + Escape(w) + "</p>\n";
  return b;
}

// The probe's judgement; a console without a probe, or a failed read,
// counts as a problem so /healthz never says OK without knowing.
ChannelHealth ReadChannelHealth(const ConsoleContext& ctx) {
  ChannelHealth h;
  Status s = ctx.channel ? ctx.channel->Health(ctx.config, ctx.ledger, ctx.now, &h)
                         : Status::Internal("aucun juge de l'état du canal n'est branché");
  if (!s.ok()) h.problems.push_back(s.ToString());
  return h;
}

std::string DeclarationRow(Ledger& ledger, const StoredDeclaration& d, Status* s) {
  std::string names, links;
  *s = DeclarationCells(ledger, d.id, &names, &links);
  return Row({"<a href=\"" + DeclarationHref(d.id) + "\">" + Escape(FormatShortLocal(d.received_at)) +
                  "</a>",
              Escape(d.sender), std::string(OutcomeName(d.outcome)),
              std::to_string(d.error_count) + " / " + std::to_string(d.warning_count), names,
              links});
}

// The last 24 h at a glance: counts per outcome, then the newest
// kDashboardRows declarations. However many arrived (a backlog of
// thousands), the page reads a bounded number of rows, so a dashboard
// left open costs the daemon's machine next to nothing.
constexpr int kDashboardRows = 20;

Status RecentDeclarations(const ConsoleContext& ctx, std::string* html) {
  const Instant since = ctx.now - std::chrono::hours(24);
  std::map<std::string, int> counts;
  std::vector<StoredDeclaration> latest;
  Status s = ctx.ledger.CountDeclarationsByOutcome(since, ctx.now, &counts);
  if (s.ok()) s = ctx.ledger.LatestDeclarations(since, ctx.now, kDashboardRows, &latest);
  int total = 0;
  std::string parts;
  for (const auto& [outcome, n] : counts) {
    total += n;
    parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + Escape(outcome);
  }
  *html = "<h2>Déclarations des dernières 24 h</h2>\n<p>" + std::to_string(total) +
          " déclaration(s)" + (parts.empty() ? "" : " : " + parts);
  if (total > static_cast<int>(latest.size()))
    *html += " ; les " + std::to_string(latest.size()) + " plus récentes ci-dessous";
  *html += " — <a href=\"/declarations\">toutes les déclarations du jour</a></p>\n"
           "<table>\n<tr><th>Reçue</th><th>Expéditeur</th><th>Résultat</th>"
           "<th>Erreurs / avertissements</th><th>Fichiers</th><th>Sites et jours</th></tr>\n";
  for (auto it = latest.begin(); s.ok() && it != latest.end(); ++it)
    *html += DeclarationRow(ctx.ledger, *it, &s);
  *html += "</table>\n";
  return s;
}

}  // namespace

HttpResponse DashboardPage(const ConsoleContext& ctx, const HttpRequest&) {
  std::string declarations;
  Status s = RecentDeclarations(ctx, &declarations);
  if (!s.ok()) return Internal(s);
  HttpResponse r;
  r.body = Layout("Tableau de bord", HealthHtml(ReadChannelHealth(ctx)) + declarations);
  return r;
}

// The outbox grows by one reply per declaration, for years: the page shows
// the newest ones, each row linking to its declaration.
constexpr int kOutboxRows = 200;

HttpResponse OutboxPage(const ConsoleContext& ctx, const HttpRequest&) {
  std::vector<OutboxItem> items;
  Status s = ctx.ledger.Outbox(&items, kOutboxRows);
  if (!s.ok()) return Internal(s);
  std::string b = "<p>Les " + std::to_string(kOutboxRows) +
                  " réponses les plus récentes au plus.</p>\n<table>\n<tr><th>Créée</th>"
                  "<th>Déclaration</th><th>État</th><th>Tentatives</th><th>Destinataires</th>"
                  "<th>Dernière erreur</th></tr>\n";
  for (const auto& i : items) {
    std::string to;
    for (const auto& r : i.recipients) to += (to.empty() ? "" : ", ") + Escape(r);
    const std::string declaration =
        i.declaration_id > 0 ? "<a href=\"" + DeclarationHref(i.declaration_id) + "\">n° " +
                                   std::to_string(i.declaration_id) + "</a>"
                             : "test";
    b += Row({Escape(FormatShortLocal(i.created_at)), declaration,
              std::string(ReplyStateName(i.state)), std::to_string(i.attempts), to,
              Escape(i.last_error)});
  }
  HttpResponse r;
  r.body = Layout("Boîte d'envoi", b + "</table>\n");
  return r;
}

HttpResponse HealthzPage(const ConsoleContext& ctx, const HttpRequest&) {
  const ChannelHealth h = ReadChannelHealth(ctx);
  HttpResponse r;
  r.content_type = kTextType;
  r.status = h.problems.empty() ? 200 : 503;
  r.body = h.problems.empty() ? "OK\n" : "";
  for (const auto& p : h.problems) r.body += p + "\n";
  return r;
}

HttpResponse MetricsPage(const ConsoleContext& ctx, const HttpRequest&) {
  std::string exposition;
  Status s = ctx.channel ? ctx.channel->Metrics(ctx.config, ctx.ledger, ctx.now, &exposition)
                         : Status::Internal("no channel probe: metrics unavailable");
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4";
  if (!s.ok()) {
    r.status = 500;
    r.body = s.ToString() + "\n";
    return r;
  }
  r.body = std::move(exposition);
  return r;
}

HttpResponse SiteDayPage(const ConsoleContext& ctx, const HttpRequest& req) {
  // "/sites/LI0002/2026-12-03": exactly a site and a day after the prefix.
  const std::string rest = req.path.substr(std::string_view("/sites/").size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos || rest.find('/', slash + 1) != std::string::npos)
    return ErrorPage(404, "Page introuvable", "Adresse attendue : /sites/LI0002/2026-12-03");
  GasDay day;
  Status s = ParseGasDayParam(rest.substr(slash + 1), &day);
  SiteDayData data;
  if (s.ok()) s = GatherSiteDay(ctx.ledger, ctx.config.referential, rest.substr(0, slash), day, &data);
  if (s.kind() == Status::Kind::kInvalidInput) return ErrorPage(400, "Requête invalide", s.message());
  if (s.kind() == Status::Kind::kNotFound) return ErrorPage(404, "Site inconnu", s.message());
  if (!s.ok()) return Internal(s);
  HttpResponse r;
  r.body = Layout(SiteDayTitle(data), SiteDayBody(data));
  return r;
}

HttpResponse StyleSheetPage(const ConsoleContext&, const HttpRequest&) {
  HttpResponse r;
  r.content_type = "text/css; charset=utf-8";
  r.body = std::string(StyleSheet());
  return r;
}

void AddStandardPages(Router* router) {
  router->Add("/", DashboardPage);
  router->Add("/outbox", OutboxPage);
  router->Add("/healthz", HealthzPage);
  router->Add("/metrics", MetricsPage);
  router->Add("/style.css", StyleSheetPage);
  router->AddPrefix("/sites/", SiteDayPage);
  AddDeclarationPages(router);
  AddIndicatorPages(router);
}

}  // namespace flexmail
