// The only source of "now" in flexmail; tests pass a fixed one.
#pragma once

#include "rules/time.h"

namespace flexmail {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

class SystemClock : public Clock {
 public:
  Instant Now() const override;
};

}  // namespace flexmail
