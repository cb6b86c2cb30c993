// The real `flexmail` binary against the real Dovecot and Postfix of the mail
// stack: a shipper's email answered end to end, reception order and instant,
// outages of either server, a mailbox recreated under a new UIDVALIDITY, and
// a dispatcher's override answered in the shipper's thread.
// Results are read from the ledger (read-only) and from the mailboxes over
// IMAPS, never from the daemon's own account of them alone.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/daemon_scenarios.h"

namespace flexmail::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAccepted = "\xE2\x80\x94 1 accept\xC3\xA9";  // "— 1 accepté"
constexpr const char* kRejected = "\xE2\x80\x94 rejet technique";   // "— rejet technique"

std::string Bracketed(const std::string& id) { return "<" + id + ">"; }

// Each original Message-ID -> how many replies name it in In-Reply-To.
std::map<std::string, int> RepliesByOriginal(const std::vector<ReceivedMail>& mails) {
  std::map<std::string, int> n;
  for (const auto& m : mails) ++n[m.in_reply_to];
  return n;
}

// Given a running daemon, a shipper's email submitted through Postfix
// (STARTTLS + AUTH) is answered once, threaded, and recorded once.
TEST_F(DaemonScenario, AnswersAnEmailSubmittedThroughPostfix) {
  const GasDay day = GasDay::FromToday(10);
  const std::string id = "live-" + day.Compact() + "@example.test";
  ASSERT_TRUE(daemon_->Start());
  SmtpOutcome sent = SendAsShipper(stack_, ShipperEmail({id, day, 1}));
  ASSERT_EQ(sent.code, CURLE_OK) << sent.error << Logs();

  std::vector<ReceivedMail> replies = WaitForReplies(1, 20s);
  ASSERT_EQ(replies.size(), 1u) << Logs();
  EXPECT_EQ(replies[0].in_reply_to, Bracketed(id));
  EXPECT_TRUE(EndsWith(replies[0].subject, kAccepted)) << replies[0].subject;
  EXPECT_NE(replies[0].from.find("<declarations@example.test>"), std::string::npos)
      << replies[0].from;
  EXPECT_EQ(replies[0].auto_submitted, "auto-replied");

  ASSERT_TRUE(WaitUntil(
      [&] { return ledger_->Count("SELECT count(*) FROM outbox WHERE state = 'SENT'") == 1; }, 5s))
      << ledger_->last_error() << Logs();
  auto rows = ledger_->Rows(
      "SELECT m.message_id, m.outcome, m.source, m.folder, m.mailbox, d.outcome "
      "FROM messages m JOIN declarations d ON d.id = m.declaration_id");
  ASSERT_TRUE(rows) << ledger_->last_error();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0], (std::vector<std::string>{
                            Bracketed(id), "INTEGRATED", "imap", "Processed",
                            "imaps://127.0.0.1:" + std::to_string(stack_.imaps_port()) + "/INBOX",
                            "INTEGRATED"}));
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM declarations"), 1);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM programmes WHERE status = 'ACCEPTED' AND "
                           "hms_profile_id = '" +
                           day.Compact() + "-LI0001-GFQUIMP01-1'"),
            1);
  auto outbox = CliJson({"outbox", "list", "--json"});
  ASSERT_EQ(outbox["replies"].size(), 1u) << outbox.dump(2);
  EXPECT_EQ(outbox["replies"][0]["state"], "SENT");
  EXPECT_EQ(outbox["replies"][0]["attempts"], 1);
  EXPECT_EQ(outbox["replies"][0]["messageId"], replies[0].message_id);
  EXPECT_EQ(outbox["replies"][0]["recipients"], nlohmann::json::array({"ops@example.test"}));
  ExpectFolders(0, 1, 0, 0);
  auto status = CliJson({"status", "--json"});
  EXPECT_EQ(status["healthy"], true) << status.dump(2);
  EXPECT_EQ(status["outbox"]["SENT"], 1) << status.dump(2);

  // Polls go on: nothing is answered twice.
  std::this_thread::sleep_for(2s);
  ASSERT_TRUE(daemon_->Stop());
  EXPECT_EQ(WaitForReplies(1, 1s).size(), 1u);
  EXPECT_EQ(bed_->LogCount("flexmail stopped"), 1) << Logs();
}

// A dispatcher overrules an accepted programme from the command line while
// the daemon runs: the daemon mails the shipper a French answer threaded to
// the original through Postfix, and the reference loses the programme.
TEST_F(DaemonScenario, AnOverrideIsAnsweredInTheShippersThread) {
  const GasDay day = GasDay::FromToday(10);
  const std::string id = "override-" + day.Compact() + "@example.test";
  const std::string programme = day.Compact() + "-LI0001-GFQUIMP01-1";
  ASSERT_TRUE(daemon_->Start());
  ASSERT_EQ(SendAsShipper(stack_, ShipperEmail({id, day, 1})).code, CURLE_OK) << Logs();
  ASSERT_EQ(WaitForReplies(1, 20s).size(), 1u) << Logs();
  auto before = CliJson({"reference", "--site", "LI0001", "--gas-day", day.Iso(), "--json"});
  EXPECT_EQ(before["hourlyQuantities"][0]["quantity"], 100.0);

  auto o = CliJson({"override", programme, "--status", "REFUSED", "--reason",
                    "débit non confirmé par téléphone", "--by", "dispatching", "--json"});
  EXPECT_EQ(o["status"], "REFUSED");
  EXPECT_FALSE(o["referenceSeq"].is_null()) << o.dump(2);
  std::vector<ReceivedMail> replies = WaitForReplies(2, 20s);
  ASSERT_EQ(replies.size(), 2u) << Logs();
  const ReceivedMail& answer = replies[1];
  EXPECT_EQ(answer.in_reply_to, Bracketed(id));
  EXPECT_EQ(answer.message_id, o["replyMessageId"]);
  EXPECT_TRUE(EndsWith(answer.subject, "REFUS\xC3\x89 apr\xC3\xA8s r\xC3\xA9vision"))
      << answer.subject;
  EXPECT_EQ(answer.auto_submitted, "auto-replied");
  // Received before D 06:00: the whole day goes back to what stood before
  // the programme, nothing.
  auto after = CliJson({"reference", "--site", "LI0001", "--gas-day", day.Iso(), "--json"});
  EXPECT_EQ(after["hourlyQuantities"][0]["quantity"], 0.0);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM v_overrides WHERE status = 'REFUSED'"), 1);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM programmes WHERE status = 'ACCEPTED'"), 1);
  ASSERT_TRUE(daemon_->Stop());
}

// The bound for the release binary. AddressSanitizer's shadow
// memory and quarantine add some 10 MB to any process; under it the bound
// only has to show the message was never read whole (which costs 400 MB).
#ifdef __SANITIZE_ADDRESS__
constexpr std::uint64_t kMemoryBound = 200 * 1024 * 1024;
#else
constexpr std::uint64_t kMemoryBound = 100 * 1024 * 1024;
#endif

// The daemon's peak resident set so far (VmHWM), in bytes; 0 when unknown.
std::uint64_t PeakRss(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // kB
  }
  return 0;
}

std::uint64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

// A 400 MB message from a shipper in the IMAP INBOX: the daemon reads its
// header only (RFC822.SIZE is over the limit), rejects it, answers, and
// stays small in memory and in the ledger.
TEST_F(DaemonScenario, A400MegabyteMessageOverImapIsRejectedFromItsHeader) {
  const std::string eml = bed_->dir() + "/huge.eml";
  {
    std::ofstream out(eml, std::ios::binary);
    out << "From: ops@example.test\r\nTo: declarations@example.test\r\n"
           "Subject: [Quimper] Previsions SFM\r\nMessage-ID: <huge@example.test>\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n";
    const std::string line(998, 'A');
    for (int i = 0; i < 400 * 1024 * 1024 / 1000; ++i) out << line << "\r\n";
  }
  ASSERT_TRUE(stack_.Seed(kDaemonUser, eml, SeedDate("2026-12-02 15:00:00 +0100", 0)));
  std::filesystem::remove(eml);
  ASSERT_EQ(bed_->Run({"status"}).exit_code, 3);  // the ledger, empty
  const std::uint64_t before = FileBytes(bed_->database()) + FileBytes(bed_->database() + "-wal");
  ASSERT_TRUE(daemon_->Start());
  std::vector<ReceivedMail> replies = WaitForReplies(1, 30s);
  ASSERT_EQ(replies.size(), 1u) << Logs();
  EXPECT_EQ(replies[0].in_reply_to, "<huge@example.test>");
  EXPECT_TRUE(EndsWith(replies[0].subject, kRejected)) << replies[0].subject;
  EXPECT_LT(PeakRss(daemon_->pid()), kMemoryBound);
  const std::uint64_t after = FileBytes(bed_->database()) + FileBytes(bed_->database() + "-wal");
  EXPECT_LT(after - before, 1024u * 1024) << before << " -> " << after;
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM messages WHERE raw_kept = 'HEADER' AND "
                           "message_size > 400000000"),
            1)
      << ledger_->last_error();
  ASSERT_TRUE(daemon_->Stop());
}

// Messages seeded out of file-name order are processed in INTERNALDATE order
// and each judged at its INTERNALDATE, not at the time of the poll.
TEST_F(DaemonScenario, JudgesSeededMessagesInReceptionOrderAtTheirInternalDate) {
  const GasDay day{2026, 12, 3};
  // Seeding order (= UID order): late, v2, v1. Reception order: v1, v2, late.
  ASSERT_TRUE(Seed({"late@example.test", day, 3}, "2026-12-04 07:00:00 +0100"));
  ASSERT_TRUE(Seed({"v2@example.test", day, 2}, "2026-12-02 11:00:00 +0100"));
  ASSERT_TRUE(Seed({"v1@example.test", day, 1}, "2026-12-02 10:00:00 +0100"));

  CommandResult run = bed_->Run({"run", "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("Inbox: 3 waiting, 3 processed (2 integrated, 1 rejected, 0 ignored)"),
            std::string::npos)
      << run.out;

  auto rows = ledger_->Rows("SELECT message_id, outcome, received_at FROM messages ORDER BY id");
  ASSERT_TRUE(rows) << ledger_->last_error();
  EXPECT_EQ(*rows, (std::vector<std::vector<std::string>>{
                       {"<v1@example.test>", "INTEGRATED", "2026-12-02T09:00:00.000Z"},
                       {"<v2@example.test>", "INTEGRATED", "2026-12-02T10:00:00.000Z"},
                       {"<late@example.test>", "REJECTED", "2026-12-04T06:00:00.000Z"}}));
  // Judged at 2026-12-04 07:00, past the end of gas day 12-03 (12-04 06:00);
  // at the poll's own time it would have been in time.
  EXPECT_EQ(
      ledger_->Count("SELECT count(*) FROM diagnostics g JOIN messages m "
                     "ON m.declaration_id = g.declaration_id "
                     "WHERE m.message_id = '<late@example.test>' AND g.code = 'PAST_GAS_DAY'"),
      1)
      << ledger_->last_error();

  auto programs = CliJson({"programs", "--site", "LI0001", "--gas-day", day.Iso(), "--json"});
  ASSERT_EQ(programs["hmsProfiles"].size(), 2u) << programs.dump(2);
  std::map<std::string, std::string> processed;
  for (const auto& p : programs["hmsProfiles"])
    processed[p["hmsProfileId"]] = p["processingDateTime"];
  EXPECT_EQ(processed["20261203-LI0001-GFQUIMP01-1"], "2026-12-02T10:00:00.000+01:00");
  EXPECT_EQ(processed["20261203-LI0001-GFQUIMP01-2"], "2026-12-02T11:00:00.000+01:00");
  auto reference = CliJson({"reference", "--site", "LI0001", "--gas-day", day.Iso(), "--at",
                            "2026-12-03T12:00:00+01:00", "--json"});
  EXPECT_EQ(reference["sourceHmsProfileId"], "20261203-LI0001-GFQUIMP01-2") << reference.dump(2);

  ExpectFolders(0, 2, 1, 0);
  std::vector<ReceivedMail> replies = WaitForReplies(3, 10s);
  ASSERT_EQ(replies.size(), 3u) << Logs();
  std::map<std::string, std::string> subject_of;
  for (const auto& r : replies) subject_of[r.in_reply_to] = r.subject;
  EXPECT_TRUE(EndsWith(subject_of["<v1@example.test>"], kAccepted))
      << subject_of["<v1@example.test>"];
  EXPECT_TRUE(EndsWith(subject_of["<v2@example.test>"], kAccepted))
      << subject_of["<v2@example.test>"];
  EXPECT_TRUE(EndsWith(subject_of["<late@example.test>"], kRejected))
      << subject_of["<late@example.test>"];
}

// Given Dovecot stopped under a running daemon, the daemon logs and retries,
// and once Dovecot is back every message Postfix held meanwhile is processed
// and answered exactly once.
TEST_F(DaemonScenario, RecoversFromADovecotOutage) {
  ASSERT_TRUE(daemon_->Start());
  // One gas day per message: Postfix may hand queued mail over in any order.
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back("outage-" + std::to_string(i) + "@example.test");
  SmtpOutcome first = SendAsShipper(stack_, ShipperEmail({ids[0], GasDay::FromToday(10), 1}));
  ASSERT_EQ(first.code, CURLE_OK) << first.error;
  ASSERT_EQ(WaitForReplies(1, 20s).size(), 1u) << Logs();

  ASSERT_TRUE(stack_.StopDovecot());
  // The daemon's IMAP session would otherwise outlive the master.
  std::cout << "[ outage  ] ended " << EndDovecotLeftovers(stack_)
            << " Dovecot processes left behind by StopDovecot\n";
  for (int i = 1; i < 4; ++i) {
    SmtpOutcome held = SendAsShipper(stack_, ShipperEmail({ids[i], GasDay::FromToday(10 + i), 1}),
                                     /*submission=*/false);
    ASSERT_EQ(held.code, CURLE_OK) << held.error << Logs();
  }
  ASSERT_TRUE(WaitUntil([&] { return bed_->LogCount("retrying at the next poll") >= 2; }, 10s))
      << Logs();
  EXPECT_TRUE(daemon_->running()) << "the daemon must outlive the outage" << Logs();
  auto during = CliJson({"status", "--json"});
  EXPECT_TRUE(during["lastError"].is_string()) << during.dump(2);

  ASSERT_TRUE(stack_.StartDovecot());
  ASSERT_TRUE(stack_.FlushQueue());
  std::vector<ReceivedMail> replies = WaitForReplies(4, 30s);
  ASSERT_EQ(replies.size(), 4u) << Logs();
  ASSERT_TRUE(WaitUntil(
      [&] { return ledger_->Count("SELECT count(*) FROM outbox WHERE state = 'SENT'") == 4; }, 5s))
      << Logs();
  std::this_thread::sleep_for(2s);  // a second reply would have come by now
  auto after = CliJson({"status", "--json"});
  EXPECT_EQ(after["healthy"], true) << after.dump(2);
  ASSERT_TRUE(daemon_->Stop());

  replies = WaitForReplies(4, 1s);
  auto by_original = RepliesByOriginal(replies);
  EXPECT_EQ(replies.size(), 4u);
  for (const auto& id : ids) {
    EXPECT_EQ(by_original[Bracketed(id)], 1) << id;
  }
  for (const auto& r : replies) EXPECT_TRUE(EndsWith(r.subject, kAccepted)) << r.subject;
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM messages"), 4);
  EXPECT_EQ(ledger_->Count("SELECT count(DISTINCT message_id) FROM messages "
                           "WHERE outcome = 'INTEGRATED' AND duplicate_of IS NULL"),
            4);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM declarations"), 4);
  EXPECT_EQ(
      ledger_->Count("SELECT count(DISTINCT declaration_id) FROM outbox WHERE state = 'SENT'"), 4);
  ExpectFolders(0, 4, 0, 0);
}

// Given Postfix stopped, replies wait in the outbox (PENDING, attempts and
// the last error recorded) and leave, once each, when Postfix is back.
TEST_F(DaemonScenario, KeepsRepliesPendingWhilePostfixIsDown) {
  ASSERT_TRUE(stack_.StopPostfix());
  const GasDay day{2026, 12, 3};
  for (int v = 1; v <= 3; ++v) {
    ASSERT_TRUE(Seed({"pending-" + std::to_string(v) + "@example.test", day, v},
                     SeedDate("2026-12-02 10:00:00", v)));
  }
  ASSERT_TRUE(daemon_->Start());
  ASSERT_TRUE(WaitUntil(
      [&] {
        return ledger_->Count(
                   "SELECT count(*) FROM outbox WHERE state = 'PENDING' AND attempts >= 2") == 3;
      },
      20s))
      << ledger_->last_error() << Logs();

  auto outbox = CliJson({"outbox", "list", "--json"});
  ASSERT_EQ(outbox["replies"].size(), 3u) << outbox.dump(2);
  for (const auto& r : outbox["replies"]) {
    EXPECT_EQ(r["state"], "PENDING") << r.dump(2);
    EXPECT_GE(r["attempts"].get<int>(), 1) << r.dump(2);
    EXPECT_NE(r["lastError"].get<std::string>().find(std::to_string(stack_.smtp_port())),
              std::string::npos)
        << r.dump(2);
    EXPECT_TRUE(r["sentAt"].is_null()) << r.dump(2);
  }
  ExpectFolders(0, 3, 0, 0);
  EXPECT_EQ(MailboxView(stack_, kShipperUser).Count("INBOX"), 0);
  EXPECT_GE(bed_->LogCount("not sent ("), 3) << Logs();

  ASSERT_TRUE(stack_.StartPostfix());
  ASSERT_TRUE(WaitUntil(
      [&] { return ledger_->Count("SELECT count(*) FROM outbox WHERE state = 'SENT'") == 3; }, 15s))
      << Logs();
  std::vector<ReceivedMail> replies = WaitForReplies(3, 10s);
  std::this_thread::sleep_for(2s);
  ASSERT_TRUE(daemon_->Stop());
  replies = WaitForReplies(3, 1s);
  EXPECT_EQ(replies.size(), 3u);
  auto by_original = RepliesByOriginal(replies);
  for (int v = 1; v <= 3; ++v) {
    EXPECT_EQ(by_original["<pending-" + std::to_string(v) + "@example.test>"], 1) << v;
  }
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM messages"), 3);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM declarations"), 3);
  // At least two failed attempts, then the one that went through.
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM outbox WHERE state = 'SENT' AND attempts >= 3"),
            3);
}

// Given messages already processed and put back into a mailbox recreated
// under a new UIDVALIDITY, `run --once` recognises them by Message-ID and
// SHA-256: no new declaration, no new reply, and they are filed.
TEST_F(DaemonScenario, RecognisesMessagesRestoredUnderANewUidValidity) {
  const GasDay day{2026, 12, 3};
  std::vector<std::string> raws;
  for (int v = 1; v <= 3; ++v) {
    raws.push_back(ShipperEmail({"restored-" + std::to_string(v) + "@example.test", day, v}));
    ASSERT_TRUE(stack_.SeedText(kDaemonUser, raws.back(), SeedDate("2026-12-02 10:00:00", v)));
  }
  CommandResult first = bed_->Run({"run", "--once"});
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ASSERT_EQ(WaitForReplies(3, 10s).size(), 3u) << Logs();
  const std::int64_t old_validity = ledger_->Count("SELECT DISTINCT validity FROM messages");

  // The same bytes back in the INBOX, and one message never seen.
  for (int v = 1; v <= 3; ++v) {
    ASSERT_TRUE(stack_.SeedText(kDaemonUser, raws[v - 1], SeedDate("2026-12-02 10:00:00", v)));
  }
  ASSERT_TRUE(Seed({"restored-4@example.test", day, 4}, "2026-12-02 10:00:04 +0100"));
  std::uint32_t validity = 0;
  ASSERT_TRUE(stack_.RecreateMailbox(kDaemonUser, &validity));
  ASSERT_NE(static_cast<std::int64_t>(validity), old_validity);

  CommandResult second = bed_->Run({"run", "--once"});
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("Inbox: 4 waiting, 4 processed (1 integrated, 0 rejected, 3 ignored)"),
            std::string::npos)
      << second.out;
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM declarations"), 4);
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM outbox"), 4);
  EXPECT_EQ(
      ledger_->Count("SELECT count(*) FROM messages WHERE validity = " + std::to_string(validity)),
      4);
  EXPECT_EQ(
      ledger_->Count("SELECT count(*) FROM messages m JOIN messages o ON o.id = m.duplicate_of "
                     "WHERE m.message_id = o.message_id AND m.sha256 = o.sha256 "
                     "AND m.outcome = 'IGNORED' AND m.folder = 'Processed' "
                     "AND m.declaration_id IS NULL"),
      3);
  // The restored copies go where the first ones went.
  ExpectFolders(0, 7, 0, 0);
  std::vector<ReceivedMail> replies = WaitForReplies(4, 10s);
  std::this_thread::sleep_for(1500ms);
  replies = WaitForReplies(4, 1s);
  EXPECT_EQ(replies.size(), 4u);
  auto by_original = RepliesByOriginal(replies);
  for (int v = 1; v <= 4; ++v) {
    EXPECT_EQ(by_original["<restored-" + std::to_string(v) + "@example.test>"], 1) << v;
  }
}

}  // namespace
}  // namespace flexmail::test
