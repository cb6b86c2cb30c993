#include "mail/imap_idle.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "mail/curl_util.h"
#include "mail/imap_idle_session.h"
#include "mail/imap_parse.h"

namespace flexmail {
namespace {

using Clock = std::chrono::steady_clock;

// A connection that idled this long was a good one: the backoff starts over.
constexpr auto kGoodSession = std::chrono::minutes(1);
// Wait() looks at the caller's stop flag this often (a signal handler sets
// it and cannot notify a condition variable).
constexpr auto kStopCheck = std::chrono::milliseconds(100);

struct Target {
  std::string base;     // "imaps://host:port"
  std::string mailbox;  // decoded
  std::string mechanism;
  std::string error;    // "" when usable
};

Target ParseTarget(const ImapOptions& o) {
  Target t;
  ServerUrl parts;
  t.error = ParseServerUrl(o.url, &parts);
  if (t.error.empty() && parts.scheme != "imap" && parts.scheme != "imaps") {
    t.error = "IMAP url must start with imaps:// or imap://";
  }
  if (!t.error.empty()) return t;
  t.base = parts.scheme + "://" + parts.authority;
  std::string path = parts.path;
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  while (!path.empty() && path.back() == '/') path.pop_back();
  t.mailbox = path.empty() ? "INBOX" : path;
  if (!imap::IsPlainMailboxName(t.mailbox)) {
    t.error = "IMAP url names a mailbox we cannot use: " + PrintableText(t.mailbox);
  } else if (o.username.empty()) {
    t.error = "IMAP username is empty";
  } else {
    t.error = CheckSaslMechanism(o.sasl_mechanism, &t.mechanism);
  }
  return t;
}

}  // namespace

ImapIdler::ImapIdler(ImapOptions options, IdleSettings settings)
    : options_(std::move(options)), settings_(settings) {
  if (pipe2(wake_fds_, O_CLOEXEC | O_NONBLOCK) != 0) wake_fds_[0] = wake_fds_[1] = -1;
}

ImapIdler::~ImapIdler() {
  Stop();
  for (int fd : wake_fds_) {
    if (fd >= 0) close(fd);
  }
}

std::string ImapIdler::name() const {
  const Target t = ParseTarget(options_);
  return t.error.empty() ? t.base + "/" + t.mailbox : "imap:(invalid url)";
}

void ImapIdler::Start() {
  CurlGlobalInit();  // before the thread: curl_global_init is not thread safe
  thread_ = std::thread([this] { Run(); });
}

void ImapIdler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_.store(true);
  }
  changed_.notify_all();
  if (wake_fds_[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] ssize_t n = write(wake_fds_[1], &byte, 1);
  }
  if (thread_.joinable()) thread_.join();
  SetState(State::kStopped);
}

std::string ImapIdler::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

void ImapIdler::SetState(State s) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_.store(s);
  }
  changed_.notify_all();
}

void ImapIdler::NoteNewMail() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    new_mail_ = true;
  }
  changed_.notify_all();
}

ImapIdler::Event ImapIdler::Wait(Clock::time_point deadline, const std::atomic<bool>* stop) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (new_mail_) {
      new_mail_ = false;
      return Event::kNewMail;
    }
    const State s = state_.load();
    if (stopping_.load() || s == State::kStopped || (stop && stop->load())) return Event::kStopped;
    if (s == State::kNotOffered || s == State::kBroken) return Event::kUnavailable;
    const auto now = Clock::now();
    if (now >= deadline) return Event::kTimeout;
    changed_.wait_until(lock, std::min(deadline, now + kStopCheck));
  }
}

bool ImapIdler::Pause(std::chrono::milliseconds delay) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, delay, [this] { return stopping_.load(); });
  return !stopping_.load();
}

void ImapIdler::Run() {
  auto backoff = settings_.backoff_initial;
  while (!stopping_.load()) {
    Clock::duration idled{};
    const Status s = RunSession(&idled);
    if (stopping_.load()) break;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_error_ = s.message();
    }
    if (s.kind() == Status::Kind::kNotFound) {
      // Not offered: no hurry to ask again, the server is unlikely to change.
      SetState(State::kNotOffered);
      if (!Pause(std::chrono::duration_cast<std::chrono::milliseconds>(settings_.refresh)))
        break;
      continue;
    }
    SetState(State::kBroken);
    if (idled >= kGoodSession) backoff = settings_.backoff_initial;
    if (!Pause(backoff)) break;
    backoff = std::min(backoff * 2, settings_.backoff_max);
  }
}

Status ImapIdler::RunSession(Clock::duration* idled) {
  const Target target = ParseTarget(options_);
  if (!target.error.empty()) return Status::Permanent(target.error);
  if (wake_fds_[0] < 0) return Status::Internal("IMAP IDLE: cannot create a pipe");
  IdleSession session(options_, target.base, target.mailbox, target.mechanism, wake_fds_[0],
                      &stopping_);
  Status s = session.Open();
  if (s.ok()) s = session.Prepare();
  Clock::time_point idle_since{};
  while (s.ok() && !stopping_.load()) {
    const auto until = Clock::now() + settings_.refresh;
    s = session.Idle(
        until,
        [&] {
          ++idle_commands_;
          if (state_.load() != State::kIdling) {
            idle_since = Clock::now();
            SetState(State::kIdling);
            NoteNewMail();  // mail may have come while nobody listened
          }
        },
        [this] { NoteNewMail(); });
  }
  if (idle_since != Clock::time_point{}) *idled = Clock::now() - idle_since;
  session.Close();
  return s;
}

}  // namespace flexmail
