#include "mail/smime_mime.h"

#include <vector>

#include "mail/header_format.h"
#include "mail/limits.h"
#include "mail/mime_tree.h"
#include "mail/rfc2231.h"
#include "mail/smime.h"
#include "mail/transfer_encoding.h"

namespace flexmail {
namespace {

// As mime_tree.cc: RFC 2046 allows 70 characters, some clients use more.
constexpr size_t kMaxBoundaryLength = 200;
// A parameter value quoted back in a detail: enough to recognise it.
constexpr size_t kMaxQuotedValue = 80;

enum class Kind { kNotSigned, kDetached, kOpaque, kUnsupported };

std::string Quote(std::string_view v) {
  return "« " + KeepPrintableAscii(v.substr(0, kMaxQuotedValue)) + " »";
}

bool IsSignatureType(std::string_view type) {
  return EqualsIgnoreCase(type, "application/pkcs7-signature") ||
         EqualsIgnoreCase(type, "application/x-pkcs7-signature");
}

bool IsP7mNamed(const Entity& e) {
  std::string disposition;
  std::vector<MimeParam> disposition_params;
  if (const HeaderField* d = e.header.Find("Content-Disposition")) {
    ParseMimeParams(d->value, &disposition, &disposition_params);
  }
  ParamText name = FindFileName(disposition_params, e.type_params);
  const std::string& n = name.text;
  return name.found && n.size() >= 4 && EqualsIgnoreCase(std::string_view(n).substr(n.size() - 4), ".p7m");
}

// What kind of S/MIME entity `e` is; *why is set for kUnsupported.
Kind Classify(const Entity& e, std::string* why) {
  if (e.type == "multipart/signed") {
    const MimeParam* protocol = FindParam(e.type_params, "protocol");
    if (protocol != nullptr && IsSignatureType(protocol->value)) return Kind::kDetached;
    *why = "multipart/signed de protocole " + Quote(protocol == nullptr ? "" : protocol->value) +
           " non pris en charge : seule une signature S/MIME (application/pkcs7-signature) l'est";
    return Kind::kUnsupported;
  }
  if (e.type == "application/pkcs7-mime" || e.type == "application/x-pkcs7-mime") {
    const MimeParam* smime_type = FindParam(e.type_params, "smime-type");
    // Without smime-type, a .p7m name is what old clients give a signed-data.
    bool signed_data = smime_type != nullptr ? EqualsIgnoreCase(smime_type->value, "signed-data")
                                             : IsP7mNamed(e);
    if (signed_data) return Kind::kOpaque;
    *why = e.type + " de smime-type " + Quote(smime_type == nullptr ? "" : smime_type->value) +
           " non pris en charge : seul signed-data l'est (un message chiffré ne peut être lu)";
    return Kind::kUnsupported;
  }
  return Kind::kNotSigned;
}

// The parts of multipart `e`, at most `max_parts` + 1 of them.
bool Children(const Entity& e, size_t max_parts, std::vector<std::string_view>* parts, std::string* why) {
  const MimeParam* b = FindParam(e.type_params, "boundary");
  if (b == nullptr || b->value.empty() || b->value.size() > kMaxBoundaryLength) {
    *why = "partie " + e.type + " sans paramètre boundary valide";
    return false;
  }
  if (!SplitMultipart(e.body, b->value, max_parts, parts)) {
    *why = "partie " + e.type + " : aucune ligne de séparation";
    return false;
  }
  return true;
}

// The body of `e` without its transfer encoding, refused beyond `limit`
// bytes. The encoded size is checked first so garbage is not decoded at all
// (base64 with line breaks is under 1.4 times the bytes it holds).
bool DecodeBounded(const Entity& e, size_t limit, std::string* out, std::string* why) {
  const HeaderField* cte = e.header.Find("Content-Transfer-Encoding");
  TransferEncoding enc = ParseTransferEncoding(cte == nullptr ? "" : cte->value);
  if (e.body.size() > 2 * limit) {
    *why = "signature de " + std::to_string(e.body.size()) + " octets encodés, au plus " +
           std::to_string(limit) + " décodés";
    return false;
  }
  bool truncated = false;
  switch (enc) {
    case TransferEncoding::kBase64: *out = DecodeBase64(e.body, &truncated); break;
    case TransferEncoding::kQuotedPrintable: *out = DecodeQuotedPrintable(e.body); break;
    case TransferEncoding::kIdentity: *out = std::string(e.body); break;
    case TransferEncoding::kUnknown:
      *why = "signature en encodage de transfert " + Quote(cte->value) + " inconnu";
      return false;
  }
  if (truncated || out->empty()) {
    *why = truncated ? "signature en base64 tronqué" : "signature vide";
    return false;
  }
  if (out->size() > limit) {
    *why = "signature de " + std::to_string(out->size()) + " octets, au plus " + std::to_string(limit);
    return false;
  }
  return true;
}

bool ReadDetached(const Entity& e, size_t* lines, SmimeParts* out, std::string* why) {
  std::vector<std::string_view> parts;
  if (!Children(e, 2, &parts, why)) return false;
  if (parts.size() != 2) {  // RFC 1847: the content, then the signature
    *why = "multipart/signed en " + std::to_string(parts.size()) + " parties, deux attendues";
    return false;
  }
  if (parts[0].size() > kMaxSmimeContentBytes) {
    *why = "contenu signé de " + std::to_string(parts[0].size()) + " octets, au plus " +
           std::to_string(kMaxSmimeContentBytes);
    return false;
  }
  Entity signature;
  if (!ReadEntity(parts[1], false, MailLimits().max_header_lines, lines, &signature)) {
    *why = "trop de lignes d'en-tête";
    return false;
  }
  if (!IsSignatureType(signature.type)) {
    *why = "seconde partie du multipart/signed de type " + Quote(signature.type) +
           ", application/pkcs7-signature attendu";
    return false;
  }
  out->detached = true;
  out->content = parts[0];
  return DecodeBounded(signature, kMaxSmimeSignatureBytes, &out->cms_der, why);
}

}  // namespace

bool FindSmimeParts(std::string_view raw, SmimeParts* out, std::string* why) {
  *out = SmimeParts();
  const size_t max_lines = MailLimits().max_header_lines;
  size_t lines = 0;
  Entity top;
  if (!ReadEntity(raw, false, max_lines, &lines, &top)) {
    *why = "trop de lignes d'en-tête";
    return false;
  }
  const Entity* e = &top;
  Kind kind = Classify(top, why);
  // A wrapping gateway puts the signed message first; later parts are its own.
  Entity first;
  std::vector<std::string_view> parts;
  if (kind == Kind::kNotSigned && top.type == "multipart/mixed" && Children(top, 1, &parts, why) &&
      !parts.empty()) {
    if (!ReadEntity(parts[0], false, max_lines, &lines, &first)) {
      *why = "trop de lignes d'en-tête";
      return false;
    }
    e = &first;
    kind = Classify(first, why);
  }
  switch (kind) {
    case Kind::kDetached: return ReadDetached(*e, &lines, out, why);
    case Kind::kOpaque: return DecodeBounded(*e, kMaxSmimeOpaqueBytes, &out->cms_der, why);
    case Kind::kUnsupported: return false;
    case Kind::kNotSigned: break;
  }
  *why = "message non signé : ni multipart/signed ni application/pkcs7-mime (en tête du message "
         "ou en première partie d'un multipart/mixed)";
  return false;
}

std::string CanonicalCrlf(std::string_view content) {
  std::string out;
  out.reserve(content.size() + content.size() / 32);
  for (size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\n' && (i == 0 || content[i - 1] != '\r')) out.push_back('\r');
    out.push_back(content[i]);
  }
  return out;
}

}  // namespace flexmail
