// Writing the messages flexmail sends (replies to shippers), by hand.
//
// mimetic's builders drop the text charset, quote RFC 2231 values wrongly
// and add neither MIME-Version, Date nor Message-ID, so the bytes are laid
// out here. The output is a pure function of the input: no clock, no random
// boundary (it is derived from a hash of the content), so tests can compare
// whole messages and a resent reply is byte-identical.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace flexmail {

struct MailAddress {
  std::string address;  // "ops@engie.example"
  std::string name;     // display name, UTF-8; may be empty
};

struct OutgoingAttachment {
  std::string filename;      // UTF-8; RFC 2231-encoded when not ASCII
  std::string content_type;  // "application/json"; a malformed one becomes
                             // application/octet-stream
  std::string bytes;
};

struct OutgoingMessage {
  MailAddress from;
  std::vector<MailAddress> to;
  std::vector<MailAddress> cc;
  std::string subject;      // UTF-8
  std::string in_reply_to;  // "<id@host>", as received
  std::string references;   // space-separated ids, as received plus ours
  std::chrono::sys_seconds date{};
  int date_offset_minutes = 0;  // the offset written in Date, e.g. 60 for +0100
  std::string message_id;       // "<id@host>"; brackets added when missing
  // Written after the standard fields, e.g. {"Auto-Submitted", "auto-replied"}.
  // REQUIRES: none of the fields written by ComposeMessage itself.
  std::vector<std::pair<std::string, std::string>> extra_headers;
  std::string text;  // the text/plain body, UTF-8, LF or CRLF line ends
  std::vector<OutgoingAttachment> attachments;
};

// The message as RFC 5322 bytes with CRLF line ends: MIME-Version 1.0,
// multipart/mixed holding the text (text/plain; charset=utf-8,
// quoted-printable) then each attachment (base64, lines of 76), header lines
// folded within 78 characters, non-ASCII subject and names RFC 2047-encoded.
// Control characters in any value are neutralized, so no value can add a
// header field of its own.
std::string ComposeMessage(const OutgoingMessage& m);

// "Wed, 02 Dec 2026 15:00:00 +0100" for instant `t` shown at UTC offset
// `offset_minutes` (-1439..1439).
std::string FormatRfc5322Date(std::chrono::sys_seconds t, int offset_minutes);

}  // namespace flexmail
