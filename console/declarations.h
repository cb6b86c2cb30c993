// The "Déclarations" pages of the console, server-rendered in French from
// the ledger's read methods (never a write):
//
//   /declarations?day=2026-12-03&site=LI0002&outcome=INTEGRATED
//       The declarations received during one gas day (D 06:00 to D+1 06:00
//       Paris; default: the gas day of the request's instant), newest first,
//       at most kMaxListedDeclarations of them (the page says when it cut).
//       Every parameter is optional; an empty one counts as absent (what a
//       form sends for "any"), an unknown one is ignored, a bad one is a 400
//       page naming it and what was expected. `site` keeps the declarations
//       with an integrated programme of that site: a rejected declaration
//       stores no programme, so it is never kept by a site. `outcome` is one
//       of the declarations' outcomes in the ledger (INTEGRATED, REJECTED,
//       IGNORED).
//   /declarations/42
//       One declaration: its envelope, the message that carried it (subject,
//       Message-ID, sender authentication), its programmes and their codes,
//       its located errors and warnings, and its replies as sent (state and
//       text).
//   /declarations/42/message.eml
//       The message as received, byte for byte: message/rfc822, always as
//       an attachment ("declaration-42.eml"), never shown inline.
//   /declarations/42/resultats.json
//       The resultats.json attached to the first reply that carries one, as
//       sent: application/json, as an attachment.
//
// A declaration without a message (`flexmail submit`) or without a reply
// has no download: its page says so, and the address answers 404 with the
// reason. An id that is not a positive number without leading zeros is 404
// too, like any address that names no page (see ParseDeclarationPath).
//
// Everything that came by mail (senders, subjects, file names, codes,
// messages, reply text) is escaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "console/http.h"

namespace flexmail {

inline constexpr int kMaxListedDeclarations = 500;

// Registers /declarations and the /declarations/ prefix.
void AddDeclarationPages(Router* router);

HttpResponse DeclarationListPage(const ConsoleContext& ctx, const HttpRequest& req);
// Every address under /declarations/.
HttpResponse DeclarationPages(const ConsoleContext& ctx, const HttpRequest& req);

// What the list and the dashboard share.
// "/declarations/42".
std::string DeclarationHref(std::int64_t id);
// The sender authentication of a declaration's message in plain French,
// unescaped: "dkim : réussie", "non demandée (mode none)", and "non
// authentifié" when nothing is stored (`submit`, mail of before).
std::string AuthenticationText(std::string_view method, std::string_view result);
// Declaration `id`'s file names (escaped, one per line) and the links to
// the site/day pages of its integrated programmes.
Status DeclarationCells(Ledger& ledger, std::int64_t id, std::string* files,
                        std::string* site_days);
// <a href="/sites/LI0002/2026-12-03">LI0002 2026-12-03</a>, escaped.
std::string SiteDayLink(std::string_view site, std::string_view day);

}  // namespace flexmail
