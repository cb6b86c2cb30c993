// A reply as sent, read back from the outbox's raw bytes with mail/'s MIME
// walker: the French text the shipper read and the resultats.json attached.
//
// The bytes are flexmail's own (the daemon composed them), yet they are
// read with the limits of received mail, only the size cap raised to the
// reply's own size: a damaged ledger must not make a page loop or explode.
// A signed reply (multipart/signed) is read through: its parts are walked.
#pragma once

#include <string>
#include <string_view>

#include "rules/status.h"

namespace flexmail {

inline constexpr std::string_view kResultsFileName = "resultats.json";

struct ReplyParts {
  // The first text/plain part that is not an attachment, transfer encoding
  // removed, converted to UTF-8 from its charset; "" when there is none.
  std::string text;
  bool has_json = false;
  std::string json;  // the bytes of the first attachment named kResultsFileName
};

// kInvalidInput (a French message) when `raw` has no header or breaks a
// MIME limit; what was read before the limit is then in *out.
Status ReadReplyParts(std::string_view raw, ReplyParts* out);

}  // namespace flexmail
