// ImapMailbox: listing, fetching and filing messages (the connection, the
// folders and the table of errors are in imap.cc).
#include <curl/curl.h>

#include <algorithm>
#include <tuple>

#include "mail/curl_util.h"
#include "mail/imap.h"
#include "mail/imap_parse.h"

namespace flexmail {
namespace {

// Ceilings on what one command may answer (message bodies are bounded by
// the caller's max_bytes instead).
constexpr std::size_t kMaxCommandReply = 1 << 20;
constexpr std::size_t kMaxSearchReply = 8 << 20;
constexpr std::size_t kMaxListedUids = 1000000;

bool Contains(const std::vector<std::uint64_t>& sorted, std::uint64_t uid) {
  return std::binary_search(sorted.begin(), sorted.end(), uid);
}

}  // namespace

Status ImapMailbox::CheckUsable(const MailboxEntry& entry, std::uint64_t* uid) const {
  if (!validity_) return Status::Internal("IMAP mailbox used before a successful Open");
  auto parsed = imap::ParseUid(entry.key);
  if (!parsed) return Status::Internal("not an IMAP UID: '" + PrintableText(entry.key) + "'");
  *uid = *parsed;
  return Status::Ok();
}

Status ImapMailbox::List(std::vector<MailboxEntry>* out) {
  out->clear();
  if (!validity_) return Status::Internal("IMAP mailbox used before a successful Open");
  std::vector<std::uint64_t> uids;
  Status s = EnsureCapabilities();
  // Messages flagged \Deleted are on their way out (see File without UIDPLUS).
  if (s.ok()) s = Search("UNDELETED", Has("ESEARCH"), &uids);
  if (s.ok()) s = FetchMetadata(uids, out);
  if (!s.ok()) return s;
  std::sort(out->begin(), out->end(), [](const MailboxEntry& a, const MailboxEntry& b) {
    return std::tie(a.received_at, a.order) < std::tie(b.received_at, b.order);
  });
  return Status::Ok();
}

// ESEARCH answers "1:5000" where SEARCH would list 5000 numbers; curl gives
// up on a command whose response lines add up to ~300 KB.
Status ImapMailbox::Search(const std::string& criteria, bool extended,
                           std::vector<std::uint64_t>* uids) {
  const std::string command =
      std::string("UID SEARCH ") + (extended ? "RETURN (ALL) " : "") + criteria;
  Reply r = Run(MailboxUrl(), command, kMaxSearchReply);
  if (r.code != CURLE_OK) return Failure(r, command);
  if (!imap::ParseSearch(r.body, kMaxListedUids, uids)) {
    return Status::Permanent("unexpected answer to " + command + " from " + name() + ": " +
                             PrintableText(r.body));
  }
  return Status::Ok();
}

Status ImapMailbox::FetchMetadata(const std::vector<std::uint64_t>& uids,
                                  std::vector<MailboxEntry>* out) {
  for (const std::string& set : imap::SequenceSets(uids, options_.metadata_batch)) {
    const std::string command = "UID FETCH " + set + " (UID INTERNALDATE RFC822.SIZE)";
    Reply r = Run(MailboxUrl(), command, kMaxCommandReply);
    if (r.code != CURLE_OK) return Failure(r, "UID FETCH (metadata)");
    for (std::string_view line : imap::SplitLines(r.body)) {
      imap::FetchMeta meta;
      if (imap::ParseFetchMeta(line, &meta)) {
        // Only what we asked for: a server may add unsolicited FETCH lines.
        if (!Contains(uids, meta.uid)) continue;
        out->push_back({std::to_string(meta.uid), meta.uid, meta.internal_date, meta.size});
      } else if (line.find("INTERNALDATE") != std::string_view::npos) {
        // Skipping it would leave a message unlisted for ever, unnoticed.
        return Status::Permanent("unreadable FETCH response from " + name() + ": " +
                                 PrintableText(line));
      }
    }
  }
  return Status::Ok();
}

Status ImapMailbox::Fetch(const MailboxEntry& entry, std::size_t max_bytes, std::string* raw) {
  std::uint64_t uid = 0;
  Status s = CheckUsable(entry, &uid);
  if (!s.ok()) return s;
  const std::string too_large = "message UID " + entry.key + " of " + name() +
                                " is larger than " + std::to_string(max_bytes) + " bytes";
  if (entry.size > max_bytes) return Status::InvalidInput(too_large);
  // "UID FETCH n BODY[]": the body callback gets exactly the message bytes.
  Reply r = Run(MailboxUrl() + ";UID=" + entry.key, "", max_bytes);
  if (r.code == CURLE_WRITE_ERROR && r.overflowed) return Status::InvalidInput(too_large);
  if (r.code == CURLE_REMOTE_FILE_NOT_FOUND) return MissingAfterFetch(uid);
  if (r.code != CURLE_OK) return Failure(r, "UID FETCH " + entry.key);
  *raw = std::move(r.body);
  return Status::Ok();
}

Status ImapMailbox::FetchHeaders(const MailboxEntry& entry, std::size_t max_bytes,
                                std::string* raw) {
  std::uint64_t uid = 0;
  Status s = CheckUsable(entry, &uid);
  if (!s.ok()) return s;
  // "UID FETCH n BODY[HEADER]": the header section only, whatever the size
  // of the message.
  Reply r = Run(MailboxUrl() + ";UID=" + entry.key + ";SECTION=HEADER", "", max_bytes);
  if (r.code == CURLE_WRITE_ERROR && r.overflowed) {
    return Status::InvalidInput("header of message UID " + entry.key + " of " + name() +
                                " is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (r.code == CURLE_REMOTE_FILE_NOT_FOUND) return MissingAfterFetch(uid);
  if (r.code != CURLE_OK) return Failure(r, "UID FETCH " + entry.key + " BODY[HEADER]");
  *raw = std::move(r.body);
  return Status::Ok();
}

// curl says "not found" both for a UID that is gone and for a mailbox whose
// UIDVALIDITY changed; a search on the mailbox tells which.
Status ImapMailbox::MissingAfterFetch(std::uint64_t uid) {
  bool waiting = false;
  Status s = StillWaiting(uid, &waiting);
  if (!s.ok()) return s;
  if (!waiting) {
    return Status::NotFound("message UID " + std::to_string(uid) + " is no longer in " + name());
  }
  return Status::Transient("IMAP server " + name() + " did not return message UID " +
                           std::to_string(uid) + " though it lists it");
}

Status ImapMailbox::StillWaiting(std::uint64_t uid, bool* waiting) {
  std::vector<std::uint64_t> found;
  Status s = Search("UID " + std::to_string(uid) + " UNDELETED", false, &found);
  *waiting = s.ok() && Contains(found, uid);
  return s;
}

Status ImapMailbox::File(const MailboxEntry& entry, Folder folder) {
  std::uint64_t uid = 0;
  Status s = CheckUsable(entry, &uid);
  if (s.ok()) s = EnsureCapabilities();
  if (!s.ok()) return s;
  const std::string& dest = FolderName(folder);
  if (options_.use_move && Has("MOVE")) return Move(uid, dest);
  return CopyAndDelete(uid, dest);
}

Status ImapMailbox::Move(std::uint64_t uid, const std::string& folder) {
  const std::string command = "UID MOVE " + std::to_string(uid) + " " +
                              imap::MailboxArgument(folder);
  Reply r = Run(MailboxUrl(), command, kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, command);
  // RFC 6851 puts COPYUID in an untagged OK, before the EXPUNGE.
  if (imap::CopyUidCovers(r.body, uid) || imap::CopyUidCovers(r.recent, uid)) {
    return Status::Ok();
  }
  return ConfirmGone(uid, command, r);
}

// No COPYUID: either the message had already left (an earlier File, or
// someone else moved it: not an error), or the server does not say.
Status ImapMailbox::ConfirmGone(std::uint64_t uid, const std::string& what, const Reply& r) {
  bool waiting = false;
  Status s = StillWaiting(uid, &waiting);
  if (!s.ok() || !waiting) return s;
  return Status::Permanent(what + " on " + name() + " answered '" + r.refusal +
                           "' but the message is still there");
}

Status ImapMailbox::CopyAndDelete(std::uint64_t uid, const std::string& folder) {
  const std::string n = std::to_string(uid);
  const std::string copy = "UID COPY " + n + " " + imap::MailboxArgument(folder);
  Reply r = Run(MailboxUrl(), copy, kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, copy);
  if (!imap::CopyUidCovers(r.recent, uid)) {
    bool waiting = false;
    Status s = StillWaiting(uid, &waiting);
    if (!s.ok() || !waiting) return s;  // gone already: nothing to copy or delete
    if (Has("UIDPLUS")) {
      return Status::Permanent(copy + " on " + name() + " answered '" + r.refusal +
                               "' without COPYUID");
    }
  }
  const std::string store = "UID STORE " + n + " +FLAGS.SILENT (\\Seen \\Deleted)";
  r = Run(MailboxUrl(), store, kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, store);
  // Without UIDPLUS the message stays, flagged \Deleted: a plain EXPUNGE
  // would also remove whatever else someone flagged in this mailbox.
  if (!Has("UIDPLUS")) return Status::Ok();
  r = Run(MailboxUrl(), "UID EXPUNGE " + n, kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, "UID EXPUNGE " + n);
  return Status::Ok();
}

}  // namespace flexmail
