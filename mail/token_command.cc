#include "mail/token_command.h"

#include <algorithm>

#include "mail/jwt.h"
#include "mail/oauth2_response.h"
#include "mail/run_command.h"

namespace flexmail {

namespace {

constexpr char kKey[] = "oauth2.token_command";
// An opaque token's life is unknown: reused this long, as a typical
// provider's shortest token lives longer.
constexpr std::chrono::seconds kOpaqueReuse{300};
constexpr std::int64_t kMaxReuse = 24 * 3600;

std::string_view Trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string WithStderr(std::string text, const std::string& err_line) {
  return err_line.empty() ? text : text + ": " + err_line;
}

// Why the program's run gave no token, or "" when it exited 0.
std::string RunFailure(const CommandOutput& r, std::chrono::seconds timeout) {
  const std::string key = kKey;
  if (!r.spawn_error.empty()) return key + " cannot be started: " + r.spawn_error;
  if (r.overflowed) return key + " printed more than 16 KiB";
  if (r.timed_out) {
    return WithStderr(
        key + " did not finish within " + std::to_string(timeout.count()) + " s and was killed",
        r.err_line);
  }
  if (r.signal != 0) {
    return WithStderr(key + " was killed by signal " + std::to_string(r.signal), r.err_line);
  }
  if (r.exit_status != 0) {
    return WithStderr(key + " exited with status " + std::to_string(r.exit_status), r.err_line);
  }
  return "";
}

}  // namespace

CommandTokenSource::CommandTokenSource(TokenCommandOptions options, TokenClocks clocks)
    : CachingTokenSource(options.renewal, std::move(clocks.steady)),
      options_(std::move(options)),
      unix_now_(clocks.unix_now ? std::move(clocks.unix_now) : UnixNow(&RealUnixNow)) {}

Status CommandTokenSource::Run(std::string* token) {
  const CommandOutput r = RunShellCommand(options_.command, options_.timeout, kMaxAccessToken);
  const std::string failure = RunFailure(r, options_.timeout);
  if (!failure.empty()) return Status::Transient(failure);
  const std::string_view printed = Trim(r.out);
  if (printed.empty()) return Status::Transient(std::string(kKey) + " printed no token");
  if (!IsTokenText(printed)) {
    return Status::Transient(std::string(kKey) +
                             " printed something that is not a token (spaces or control "
                             "characters inside it)");
  }
  *token = printed;
  return Status::Ok();
}

Status CommandTokenSource::Fetch(FreshToken* out) {
  FreshToken fresh;
  Status s = Run(&fresh.token);
  if (!s.ok()) return s;
  std::int64_t exp = 0;
  if (ReadJwtExpiry(fresh.token, &exp)) {
    const std::int64_t left = std::clamp<std::int64_t>(exp - unix_now_(), 0, kMaxReuse);
    fresh.valid_for = std::chrono::seconds(left);
    fresh.renew_after = std::chrono::seconds(left * 4 / 5);
    if (left == 0) fresh.warning = std::string(kKey) + " printed an expired token";
  } else {
    fresh.renew_after = kOpaqueReuse;
  }
  *out = std::move(fresh);
  return Status::Ok();
}

}  // namespace flexmail
