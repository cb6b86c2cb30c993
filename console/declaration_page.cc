// /declarations/<id>: one declaration's page, and its two downloads.
#include <charconv>

#include "console/declarations.h"
#include "console/html.h"
#include "console/reply_parts.h"
#include "console/site_day.h"

namespace flexmail {
namespace {

enum class Part { kPage, kMessage, kResults };

// "/declarations/42", "/declarations/42/message.eml" or
// "/declarations/42/resultats.json". The id is a positive decimal without
// leading zeros (one address per declaration) that fits an int64.
//
// A malformed id answers 404, not 400: the path itself names no page, and
// the console answers every address that names none with 404 (the router
// does for any unknown path); 400 is for the list's query parameters.
bool ParseDeclarationPath(std::string_view path, std::int64_t* id, Part* part) {
  path.remove_prefix(std::string_view("/declarations/").size());
  const std::string_view digits = path.substr(0, path.find('/'));
  const std::string_view rest = path.substr(digits.size());
  if (rest.empty())
    *part = Part::kPage;
  else if (rest == "/message.eml")
    *part = Part::kMessage;
  else if (rest == "/resultats.json")
    *part = Part::kResults;
  else
    return false;
  if (digits.empty() || digits.front() == '0' ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return false;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *id);
  return ec == std::errc() && end == digits.data() + digits.size();
}

HttpResponse Unknown(std::int64_t id) {
  return ErrorPage(404, "Déclaration inconnue",
                   "Le registre ne contient aucune déclaration n° " + std::to_string(id) + ".");
}

HttpResponse Internal(const Status& s) { return ErrorPage(500, "Erreur interne", s.ToString()); }

std::string Fact(std::string_view name, const std::string& html) {
  return "<tr><th scope=\"row\">" + std::string(name) + "</th><td>" + html + "</td></tr>\n";
}

// `ingest` stores its message with source "cli", like `submit`.
std::string SourceText(const std::string& source, bool has_message) {
  if (source == "imap") return "courriel relevé dans la boîte IMAP";
  if (source == "maildir") return "courriel relevé dans la boîte Maildir";
  return has_message ? "courriel déposé en ligne de commande (flexmail ingest)"
                     : "fichiers déposés en ligne de commande (flexmail submit)";
}

// Why a declaration has no message, or no reply: the page and the 404 say the same.
std::string NoMessageText(std::int64_t id) {
  return "La déclaration n° " + std::to_string(id) +
         " a été déposée en ligne de commande (flexmail submit) : aucun message reçu n'est "
         "conservé pour elle.";
}
std::string NoReplyText(const DeclarationDetail& d) {
  return "Aucune réponse n'a été mise en file pour la déclaration n° " +
         std::to_string(d.declaration.id) +
         (d.has_message ? "."
                        : " : une déclaration déposée en ligne de commande n'est pas "
                          "répondue par courriel.");
}

std::string Download(const std::string& href, std::string_view label) {
  return "<a href=\"" + href + "\" download>" + std::string(label) + "</a>";
}

std::string Facts(const DeclarationDetail& d) {
  const StoredDeclaration& decl = d.declaration;
  const MessageRecord& m = d.message;
  std::string b = "<table class=\"facts\">\n";
  b += Fact("Reçue le", Escape(FormatLocalIso(decl.received_at)));
  b += Fact("Expéditeur", Escape(decl.sender));
  b += Fact("Source", Escape(SourceText(decl.source, d.has_message)));
  b += Fact("Résultat", Escape(OutcomeName(decl.outcome)));
  if (d.has_message) {
    b += Fact("Objet", Escape(m.subject));
    b += Fact("Message-ID", Escape(m.message_id));
  }
  std::string auth = Escape(AuthenticationText(decl.auth_method, decl.auth_result));
  if (d.has_message && !m.auth_detail.empty()) auth += " — " + Escape(m.auth_detail);
  b += Fact("Authentification", auth);
  b += Fact("Message reçu",
            d.has_message ? Download(DeclarationHref(decl.id) + "/message.eml",
                                     "télécharger declaration-" + std::to_string(decl.id) + ".eml")
                          : Escape(NoMessageText(decl.id)));
  std::string files;
  for (const auto& f : d.files) files += (files.empty() ? "" : "<br>") + Escape(f);
  b += Fact("Fichiers", files.empty() ? "aucun" : files);
  return b + "</table>\n";
}

std::string Programmes(const DeclarationDetail& d) {
  if (d.programmes.empty()) return "<h2>Programmes</h2>\n<p>Aucun programme intégré.</p>\n";
  std::string b = "<h2>Programmes (" + std::to_string(d.programmes.size()) +
                  ")</h2>\n<table>\n"
                  "<tr><th>Programme</th><th>Fichier et ligne</th><th>Site et jour</th>"
                  "<th>Statut</th><th>Codes</th><th>Commentaire</th></tr>\n";
  for (const StoredProgramme& p : d.programmes) {
    const SiteDayProgramme s = ProgrammeSummary(p);
    std::string codes;
    for (const auto& c : s.codes) codes += (codes.empty() ? "" : "<br>") + Escape(c);
    b += "<tr><td>" + Escape(s.id) + "</td><td>" + Escape(p.result.file) + ", ligne " +
         std::to_string(p.result.line) + "</td><td>" +
         SiteDayLink(p.result.id.site, p.result.id.day.Iso()) + "</td><td>" +
         (s.accepted ? "ACCEPTÉ" : "REFUSÉ") +
         (s.superseded ? " (remplacé par une version supérieure)" : "") +
         (s.override_note.empty() ? "" : "<br><strong>" + Escape(s.override_note) + "</strong>") +
         "</td><td>" + codes +
         "</td><td>" + Escape(s.comment) + "</td></tr>\n";
  }
  return b + "</table>\n";
}

std::string Place(int n) { return n > 0 ? std::to_string(n) : "—"; }

// The diagnostics of one severity, located as stored.
std::string Diagnostics(const DeclarationDetail& d, Severity severity, std::string_view title) {
  std::string rows;
  int n = 0;
  for (const Diagnostic& g : d.diagnostics) {
    if (g.severity != severity) continue;
    ++n;
    rows += "<tr><td>" + (g.file.empty() ? "—" : Escape(g.file)) + "</td><td>" + Place(g.line) +
            "</td><td>" + Place(g.field) + "</td><td><code>" + Escape(CodeName(g.code)) +
            "</code></td><td>" + Escape(g.message) + "</td></tr>\n";
  }
  std::string b = "<h2>" + std::string(title) + " (" + std::to_string(n) + ")</h2>\n";
  if (n == 0) return b + "<p>Aucun.</p>\n";
  return b +
         "<table>\n<tr><th>Fichier</th><th>Ligne</th><th>Champ</th><th>Code</th>"
         "<th>Message</th></tr>\n" +
         rows + "</table>\n";
}

std::string StateText(const OutboxItem& r) {
  std::string state;
  switch (r.state) {
    case ReplyState::kSent:
      state = "envoyée le " + FormatLocalIso(*r.sent_at);
      break;
    case ReplyState::kFailed:
      state = "abandonnée le " + FormatLocalIso(*r.failed_at);
      break;
    case ReplyState::kPending:
      state = "en attente d'envoi (prochain essai le " + FormatLocalIso(r.next_attempt_at) + ")";
      break;
  }
  return Escape(state) + ", " + std::to_string(r.attempts) + " tentative" +
         (r.attempts > 1 ? "s" : "") +
         (r.last_error.empty() ? "" : " ; dernière erreur : " + Escape(r.last_error));
}

// One reply: its state, and its text and resultats.json read back from
// the bytes sent. `link_json`: this is the reply the download serves.
std::string Reply(const OutboxItem& r, const ReplyParts& parts, const Status& read,
                  bool link_json) {
  std::string recipients;
  for (const auto& to : r.recipients) recipients += (recipients.empty() ? "" : ", ") + Escape(to);
  std::string b = "<table class=\"facts\">\n" + Fact("État", StateText(r)) +
                  Fact("Mise en file le", Escape(FormatLocalIso(r.created_at))) +
                  Fact("Destinataires", recipients) + Fact("Message-ID", Escape(r.message_id));
  if (link_json)
    b += Fact("Résultats", Download(DeclarationHref(r.declaration_id) + "/resultats.json",
                                    "télécharger resultats.json"));
  else if (read.ok() && !parts.has_json)
    b += Fact("Résultats", "cette réponse n'a pas de pièce jointe resultats.json");
  b += "</table>\n";
  if (!read.ok()) return b + "<p class=\"bad\">" + Escape(read.message()) + "</p>\n";
  return b + "<pre class=\"reply\">" + Escape(parts.text) + "</pre>\n";
}

std::string Replies(const DeclarationDetail& d) {
  if (d.replies.empty()) return "<h2>Réponse</h2>\n<p>" + Escape(NoReplyText(d)) + "</p>\n";
  std::string b;
  bool linked = false;
  for (size_t i = 0; i < d.replies.size(); ++i) {
    ReplyParts parts;
    const Status read = ReadReplyParts(d.replies[i].raw, &parts);
    const bool link = !linked && read.ok() && parts.has_json;
    linked = linked || link;
    b += "<h2>Réponse" + (d.replies.size() > 1 ? " " + std::to_string(i + 1) : "") + "</h2>\n" +
         Reply(d.replies[i], parts, read, link);
  }
  return b;
}

// The email's own text, as the shipper wrote it (escaped: it is theirs).
std::string MailText(const DeclarationDetail& d) {
  if (!d.has_message || d.message.body_text.empty()) return "";
  return "<h2>Texte du courriel</h2>\n<pre class=\"mail-text\">" + Escape(d.message.body_text) +
         "</pre>\n";
}

// People's notes (`flexmail annotate`), in the order written.
std::string Notes(const DeclarationDetail& d) {
  if (d.annotations.empty()) return "";
  std::string b = "<h2>Notes (" + std::to_string(d.annotations.size()) +
                  ")</h2>\n<table>\n<tr><th>Écrite le</th><th>Par</th><th>Note</th></tr>\n";
  for (const AnnotationRecord& a : d.annotations) {
    b += "<tr><td>" + Escape(FormatShortLocal(a.written_at)) + "</td><td>" +
         Escape(a.written_by) + "</td><td>" + Escape(a.text) + "</td></tr>\n";
  }
  return b + "</table>\n";
}

HttpResponse DeclarationPage(const DeclarationDetail& d) {
  HttpResponse r;
  r.body = Layout("Déclaration n° " + std::to_string(d.declaration.id),
                  Facts(d) + MailText(d) + Notes(d) + Programmes(d) +
                      Diagnostics(d, Severity::kError, "Erreurs") +
                      Diagnostics(d, Severity::kWarning, "Avertissements") + Replies(d));
  return r;
}

HttpResponse Attachment(std::string content_type, const std::string& filename, std::string body) {
  HttpResponse r;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  return r;
}

HttpResponse MessageDownload(const ConsoleContext& ctx, const DeclarationDetail& d) {
  const std::int64_t id = d.declaration.id;
  if (!d.has_message) return ErrorPage(404, "Aucun message", NoMessageText(id));
  bool found = false;
  MessageRecord m;
  Status s = ctx.ledger.MessageOfDeclaration(id, true, &found, &m);
  if (!s.ok()) return Internal(s);
  if (!found) return ErrorPage(404, "Aucun message", NoMessageText(id));
  return Attachment("message/rfc822", "declaration-" + std::to_string(id) + ".eml",
                    std::move(m.raw));
}

HttpResponse ResultsDownload(const DeclarationDetail& d) {
  if (d.replies.empty()) return ErrorPage(404, "Aucune réponse", NoReplyText(d));
  for (const OutboxItem& reply : d.replies) {
    ReplyParts parts;
    Status s = ReadReplyParts(reply.raw, &parts);
    if (!s.ok()) return Internal(s);
    if (parts.has_json)
      return Attachment("application/json",
                        "declaration-" + std::to_string(d.declaration.id) + "-resultats.json",
                        std::move(parts.json));
  }
  return ErrorPage(404, "Aucun résultat",
                   "La réponse à la déclaration n° " + std::to_string(d.declaration.id) +
                       " n'a pas de pièce jointe resultats.json.");
}

}  // namespace

HttpResponse DeclarationPages(const ConsoleContext& ctx, const HttpRequest& req) {
  std::int64_t id = 0;
  Part part = Part::kPage;
  if (!ParseDeclarationPath(req.path, &id, &part))
    return ErrorPage(404, "Page introuvable",
                     "Adresses attendues : /declarations/42, /declarations/42/message.eml, "
                     "/declarations/42/resultats.json.");
  bool found = false;
  DeclarationDetail d;
  Status s = ctx.ledger.Declaration(id, &found, &d);
  if (!s.ok()) return Internal(s);
  if (!found) return Unknown(id);
  switch (part) {
    case Part::kMessage:
      return MessageDownload(ctx, d);
    case Part::kResults:
      return ResultsDownload(d);
    case Part::kPage:
      break;
  }
  return DeclarationPage(d);
}

void AddDeclarationPages(Router* router) {
  router->Add("/declarations", DeclarationListPage);
  router->AddPrefix("/declarations/", DeclarationPages);
}

}  // namespace flexmail
