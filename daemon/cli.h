// The `flexmail` command line. Exit codes: 0 when the command ran (whatever
// the business outcome), 2 for usage or configuration errors, 1 for
// internal failures.
#pragma once

#include <ostream>

#include "daemon/clock.h"

namespace flexmail {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitUsage = 2;

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const Clock& clock);

}  // namespace flexmail
