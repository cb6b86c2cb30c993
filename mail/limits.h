// What a received message may hold, and what we report when it holds more.
#pragma once

#include <cstddef>
#include <string>

#include "rules/codes.h"

namespace flexmail {

// Defaults suit declarations (a few CSV files of some kilobytes); the daemon
// may override them from its configuration.
struct MailLimits {
  size_t max_message_bytes = 10 * 1024 * 1024;
  size_t max_attachments = 20;       // attachments of any kind, CSV or not
  size_t max_csv_bytes = 1024 * 1024;  // one CSV attachment, decoded
  int max_depth = 10;                // multipart nesting; the message itself is 0
  size_t max_header_lines = 1000;    // physical lines, all headers of the message
  size_t max_parts = 100;
  // Not a limit: also decode the other named attachments into
  // ParsedMessage::other_files (reading our own replies back, in tests and
  // tools). Off for received mail, whose other attachments are never read.
  bool keep_other_files = false;            // MIME entities of any kind (reported as
                                     // TOO_MANY_ATTACHMENTS); bounds hostile input
};

// The first limit a message broke, or the reason it could not be read.
// Code is one of MESSAGE_TOO_LARGE, TOO_MANY_ATTACHMENTS,
// ATTACHMENT_TOO_LARGE, MIME_TOO_DEEP, TOO_MANY_HEADER_LINES,
// MALFORMED_MESSAGE; detail is French, for the shipper and the operator.
struct LimitHit {
  Code code = Code::MALFORMED_MESSAGE;
  std::string detail;
};

}  // namespace flexmail
