// Finding the S/MIME structure of a message (see smime.h for the rule),
// without any cryptography: which bytes are signed and which are the CMS.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

struct SmimeParts {
  bool detached = false;         // multipart/signed: content and CMS apart
  std::string_view content;      // detached only: the first part, as sent
  std::string cms_der;           // the CMS, transfer encoding removed
};

// Fills *out from `raw` (one message, CRLF or LF). False with *why (French,
// printable) when the message is not signed, is signed in a way we do not
// accept, or breaks a size bound of smime.h.
bool FindSmimeParts(std::string_view raw, SmimeParts* out, std::string* why);

// `content` with every bare LF made CRLF: the canonical form signed by
// S/MIME clients, whatever line ends the message was stored with.
std::string CanonicalCrlf(std::string_view content);

}  // namespace flexmail
