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

// The UIDs as one IMAP sequence set ("3:5,9").
std::string UidSet(std::vector<std::uint64_t> uids) {
  if (uids.empty()) return "";
  std::sort(uids.begin(), uids.end());
  return imap::SequenceSets(uids, uids.size()).front();
}

// Those of `uids` that no COPYUID response code in `text` covers.
std::vector<std::uint64_t> NotCopied(const std::vector<std::uint64_t>& uids,
                                     const std::string& text) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t uid : uids) {
    if (!imap::CopyUidCovers(text, uid)) out.push_back(uid);
  }
  return out;
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
  Status s = StillWaiting(std::vector<std::uint64_t>{uid}, &found);
  *waiting = s.ok() && !found.empty();
  return s;
}

Status ImapMailbox::StillWaiting(const std::vector<std::uint64_t>& uids,
                                 std::vector<std::uint64_t>* waiting) {
  std::vector<std::uint64_t> found;
  Status s = Search("UID " + UidSet(uids) + " UNDELETED", false, &found);
  std::sort(found.begin(), found.end());
  waiting->clear();
  for (std::uint64_t uid : uids) {
    if (Contains(found, uid)) waiting->push_back(uid);
  }
  return s;
}

Status ImapMailbox::File(const MailboxEntry& entry, Folder folder) {
  std::uint64_t uid = 0;
  Status s = CheckUsable(entry, &uid);
  if (!s.ok()) return s;
  if (FolderName(folder).empty())
    return Status::Internal("IMAP mailbox " + name() + " has no canary folder");
  unfiled_[static_cast<int>(folder)].push_back(uid);
  std::size_t unfiled = 0;
  for (const auto& uids : unfiled_) unfiled += uids.size();
  if (unfiled < options_.file_batch) return Status::Ok();
  return Flush();
}

// Whatever happens, the batch is done with: messages it could not move stay
// waiting and are recognised (and filed) at the next poll.
Status ImapMailbox::Flush() {
  std::vector<std::uint64_t> unfiled[kFolderCount];
  for (int f = 0; f < kFolderCount; ++f) unfiled[f].swap(unfiled_[f]);
  Status s;
  for (int f = 0; s.ok() && f < kFolderCount; ++f) {
    if (unfiled[f].empty()) continue;
    if (!validity_) return Status::Internal("IMAP mailbox used before a successful Open");
    const std::string& dest = FolderName(static_cast<Folder>(f));
    s = EnsureCapabilities();
    if (s.ok()) {
      s = options_.use_move && Has("MOVE") ? Move(unfiled[f], dest)
                                            : CopyAndDelete(unfiled[f], dest);
    }
  }
  return s;
}

Status ImapMailbox::Move(const std::vector<std::uint64_t>& uids, const std::string& folder) {
  const std::string command = "UID MOVE " + UidSet(uids) + " " + imap::MailboxArgument(folder);
  Reply r = Run(MailboxUrl(), command, kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, command);
  // RFC 6851 puts COPYUID in an untagged OK, before the EXPUNGE.
  const std::vector<std::uint64_t> unconfirmed = NotCopied(uids, r.body + "\n" + r.recent);
  if (unconfirmed.empty()) return Status::Ok();
  return ConfirmGone(unconfirmed, command, r);
}

// No COPYUID: either the messages had already left (an earlier File, or
// someone else moved them: not an error), or the server does not say.
Status ImapMailbox::ConfirmGone(const std::vector<std::uint64_t>& uids, const std::string& what,
                                const Reply& r) {
  std::vector<std::uint64_t> waiting;
  Status s = StillWaiting(uids, &waiting);
  if (!s.ok() || waiting.empty()) return s;
  return Status::Permanent(what + " on " + name() + " answered '" + r.refusal +
                           "' but message UID " + UidSet(waiting) + " is still there");
}

Status ImapMailbox::CopyAndDelete(const std::vector<std::uint64_t>& uids,
                                  const std::string& folder) {
  const std::string set = UidSet(uids);
  const std::string copy = "UID COPY " + set + " " + imap::MailboxArgument(folder);
  Reply r = Run(MailboxUrl(), copy, kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, copy);
  const std::vector<std::uint64_t> uncopied = NotCopied(uids, r.recent);
  if (!uncopied.empty()) {
    std::vector<std::uint64_t> waiting;
    Status s = StillWaiting(uncopied, &waiting);
    if (!s.ok()) return s;
    if (!waiting.empty() && Has("UIDPLUS")) {
      return Status::Permanent(copy + " on " + name() + " answered '" + r.refusal +
                               "' without COPYUID");
    }
    // All of them gone already: nothing to copy or delete.
    if (waiting.empty() && uncopied.size() == uids.size()) return Status::Ok();
  }
  // STORE and EXPUNGE pass over UIDs that are gone.
  const std::string store = "UID STORE " + set + " +FLAGS.SILENT (\\Seen \\Deleted)";
  r = Run(MailboxUrl(), store, kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, store);
  // Without UIDPLUS the messages stay, flagged \Deleted: a plain EXPUNGE
  // would also remove whatever else someone flagged in this mailbox.
  if (!Has("UIDPLUS")) return Status::Ok();
  r = Run(MailboxUrl(), "UID EXPUNGE " + set, kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, "UID EXPUNGE " + set);
  return Status::Ok();
}

}  // namespace flexmail
