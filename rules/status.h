// Status: the outcome of an operation that touches the outside world.
//
// A small closed set of kinds, so callers can decide what to do without
// parsing text: invalid input is answered to the shipper, transient failures
// are retried later, permanent/internal ones are quarantined and alerted on.
// Statuses are values; no exception crosses a layer boundary.
#pragma once

#include <string>
#include <utility>

namespace flexmail {

class Status {
 public:
  enum class Kind { kOk, kInvalidInput, kNotFound, kTransient, kPermanent, kInternal };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidInput(std::string m) { return Status(Kind::kInvalidInput, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Kind::kNotFound, std::move(m)); }
  static Status Transient(std::string m) { return Status(Kind::kTransient, std::move(m)); }
  static Status Permanent(std::string m) { return Status(Kind::kPermanent, std::move(m)); }
  static Status Internal(std::string m) { return Status(Kind::kInternal, std::move(m)); }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Kind k, std::string m) : kind_(k), message_(std::move(m)) {}
  Kind kind_ = Kind::kOk;
  std::string message_;
};

}  // namespace flexmail
