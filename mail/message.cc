#include "mail/message.h"

#include "mail/address.h"
#include "mail/charset.h"
#include "mail/html_text.h"
#include "mail/mime_tree.h"
#include "mail/rfc2047.h"
#include "mail/rfc2231.h"
#include "mail/safe_name.h"
#include "mail/transfer_encoding.h"

namespace flexmail {
namespace {

// Identifiers and dates are ASCII by definition; anything else is dropped so
// they can go back into our replies' headers without further checks.
std::string PrintableAscii(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c >= 0x20 && c <= 0x7E) out.push_back(c);
  }
  return out;
}

// Decoding can leave blanks at the ends ("=?utf-8?Q?_x?="): they carry nothing.
std::string TrimSpaces(const std::string& s) {
  size_t first = s.find_first_not_of(' '), last = s.find_last_not_of(' ');
  return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

std::string FieldText(const Header& h, std::string_view name) {
  const HeaderField* f = h.Find(name);
  return f == nullptr ? std::string() : PrintableAscii(f->value);
}

bool IsCsvName(std::string_view name) {
  return name.size() >= 4 && EqualsIgnoreCase(name.substr(name.size() - 4), ".csv");
}

bool IsBounceSender(std::string_view local_part) {
  return EqualsIgnoreCase(local_part, "mailer-daemon") || EqualsIgnoreCase(local_part, "postmaster");
}

// "« name »" for notes and details: safe to log, bounded.
std::string Quoted(std::string_view filename) { return "« " + SafeFileName(filename) + " »"; }

void FillSender(const Header& h, ParsedMessage* out) {
  const HeaderField* from = h.Find("From");
  if (from == nullptr) {
    out->notes.push_back("champ From absent");
    return;
  }
  if (h.Count("From") > 1) {  // which one to believe? neither
    out->notes.push_back("plusieurs champs From");
    return;
  }
  ParsedMailbox m;
  if (!ParseSingleMailbox(from->value, &m)) {
    out->notes.push_back("champ From illisible ou sans boîte unique");
    return;
  }
  out->from_address = m.Address();
  out->from_name = m.display_name;
  if (IsBounceSender(m.local_part)) out->is_bounce = true;
}

void FillTopFields(const Entity& root, ParsedMessage* out) {
  const Header& h = root.header;
  FillSender(h, out);
  if (const HeaderField* s = h.Find("Subject")) {
    bool unknown = false;
    out->subject = TrimSpaces(ReplaceControls(DecodeRfc2047(s->value, &unknown)));
    if (unknown) out->notes.push_back("sujet en jeu de caractères inconnu, lu en Latin-1");
  }
  out->message_id = FieldText(h, "Message-ID");
  out->date = FieldText(h, "Date");
  out->auto_submitted = FieldText(h, "Auto-Submitted");
  out->precedence = FieldText(h, "Precedence");
  out->return_path = FieldText(h, "Return-Path");
  out->in_reply_to = FieldText(h, "In-Reply-To");
  out->references = FieldText(h, "References");
  std::string rp;
  for (char c : out->return_path) {
    if (c != ' ' && c != '\t') rp.push_back(c);
  }
  if (rp == "<>" || root.type == "multipart/report") out->is_bounce = true;
}

// The body of a leaf without its transfer encoding; oddities become notes.
std::string DecodeBody(const Entity& e, const std::string& filename, ParsedMessage* out) {
  const HeaderField* cte = e.header.Find("Content-Transfer-Encoding");
  TransferEncoding enc = ParseTransferEncoding(cte == nullptr ? "" : cte->value);
  switch (enc) {
    case TransferEncoding::kBase64: {
      bool truncated = false;
      std::string bytes = DecodeBase64(e.body, &truncated);
      if (truncated) out->notes.push_back("pièce jointe " + Quoted(filename) + " : base64 tronqué");
      return bytes;
    }
    case TransferEncoding::kQuotedPrintable:
      return DecodeQuotedPrintable(e.body);
    case TransferEncoding::kUnknown:
      out->notes.push_back("pièce jointe " + Quoted(filename) + " : encodage de transfert « " +
                           SafeFileName(cte->value) + " » inconnu, contenu gardé tel quel");
      return std::string(e.body);
    case TransferEncoding::kIdentity:
      break;
  }
  return std::string(e.body);
}

// Keeps the text of a body part (not an attachment): the first text/plain
// one wins; a text/html one only stands in until a text/plain one comes.
void KeepBodyText(const Entity& e, ParsedMessage* out, bool* from_html) {
  const bool plain = e.type == "text/plain", html = e.type == "text/html";
  if (!(plain || (html && out->body_text.empty())) || (!out->body_text.empty() && !*from_html))
    return;
  const MimeParam* charset = FindParam(e.type_params, "charset");
  std::string text;
  ConvertToUtf8(DecodeBody(e, "(texte du message)", out), charset ? charset->value : "", &text);
  if (html) text = HtmlToText(text);
  *from_html = html;
  out->body_text_truncated = text.size() > kMaxBodyTextBytes;
  if (out->body_text_truncated) text.resize(Utf8Prefix(text, kMaxBodyTextBytes));
  out->body_text = std::move(text);
}

// Sorts one leaf: a body part (its text kept), a CSV attachment, or another one.
std::optional<LimitHit> OnLeaf(const Entity& e, const MailLimits& limits, ParsedMessage* out,
                               size_t* attachments, bool* text_from_html) {
  std::string disposition;
  std::vector<MimeParam> disposition_params;
  if (const HeaderField* d = e.header.Find("Content-Disposition")) {
    ParseMimeParams(d->value, &disposition, &disposition_params);
  }
  ParamText name = FindFileName(disposition_params, e.type_params);
  // An attached message counts even without a name; a delivery report does not.
  bool is_attachment = name.found || disposition == "attachment" ||
                       e.type == "message/rfc822" || e.type == "message/global";
  if (!is_attachment) {
    KeepBodyText(e, out, text_from_html);
    return std::nullopt;
  }
  if (++*attachments > limits.max_attachments) {
    return LimitHit{Code::TOO_MANY_ATTACHMENTS,
                    "plus de " + std::to_string(limits.max_attachments) + " pièces jointes"};
  }
  std::string filename = ReplaceControls(name.text);
  if (!name.problem.empty()) out->notes.push_back("nom de pièce jointe : " + name.problem);
  if (name.unknown_charset) out->notes.push_back("nom " + Quoted(filename) + " en jeu de caractères inconnu, lu en Latin-1");
  if (!IsCsvName(filename) && !name.too_long) {
    ++out->other_attachments;
    if (limits.keep_other_files && name.found)
      out->other_files.push_back({filename, e.type, DecodeBody(e, filename, out)});
    return std::nullopt;
  }
  CsvAttachment csv{filename, e.type, DecodeBody(e, filename, out)};
  if (csv.content.size() > limits.max_csv_bytes) {
    return LimitHit{Code::ATTACHMENT_TOO_LARGE,
                    "pièce jointe " + Quoted(filename) + " : " + std::to_string(csv.content.size()) +
                        " octets, au plus " + std::to_string(limits.max_csv_bytes)};
  }
  out->csv_attachments.push_back(std::move(csv));
  return std::nullopt;
}

}  // namespace

std::string_view HeaderSection(std::string_view raw) {
  size_t best = std::string_view::npos;
  for (std::string_view end : {"\r\n\r\n", "\n\n"}) {
    const size_t pos = raw.find(end);
    if (pos != std::string_view::npos && (best == std::string_view::npos || pos + end.size() < best))
      best = pos + end.size();
  }
  return best == std::string_view::npos ? raw : raw.substr(0, best);
}

Status ParseMessage(std::string_view raw, const MailLimits& limits, ParsedMessage* out) {
  *out = ParsedMessage();
  // Over the size limit only the header is read, from the first bytes: it is
  // all the caller needs to answer.
  bool too_large = raw.size() > limits.max_message_bytes;
  std::string_view readable = too_large ? raw.substr(0, limits.max_message_bytes) : raw;
  Entity root;
  size_t lines = 0;
  bool header_ok = ReadEntity(readable, false, limits.max_header_lines, &lines, &root);
  FillTopFields(root, out);
  if (!header_ok) {
    out->limit = LimitHit{Code::TOO_MANY_HEADER_LINES,
                          "plus de " + std::to_string(limits.max_header_lines) + " lignes d'en-tête"};
    return Status::Ok();
  }
  if (root.header.fields.empty()) return Status::InvalidInput("pas un message : aucun champ d'en-tête");
  if (too_large) {
    out->limit = LimitHit{Code::MESSAGE_TOO_LARGE, "le message fait " + std::to_string(raw.size()) +
                                                       " octets, au plus " + std::to_string(limits.max_message_bytes)};
    return Status::Ok();
  }
  size_t attachments = 0;
  bool text_from_html = false;
  out->limit = WalkMime(root, lines, limits, [&](const Entity& e) {
    return OnLeaf(e, limits, out, &attachments, &text_from_html);
  });
  return Status::Ok();
}

}  // namespace flexmail
