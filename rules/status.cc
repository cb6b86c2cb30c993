#include "rules/status.h"

namespace flexmail {

std::string Status::ToString() const {
  switch (kind_) {
    case Kind::kOk: return "OK";
    case Kind::kInvalidInput: return "invalid input: " + message_;
    case Kind::kNotFound: return "not found: " + message_;
    case Kind::kTransient: return "transient failure: " + message_;
    case Kind::kPermanent: return "permanent failure: " + message_;
    case Kind::kInternal: return "internal error: " + message_;
  }
  return message_;
}

}  // namespace flexmail
