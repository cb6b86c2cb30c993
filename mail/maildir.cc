#include "mail/maildir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <tuple>
#include <utility>

namespace flexmail {
namespace {

namespace fs = std::filesystem;

const char* const kSubdirs[] = {"new", "cur", "tmp"};

std::string KeyOf(const std::string& file) { return file.substr(0, file.find(":2,")); }

// Keys come back from the caller and become path components.
bool IsUsableKey(const std::string& key) {
  return !key.empty() && key.front() != '.' && key.find('/') == std::string::npos &&
         key.find('\0') == std::string::npos;
}

// Errors the machine may recover from by itself are transient; the others
// (permissions, a file where a directory should be) need a person.
Status ErrnoStatus(const std::string& what, const fs::path& path, int err) {
  std::string text = what + " " + path.string() + ": " + std::strerror(err);
  switch (err) {
    case EIO: case ENOSPC: case EDQUOT: case EAGAIN: case EINTR: case ENOMEM:
    case EMFILE: case ENFILE: case ESTALE: case EBUSY:
      return Status::Transient(std::move(text));
    default:
      return Status::Permanent(std::move(text));
  }
}

Status MakeDir(const fs::path& path) {
  if (::mkdir(path.c_str(), 0700) == 0) return Status::Ok();
  if (errno != EEXIST) return ErrnoStatus("cannot create", path, errno);
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return ErrnoStatus("cannot examine", path, errno);
  if (!S_ISDIR(st.st_mode)) return Status::Permanent(path.string() + " is not a directory");
  return Status::Ok();
}

// A Maildir++ folder: cur/ new/ tmp/ and the "maildirfolder" marker.
Status MakeFolder(const fs::path& folder) {
  Status s = MakeDir(folder);
  for (const char* sub : kSubdirs) {
    if (s.ok()) s = MakeDir(folder / sub);
  }
  if (!s.ok()) return s;
  const fs::path marker = folder / "maildirfolder";
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("cannot create", marker, errno);
  ::close(fd);
  return Status::Ok();
}

Instant MtimeOf(const struct stat& st) {
  return Instant(std::chrono::milliseconds(static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 +
                                           st.st_mtim.tv_nsec / 1000000));
}

const char* FolderDir(Folder folder) {
  switch (folder) {
    case Folder::kProcessed: return ".Processed";
    case Folder::kRejected: return ".Rejected";
    case Folder::kIgnored: return ".Ignored";
    case Folder::kCanary: return ".Canary";
  }
  return ".Rejected";
}

struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

struct DirClose {
  void operator()(DIR* d) const { ::closedir(d); }
};

// Reads the whole of `fd`, at most max_bytes; false with *too_large or errno.
bool ReadBounded(int fd, std::size_t max_bytes, std::string* out, bool* too_large) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    if (static_cast<std::size_t>(n) > max_bytes - out->size()) {
      out->append(buf, max_bytes - out->size());  // the prefix that fits
      *too_large = true;
      return false;
    }
    out->append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

MaildirMailbox::MaildirMailbox(fs::path root)
    : root_(fs::absolute(std::move(root)).lexically_normal()) {
  // "/var/mail/x/" and "/var/mail/x" are one mailbox: one name in the ledger.
  if (!root_.has_filename() && root_ != root_.root_path()) root_ = root_.parent_path();
}

std::string MaildirMailbox::name() const { return "maildir:" + root_.string(); }

Status MaildirMailbox::Open(std::uint64_t* validity) {
  for (const char* sub : kSubdirs) {
    struct stat st;
    if (::lstat((root_ / sub).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::Permanent(name() + " is not a Maildir: no " + sub + "/ directory");
    }
  }
  for (Folder f : {Folder::kProcessed, Folder::kRejected, Folder::kIgnored}) {
    Status s = MakeFolder(root_ / FolderDir(f));
    if (!s.ok()) return s;
  }
  *validity = 0;
  return Status::Ok();
}

Status MaildirMailbox::Scan(const std::string& sub, std::vector<MailboxEntry>* out) {
  const fs::path dir = root_ / sub;
  std::unique_ptr<DIR, DirClose> d(::opendir(dir.c_str()));
  if (!d) return ErrnoStatus("cannot read", dir, errno);
  for (;;) {
    errno = 0;
    const dirent* e = ::readdir(d.get());
    if (e == nullptr && errno != 0) return ErrnoStatus("cannot read", dir, errno);
    if (e == nullptr) return Status::Ok();
    const std::string file = e->d_name;
    struct stat st;
    if (file.front() == '.') continue;
    if (::fstatat(::dirfd(d.get()), file.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;  // filed or moved while we looked
      return ErrnoStatus("cannot examine", dir / file, errno);
    }
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) continue;
    const std::string key = KeyOf(file);
    // new/ is read first: a message moved to cur/ meanwhile is seen twice.
    if (!IsUsableKey(key) || last_listed_.count(key) != 0) continue;
    last_listed_[key] = Found{sub, file};
    out->push_back({key, 0, MtimeOf(st), static_cast<std::uint64_t>(st.st_size)});
  }
}

Status MaildirMailbox::List(std::vector<MailboxEntry>* out) {
  out->clear();
  last_listed_.clear();
  Status s = Scan("new", out);
  if (s.ok()) s = Scan("cur", out);
  if (!s.ok()) return s;
  std::sort(out->begin(), out->end(),
            [](const MailboxEntry& a, const MailboxEntry& b) { return a.key < b.key; });
  for (std::size_t i = 0; i < out->size(); ++i) (*out)[i].order = i;
  std::sort(out->begin(), out->end(), [](const MailboxEntry& a, const MailboxEntry& b) {
    return std::tie(a.received_at, a.order) < std::tie(b.received_at, b.order);
  });
  return Status::Ok();
}

bool MaildirMailbox::Locate(const std::string& key, Found* found) {
  if (auto it = last_listed_.find(key); it != last_listed_.end()) {
    struct stat st;
    const fs::path path = root_ / it->second.sub / it->second.file;
    if (::lstat(path.c_str(), &st) == 0) {
      *found = it->second;
      return true;
    }
    last_listed_.erase(it);  // moved since List: look again
  }
  struct stat st;
  if (::lstat((root_ / "new" / key).c_str(), &st) == 0) {
    *found = Found{"new", key};
    return true;
  }
  std::unique_ptr<DIR, DirClose> d(::opendir((root_ / "cur").c_str()));
  while (d) {
    const dirent* e = ::readdir(d.get());
    if (e == nullptr) break;
    if (e->d_name[0] != '.' && KeyOf(e->d_name) == key) {
      *found = Found{"cur", e->d_name};
      return true;
    }
  }
  return false;
}

Status MaildirMailbox::Fetch(const MailboxEntry& entry, std::size_t max_bytes,
                             std::string* raw) {
  return Read(entry, max_bytes, false, raw);
}

Status MaildirMailbox::FetchHeaders(const MailboxEntry& entry, std::size_t max_bytes,
                                    std::string* raw) {
  Status s = Read(entry, max_bytes, true, raw);
  if (!s.ok()) return s;
  // Keep the header section and the blank line that ends it.
  for (std::string_view end : {"\r\n\r\n", "\n\n"}) {
    auto pos = raw->find(end);
    if (pos != std::string::npos) {
      raw->resize(pos + end.size());
      break;
    }
  }
  return s;
}

// Reads the message file; with `prefix`, its first max_bytes whatever its
// size, else all of it or an error when it is larger.
Status MaildirMailbox::Read(const MailboxEntry& entry, std::size_t max_bytes, bool prefix,
                            std::string* raw) {
  if (!IsUsableKey(entry.key)) return Status::Internal("not a Maildir key: " + entry.key);
  Found f;
  if (!Locate(entry.key, &f)) return Status::NotFound(entry.key + " is no longer in " + name());
  const fs::path path = root_ / f.sub / f.file;
  const std::string too_large = path.string() + " is larger than " +
                                std::to_string(max_bytes) + " bytes";
  // O_NOFOLLOW: the file must not lead anywhere else; O_NONBLOCK: a FIFO
  // must not hang the poll.
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0 && errno == ELOOP) {
    return Status::Permanent(path.string() + " is a symbolic link; not followed");
  }
  if (fd < 0 && errno == ENOENT) return Status::NotFound(entry.key + " is no longer in " + name());
  if (fd < 0) return ErrnoStatus("cannot open", path, errno);
  const FdCloser closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) return ErrnoStatus("cannot examine", path, errno);
  if (!S_ISREG(st.st_mode)) return Status::Permanent(path.string() + " is not a regular file");
  if (!prefix && static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return Status::InvalidInput(too_large);
  std::string data;
  bool over = false;
  if (!ReadBounded(fd, max_bytes, &data, &over) && !(prefix && over)) {
    return over ? Status::InvalidInput(too_large) : ErrnoStatus("cannot read", path, errno);
  }
  *raw = std::move(data);
  return Status::Ok();
}

Status MaildirMailbox::File(const MailboxEntry& entry, Folder folder) {
  if (!IsUsableKey(entry.key)) return Status::Internal("not a Maildir key: " + entry.key);
  // Only a canary's mailbox needs .Canary: made when first used.
  if (folder == Folder::kCanary) {
    Status s = MakeFolder(root_ / FolderDir(folder));
    if (!s.ok()) return s;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    Found f;
    if (!Locate(entry.key, &f)) return Status::Ok();  // already filed
    const fs::path from = root_ / f.sub / f.file;
    const fs::path to = root_ / FolderDir(folder) / "cur" / f.file;
    // No fsync: losing this rename in a crash only brings the message back
    // to the waiting set, where the ledger recognises it.
    if (::rename(from.c_str(), to.c_str()) == 0) {
      last_listed_.erase(entry.key);
      return Status::Ok();
    }
    const int err = errno;
    struct stat st;
    // ENOENT with the source still there: the folder is missing (no Open?).
    if (err != ENOENT || ::lstat(from.c_str(), &st) == 0) {
      return ErrnoStatus("cannot move " + from.string() + " to", to, err);
    }
  }
  return Status::Transient(entry.key + " keeps moving in " + name());
}

}  // namespace flexmail
