// OutboxWorker, the service's sender thread, on a real ledger file with a
// recording sender (a fake of the SMTP side only): woken, it sends at once
// instead of at the next interval; a relay that refuses is reported and the
// reply waits; Stop returns promptly from an idle wait.
#include "daemon/outbox_worker.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>
#include <mutex>
#include <thread>

#include "daemon/runner.h"
#include "mail/message.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::At;
using testing::FixedClock;
using testing::Fixture;
using testing::Testbed;

constexpr const char* kConfig = R"(
[mail]
address = "declarations@flexmail.example"
[inbox]
maildir = "Maildir"
)";

// An interval no test waits for: anything sent was sent because of a wake.
constexpr std::chrono::hours kNever{1};

class RecordingSender : public MailSender {
 public:
  explicit RecordingSender(SendOutcome outcome, std::string detail = "250 ok")
      : outcome_(outcome), detail_(std::move(detail)) {}
  SendResult Send(const std::string&, const std::vector<std::string>&,
                  const std::string& raw) override {
    std::lock_guard<std::mutex> lock(mu_);
    sent_.push_back(raw);
    return {outcome_, detail_};
  }
  std::size_t count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_.size();
  }
  std::vector<std::string> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }

 private:
  SendOutcome outcome_;
  std::string detail_;
  mutable std::mutex mu_;
  std::vector<std::string> sent_;
};

bool WaitFor(const std::function<bool()>& cond) {
  return testing::WaitFor(cond, std::chrono::seconds(10));
}

class OutboxWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadConfig(bed_.config(), &config_).ok());
    ASSERT_TRUE(Ledger::Open(config_.database_path, &ledger_).ok());
    clock_.now = At("2026-12-02T15:00:00");
  }
  // Ingests a shipper's email through the main ledger connection: one reply queued.
  void QueueReply() {
    IncomingMessage in;
    in.raw = Fixture("py-alternative-signature.eml");
    in.received_at = clock_.now;
    IntakeResult r;
    ASSERT_TRUE(Intake(config_, ledger_.get(), clock_).Ingest(in, &r).ok());
    ASSERT_NE(r.reply_id, 0);
  }
  std::unique_ptr<OutboxWorker> Worker(MailSender* sender) {
    std::unique_ptr<Ledger> own;
    EXPECT_TRUE(Ledger::Open(config_.database_path, &own).ok());
    return std::make_unique<OutboxWorker>(config_, std::move(own), sender, clock_, kNever);
  }
  OutboxItem OnlyReply() {
    std::vector<OutboxItem> items;
    EXPECT_TRUE(ledger_->Outbox(&items).ok());
    EXPECT_EQ(items.size(), 1u);
    return items.empty() ? OutboxItem() : items.front();
  }

  Testbed bed_{kConfig};
  Config config_;
  FixedClock clock_;
  std::unique_ptr<Ledger> ledger_;
};

// A reply queued while the worker waits is sent once woken, and marked SENT
// through the worker's own connection; Stop then ends the idle wait.
TEST_F(OutboxWorkerTest, WakeSendsAtOnce) {
  RecordingSender sender(SendOutcome::kSent);
  auto worker = Worker(&sender);
  worker->Start();
  QueueReply();
  worker->Wake();
  ASSERT_TRUE(WaitFor([&] { return OnlyReply().state == ReplyState::kSent; }));
  EXPECT_EQ(sender.count(), 1u);
  EXPECT_TRUE(worker->last_status().ok());
  const auto t0 = std::chrono::steady_clock::now();
  worker->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(sender.count(), 1u) << "sent once, not again";
}

// Without a wake nothing is sent before the interval: the wake is what sends.
TEST_F(OutboxWorkerTest, WithoutWakeTheReplyWaitsForTheInterval) {
  RecordingSender sender(SendOutcome::kSent);
  auto worker = Worker(&sender);
  worker->Start();
  QueueReply();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sender.count(), 0u);
  EXPECT_EQ(OnlyReply().state, ReplyState::kPending);
}

// A relay that refuses us: the reply stays PENDING for a later try, and the
// worker's status says why (the service puts it in the poll record).
TEST_F(OutboxWorkerTest, UnusableRelayIsReportedAndTheReplyWaits) {
  RecordingSender sender(SendOutcome::kRelayUnusable, "SMTP login refused for user x");
  QueueReply();
  auto worker = Worker(&sender);
  worker->Start();  // the first drain finds the reply
  ASSERT_TRUE(WaitFor([&] { return !worker->last_status().ok(); }));
  EXPECT_NE(worker->last_status().ToString().find("SMTP login refused for user x"),
            std::string::npos)
      << worker->last_status().ToString();
  worker->Stop();
  const OutboxItem item = OnlyReply();
  EXPECT_EQ(item.state, ReplyState::kPending);
  EXPECT_EQ(item.attempts, 1);
  EXPECT_EQ(sender.count(), 1u);
}

// The Message-ID field of a message as sent.
std::string MessageIdOf(const std::string& raw) {
  ParsedMessage m;
  EXPECT_TRUE(ParseMessage(raw, MailLimits{}, &m).ok());
  return m.message_id;
}

// A reply refused for now (451) and sent at its retry goes out twice with
// the same bytes, so with the same Message-ID: the one queued.
TEST_F(OutboxWorkerTest, ARetryCarriesTheSameMessageId) {
  QueueReply();
  const OutboxItem queued = OnlyReply();
  RecordingSender refusing(SendOutcome::kTransient, "451 try again later");
  auto worker = Worker(&refusing);
  worker->Start();
  ASSERT_TRUE(WaitFor([&] { return OnlyReply().attempts == 1; }));
  worker->Stop();
  clock_.now += std::chrono::hours(1);  // past the retry delay
  RecordingSender accepting(SendOutcome::kSent);
  worker = Worker(&accepting);
  worker->Start();
  ASSERT_TRUE(WaitFor([&] { return OnlyReply().state == ReplyState::kSent; }));
  worker->Stop();
  ASSERT_EQ(refusing.count(), 1u);
  ASSERT_EQ(accepting.count(), 1u);
  EXPECT_EQ(accepting.sent()[0], refusing.sent()[0]);
  EXPECT_EQ(MessageIdOf(refusing.sent()[0]), queued.message_id);
  EXPECT_EQ(MessageIdOf(accepting.sent()[0]), queued.message_id);
  EXPECT_EQ(queued.message_id, "<declaration-1." + ledger_->instance_id() + "@flexmail.example>");
}

}  // namespace
}  // namespace flexmail

namespace flexmail {
namespace {

// A raw connection standing for another process.
class OtherProcess {
 public:
  explicit OtherProcess(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~OtherProcess() { sqlite3_close_v2(db_); }
  OtherProcess(const OtherProcess&) = delete;
  OtherProcess& operator=(const OtherProcess&) = delete;
  void Exec(const char* sql) { EXPECT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sql; }

 private:
  sqlite3* db_ = nullptr;
};

// A sender that, while sending, lets the test take the ledger's write lock
// (another process's, as a full disk would refuse the mark): the relay
// accepts, the SENT mark cannot be written.
class LockingSender : public MailSender {
 public:
  explicit LockingSender(std::function<void()> during) : during_(std::move(during)) {}
  SendResult Send(const std::string&, const std::vector<std::string>&,
                  const std::string&) override {
    ++sends;
    if (during_) during_();
    return {SendOutcome::kSent, "250 ok"};
  }
  int sends = 0;

 private:
  std::function<void()> during_;
};

// Given a reply the relay accepted but whose SENT mark the ledger refused
// (its write lock held elsewhere beyond the busy wait), the drain stops with
// that error, and the next drain marks it SENT at the acceptance instant
// without sending it again.
TEST_F(OutboxWorkerTest, AnAcceptedReplyIsMarkedLaterNeverSentAgain) {
  QueueReply();
  std::unique_ptr<Ledger> other;
  ASSERT_TRUE(Ledger::Open(config_.database_path, &other).ok());
  OtherProcess lock(config_.database_path);
  LockingSender sender([&] { lock.Exec("BEGIN IMMEDIATE"); });
  Runner runner(config_, other.get(), nullptr, &sender, clock_);
  PassStats stats;
  Status first = runner.DrainOutbox(&stats);
  EXPECT_EQ(first.kind(), Status::Kind::kTransient) << first.ToString();
  EXPECT_NE(first.ToString().find("cannot record the attempt"), std::string::npos)
      << first.ToString();
  EXPECT_EQ(OnlyReply().state, ReplyState::kPending);
  lock.Exec("COMMIT");

  clock_.now += std::chrono::minutes(5);
  Status second = runner.DrainOutbox(&stats);
  EXPECT_TRUE(second.ok()) << second.ToString();
  EXPECT_EQ(sender.sends, 1) << "the accepted reply was sent again";
  const OutboxItem item = OnlyReply();
  EXPECT_EQ(item.state, ReplyState::kSent);
  ASSERT_TRUE(item.sent_at.has_value());
  EXPECT_EQ(*item.sent_at, At("2026-12-02T15:00:00"));  // when the relay accepted it
}

}  // namespace
}  // namespace flexmail
