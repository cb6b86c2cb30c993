// MaildirMailbox: the Mailbox of a local Maildir an MTA delivers into
// (new/, cur/, tmp/), for sites without an IMAP server.
//
// Waiting messages are the files of new/ and cur/ (dot files and anything
// but regular files and symbolic links are skipped). An entry's key is the
// file's unique name without the ":2,FLAGS" info, so a message keeps its
// key when a mail reader moves it from new/ to cur/; received_at is the
// file's mtime; order is the rank of the key in name order.
//
// File renames the message, keeping its name, into cur/ of the Maildir++
// sub-folder .Processed, .Rejected or .Ignored (Open creates them). Fetch
// never follows a symbolic link (O_NOFOLLOW): a link planted in new/ is
// listed, refused by Fetch (kPermanent) and can be filed like any message.
//
// Validity is always 0: Maildir names are unique for ever. Not thread safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "mail/mailbox.h"

namespace flexmail {

class MaildirMailbox final : public Mailbox {
 public:
  explicit MaildirMailbox(std::filesystem::path root);

  // "maildir:/abs/path".
  std::string name() const override;
  // kPermanent when the root lacks new/, cur/ or tmp/, or when a folder
  // cannot be created.
  Status Open(std::uint64_t* validity) override;
  Status List(std::vector<MailboxEntry>* out) override;
  // kInvalidInput over max_bytes; kNotFound when the file is gone.
  Status Fetch(const MailboxEntry& entry, std::size_t max_bytes, std::string* raw) override;
  Status FetchHeaders(const MailboxEntry& entry, std::size_t max_bytes,
                      std::string* raw) override;
  Status File(const MailboxEntry& entry, Folder folder) override;

 private:
  struct Found {
    std::string sub;   // "new" or "cur"
    std::string file;  // the file name, info included
  };
  Status Scan(const std::string& sub, std::vector<MailboxEntry>* out);
  Status Read(const MailboxEntry& entry, std::size_t max_bytes, bool prefix, std::string* raw);
  // Where the message of `key` is now; false when it is in neither new/ nor cur/.
  bool Locate(const std::string& key, Found* found);

  std::filesystem::path root_;
  std::map<std::string, Found> last_listed_;  // key -> file, from the last List
};

}  // namespace flexmail
