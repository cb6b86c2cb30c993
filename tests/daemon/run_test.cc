// The Maildir deployment: `run --once` over a real Maildir and an outbox
// folder, on a real ledger; crash safety of the declaration and its reply.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "daemon/cli.h"
#include "daemon/intake.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

namespace fs = std::filesystem;
using testing::Fixture;
using testing::At;
using testing::FixedClock;
using testing::Testbed;
using testing::Occurrences;
using testing::Padded;
using testing::SetDatabaseCap;
using testing::kMaildirConfig;

struct Site {
  Testbed bed{kMaildirConfig};
  FixedClock clock;
  std::string out, err;

  Site() {
    for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(bed.dir() + "/Maildir/" + sub);
    clock.now = At("2026-12-03T18:00:00");
  }
  void Deliver(const std::string& name, const std::string& raw, const char* received) {
    testing::DeliverToMaildir(bed, name, raw, received);
  }
  int Run(std::vector<std::string> args) {
    return testing::RunCliIn(bed, clock, args, &out, &err);
  }
  size_t Count(const std::string& sub) {
    fs::path p = bed.dir() + "/" + sub;
    if (!fs::exists(p)) return 0;
    return static_cast<size_t>(std::distance(fs::directory_iterator(p), fs::directory_iterator()));
  }
};

std::string WithId(std::string raw, const std::string& id) {
  auto pos = raw.find("<py-alt@engie.example>");
  return raw.replace(pos, 22, "<" + id + "@engie.example>");
}

// Given a real shipper's email and an auto-reply in the Maildir, one pass
// integrates the first, ignores the second, files both and writes one reply.
TEST(RunOnce, ProcessesFilesAndAnswers) {
  Site s;
  s.Deliver("1.a", Fixture("py-alternative-signature.eml"), "2026-12-02T15:00:00");
  s.Deliver("2.b", Fixture("py-auto-reply.eml"), "2026-12-02T15:01:00");
  ASSERT_EQ(s.Run({"run", "--once"}), 0) << s.err;
  EXPECT_NE(s.out.find("2 processed (1 integrated, 0 rejected, 1 ignored)"), std::string::npos)
      << s.out;
  EXPECT_NE(s.out.find("Outbox: 1 sent"), std::string::npos) << s.out;
  EXPECT_EQ(s.Count("Maildir/new"), 0u);
  EXPECT_EQ(s.Count("Maildir/.Processed/cur"), 1u);
  EXPECT_EQ(s.Count("Maildir/.Ignored/cur"), 1u);
  EXPECT_EQ(s.Count("outbox"), 1u);
  ASSERT_EQ(s.Run({"outbox", "list", "--json"}), 0);
  EXPECT_NE(s.out.find("\"state\": \"SENT\""), std::string::npos) << s.out;
}

// Twice in a row, each message is processed once; a message arriving
// between the runs is processed by the second.
TEST(RunOnce, TwiceProcessesEachMessageOnce) {
  Site s;
  s.Deliver("1.a", Fixture("py-alternative-signature.eml"), "2026-12-02T15:00:00");
  ASSERT_EQ(s.Run({"run", "--once"}), 0) << s.err;
  ASSERT_EQ(s.Run({"run", "--once"}), 0) << s.err;
  EXPECT_NE(s.out.find("Inbox: 0 waiting, 0 processed"), std::string::npos) << s.out;
  s.Deliver("2.a", WithId(Fixture("py-alternative-signature.eml"), "second"),
            "2026-12-02T16:00:00");
  ASSERT_EQ(s.Run({"run", "--once"}), 0) << s.err;
  EXPECT_NE(s.out.find("Inbox: 1 waiting, 1 processed (0 integrated, 1 rejected"),
            std::string::npos)
      << s.out;  // same programme id again: HMS_PROFILE_ID_ALREADY_EXISTS
  EXPECT_EQ(s.Count("outbox"), 2u);
  EXPECT_EQ(s.Count("Maildir/.Processed/cur"), 1u);
  EXPECT_EQ(s.Count("Maildir/.Rejected/cur"), 1u);
}

// The same email delivered again by a mailbox rule, with one more Received:
// header: the next pass ignores it as a duplicate and files it with the
// original, answered once.
TEST(RunOnce, RedeliveredCopyIsFiledWithTheOriginal) {
  Site s;
  std::string raw = Fixture("py-alternative-signature.eml");
  s.Deliver("1.a", raw, "2026-12-02T15:00:00");
  ASSERT_EQ(s.Run({"run", "--once"}), 0) << s.err;
  s.Deliver("2.a", "Received: from mx2.flexmail.example by mx.flexmail.example;\r\n"
                   " Wed, 02 Dec 2026 15:10:00 +0100\r\n" + raw,
            "2026-12-02T15:10:00");
  ASSERT_EQ(s.Run({"run", "--once"}), 0) << s.err;
  EXPECT_NE(s.out.find("Inbox: 1 waiting, 1 processed (0 integrated, 0 rejected, 1 ignored)"),
            std::string::npos)
      << s.out;
  EXPECT_EQ(s.Count("outbox"), 1u);
  EXPECT_EQ(s.Count("Maildir/.Processed/cur"), 2u);
  EXPECT_EQ(s.Count("Maildir/.Ignored/cur"), 0u);
}

// Messages are judged at their reception instant (the file's mtime), in
// reception order, whatever their file names and whenever the poll runs.
TEST(RunOnce, ReceptionOrderAndInstant) {
  Site s;
  // Named to sort first, received last: the same id sent twice means the
  // later one is rejected as already existing.
  s.Deliver("1.late", WithId(Fixture("py-alternative-signature.eml"), "late"),
            "2026-12-02T17:00:00");
  s.Deliver("2.early", WithId(Fixture("py-alternative-signature.eml"), "early"),
            "2026-12-02T15:00:00");
  ASSERT_EQ(s.Run({"run", "--once"}), 0) << s.err;
  ASSERT_EQ(s.Run({"programs", "--site", "LI0001", "--gas-day", "2026-12-03", "--json"}), 0);
  EXPECT_NE(s.out.find("\"processingDateTime\": \"2026-12-02T15:00:00.000+01:00\""),
            std::string::npos)
      << s.out;
  EXPECT_EQ(fs::exists(s.bed.dir() + "/Maildir/.Rejected/cur/1.late"), true);
}

// Given a ledger at its size cap, as on a full disk: a pass files what
// fits, leaves the message that does not fit and those after it in the
// inbox with nothing of them recorded, and says so in one error; status is
// unhealthy and names the cap. Once the cap is raised, the next pass files
// them, in order.
TEST(RunOnce, AFullLedgerLeavesMailInTheInboxUntilThereIsRoom) {
  Site s;
  SetDatabaseCap(s.bed, 1);
  s.Deliver("1.a", Fixture("py-alternative-signature.eml"), "2026-12-02T15:00:00");
  s.Deliver("2.b", Padded(WithId(Fixture("py-alternative-signature.eml"), "big")),
            "2026-12-02T15:01:00");
  s.Deliver("3.c", WithId(Fixture("py-alternative-signature.eml"), "third"),
            "2026-12-02T15:02:00");
  EXPECT_NE(s.Run({"run", "--once"}), 0);
  EXPECT_EQ(Occurrences(s.err, "full"), 1u) << s.err;
  EXPECT_EQ(Occurrences(s.err, "flexmail: "), 1u) << s.err;
  EXPECT_EQ(s.Count("Maildir/.Processed/cur"), 1u);
  EXPECT_EQ(s.Count("Maildir/new") + s.Count("Maildir/cur"), 2u);
  EXPECT_EQ(s.Count("outbox"), 1u);
  {
    Config config;
    ASSERT_TRUE(LoadConfig(s.bed.config(), &config).ok());
    std::unique_ptr<Ledger> ledger;
    ASSERT_TRUE(Ledger::Open(config.database_path, &ledger).ok());
    std::vector<MessageRecord> messages;
    ASSERT_TRUE(ledger->Messages(10, &messages).ok());
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].mailbox_key, "1.a");
    std::vector<StoredDeclaration> declarations;
    ASSERT_TRUE(ledger->DeclarationsOn(*GasDay::ParseIso("2026-12-02"), &declarations).ok());
    EXPECT_EQ(declarations.size(), 1u);
  }
  EXPECT_EQ(s.Run({"status"}), 3) << s.out << s.err;  // unhealthy
  EXPECT_NE(s.out.find("max_size_mb = 1"), std::string::npos) << s.out;

  SetDatabaseCap(s.bed, 100);
  ASSERT_EQ(s.Run({"run", "--once"}), 0) << s.err;
  EXPECT_NE(s.out.find("Inbox: 2 waiting, 2 processed"), std::string::npos) << s.out;
  EXPECT_EQ(s.Count("Maildir/new") + s.Count("Maildir/cur"), 0u);
  EXPECT_EQ(s.Count("outbox"), 3u);
}

// A crash after the commit and before the message was filed: the next pass
// recognises it and files it, with no second declaration and no second reply.
TEST(RunOnce, CommittedButNotFiledIsNotReprocessed) {
  Site s;
  s.Deliver("1.a", Fixture("py-alternative-signature.eml"), "2026-12-02T15:00:00");
  Config config;
  ASSERT_TRUE(LoadConfig(s.bed.config(), &config).ok());
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(config.database_path, &ledger).ok());
  IncomingMessage in;
  in.raw = testing::ReadFile(s.bed.dir() + "/Maildir/new/1.a");
  in.received_at = At("2026-12-02T15:00:00");
  in.source = "maildir";
  in.mailbox = "maildir:" + fs::canonical(s.bed.dir() + "/Maildir").string();
  in.key = "1.a";
  IntakeResult r;
  ASSERT_TRUE(Intake(config, ledger.get(), s.clock).Ingest(in, &r).ok());
  ASSERT_EQ(s.Run({"run", "--once"}), 0) << s.err;
  EXPECT_NE(s.out.find("1 already processed"), std::string::npos) << s.out;
  EXPECT_EQ(s.Count("Maildir/.Processed/cur"), 1u);
  std::vector<OutboxItem> items;
  ASSERT_TRUE(ledger->Outbox(&items).ok());
  EXPECT_EQ(items.size(), 1u);
}

// A failure between the declaration and its reply leaves nothing at all;
// processed again, the message gives exactly one declaration and one reply.
TEST(Intake, DeclarationAndReplyCommitTogether) {
  Testbed bed(kMaildirConfig);
  Config config;
  ASSERT_TRUE(LoadConfig(bed.config(), &config).ok());
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(config.database_path, &ledger).ok());
  FixedClock clock;
  IncomingMessage in;
  in.raw = Fixture("py-alternative-signature.eml");
  in.received_at = At("2026-12-02T15:00:00");
  IntakeResult r;
  Intake failing(config, ledger.get(), clock, [] { return Status::Internal("injected"); });
  Status st = failing.Ingest(in, &r);
  EXPECT_FALSE(st.ok());
  std::vector<MessageRecord> messages;
  std::vector<OutboxItem> items;
  std::vector<StoredProgramme> programmes;
  ASSERT_TRUE(ledger->Messages(10, &messages).ok());
  ASSERT_TRUE(ledger->Outbox(&items).ok());
  ASSERT_TRUE(ledger->ProgrammesOf({"LI0001", *GasDay::ParseIso("2026-12-03")}, &programmes).ok());
  EXPECT_TRUE(messages.empty());
  EXPECT_TRUE(items.empty());
  EXPECT_TRUE(programmes.empty());
  ASSERT_TRUE(Intake(config, ledger.get(), clock).Ingest(in, &r).ok());
  EXPECT_EQ(r.outcome, Outcome::kIntegrated);
  ASSERT_TRUE(ledger->Outbox(&items).ok());
  EXPECT_EQ(items.size(), 1u);
}

}  // namespace
}  // namespace flexmail
