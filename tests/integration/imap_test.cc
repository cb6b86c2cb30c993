// ImapMailbox against the real Dovecot of the mail stack: listing, fetching
// and filing, and how each failure of the server or the configuration is
// reported.
#include "mail/imap.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "tests/integration/mailstack/mail_stack.h"
#include "tests/integration/transport_helpers.h"

namespace flexmail::test {
namespace {

std::string Message(int i) {
  return "From: <ops@example.test>\r\nTo: <declarations@example.test>\r\n"
         "Subject: declaration " + std::to_string(i) + "\r\n"
         "Message-ID: <decl-" + std::to_string(i) + "@example.test>\r\n\r\n"
         "body of message " + std::to_string(i) + "\r\n";
}

class ImapTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()); }

  ImapOptions Options() const { return ImapsOptions(stack_, kDaemonUser); }
  std::string Failure(const Status& s) const { return s.ToString() + "\n" + stack_.LogTail(); }
  std::uint64_t OpenOk(ImapMailbox* box) {
    std::uint64_t validity = 0;
    Status s = box->Open(&validity);
    EXPECT_TRUE(s.ok()) << Failure(s);
    return validity;
  }
  std::vector<MailboxEntry> ListOk(ImapMailbox* box) {
    std::vector<MailboxEntry> list;
    Status s = box->List(&list);
    EXPECT_TRUE(s.ok()) << Failure(s);
    return list;
  }
  // Logins of USER so far, from Dovecot's log.
  int DovecotLogins(std::string_view user) const {
    std::ifstream log(stack_.Env("DOVECOT_LOG"));
    const std::string needle = "Login: user=<" + std::string(user) + ">";
    int n = 0;
    for (std::string line; std::getline(log, line);) n += line.find(needle) != std::string::npos;
    return n;
  }
  std::string where() const { return "imaps://127.0.0.1:" + std::to_string(stack_.imaps_port()); }

  MailStack stack_;
};

// Messages come out by INTERNALDATE then UID, read back byte for byte, and
// each lands in its own folder, which Open created.
TEST_F(ImapTest, ListsFetchesAndFilesInArrivalOrder) {
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(2), "2026-03-03 08:00:00 +0000"));
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(3), "2026-03-03 08:00:00 +0000"));
  ImapMailbox box(Options());
  EXPECT_EQ(box.name(), where() + "/INBOX");
  EXPECT_GT(OpenOk(&box), 0u);
  for (const char* folder : {".Processed", ".Rejected", ".Ignored"}) {
    EXPECT_TRUE(std::filesystem::is_directory(stack_.maildir(kDaemonUser) / folder)) << folder;
  }
  std::vector<MailboxEntry> list = ListOk(&box);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].key, "2");
  EXPECT_EQ(list[1].key, "3");
  EXPECT_EQ(list[2].key, "1");
  EXPECT_EQ(list[2].order, 1u);
  EXPECT_EQ(FormatUtcIso(list[0].received_at), "2026-03-03T08:00:00.000Z");
  EXPECT_EQ(FormatUtcIso(list[2].received_at), "2026-03-03T09:00:00.000Z");
  EXPECT_EQ(list[2].size, Message(1).size());
  for (const MailboxEntry& e : list) {
    std::string raw;
    ASSERT_TRUE(box.Fetch(e, 1 << 20, &raw).ok());
    EXPECT_EQ(raw, Message(std::stoi(e.key)));
  }
  EXPECT_TRUE(box.File(list[0], Folder::kProcessed).ok());
  EXPECT_TRUE(box.File(list[1], Folder::kRejected).ok());
  EXPECT_TRUE(box.File(list[2], Folder::kIgnored).ok());
  EXPECT_TRUE(ListOk(&box).empty());
  for (const auto& [folder, n] : {std::pair<std::string, int>{"Processed", 2},
                                  {"Rejected", 3}, {"Ignored", 1}}) {
    std::vector<std::uint64_t> in = UidsIn(stack_, kDaemonUser, folder);
    ASSERT_EQ(in.size(), 1u) << folder;
    EXPECT_EQ(MessageIn(stack_, kDaemonUser, folder, in[0]), Message(n)) << folder;
  }
}

// Filing a message twice, or one already gone, succeeds and leaves one copy.
TEST_F(ImapTest, FilingIsIdempotent) {
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  ImapMailbox box(Options());
  OpenOk(&box);
  std::vector<MailboxEntry> list = ListOk(&box);
  ASSERT_EQ(list.size(), 1u);
  Status first = box.File(list[0], Folder::kProcessed);
  Status second = box.File(list[0], Folder::kProcessed);
  EXPECT_TRUE(first.ok()) << Failure(first);
  EXPECT_TRUE(second.ok()) << Failure(second);
  EXPECT_TRUE(box.File(MailboxEntry{"999", 999, {}, 0}, Folder::kRejected).ok());
  EXPECT_EQ(UidsIn(stack_, kDaemonUser, "Processed").size(), 1u);
  EXPECT_TRUE(UidsIn(stack_, kDaemonUser, "Rejected").empty());
  std::string raw;
  EXPECT_EQ(box.Fetch(list[0], 1 << 20, &raw).kind(), Status::Kind::kNotFound);
}

// Without MOVE (COPY, \Deleted, UID EXPUNGE) filing is just as complete and idempotent.
TEST_F(ImapTest, CopyAndExpungeFilesToo) {
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(2), "2026-03-03 11:00:00 +0100"));
  ImapOptions o = Options();
  o.use_move = false;
  ImapMailbox box(o);
  OpenOk(&box);
  std::vector<MailboxEntry> list = ListOk(&box);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_TRUE(box.File(list[0], Folder::kRejected).ok());
  EXPECT_TRUE(box.File(list[0], Folder::kRejected).ok());
  std::vector<MailboxEntry> left = ListOk(&box);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].key, "2");
  std::vector<std::uint64_t> in = UidsIn(stack_, kDaemonUser, "Rejected");
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(MessageIn(stack_, kDaemonUser, "Rejected", in[0]), Message(1));
  EXPECT_EQ(UidsIn(stack_, kDaemonUser, "INBOX").size(), 1u) << "expunged, not just flagged";
}

// Filing in batches (as the daemon does), with MOVE and with COPY + EXPUNGE:
// nothing moves before the batch is full or flushed; a batch holding a
// message already filed still succeeds without a second copy; what Close
// drops stays waiting.
TEST_F(ImapTest, FilesInBatches) {
  for (bool move : {true, false}) {
    SCOPED_TRACE(move ? "MOVE" : "COPY + EXPUNGE");
    for (int i = 1; i <= 7; ++i) {
      ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(i), "2026-03-03 10:00:0" +
                                                             std::to_string(i) + " +0100"));
    }
    ImapOptions o = Options();
    o.use_move = move;
    o.file_batch = 3;
    ImapMailbox box(o);
    OpenOk(&box);
    std::vector<MailboxEntry> list = ListOk(&box);
    ASSERT_EQ(list.size(), 7u);
    auto file = [&](int i, Folder f) {
      Status s = box.File(list[i], f);
      EXPECT_TRUE(s.ok()) << i << ": " << Failure(s);
    };
    file(0, Folder::kProcessed);
    file(1, Folder::kProcessed);
    EXPECT_EQ(ListOk(&box).size(), 7u) << "two filed: below the batch";
    file(2, Folder::kRejected);
    EXPECT_EQ(ListOk(&box).size(), 4u) << "the third completes the batch";
    file(3, Folder::kProcessed);
    file(0, Folder::kProcessed);  // already filed: the batch must not fail on it
    EXPECT_EQ(ListOk(&box).size(), 4u);
    Status s = box.Flush();
    EXPECT_TRUE(s.ok()) << Failure(s);
    EXPECT_EQ(ListOk(&box).size(), 3u);
    file(4, Folder::kIgnored);
    box.Close();
    EXPECT_EQ(UidsIn(stack_, kDaemonUser, "Processed").size(), 3u);
    EXPECT_EQ(UidsIn(stack_, kDaemonUser, "Rejected").size(), 1u);
    EXPECT_TRUE(UidsIn(stack_, kDaemonUser, "Ignored").empty()) << "dropped by Close";
    EXPECT_EQ(UidsIn(stack_, kDaemonUser, "INBOX").size(), 3u) << "expunged, not just flagged";
    ASSERT_TRUE(stack_.Stop());
    ASSERT_TRUE(stack_.Start());  // a fresh mail store for the next round
  }
}

// A message larger than it was announced is cut off at max_bytes, not buffered.
TEST_F(ImapTest, FetchStopsAtMaxBytes) {
  const std::string big = Message(1) + std::string(5000, 'x') + "\r\n";
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, big, "2026-03-03 10:00:00 +0100"));
  ImapMailbox box(Options());
  OpenOk(&box);
  std::vector<MailboxEntry> list = ListOk(&box);
  ASSERT_EQ(list.size(), 1u);
  std::string raw;
  Status s = box.Fetch(list[0], 1000, &raw);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), "message UID 1 of " + where() + "/INBOX is larger than 1000 bytes");
  MailboxEntry lying = list[0];
  lying.size = 10;  // as if the server had under-reported it
  s = box.Fetch(lying, 1000, &raw);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput) << s.ToString();
  EXPECT_TRUE(raw.empty());
  ASSERT_TRUE(box.Fetch(list[0], big.size(), &raw).ok()) << "the connection recovers";
  EXPECT_EQ(raw, big);
}

// An oversized message's header section alone is fetched (to answer its
// sender), whatever the size of its body.
TEST_F(ImapTest, FetchHeadersOfAnOversizedMessage) {
  const std::string big = Message(1) + std::string(50000, 'x') + "\r\n";
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, big, "2026-03-03 10:00:00 +0100"));
  ImapMailbox box(Options());
  OpenOk(&box);
  std::vector<MailboxEntry> list = ListOk(&box);
  ASSERT_EQ(list.size(), 1u);
  std::string header;
  Status s = box.FetchHeaders(list[0], 4096, &header);
  ASSERT_TRUE(s.ok()) << Failure(s);
  EXPECT_EQ(header, big.substr(0, big.find("\r\n\r\n") + 4));
  EXPECT_EQ(header.find("xxxx"), std::string::npos);
}

// 120 messages are listed in batches of 50, fetched and moved over one connection.
TEST_F(ImapTest, HandlesOneHundredTwentyMessages) {
  constexpr int kCount = 120;
  for (int i = 1; i <= kCount; ++i) {
    // Seeded newest first: arrival order is the reverse of UID order.
    const int minute = kCount - i;
    char date[40];
    std::snprintf(date, sizeof date, "2026-03-03 %02d:%02d:00 +0000", 8 + minute / 60, minute % 60);
    ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(i), date));
  }
  ImapMailbox box(Options());
  auto t0 = Clock::now();
  OpenOk(&box);
  std::vector<MailboxEntry> list = ListOk(&box);
  const long list_ms = MsSince(t0);
  ASSERT_EQ(list.size(), static_cast<std::size_t>(kCount));
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(list[i].key, std::to_string(kCount - i));
  t0 = Clock::now();
  for (const MailboxEntry& e : list) {
    std::string raw;
    ASSERT_TRUE(box.Fetch(e, 1 << 20, &raw).ok());
    ASSERT_EQ(raw, Message(std::stoi(e.key)));
  }
  const long fetch_ms = MsSince(t0);
  t0 = Clock::now();
  for (const MailboxEntry& e : list) ASSERT_TRUE(box.File(e, Folder::kProcessed).ok());
  const long move_ms = MsSince(t0);
  EXPECT_TRUE(ListOk(&box).empty());
  EXPECT_EQ(DovecotLogins(kDaemonUser), 1) << "one connection for the whole poll";
  EXPECT_EQ(UidsIn(stack_, kDaemonUser, "Processed").size(), static_cast<std::size_t>(kCount));
  std::cout << "[ imap] 120 messages: open+list " << list_ms << " ms, fetch " << fetch_ms
            << " ms, move " << move_ms << " ms\n";
  RecordProperty("list_120_ms", static_cast<int>(list_ms));
  RecordProperty("fetch_120_ms", static_cast<int>(fetch_ms));
  RecordProperty("move_120_ms", static_cast<int>(move_ms));
}

// imap:// upgrades with STARTTLS (required by default) and then works like imaps://.
TEST_F(ImapTest, StartTlsOnThePlainPort) {
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  ImapOptions o = Options();
  o.url = "imap://127.0.0.1:" + std::to_string(stack_.imap_port()) + "/INBOX";
  ImapMailbox box(o);
  OpenOk(&box);
  std::vector<MailboxEntry> list = ListOk(&box);
  ASSERT_EQ(list.size(), 1u);
  std::string raw;
  ASSERT_TRUE(box.Fetch(list[0], 1 << 20, &raw).ok());
  EXPECT_EQ(raw, Message(1));
}

// A refused password is permanent and says who was refused, not the password.
TEST_F(ImapTest, WrongPasswordIsPermanent) {
  ImapOptions o = Options();
  o.password = "not-the-password";
  ImapMailbox box(o);
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_EQ(s.message(), "IMAP login refused for user flexmail at " + where() +
                             ": NO [AUTHENTICATIONFAILED] Authentication failed.");
}

// The system CA bundle does not know the stack's CA: permanent, naming host and CA.
TEST_F(ImapTest, UntrustedCertificateIsPermanent) {
  ImapOptions o = Options();
  o.ca_file.clear();
  ImapMailbox box(o);
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_EQ(s.message(), "TLS certificate of 127.0.0.1 not trusted (the system CA bundle): "
                         "SSL certificate problem: unable to get local issuer certificate");
}

// A stopped server is a transient failure for the next poll; the same mailbox
// works again after a restart. (The stack's Dovecot, when stopped, leaves
// established sessions running, so the poll's connection is closed first,
// as at the end of a poll.)
TEST_F(ImapTest, ServerDownIsTransientThenRecovers) {
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  ImapMailbox box(Options());
  const std::uint64_t validity = OpenOk(&box);
  ASSERT_EQ(ListOk(&box).size(), 1u);
  box.Close();
  ASSERT_TRUE(stack_.StopDovecot());
  std::uint64_t again = 0;
  Status s = box.Open(&again);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient) << s.ToString();
  EXPECT_TRUE(s.message().starts_with("IMAP STATUS INBOX on " + where() +
                                      " failed: Failed to connect to 127.0.0.1 port "))
      << s.message();
  std::vector<MailboxEntry> list;
  EXPECT_EQ(box.List(&list).kind(), Status::Kind::kInternal) << "no List without an Open";
  ASSERT_TRUE(stack_.StartDovecot());
  EXPECT_EQ(OpenOk(&box), validity);
  EXPECT_EQ(ListOk(&box).size(), 1u);
}

// A recreated mailbox shows a new UIDVALIDITY through Open; until then, old UIDs
// are neither fetched nor moved.
TEST_F(ImapTest, UidValidityChangeIsSeen) {
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(1), "2026-03-03 10:00:00 +0100"));
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, Message(2), "2026-03-03 11:00:00 +0100"));
  ImapMailbox box(Options());
  const std::uint64_t before = OpenOk(&box);
  std::vector<MailboxEntry> list = ListOk(&box);
  ASSERT_EQ(list.size(), 2u);
  std::uint32_t after = 0;
  ASSERT_TRUE(stack_.RecreateMailbox(kDaemonUser, &after));
  ASSERT_NE(after, before);
  const std::string stale = "UIDVALIDITY of " + where() + "/INBOX is no longer " +
                            std::to_string(before) + " (mailbox recreated): reopen it";
  std::string raw;
  Status s = box.Fetch(list[0], 1 << 20, &raw);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient);
  EXPECT_EQ(s.message(), stale);
  s = box.File(list[0], Folder::kProcessed);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient);
  EXPECT_EQ(s.message(), stale);
  std::vector<MailboxEntry> ignored;
  EXPECT_EQ(box.List(&ignored).message(), stale);
  EXPECT_EQ(OpenOk(&box), after);
  EXPECT_EQ(ListOk(&box).size(), 2u) << "both messages still wait, under new UIDs";
}

}  // namespace
}  // namespace flexmail::test
