// Reading a received message: who sent it, what it answers, and its CSV
// attachments, decoded exactly.
//
// The input is untrusted. Parsing takes time linear in the message size
// times the nesting depth allowed, never recurses, and stops at the first
// limit broken (MailLimits). A broken limit is not an error of the call: the
// header fields read so far are filled in so the caller can answer the
// shipper with the code in `limit`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/limits.h"
#include "rules/status.h"

namespace flexmail {

struct CsvAttachment {
  std::string filename;      // decoded, UTF-8, controls replaced; as sent
                             // otherwise (may hold "../"): see SafeFileName
  std::string content_type;  // "text/csv", lower-cased
  std::string content;       // the file's bytes, transfer encoding removed
};

struct ParsedMessage {
  std::string from_address;  // "local@domain", domain lower-cased; empty
                             // unless From holds exactly one mailbox
  std::string from_name;     // display name, decoded UTF-8
  std::string message_id;    // as written, e.g. "<abc@example>"
  std::string subject;       // decoded UTF-8, no control characters
  std::string date;          // as written
  std::string auto_submitted;
  std::string precedence;
  std::string return_path;
  std::string in_reply_to;
  std::string references;
  // An empty Return-Path "<>", a From MAILER-DAEMON or postmaster, or a
  // multipart/report message: never to be answered.
  bool is_bounce = false;

  // The message's own text, where shippers write what the contract asks
  // for beside the files (maintenance forecasts, return-to-service dates):
  // its first text/plain body part, else its first text/html one with the
  // markup dropped; transfer encoding removed, charset converted to valid
  // UTF-8, at most kMaxBodyTextBytes (cut at a character boundary).
  std::string body_text;
  bool body_text_truncated = false;

  std::vector<CsvAttachment> csv_attachments;  // in message order
  size_t other_attachments = 0;  // images, signatures, attached messages...
  std::vector<CsvAttachment> other_files;  // only with MailLimits::keep_other_files

  std::optional<LimitHit> limit;  // set when parsing stopped early
  std::vector<std::string> notes;  // oddities tolerated, French, for the log
};

constexpr size_t kMaxBodyTextBytes = 64 * 1024;

// The header section of `raw` with the blank line that ends it; all of
// `raw` when it has no blank line (a header cut short).
std::string_view HeaderSection(std::string_view raw);

// Parses `raw` (one RFC 5322 message, CRLF or LF line ends) into *out.
// Attachments are found at any depth of multipart/*, never inside an
// attached message/rfc822; a CSV attachment is one whose file name ends in
// ".csv" (any case), whatever its content type.
//
// Returns InvalidInput only when `raw` is not a message at all (no header
// field); everything else is reported through out->limit and out->notes.
Status ParseMessage(std::string_view raw, const MailLimits& limits, ParsedMessage* out);

}  // namespace flexmail
