// The room the ledger has left, as `status` judges it (LedgerRoomProblem).
#include "daemon/health.h"

#include <gtest/gtest.h>

namespace flexmail {
namespace {

constexpr std::int64_t kMB = 1 << 20;

struct RoomCase {
  const char* what;
  std::int64_t size, cap, available, max_message;
  const char* expected;  // a part of the problem; "" for none
};

// Given the ledger's size, its cap, the space left on its file system and
// the largest message accepted, a problem is reported exactly when less
// than two such messages still fit, naming the cap or the file system.
TEST(LedgerRoomProblem, TwoLargestMessagesMustStillFit) {
  const RoomCase cases[] = {
      {"no cap, roomy disk", 5 * kMB, 0, 500 * kMB, 10 * kMB, ""},
      {"no cap, unknown disk", 5 * kMB, 0, -1, 10 * kMB, ""},
      {"cap far", 5 * kMB, 100 * kMB, 500 * kMB, 10 * kMB, ""},
      {"cap exactly two messages away", 80 * kMB, 100 * kMB, 500 * kMB, 10 * kMB, ""},
      {"cap one byte too near", 80 * kMB + 1, 100 * kMB, 500 * kMB, 10 * kMB,
       "within 20.0 MB of its cap ([database] max_size_mb = 100)"},
      {"at the cap", 100 * kMB, 100 * kMB, 500 * kMB, 10 * kMB, "max_size_mb = 100"},
      {"past the cap", 120 * kMB, 100 * kMB, 500 * kMB, 10 * kMB, "the ledger (120.0 MB)"},
      {"disk exactly two messages", 5 * kMB, 0, 20 * kMB, 10 * kMB, ""},
      {"disk nearly full", 5 * kMB, 0, 20 * kMB - 1, 10 * kMB,
       "only 20.0 MB left on the ledger's file system"},
      {"disk full", 5 * kMB, 0, 0, 10 * kMB, "only 0.0 MB left"},
      {"small messages, small room", 5 * kMB, 0, 3 * kMB, 1 * kMB, ""},
      {"cap reported before the disk", 100 * kMB, 100 * kMB, 0, 10 * kMB, "its cap"},
  };
  for (const RoomCase& c : cases) {
    std::string problem = LedgerRoomProblem(c.size, c.cap, c.available, c.max_message);
    if (std::string(c.expected).empty()) {
      EXPECT_EQ(problem, "") << c.what;
    } else {
      EXPECT_NE(problem.find(c.expected), std::string::npos) << c.what << ": " << problem;
    }
  }
}

}  // namespace
}  // namespace flexmail
