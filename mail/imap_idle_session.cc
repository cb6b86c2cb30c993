#include "mail/imap_idle_session.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>

#include "mail/curl_util.h"
#include "mail/imap_idle.h"
#include "mail/imap_parse.h"

namespace flexmail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kLineWindow = std::chrono::seconds(10);
constexpr auto kLogoutWait = std::chrono::seconds(1);

// The connect phase is abandoned as soon as the idler stops.
int AbortWhenStopping(void* stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

int MillisUntil(Clock::time_point t) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count(), 0, 24 * 3600 * 1000));
}

// n of "{n}" or "{n+}" ending `text`, else -1.
long long TrailingLiteral(std::string_view text) {
  if (text.empty() || text.back() != '}') return -1;
  text.remove_suffix(1);
  if (!text.empty() && text.back() == '+') text.remove_suffix(1);
  const std::size_t open = text.rfind('{');
  if (open == std::string_view::npos || open + 1 == text.size() || text.size() - open > 10)
    return -1;
  long long n = 0;
  for (char c : text.substr(open + 1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

bool StartsWithWord(std::string_view line, std::string_view word) {
  return line.size() >= word.size() && line.substr(0, word.size()) == word;
}

// "* 12 EXISTS" -> 12 (kind "EXISTS").
bool NumberedResponse(std::string_view line, std::string_view kind, std::uint64_t* n) {
  if (!StartsWithWord(line, "* ")) return false;
  line.remove_prefix(2);
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos || line.substr(space + 1) != kind) return false;
  auto value = imap::ParseUid(line.substr(0, space));
  if (!value && line.substr(0, space) == "0") value = 0;
  if (!value) return false;
  *n = *value;
  return true;
}

bool IsTaggedRefusal(std::string_view line) {
  std::string_view rest = imap::WithoutTag(line);
  return line.size() > rest.size() && (rest.starts_with("NO") || rest.starts_with("BAD"));
}

}  // namespace

IdleSession::IdleSession(const ImapOptions& options, std::string base, std::string mailbox,
                         std::string mechanism, int wake_fd, const std::atomic<bool>* stopping)
    : options_(options),
      base_(std::move(base)),
      mailbox_(std::move(mailbox)),
      mechanism_(std::move(mechanism)),
      wake_fd_(wake_fd),
      stopping_(stopping) {}

IdleSession::~IdleSession() { Close(); }

Status IdleSession::Open() {
  std::string token;
  bool refused_token = false;
  Status s = OpenOnce(&token, &refused_token);
  if (refused_token && !stopping_->load()) {
    // The token may have expired or been revoked early: one more, fresh.
    options_.token_source->Refused(token);
    s = OpenOnce(&token, &refused_token);
  }
  return s;
}

Status IdleSession::OpenOnce(std::string* token, bool* refused_token) {
  *refused_token = false;
  Close();
  easy_ = std::make_unique<CurlEasy>();
  if (!easy_->ok()) return Status::Internal("IMAP IDLE: out of memory");
  if (options_.token_source) {
    Status s = options_.token_source->Get(token);
    if (!s.ok()) return s;
  }
  CURL* h = easy_->get();
  easy_->Prepare({options_.ca_file, options_.connect_timeout, options_.low_speed_timeout,
                  options_.request_timeout});
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &AbortWhenStopping);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(stopping_));
  const std::string url = base_ + "/";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  // A connection that died without a word is noticed within minutes, not
  // at the next refresh.
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 60L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 20L);
  curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
  if (options_.token_source) {
    SetOAuth2Login(h, *token, mechanism_);
  } else {
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
  }
  if (base_.starts_with("imap://")) {
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     static_cast<long>(options_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  }
  ReplyLines lines;
  lines.Attach(h);
  const CURLcode code = curl_easy_perform(h);
  // Later server lines are read by hand, never through the callback.
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, nullptr);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, nullptr);
  if (code != CURLE_OK) {
    const std::string curl_error = CurlErrorText(code, easy_->error_text());
    const std::string* why = lines.FindRecent(IsTaggedRefusal);
    const std::string server = why ? ": " + PrintableText(imap::WithoutTag(*why)) : "";
    easy_.reset();
    if (code == CURLE_LOGIN_DENIED) {
      const bool unavailable = why && imap::HasResponseCode(*why, "UNAVAILABLE");
      *refused_token = options_.token_source != nullptr && !unavailable;
      const std::string text = "IMAP server " + base_ + " refused the login of user " +
                               PrintableText(options_.username) +
                               (server.empty() ? ": " + curl_error : server);
      return unavailable ? Status::Transient(text) : Status::Permanent(text);
    }
    if (code == CURLE_USE_SSL_FAILED) {
      return Status::Permanent("IMAP server " + base_ + " does not offer STARTTLS");
    }
    if (IsTlsTrustFailure(code)) {
      ServerUrl parts;
      ParseServerUrl(base_, &parts);
      return Status::Permanent(DescribeTlsFailure(code, parts.host, options_.ca_file, curl_error));
    }
    return Status::Transient("cannot connect to " + base_ + ": " + curl_error);
  }
  curl_socket_t sock = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK || sock == CURL_SOCKET_BAD) {
    easy_.reset();
    return Status::Transient("IMAP IDLE: no socket after connecting to " + base_);
  }
  socket_ = sock;
  usable_ = true;
  return Status::Ok();
}

void IdleSession::Close() {
  if (!easy_) return;
  if (usable_ && !stopping_->load()) {
    // A polite goodbye, but never a long wait for it.
    usable_ = false;
    const auto deadline = Clock::now() + kLogoutWait;
    const std::string tag = NextTag();
    if (Send(tag + " LOGOUT\r\n", deadline).ok()) {
      std::string line;
      Got got = Got::kLine;
      while (ReadLine(deadline, &line, &got).ok() && got == Got::kLine &&
             !StartsWithWord(line, tag + " ")) {
      }
    }
  }
  // curl would say LOGOUT again on cleanup and wait for the answer; on a
  // shut socket that send fails at once.
  if (socket_ >= 0) shutdown(socket_, SHUT_RDWR);
  socket_ = -1;
  usable_ = false;
  easy_.reset();
  in_.clear();
}

std::string IdleSession::NextTag() { return "F" + std::to_string(++tag_); }

IdleSession::TimePoint IdleSession::ReplyDeadline() const {
  return Clock::now() + options_.low_speed_timeout;
}

Status IdleSession::Lost(const std::string& what) const {
  return Status::Transient("IMAP IDLE connection to " + base_ + " " + what);
}

Status IdleSession::Send(const std::string& line, TimePoint deadline) {
  std::size_t done = 0;
  while (done < line.size()) {
    std::size_t n = 0;
    const CURLcode code = curl_easy_send(easy_->get(), line.data() + done, line.size() - done, &n);
    if (code == CURLE_OK) {
      done += n;
      continue;
    }
    if (code != CURLE_AGAIN) return Lost("failed: " + CurlErrorText(code, easy_->error_text()));
    pollfd p{socket_, POLLOUT, 0};
    if (poll(&p, 1, MillisUntil(deadline)) == 0) return Lost("stalled while sending");
  }
  return Status::Ok();
}

bool IdleSession::TakeLine(std::string* line) {
  std::size_t from = 0;
  for (;;) {
    const std::size_t eol = in_.find('\n', from);
    if (eol == std::string::npos) return false;
    const std::size_t end = eol > 0 && in_[eol - 1] == '\r' ? eol - 1 : eol;
    const long long literal = TrailingLiteral(std::string_view(in_).substr(0, end));
    if (literal < 0) {
      line->assign(in_, 0, end);
      in_.erase(0, eol + 1);
      return true;
    }
    if (literal > static_cast<long long>(kMaxIdleLine)) return false;  // caught by the size check
    from = eol + 1 + static_cast<std::size_t>(literal);
    if (from > in_.size()) return false;
  }
}

Status IdleSession::ReadLine(TimePoint deadline, std::string* line, Got* got) {
  *got = Got::kLine;
  char buf[16384];
  while (!TakeLine(line)) {
    if (in_.size() > kMaxIdleLine) return Lost("got a response line over 64 KiB");
    std::size_t n = 0;
    // Drain what TLS has decrypted before polling the socket.
    const CURLcode code = curl_easy_recv(easy_->get(), buf, sizeof buf, &n);
    if (code == CURLE_OK && n == 0) return Lost("closed by the server");
    if (code == CURLE_OK) {
      in_.append(buf, n);
      continue;
    }
    if (code != CURLE_AGAIN) return Lost("failed: " + CurlErrorText(code, easy_->error_text()));
    pollfd p[2] = {{socket_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    const int r = poll(p, 2, MillisUntil(deadline));
    if (p[1].revents != 0 || stopping_->load()) {
      *got = Got::kWoken;
      return Status::Ok();
    }
    if (r == 0) {
      *got = Got::kTimeout;
      return Status::Ok();
    }
  }
  const auto now = Clock::now();
  if (now - window_start_ > kLineWindow) {
    window_start_ = now;
    window_lines_ = 0;
  }
  if (++window_lines_ > kMaxIdleLinesPerWindow) return Lost("flooded with responses");
  return Status::Ok();
}

Status IdleSession::Command(const std::string& command, std::vector<std::string>* untagged) {
  const std::string tag = NextTag();
  Status s = Send(tag + " " + command + "\r\n", ReplyDeadline());
  const std::string verb = command.substr(0, command.find(' '));
  for (std::string line; s.ok();) {
    Got got = Got::kLine;
    s = ReadLine(ReplyDeadline(), &line, &got);
    if (!s.ok()) break;
    if (got == Got::kWoken) return Status::Transient("stopped");
    if (got == Got::kTimeout) return Lost("got no answer to " + verb);
    if (StartsWithWord(line, "* BYE")) return Lost("ended: " + PrintableText(line));
    if (StartsWithWord(line, tag + " ")) {
      if (StartsWithWord(line, tag + " OK")) return Status::Ok();
      const std::string text = "IMAP server " + base_ + " refused " + verb + ": " +
                               PrintableText(imap::WithoutTag(line));
      return imap::HasResponseCode(line, "UNAVAILABLE") ? Status::Transient(text)
                                                          : Status::Permanent(text);
    }
    if (untagged && untagged->size() < 1000) untagged->push_back(line);
  }
  usable_ = false;
  return s;
}

Status IdleSession::Prepare() {
  std::vector<std::string> lines;
  Status s = Command("CAPABILITY", &lines);
  if (!s.ok()) return s;
  std::string body;
  for (const auto& l : lines) body += l + "\r\n";
  const auto caps = imap::ParseCapabilities(body);
  if (std::find(caps.begin(), caps.end(), "IDLE") == caps.end()) {
    return Status::NotFound("IMAP server " + base_ + " does not offer IDLE");
  }
  lines.clear();
  s = Command("EXAMINE " + imap::MailboxArgument(mailbox_), &lines);
  if (!s.ok()) return s;
  for (const auto& l : lines) NumberedResponse(l, "EXISTS", &exists_);
  return Status::Ok();
}

Status IdleSession::Untagged(const std::string& line,
                             const std::function<void()>& on_new_mail) {
  std::uint64_t n = 0;
  if (NumberedResponse(line, "EXISTS", &n)) {
    const bool grew = n > exists_;
    exists_ = n;
    if (grew) on_new_mail();
  } else if (NumberedResponse(line, "EXPUNGE", &n)) {
    if (exists_ > 0) --exists_;
  } else if (StartsWithWord(line, "* BYE")) {
    return Lost("ended: " + PrintableText(line));
  }
  return Status::Ok();
}

Status IdleSession::Idle(TimePoint until, const std::function<void()>& on_idling,
                         const std::function<void()>& on_new_mail) {
  const std::string tag = NextTag();
  Status s = Send(tag + " IDLE\r\n", ReplyDeadline());
  bool idling = false, done_sent = false;
  std::string line;
  while (s.ok()) {
    Got got = Got::kLine;
    s = ReadLine(idling && !done_sent ? until : ReplyDeadline(), &line, &got);
    if (!s.ok()) break;
    if (got == Got::kWoken) {
      if (idling && !done_sent) Send("DONE\r\n", Clock::now() + kLogoutWait);
      usable_ = false;
      return Status::Ok();
    }
    if (got == Got::kTimeout) {
      if (!idling || done_sent) {
        s = Lost(idling ? "got no answer to DONE" : "got no answer to IDLE");
        break;
      }
      done_sent = true;
      s = Send("DONE\r\n", ReplyDeadline());
      continue;
    }
    if (StartsWithWord(line, "+") && !idling) {
      idling = true;
      on_idling();
    } else if (StartsWithWord(line, tag + " ")) {
      if (done_sent && StartsWithWord(line, tag + " OK")) return Status::Ok();
      s = Lost("IDLE ended by the server: " + PrintableText(imap::WithoutTag(line)));
    } else if (StartsWithWord(line, "* ")) {
      s = Untagged(line, on_new_mail);
    }
  }
  usable_ = false;
  return s;
}

}  // namespace flexmail
