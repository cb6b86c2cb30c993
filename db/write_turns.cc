#include "db/write_turns.h"

namespace flexmail::sql {
namespace {

// A hand-over waits at most this long for transactions to end: a thread
// that held a transaction while handing over would otherwise wait forever.
constexpr std::chrono::seconds kMaxHandOverWait{5};

}  // namespace

WriteTurns& WriteTurns::OfProcess() {
  static WriteTurns turns;
  return turns;
}

void WriteTurns::BeginTransaction() {
  std::unique_lock<std::mutex> lock(mu_);
  ++waiting_transactions_;
  // The hand-over's own mark is a transaction too: it goes at once. The
  // limit counts from the hand-over's start, so a relay that hangs delays
  // intake once by kMaxHold, not every declaration by kMaxHold.
  auto others_hand_over = [this] {
    return handing_over_ && hand_over_thread_ != std::this_thread::get_id();
  };
  while (others_hand_over()) {
    if (cv_.wait_until(lock, hand_over_started_ + kMaxHold) == std::cv_status::timeout) break;
  }
  --waiting_transactions_;
  ++open_transactions_;
}

void WriteTurns::EndTransaction() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --open_transactions_;
  }
  cv_.notify_all();
}

void WriteTurns::BeginHandOver() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, kMaxHandOverWait, [this] {
    return open_transactions_ == 0 && waiting_transactions_ == 0 && !handing_over_;
  });
  handing_over_ = true;
  hand_over_started_ = std::chrono::steady_clock::now();
  hand_over_thread_ = std::this_thread::get_id();
}

void WriteTurns::EndHandOver() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    handing_over_ = false;
  }
  cv_.notify_all();
}

}  // namespace flexmail::sql
