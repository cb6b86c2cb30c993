// The few IMAP responses the mailbox reads, parsed from the untagged lines
// libcurl hands over ("* STATUS ...", "* SEARCH ...", "* 3 FETCH (...)"),
// and the few strings it writes (sequence sets, mailbox names).
//
// Pure functions over text from the server, which is untrusted: every parser
// rejects what it does not understand rather than guessing, and none
// allocates more than its caller allows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/time.h"

namespace flexmail::imap {

// The lines of a response body, without their CR LF.
std::vector<std::string_view> SplitLines(std::string_view body);

// A UID: decimal, 1 .. 2^32-1 (RFC 3501 nz-number).
std::optional<std::uint64_t> ParseUid(std::string_view text);

// "* STATUS INBOX (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 1795892185)".
struct MailboxStatus {
  std::uint64_t uidvalidity = 0;
  std::uint64_t uidnext = 0;
  std::uint64_t messages = 0;
};
// False when no STATUS line carries a UIDVALIDITY.
bool ParseStatus(std::string_view body, MailboxStatus* out);

// "1:3,7,9:10" -> 1 2 3 7 9 10. False when malformed or when it would expand
// to more than max_count UIDs (a hostile "1:4294967295").
bool ParseSequenceSet(std::string_view set, std::size_t max_count, std::vector<std::uint64_t>* out);

// The UIDs of a "* SEARCH 1 2 3" or "* ESEARCH (TAG "A4") UID ALL 1:3"
// response (either may be empty), sorted and without duplicates. False when
// no such line is present or one is malformed, or beyond max_count UIDs.
bool ParseSearch(std::string_view body, std::size_t max_count, std::vector<std::uint64_t>* out);

// Sorted UIDs cut into sequence sets of at most `batch` UIDs each, runs
// written as ranges: {1,2,3,7} with batch 50 -> {"1:3,7"}.
// REQUIRES: uids sorted ascending, batch > 0.
std::vector<std::string> SequenceSets(const std::vector<std::uint64_t>& uids, std::size_t batch);

// IMAP date-time, "01-Mar-2026 09:00:00 +0000" (the day may be space-padded).
bool ParseInternalDate(std::string_view text, Instant* out);

// "* 2 FETCH (UID 2 INTERNALDATE "..." RFC822.SIZE 23)": false unless the
// line is a FETCH response carrying all three items.
struct FetchMeta {
  std::uint64_t uid = 0;
  Instant internal_date{};
  std::uint64_t size = 0;
};
bool ParseFetchMeta(std::string_view line, FetchMeta* out);

// The capability names of the last "* CAPABILITY" line, upper-cased; empty
// when there is none.
std::vector<std::string> ParseCapabilities(std::string_view body);

// The mailbox names of "* LIST (\HasNoChildren) "." Name" lines (atoms and
// quoted strings; names sent as literals are not seen).
std::vector<std::string> ParseListNames(std::string_view body);

// Whether a "[COPYUID <validity> <source set> <dest set>]" response code in
// `text` lists `uid` among the source UIDs: the proof that a COPY or MOVE
// acted on that message (Dovecot answers OK even when the UID is unknown).
bool CopyUidCovers(std::string_view text, std::uint64_t uid);

// Whether `line` carries the response code "[CODE" (e.g. "UNAVAILABLE").
bool HasResponseCode(std::string_view line, std::string_view code);

// "A004 NO [TRYCREATE] Mailbox doesn't exist" -> "NO [TRYCREATE] Mailbox
// doesn't exist": a tagged reply without curl's tag.
std::string_view WithoutTag(std::string_view line);

// Names we can send without modified UTF-7 or literals: printable ASCII,
// none of '"', '\', '&', '%', '*'.
bool IsPlainMailboxName(std::string_view name);
// The name as an IMAP astring: bare when it is an atom, else quoted.
// REQUIRES: IsPlainMailboxName(name).
std::string MailboxArgument(std::string_view name);

}  // namespace flexmail::imap
