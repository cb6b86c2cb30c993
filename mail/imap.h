// ImapMailbox: the Mailbox of a folder on an IMAP server, through libcurl.
//
// One easy handle lives as long as the object (until Close), so a poll uses
// one connection: libcurl reuses it for every request to the same server and
// reconnects by itself when it has gone. TLS is always verified; an imap://
// URL must upgrade with STARTTLS unless require_tls is false.
//
// UIDVALIDITY guard: every request on the mailbox after Open names the
// validity Open read (";UIDVALIDITY=V" in the URL), so if the mailbox was
// recreated meanwhile, List, Fetch and File fail (kTransient, "reopen")
// instead of listing, fetching or moving other messages under old UIDs.
//
// Filing is batched: File collects the UIDs per folder and moves them
// file_batch at a time, or when Flush is called (the end of a poll); one
// MOVE of 50 messages costs the server far less than 50 MOVEs. A message
// committed but not yet moved when the process dies stays in the inbox, and
// the ledger recognises it at the next poll (it is only filed then).
//
// Waiting messages are those not flagged \Deleted. File uses UID MOVE when
// the server offers it, else UID COPY + \Seen \Deleted + UID EXPUNGE
// (UIDPLUS), or, without UIDPLUS, leaves the message flagged \Deleted
// (expunging the whole mailbox could remove messages not ours to remove).
// Either way the move is checked (COPYUID, else a search), because a server
// may answer OK for a UID it does not have.
//
// Errors: see Failure() in imap.cc; in short, network trouble and timeouts
// are kTransient, refused credentials, untrusted certificates, a missing
// STARTTLS and bad configuration are kPermanent. Messages never carry the
// password.
//
// OAuth2 (token_source set): each request logs in with the source's current
// token. A renewed token gets a new connection (curl ties a connection to
// the token it was opened with), so a kept connection never outlives its
// token. A login refused with a token is tried once more with a fresh one
// (the token may have been revoked or expired early); refused again, it is
// kPermanent and quotes the server. A source that cannot give a token
// makes the request fail with the source's own status (kTransient while the
// identity provider is unreachable: the poll is retried, nothing is lost).
// Messages never carry the token. Not thread safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mail/mailbox.h"
#include "mail/token_source.h"

namespace flexmail {

class CurlEasy;

struct ImapOptions {
  // imaps://host[:port]/MAILBOX (TLS from the start) or imap://host[:port]/
  // MAILBOX (STARTTLS). No credentials in the URL. MAILBOX defaults to INBOX.
  std::string url;
  std::string username;
  std::string password;  // the secret itself; reading a password file is the caller's job
  // OAuth2 instead of the password when set: SASL OAUTHBEARER or XOAUTH2
  // with a token from here, username = the mailbox's address.
  std::shared_ptr<TokenSource> token_source;
  // "XOAUTH2" or "OAUTHBEARER" forces one; "": whichever the server offers.
  std::string sasl_mechanism;
  std::string ca_file;   // PEM bundle to trust; empty = the system CA bundle
  // imap:// only: refuse to go on when the server does not offer STARTTLS.
  bool require_tls = true;
  // Destination folders, created by Open when missing. Plain names at the top
  // level; a hierarchy uses the server's separator ('.' for Dovecot).
  std::string processed_folder = "Processed";
  std::string rejected_folder = "Rejected";
  std::string ignored_folder = "Ignored";
  // Where returned canary probes go; empty: no canary (the folder is not
  // created, and filing a message there is refused).
  std::string canary_folder;
  std::chrono::milliseconds connect_timeout{10000};
  // A server silent, or slower than 1 byte/s, for this long is given up on.
  std::chrono::seconds low_speed_timeout{60};
  std::chrono::seconds request_timeout{600};  // any one command or fetch
  // UIDs per metadata FETCH: libcurl fails a custom command whose response
  // lines add up to ~300 KB.
  std::size_t metadata_batch = 50;
  // False: COPY + STORE + EXPUNGE even when the server offers MOVE.
  bool use_move = true;
  // Messages filed per MOVE (or COPY): 1 files each message at once.
  std::size_t file_batch = 1;
};

class ImapMailbox final : public Mailbox {
 public:
  explicit ImapMailbox(ImapOptions options);
  ~ImapMailbox() override;
  ImapMailbox(const ImapMailbox&) = delete;
  ImapMailbox& operator=(const ImapMailbox&) = delete;

  // "imaps://host:port/INBOX" (scheme, host, port and mailbox of the URL).
  std::string name() const override;
  Status Open(std::uint64_t* validity) override;
  // REQUIRES: Open succeeded.
  Status List(std::vector<MailboxEntry>* out) override;
  // kInvalidInput when the message is larger than max_bytes; kNotFound when
  // the UID is no longer in the mailbox. Sets \Seen. REQUIRES: Open.
  Status Fetch(const MailboxEntry& entry, std::size_t max_bytes, std::string* raw) override;
  Status FetchHeaders(const MailboxEntry& entry, std::size_t max_bytes,
                      std::string* raw) override;
  // Files the message now, or with the next file_batch - 1 ones, or at
  // Flush. REQUIRES: Open succeeded.
  Status File(const MailboxEntry& entry, Folder folder) override;
  Status Flush() override;
  // Forgets the messages not filed yet: they stay waiting.
  void Close() override;

  std::optional<ServerCertificate> last_server_certificate() const override {
    return certificate_;
  }

  // What the server offered on the current connection (upper case), for
  // diagnostics; empty before Open.
  const std::vector<std::string>& capabilities() const { return caps_; }

 private:
  // What one request brought back.
  struct Reply {
    int code = 0;              // CURLcode
    std::string body;          // untagged response lines, or the message
    bool overflowed = false;   // the body went over its ceiling
    std::string curl_error;    // printable
    std::string refusal;       // the server line explaining a failure, printable
    std::string recent;        // the last response lines (COPYUID may be in a tagged OK)
    bool reused_connection = false;
    Status token_status;       // no token could be had: nothing was sent
    std::string token;         // the token this request logged in with
  };
  Reply Run(const std::string& url, const std::string& command, std::size_t max_body);
  Reply RunOnce(const std::string& url, const std::string& command, std::size_t max_body);
  Status Failure(const Reply& r, const std::string& what) const;
  // Keeps the certificate of the connection just opened.
  void NoteCertificate();
  Status LoginFailure(const Reply& r) const;
  // A login refused with a token that may have expired or been revoked:
  // the source is told and the request tried once more.
  bool RetryWithFreshToken(const Reply& r) const;
  Status CommandRefused(const Reply& r, const std::string& what) const;
  Status EnsureFolders();
  Status EnsureFolder(const std::string& folder);
  Status FolderExists(const std::string& folder, bool* exists);
  Status EnsureCapabilities();
  bool Has(const std::string& capability) const;
  Status Search(const std::string& criteria, bool extended, std::vector<std::uint64_t>* uids);
  Status FetchMetadata(const std::vector<std::uint64_t>& uids, std::vector<MailboxEntry>* out);
  Status StillWaiting(std::uint64_t uid, bool* waiting);
  // Those of `uids` still waiting in the mailbox.
  Status StillWaiting(const std::vector<std::uint64_t>& uids,
                      std::vector<std::uint64_t>* waiting);
  // `uids` sorted, as one sequence set.
  Status Move(const std::vector<std::uint64_t>& uids, const std::string& folder);
  Status CopyAndDelete(const std::vector<std::uint64_t>& uids, const std::string& folder);
  Status ConfirmGone(const std::vector<std::uint64_t>& uids, const std::string& what,
                     const Reply& r);
  Status MissingAfterFetch(std::uint64_t uid);
  Status CheckUsable(const MailboxEntry& entry, std::uint64_t* uid) const;
  std::string MailboxUrl() const;
  const std::string& FolderName(Folder folder) const;

  ImapOptions options_;
  std::string config_error_;  // set by the constructor when the options are unusable
  std::string scheme_;        // "imap" or "imaps"
  std::string authority_;     // "host:port" as given
  std::string host_;
  std::string mailbox_;       // decoded, e.g. "INBOX"
  std::string mechanism_;     // upper case; "" = OAUTHBEARER or XOAUTH2
  std::unique_ptr<CurlEasy> easy_;
  std::vector<std::string> caps_;  // empty = not known for this connection
  bool folders_ready_ = false;
  // UIDs filed but not moved yet, per Folder.
  std::vector<std::uint64_t> unfiled_[kFolderCount];
  std::optional<std::uint64_t> validity_;  // set by a successful Open
  std::optional<ServerCertificate> certificate_;  // of the last connection opened
};

}  // namespace flexmail
