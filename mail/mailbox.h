// Mailbox: where shippers' messages wait (one interface, two kinds: an IMAP
// folder on a mail server, or a local Maildir an MTA delivers to).
//
// A poll lists the waiting messages, fetches each one, and once the ledger
// has committed it, files it into a folder. Entries are identified by the
// mailbox (name + validity epoch) and a key unique within that epoch, which
// is what the ledger records to guarantee exactly-once processing.
//
// Not thread safe: one poll at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/status.h"
#include "rules/time.h"

namespace flexmail {

// kCanary: the canary's probes come back there (README, "The canary").
enum class Folder { kProcessed, kRejected, kIgnored, kCanary };
inline constexpr int kFolderCount = 4;

// The leaf certificate a mail server showed when a connection to it was
// opened, kept so that operators hear of its expiry before it happens.
struct ServerCertificate {
  std::string endpoint;  // "imaps://host:993", "smtp://host:587": no mailbox, no credentials
  std::string subject;   // printable
  Instant not_after{};
};

struct MailboxEntry {
  std::string key;          // IMAP: the UID in decimal; Maildir: the file's unique name
  std::uint64_t order = 0;  // IMAP: the UID; Maildir: rank by file name
  Instant received_at{};    // IMAP INTERNALDATE; Maildir: the file's mtime
  std::uint64_t size = 0;   // bytes, as reported before fetching
};

class Mailbox {
 public:
  virtual ~Mailbox() = default;

  // "imaps://host/INBOX" or "maildir:/var/mail/flexmail" (no credentials).
  virtual std::string name() const = 0;
  // Connects (if needed) and reads the validity epoch (IMAP UIDVALIDITY;
  // 0 for a Maildir). Creates the destination folders when missing.
  virtual Status Open(std::uint64_t* validity) = 0;
  // Every message waiting in the mailbox, sorted by (received_at, order).
  virtual Status List(std::vector<MailboxEntry>* out) = 0;
  // The raw bytes of one message. REQUIRES: entry.size <= max_bytes.
  virtual Status Fetch(const MailboxEntry& entry, std::size_t max_bytes, std::string* raw) = 0;
  // Only the header section of one message (at most max_bytes), for
  // messages too large to download: enough to answer the sender.
  virtual Status FetchHeaders(const MailboxEntry& entry, std::size_t max_bytes,
                              std::string* raw) {
    (void)entry, (void)max_bytes, (void)raw;
    return Status::Permanent(name() + ": fetching headers alone is not supported");
  }
  // Moves the message out of the waiting set into `folder`, at once or at
  // the latest at Flush. Idempotent: a message already gone is not an error.
  virtual Status File(const MailboxEntry& entry, Folder folder) = 0;
  // Completes the moves File has left pending (called at the end of a poll).
  virtual Status Flush() { return Status::Ok(); }
  // Ends the connection (if any); the next Open reconnects. Moves still
  // pending are dropped: those messages stay waiting.
  virtual void Close() {}
  // The server's certificate on the last connection opened; none without
  // TLS or before any connection.
  virtual std::optional<ServerCertificate> last_server_certificate() const {
    return std::nullopt;
  }
};

// What happened to one outgoing message.
enum class SendOutcome {
  kSent,       // the server accepted it for every recipient
  kTransient,  // try again later (network, 4xx, server down)
  kPermanent,  // this message will never go (5xx on the message or its recipients)
  // The relay itself cannot be used as configured (TLS not offered or not
  // trusted, login refused, no AUTH, bad URL): nothing is wrong with the
  // message; it waits for an operator to fix the relay or the configuration.
  kRelayUnusable,
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kTransient;
  std::string detail;  // the server's reply or the local error, printable
};

// MailSender: hands one raw message to the outside world.
class MailSender {
 public:
  virtual ~MailSender() = default;
  virtual SendResult Send(const std::string& from, const std::vector<std::string>& recipients,
                          const std::string& raw) = 0;
  // As Mailbox's. Thread safe: may be called while another thread sends.
  virtual std::optional<ServerCertificate> last_server_certificate() const {
    return std::nullopt;
  }
};

}  // namespace flexmail
