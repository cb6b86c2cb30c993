#include "console/reply_parts.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "mail/charset.h"
#include "mail/limits.h"
#include "mail/mime_tree.h"
#include "mail/rfc2231.h"
#include "mail/transfer_encoding.h"

namespace flexmail {
namespace {

std::string Decoded(const Entity& e) {
  const HeaderField* cte = e.header.Find("Content-Transfer-Encoding");
  switch (ParseTransferEncoding(cte == nullptr ? "" : cte->value)) {
    case TransferEncoding::kBase64:
      return DecodeBase64(e.body);
    case TransferEncoding::kQuotedPrintable:
      return DecodeQuotedPrintable(e.body);
    case TransferEncoding::kIdentity:
    case TransferEncoding::kUnknown:
      break;
  }
  return std::string(e.body);
}

// The text of the body part, in UTF-8 whatever its charset says.
std::string Text(const Entity& e) {
  const MimeParam* charset = FindParam(e.type_params, "charset");
  std::string text;
  ConvertToUtf8(Decoded(e), charset ? std::string_view(charset->value) : "", &text);
  return text;
}

void OnLeaf(const Entity& e, ReplyParts* out, bool* text_found) {
  std::string disposition;
  std::vector<MimeParam> disposition_params;
  if (const HeaderField* d = e.header.Find("Content-Disposition"))
    ParseMimeParams(d->value, &disposition, &disposition_params);
  const ParamText name = FindFileName(disposition_params, e.type_params);
  if (name.found && name.text == kResultsFileName && !out->has_json) {
    out->has_json = true;
    out->json = Decoded(e);
  } else if (!name.found && disposition != "attachment" && e.type == "text/plain" && !*text_found) {
    *text_found = true;
    out->text = Text(e);
  }
}

}  // namespace

Status ReadReplyParts(std::string_view raw, ReplyParts* out) {
  *out = ReplyParts();
  MailLimits limits;
  limits.max_message_bytes = std::max(limits.max_message_bytes, raw.size());
  Entity root;
  size_t lines = 0;
  if (!ReadEntity(raw, false, limits.max_header_lines, &lines, &root) || root.header.fields.empty())
    return Status::InvalidInput("réponse illisible : en-tête absent ou trop long");
  bool text_found = false;
  const std::optional<LimitHit> hit = WalkMime(root, lines, limits, [&](const Entity& e) {
    OnLeaf(e, out, &text_found);
    return std::optional<LimitHit>();
  });
  if (hit) return Status::InvalidInput("réponse illisible : " + hit->detail);
  return Status::Ok();
}

}  // namespace flexmail
