// Turns between the two writers of one flexmail process: intake's
// declaration transactions and the outbox's hand-overs to the relay.
//
// SQLite lets one connection write at a time. A reply's SENT mark, written
// after the relay said 250, used to wait behind whatever declaration
// transaction intake had begun meanwhile (milliseconds, an fsync included);
// a crash during that wait sends the reply again after the restart. So a
// hand-over (SMTP transaction, then the mark) waits for the declaration
// transaction in progress to end *before* it talks to the relay, and none
// begins until the mark is written: the mark never queues behind intake.
// Intake, in turn, goes before the next hand-over when it was waiting, and
// never waits longer than kMaxHold for a slow relay.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace flexmail::sql {

class WriteTurns {
 public:
  // A declaration transaction waits for a hand-over at most until this
  // long after the hand-over began; past it, it begins anyway (that mark
  // may then wait behind it). An SMTP transaction takes milliseconds.
  static constexpr std::chrono::milliseconds kMaxHold{100};

  // The one instance of the process: turns matter between connections to
  // the same ledger, which only this process's threads share.
  static WriteTurns& OfProcess();

  // Around a write transaction (sql::Transaction, kWrite).
  void BeginTransaction();
  void EndTransaction();

  // Around one hand-over: Send, then MarkReplySent.
  void BeginHandOver();
  void EndHandOver();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int open_transactions_ = 0;
  int waiting_transactions_ = 0;
  bool handing_over_ = false;
  std::chrono::steady_clock::time_point hand_over_started_;
  std::thread::id hand_over_thread_;
};

// RAII for one hand-over.
class HandOver {
 public:
  HandOver() { WriteTurns::OfProcess().BeginHandOver(); }
  ~HandOver() { WriteTurns::OfProcess().EndHandOver(); }
  HandOver(const HandOver&) = delete;
  HandOver& operator=(const HandOver&) = delete;
};

}  // namespace flexmail::sql
