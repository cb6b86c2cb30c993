// /declarations: the list, its parameters, and the cells it shares with the
// dashboard.
#include <optional>
#include <vector>

#include "console/declarations.h"
#include "console/html.h"
#include "console/site_day.h"
#include "rules/programme.h"

namespace flexmail {
namespace {

struct ListQuery {
  GasDay day;
  std::string site;  // "": any
  std::optional<Outcome> outcome;
};

bool ReadDay(std::string_view text, ListQuery* q) { return ParseGasDayParam(text, &q->day).ok(); }

bool ReadSite(std::string_view text, ListQuery* q) {
  if (!IsSiteId(text)) return false;
  q->site = std::string(text);
  return true;
}

// The outcomes a declaration can end with (kTest is a message's only).
constexpr Outcome kDeclarationOutcomes[] = {Outcome::kIntegrated, Outcome::kRejected,
                                            Outcome::kIgnored};

bool ReadOutcome(std::string_view text, ListQuery* q) {
  for (Outcome o : kDeclarationOutcomes) {
    if (OutcomeName(o) == text) {
      q->outcome = o;
      return true;
    }
  }
  return false;
}

// The list's parameters: a new one is one row, and its 400 comes for free.
// Each reader accepts only a short fixed form, so values are bounded.
struct Param {
  std::string_view name;
  bool (*read)(std::string_view text, ListQuery* q);
  std::string_view expected;
};
constexpr Param kParams[] = {
    {"day", ReadDay, "une journée gazière AAAA-MM-JJ (par exemple 2026-12-03)"},
    {"site", ReadSite, "un site : LI suivi de 4 chiffres (par exemple LI0002)"},
    {"outcome", ReadOutcome, "un résultat : INTEGRATED, REJECTED ou IGNORED"},
};

// kInvalidInput, naming the parameter, for the first bad one.
Status ParseListQuery(const HttpRequest& req, Instant now, ListQuery* q) {
  q->day = GasDayOf(now);
  for (const Param& p : kParams) {
    auto it = req.query.find(std::string(p.name));
    if (it == req.query.end() || it->second.empty()) continue;
    if (!p.read(it->second, q))
      return Status::InvalidInput("Paramètre « " + std::string(p.name) + " » invalide : attendu " +
                                  std::string(p.expected) + ".");
  }
  return Status::Ok();
}

// The list's address for `day` with the other filters of `q`, unescaped.
std::string ListHref(const ListQuery& q, GasDay day) {
  std::string href = "/declarations?day=" + day.Iso();
  if (!q.site.empty()) href += "&site=" + q.site;
  if (q.outcome) href += "&outcome=" + std::string(OutcomeName(*q.outcome));
  return href;
}

std::string Form(const ListQuery& q) {
  std::string options = "<option value=\"\">tous</option>";
  for (Outcome o : kDeclarationOutcomes) {
    const std::string name(OutcomeName(o));
    options +=
        "<option" + std::string(q.outcome == o ? " selected" : "") + ">" + name + "</option>";
  }
  return "<form method=\"get\" action=\"/declarations\">\n"
         "<label>Journée gazière <input name=\"day\" type=\"date\" value=\"" +
         Escape(q.day.Iso()) + "\"></label>\n<label>Site <input name=\"site\" size=\"6\" value=\"" +
         Escape(q.site) +
         "\" placeholder=\"LI0002\"></label>\n<label>Résultat <select name=\"outcome\">" + options +
         "</select></label>\n<button type=\"submit\">Filtrer</button>\n</form>\n";
}

std::string Summary(const ListQuery& q, size_t shown, bool capped) {
  std::string b = "<p>" + std::to_string(shown) + " déclaration" + (shown > 1 ? "s" : "") +
                  " reçue" + (shown > 1 ? "s" : "") + " pendant la journée gazière du " +
                  Escape(q.day.French()) + " (de " + Escape(FormatLocalIso(GasDayStart(q.day))) +
                  " à " + Escape(FormatLocalIso(GasDayEnd(q.day))) + ")";
  if (!q.site.empty()) b += ", avec un programme intégré du site " + Escape(q.site);
  if (q.outcome) b += ", de résultat " + std::string(OutcomeName(*q.outcome));
  b += ", des plus récentes aux plus anciennes.</p>\n";
  if (capped)
    b += "<p class=\"bad\">Liste tronquée : seules les " + std::to_string(kMaxListedDeclarations) +
         " plus récentes sont affichées. Filtrez par site ou par résultat pour voir les "
         "autres.</p>\n";
  b += "<p><a href=\"" + Escape(ListHref(q, q.day.Prev())) +
       "\">← journée précédente</a> · <a href=\"" + Escape(ListHref(q, q.day.Next())) +
       "\">journée suivante →</a></p>\n";
  return b;
}

std::string ListRow(const StoredDeclaration& d, const std::string& files,
                    const std::string& site_days) {
  const std::string href = DeclarationHref(d.id);
  std::string r = "<tr><td><a href=\"" + href + "\">n° " + std::to_string(d.id) + "</a></td>";
  for (const std::string& cell :
       {Escape(FormatLocalIso(d.received_at)), Escape(d.sender), Escape(OutcomeName(d.outcome)),
        std::to_string(d.error_count), std::to_string(d.warning_count),
        Escape(AuthenticationText(d.auth_method, d.auth_result)), files, site_days})
    r += "<td>" + cell + "</td>";
  return r + "</tr>\n";
}

Status ListTable(Ledger& ledger, const std::vector<StoredDeclaration>& rows, std::string* html) {
  *html =
      "<table>\n<tr><th>Déclaration</th><th>Reçue</th><th>Expéditeur</th><th>Résultat</th>"
      "<th>Erreurs</th><th>Avertissements</th><th>Authentification</th><th>Fichiers</th>"
      "<th>Sites et jours</th></tr>\n";
  Status s;
  for (auto it = rows.begin(); s.ok() && it != rows.end(); ++it) {
    std::string files, site_days;
    s = DeclarationCells(ledger, it->id, &files, &site_days);
    *html += ListRow(*it, files, site_days);
  }
  *html += "</table>\n";
  return s;
}

}  // namespace

std::string DeclarationHref(std::int64_t id) { return "/declarations/" + std::to_string(id); }

std::string AuthenticationText(std::string_view method, std::string_view result) {
  if (method.empty()) return "non authentifié";
  if (method == "none") return "non demandée (mode none)";
  std::string verdict(result);
  if (result == "pass") verdict = "réussie";
  if (result == "fail") verdict = "échouée";
  if (result == "temperror") verdict = "impossible pour l'instant";
  if (result == "none") verdict = "aucune";
  return std::string(method) + " : " + verdict;
}

std::string SiteDayLink(std::string_view site, std::string_view day) {
  return "<a href=\"/sites/" + Escape(site) + "/" + Escape(day) + "\">" + Escape(site) + " " +
         Escape(day) + "</a>";
}

Status DeclarationCells(Ledger& ledger, std::int64_t id, std::string* files,
                        std::string* site_days) {
  std::vector<std::string> names;
  std::vector<std::pair<std::string, std::string>> days;
  Status s = ledger.DeclarationContents(id, &names, &days);
  files->clear();
  site_days->clear();
  for (const auto& f : names) *files += (files->empty() ? "" : "<br>") + Escape(f);
  for (const auto& [site, day] : days) *site_days += SiteDayLink(site, day) + " ";
  return s;
}

HttpResponse DeclarationListPage(const ConsoleContext& ctx, const HttpRequest& req) {
  ListQuery q;
  Status s = ParseListQuery(req, ctx.now, &q);
  if (!s.ok()) return ErrorPage(400, "Requête invalide", s.message());
  DeclarationFilter filter{q.day, q.site, q.outcome, kMaxListedDeclarations + 1};
  std::vector<StoredDeclaration> rows;
  s = ctx.ledger.Declarations(filter, &rows);
  const bool capped = rows.size() > static_cast<size_t>(kMaxListedDeclarations);
  if (capped) rows.resize(kMaxListedDeclarations);
  std::string table;
  if (s.ok()) s = ListTable(ctx.ledger, rows, &table);
  if (!s.ok()) return ErrorPage(500, "Erreur interne", s.ToString());
  HttpResponse r;
  r.body = Layout("Déclarations", Form(q) + Summary(q, rows.size(), capped) + table);
  return r;
}

}  // namespace flexmail
