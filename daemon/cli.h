// The `flexmail` command line. Exit codes: 0 when the command ran (whatever
// the business outcome), 2 for usage or configuration errors, 1 for
// internal failures.
#pragma once

#include <ostream>

#include "rules/time.h"

namespace flexmail {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUsage = 2;

// The only source of "now" for the commands; tests pass a fixed one.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

class SystemClock : public Clock {
 public:
  Instant Now() const override;
};

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const Clock& clock);

}  // namespace flexmail
