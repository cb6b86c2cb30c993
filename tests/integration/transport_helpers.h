// What the transport integration tests share: options pointing at the mail
// stack, and an independent look into the stack's mailboxes (plain libcurl,
// not the code under test) to check what the transports did.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mail/imap.h"
#include "tests/integration/mailstack/mail_stack.h"

namespace flexmail::test {

using Clock = std::chrono::steady_clock;

inline long MsSince(Clock::time_point t0) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
}

// IMAPS on USER's INBOX, trusting the stack's CA.
inline ImapOptions ImapsOptions(const MailStack& stack, std::string_view user) {
  ImapOptions o;
  o.url = stack.imaps_url() + "INBOX";
  o.username = std::string(user);
  o.password = stack.password(user);
  o.ca_file = stack.ca_file().string();
  o.connect_timeout = std::chrono::seconds(2);
  o.low_speed_timeout = std::chrono::seconds(5);
  return o;
}

inline size_t AppendTo(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// One IMAPS request as USER: path after the host ("Processed;UID=1"), with
// an optional custom command. Returns the body; *ok tells whether curl succeeded.
inline std::string Peek(const MailStack& stack, std::string_view user, const std::string& path,
                        const std::string& custom = "", bool* ok = nullptr) {
  std::string body;
  CURL* h = curl_easy_init();
  const std::string url = stack.imaps_url() + path;
  const std::string login(user), password = stack.password(user), ca = stack.ca_file().string();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, login.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, password.c_str());
  curl_easy_setopt(h, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
  if (!custom.empty()) curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, custom.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, AppendTo);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(h);
  curl_easy_cleanup(h);
  if (ok) *ok = code == CURLE_OK;
  return body;
}

// The UIDs in USER's FOLDER ("INBOX", "Processed"...); a test failure when
// the folder cannot be searched.
inline std::vector<std::uint64_t> UidsIn(const MailStack& stack, std::string_view user,
                                         const std::string& folder) {
  bool ok = false;
  std::string body = Peek(stack, user, folder, "UID SEARCH ALL", &ok);
  if (!ok) {
    ADD_FAILURE() << "cannot search " << user << "'s " << folder << stack.LogTail();
    return {};
  }
  std::vector<std::uint64_t> uids;
  std::istringstream in(body.substr(std::min(body.size(), body.find("SEARCH") + 6)));
  for (std::uint64_t uid; in >> uid;) uids.push_back(uid);
  return uids;
}

inline std::string MessageIn(const MailStack& stack, std::string_view user,
                             const std::string& folder, std::uint64_t uid) {
  return Peek(stack, user, folder + ";UID=" + std::to_string(uid));
}

// Waits up to 10 s for USER's INBOX to hold `want` messages; returns its UIDs.
inline std::vector<std::uint64_t> WaitForInbox(const MailStack& stack, std::string_view user,
                                               std::size_t want) {
  std::vector<std::uint64_t> uids;
  const auto t0 = Clock::now();
  while (Clock::now() - t0 < std::chrono::seconds(10)) {
    uids = UidsIn(stack, user, "INBOX");
    if (uids.size() >= want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return uids;
}

}  // namespace flexmail::test
