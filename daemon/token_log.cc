#include "daemon/token_log.h"

#include <functional>
#include <mutex>
#include <utility>

#include "daemon/log.h"

namespace flexmail {
namespace {

// A failure's reason without the countdown the source appends while it
// waits to retry, so that the same failure is recognised poll after poll.
std::string Reason(const std::string& message) {
  const auto at = message.rfind(" (next try in ");
  return at == std::string::npos ? message : message.substr(0, at);
}

class LoggedTokens final : public TokenSource {
 public:
  LoggedTokens(std::shared_ptr<CachingTokenSource> inner, std::string from)
      : inner_(std::move(inner)), from_(std::move(from)) {
    NoteWarning();
  }

  Status Get(std::string* token) override {
    Status s = inner_->Get(token);
    std::lock_guard<std::mutex> lock(mu_);
    NoteWarning();
    if (!s.ok()) {
      NoteFailure(s);
      return s;
    }
    if (!failure_.empty()) LogInfo("OAuth2: tokens from " + from_ + " again");
    failure_.clear();
    // A hash tells a new token from the one in hand without keeping it.
    const std::size_t id = std::hash<std::string>{}(*token);
    if (id != token_id_) LogInfo("OAuth2: new token from " + from_);
    token_id_ = id;
    return s;
  }

  void Refused(const std::string& token) override {
    LogWarn("OAuth2: a mail server refused the token from " + from_ + "; asking for another");
    inner_->Refused(token);
  }

 private:
  void NoteWarning() {
    std::string w = inner_->last_warning();
    if (w == warning_) return;
    warning_ = std::move(w);
    if (!warning_.empty()) LogWarn("OAuth2: " + Printable(warning_, 400));
  }

  void NoteFailure(const Status& s) {
    const std::string reason = Reason(s.message());
    if (reason == failure_) return;
    failure_ = reason;
    const std::string line = "OAuth2: no token from " + from_ + ": " + Printable(s.message(), 400);
    if (s.kind() == Status::Kind::kTransient) {
      LogWarn(line + " (mail waits, nothing is lost)");
    } else {
      LogError(line);
    }
  }

  std::shared_ptr<CachingTokenSource> inner_;
  const std::string from_;
  std::string warning_;         // the warning last logged
  std::mutex mu_;
  std::string failure_;         // the reason last logged; "" while tokens come
  std::size_t token_id_ = 0;
};

}  // namespace

std::shared_ptr<TokenSource> LogTokens(std::shared_ptr<CachingTokenSource> source,
                                       std::string from) {
  return std::make_shared<LoggedTokens>(std::move(source), std::move(from));
}

}  // namespace flexmail
