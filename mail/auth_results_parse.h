// Reading one Authentication-Results field value (RFC 8601 §2.2).
//
// The value comes from a received message and is hostile: the reader is
// linear, never recursive, bounded in length and in comment nesting, and
// reports what it cannot read instead of guessing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flexmail {

// One "ptype.property=value" (or "key=value", as Microsoft 365 writes
// "action=none"): key lower-cased, value as written (quotes removed).
struct AuthResProperty {
  std::string key;    // e.g. "header.from", "smtp.mailfrom", "action"
  std::string value;  // e.g. "engie.example"
};

// One resinfo: "dmarc=pass (comment) reason=... header.from=engie.example".
struct AuthResInfo {
  std::string method;  // lower-cased, method version removed ("dkim/1" -> "dkim")
  std::string result;  // lower-cased
  std::string reason;  // value of reason=, if any
  std::vector<AuthResProperty> properties;

  // The value of the one property called `key` (lower-case); false when it is
  // absent or written more than once (which one would be meant?).
  bool UniqueProperty(std::string_view key, std::string* value) const;
};

struct AuthResField {
  bool has_authserv_id = false;  // false: Microsoft 365's "method=result; ..." form
  std::string authserv_id;       // as written
  std::vector<AuthResInfo> results;  // empty for "authserv-id; none"
};

// Beyond this a value is not read: real fields hold a few hundred bytes, a
// Microsoft 365 one with every method about one kilobyte.
inline constexpr size_t kMaxAuthResBytes = 64 * 1024;
// Comments nest; nobody writes more than two levels.
inline constexpr int kMaxCommentDepth = 32;

// Reads only the start of `value`: whether it begins with an authserv-id and
// which (*has_id, *id). Cheap on fields of any length, so that fields of
// other servers are skipped without being parsed. False, with a printable
// reason in *error, when the start cannot be read (an unclosed comment...).
bool ReadAuthservId(std::string_view value, bool* has_id, std::string* id, std::string* error);

// Reads the whole value into *out. False, with a printable reason in *error
// (French), for anything outside the grammar we accept: RFC 8601 plus
// Microsoft 365's missing authserv-id and properties without a ptype.
bool ParseAuthResults(std::string_view value, AuthResField* out, std::string* error);

}  // namespace flexmail
