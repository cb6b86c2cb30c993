// DirectorySender: "sends" a message by writing it as DIR/<name>.eml, for
// deployments where another program picks replies up, and for tests.
//
// Each file appears whole or not at all: it is written as DIR/.tmp-<name>,
// synced, renamed into place, and the directory is synced. Readers must
// skip dot files. Only the message is written; the envelope (sender,
// recipients) is not kept, the message's own headers say where it goes.
//
// Failures (the directory is missing or unwritable, the disk is full) are
// kTransient with the system's explanation. Not thread safe with itself for
// one base name; distinct names may be written concurrently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "mail/mailbox.h"

namespace flexmail {

class DirectorySender final : public MailSender {
 public:
  explicit DirectorySender(std::filesystem::path dir);

  // Writes DIR/<BaseNameFor(its Message-ID)>.eml, so sending one message
  // twice leaves one file; a message without a Message-ID gets a new unique
  // name (time, pid, counter).
  SendResult Send(const std::string& from, const std::vector<std::string>& recipients,
                  const std::string& raw) override;
  // Writes DIR/<base_name>.eml, replacing any earlier file of that name: a
  // reply written twice under its own name is one file, not two.
  // kPermanent when base_name is not a plain file name (see BaseNameFor).
  SendResult SendAs(std::string_view base_name, const std::string& raw);

  // A base name from a Message-ID: "<abc/1@example.test>" -> "abc_1@example.test".
  // Keeps letters, digits and "@._+-=", replaces anything else by '_', drops
  // leading dots, cuts to 150 bytes. Empty when nothing usable is left.
  static std::string BaseNameFor(std::string_view message_id);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::uint64_t counter_ = 0;
};

}  // namespace flexmail
