#include "mail/outbox_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace flexmail {
namespace {

constexpr std::size_t kMaxBaseName = 150;

SendResult Failed(const std::string& what, const std::filesystem::path& path, int err) {
  return SendResult{SendOutcome::kTransient,
                    what + " " + path.string() + ": " + std::strerror(err)};
}

// write(2) until done; false with errno set on failure.
bool WriteAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// A rename is durable only once the directory itself is synced.
bool SyncDir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

// Creates `tmp` (which must not exist), writes and syncs `raw`.
bool WriteSynced(const std::filesystem::path& tmp, const std::string& raw) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
  if (fd < 0) return false;
  bool ok = WriteAll(fd, raw) && ::fsync(fd) == 0;
  int saved = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  errno = saved;
  return ok;
}

bool IsPlainBaseName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxBaseName && name.front() != '.' &&
         DirectorySender::BaseNameFor(name) == name;
}

// The Message-ID field of the header section, if any (unfolded value).
std::string HeaderMessageId(std::string_view raw) {
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string_view::npos) end = raw.find("\n\n");
  std::string_view header = raw.substr(0, end);
  for (size_t pos = 0; pos < header.size();) {
    size_t eol = header.find('\n', pos);
    std::string_view line = header.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    pos = eol == std::string_view::npos ? header.size() : eol + 1;
    constexpr std::string_view kField = "message-id:";
    if (line.size() < kField.size()) continue;
    bool match = true;
    for (size_t i = 0; i < kField.size() && match; ++i)
      match = std::tolower(static_cast<unsigned char>(line[i])) == kField[i];
    if (!match) continue;
    std::string_view v = line.substr(kField.size());
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.remove_suffix(1);
    return std::string(v);
  }
  return "";
}

}  // namespace

DirectorySender::DirectorySender(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::string DirectorySender::BaseNameFor(std::string_view message_id) {
  std::string out;
  for (unsigned char c : message_id) {
    if (out.size() == kMaxBaseName) break;
    if (c == '<' || c == '>') continue;
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || std::strchr("@._+-=", c) != nullptr;
    out += keep ? static_cast<char>(c) : '_';
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  return out;
}

SendResult DirectorySender::Send(const std::string& /*from*/,
                                 const std::vector<std::string>& /*recipients*/,
                                 const std::string& raw) {
  // A message with a Message-ID keeps one file however often it is sent
  // (a retry after a crash overwrites, it does not duplicate).
  std::string id = HeaderMessageId(raw);
  std::string by_id = id.empty() ? "" : BaseNameFor(id);
  if (!by_id.empty()) return SendAs(by_id, raw);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  // Maildir-style: unique within the host as long as pids are.
  const std::string name = std::to_string(us / 1000000) + ".M" + std::to_string(us % 1000000) +
                           "P" + std::to_string(::getpid()) + "Q" + std::to_string(++counter_);
  return SendAs(name, raw);
}

SendResult DirectorySender::SendAs(std::string_view base_name, const std::string& raw) {
  if (!IsPlainBaseName(base_name)) {
    return SendResult{SendOutcome::kPermanent,
                      "not a plain file name for the outbox: '" +
                          BaseNameFor(base_name) + "' (sanitised)"};
  }
  const std::string name(base_name);
  const std::filesystem::path final_path = dir_ / (name + ".eml");
  // The pid keeps two processes writing the same name from sharing a file.
  const std::filesystem::path tmp =
      dir_ / (".tmp-" + name + "." + std::to_string(::getpid()));
  ::unlink(tmp.c_str());  // left over by a crash of ours
  if (!WriteSynced(tmp, raw)) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return Failed("cannot write", tmp, err);
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return Failed("cannot rename into", final_path, err);
  }
  if (!SyncDir(dir_)) return Failed("cannot sync directory", dir_, errno);
  return SendResult{SendOutcome::kSent, "written to " + final_path.string()};
}

}  // namespace flexmail
