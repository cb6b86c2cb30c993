// The looks at what the daemon did: the ledger read-only, mailboxes over
// IMAPS, header fields, and the helpers around them (see daemon_scenarios.h).
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/daemon_scenarios.h"

namespace flexmail::test {
namespace {

namespace fs = std::filesystem;

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}
size_t AppendTo(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

int EndDovecotLeftovers(const MailStack& stack) { return stack.EndDovecotLeftovers(); }

// ---------------------------------------------------------------- looking

std::optional<std::vector<std::vector<std::string>>> LedgerView::Rows(const std::string& sql) {
  error_.clear();
  if (!fs::exists(path_)) {
    error_ = path_ + " does not exist";
    return std::nullopt;
  }
  sqlite3* db = nullptr;
  const std::string uri = "file:" + path_ + "?mode=ro";
  int rc = sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  std::vector<std::vector<std::string>> rows;
  sqlite3_stmt* st = nullptr;
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
  }
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) break;
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const auto* text = sqlite3_column_text(st, i);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) error_ = sql + ": " + (db ? sqlite3_errmsg(db) : "cannot open");
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (!error_.empty()) return std::nullopt;
  return rows;
}

std::int64_t LedgerView::Count(const std::string& sql) {
  auto rows = Rows(sql);
  if (!rows || rows->empty() || rows->front().empty()) return -1;
  return std::strtoll(rows->front().front().c_str(), nullptr, 10);
}

MailboxView::MailboxView(const MailStack& stack, std::string_view user)
    : stack_(stack),
      user_(user),
      password_(stack.password(user)),
      ca_(stack.ca_file().string()),
      curl_(curl_easy_init()) {}

MailboxView::~MailboxView() { curl_easy_cleanup(curl_); }

bool MailboxView::Perform(const std::string& path, const std::string& command, std::string* body) {
  body->clear();
  curl_easy_reset(curl_);
  const std::string url = stack_.imaps_url() + path;
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_USERNAME, user_.c_str());
  curl_easy_setopt(curl_, CURLOPT_PASSWORD, password_.c_str());
  curl_easy_setopt(curl_, CURLOPT_CAINFO, ca_.c_str());
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 15000L);
  if (!command.empty()) curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, command.c_str());
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, AppendTo);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, body);
  return curl_easy_perform(curl_) == CURLE_OK;
}

long MailboxView::Count(const std::string& folder) {
  std::string body;
  if (!Perform("", "STATUS " + folder + " (MESSAGES)", &body)) return -1;
  auto pos = body.find("MESSAGES ");
  return pos == std::string::npos ? -1 : std::atol(body.c_str() + pos + 9);
}

std::vector<std::uint64_t> MailboxView::Uids(const std::string& folder, bool* ok) {
  std::string body;
  const bool done = Perform(folder, "UID SEARCH ALL", &body);
  if (ok) *ok = done;
  std::vector<std::uint64_t> uids;
  auto pos = body.find("SEARCH");
  if (!done || pos == std::string::npos) return uids;
  std::istringstream in(body.substr(pos + 6));
  for (std::uint64_t uid; in >> uid;) uids.push_back(uid);
  return uids;
}

std::string MailboxView::Header(const std::string& folder, std::uint64_t uid, bool* ok) {
  std::string body;
  const bool done = Perform(folder + ";UID=" + std::to_string(uid) + ";SECTION=HEADER", "", &body);
  if (ok) *ok = done;
  return done ? body : "";
}

std::string DecodeRfc2047(std::string_view text) {
  auto hex = [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::toupper(c) - 'A' + 10;
  };
  auto b64 = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string out;
  std::size_t i = 0;
  bool last_was_word = false;
  while (i < text.size()) {
    const auto start = text.find("=?", i);
    if (start == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    const auto q1 = text.find('?', start + 2);
    const auto q2 = q1 == std::string_view::npos ? q1 : text.find('?', q1 + 1);
    const auto end = q2 == std::string_view::npos ? q2 : text.find("?=", q2 + 1);
    if (end == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    std::string_view between = text.substr(i, start - i);
    // Blanks between two encoded words are not part of the text.
    if (!(last_was_word && between.find_first_not_of(" \t\r\n") == std::string_view::npos)) {
      out += between;
    }
    const char enc = static_cast<char>(std::toupper(text[q1 + 1]));
    std::string_view data = text.substr(q2 + 1, end - q2 - 1);
    if (enc == 'Q') {
      for (std::size_t k = 0; k < data.size(); ++k) {
        if (data[k] == '_') {
          out += ' ';
        } else if (data[k] == '=' && k + 2 < data.size()) {
          out += static_cast<char>(hex(data[k + 1]) * 16 + hex(data[k + 2]));
          k += 2;
        } else {
          out += data[k];
        }
      }
    } else {
      unsigned acc = 0;
      int bits = 0;
      for (char c : data) {
        int v = b64(c);
        if (v < 0) continue;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
          bits -= 8;
          out += static_cast<char>((acc >> bits) & 0xff);
        }
      }
    }
    i = end + 2;
    last_was_word = true;
  }
  return out;
}

std::string HeaderField(const std::string& header, std::string_view name) {
  std::istringstream in(header);
  std::string value;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (inside && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      value += line;  // unfolding removes the line break only
      continue;
    }
    if (inside) break;
    if (line.size() > name.size() && line[name.size()] == ':' &&
        std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      inside = true;
      value = line.substr(name.size() + 1);
    }
  }
  const auto b = value.find_first_not_of(" \t");
  return b == std::string::npos ? "" : DecodeRfc2047(value.substr(b));
}

std::vector<ReceivedMail> ReadMailbox(MailboxView& box, const std::string& folder) {
  std::vector<ReceivedMail> mails;
  bool ok = false;
  for (std::uint64_t uid : box.Uids(folder, &ok)) {
    bool got = false;
    const std::string h = box.Header(folder, uid, &got);
    if (!got) {
      ADD_FAILURE() << "cannot read UID " << uid << " of " << folder;
      continue;
    }
    mails.push_back({uid, HeaderField(h, "From"), HeaderField(h, "Subject"),
                     HeaderField(h, "Message-ID"), HeaderField(h, "In-Reply-To"),
                     HeaderField(h, "Auto-Submitted")});
  }
  if (!ok) ADD_FAILURE() << "cannot search " << folder;
  return mails;
}

bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

std::string SeedDate(const std::string& base, int offset_s) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::sscanf(base.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s);
  const sys_seconds t = sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s + offset_s};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> tod{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld:%02ld +0100",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(tod.hours().count()),
                static_cast<long>(tod.minutes().count()), static_cast<long>(tod.seconds().count()));
  return buf;
}

}  // namespace flexmail::test
