// A temporary flexmail installation for tests: a config file with the
// worked examples' referential, a database path and CSV writers.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "daemon/clock.h"

namespace flexmail::testing {

// The [mail], [inbox] and [outbox] sections of a Maildir deployment: the
// bed's Maildir/ in, .eml files written into its outbox/ out.
inline constexpr const char* kMaildirConfig = R"(
[mail]
address = "declarations@flexmail.example"
[inbox]
maildir = "Maildir"
[outbox]
directory = "outbox"
)";

class Testbed {
 public:
  // Creates a fresh temp dir with flexmail.toml: the worked examples'
  // referential, then `extra` (more TOML sections) appended, then
  // [authentication] mode = "none" unless `extra` has an [authentication].
  // `engie_keys`: more keys of the ENGIE shipper (its authentication).
  explicit Testbed(const std::string& extra = "", const std::string& engie_keys = "");
  ~Testbed();  // removes it
  const std::string& dir() const { return dir_; }
  std::string config() const { return dir_ + "/flexmail.toml"; }
  std::string database() const { return dir_ + "/flexmail.db"; }
  // Writes a declaration file for one gas day (YYYYMMDD) with the given
  // programme lines; returns its path.
  std::string WriteCsv(const std::string& day, const std::vector<std::string>& lines,
                       const std::string& suffix = "20261202150000");

 private:
  std::string dir_;
};

// One programme line for LI0001/GFQUIMP01 on `day` (YYYYMMDD): version and
// the 24 values ("" for an empty one).
std::string Line(const std::string& day, int version, const std::vector<std::string>& values,
                 const std::string& site = "LI0001", const std::string& contract = "GFQUIMP01");
// 24 copies of v.
std::vector<std::string> Flat(const std::string& v);

// An email from `from` declaring `version` of LI0001 for 2026-12-03, every
// hour `value`, its CSV as 8-bit text; `extra_headers` ("Name: v\r\n"...)
// come first. Its Message-ID names the version and the value.
std::string DeclarationEmail(int version, const std::string& value,
                             const std::string& from = "ops@engie.example",
                             const std::string& extra_headers = "");
// The MIME entity of that email below its header fields (Content-Type
// first): what an S/MIME client signs.
std::string DeclarationEntity(int version, const std::string& value);

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};
// The flexmail binary of this build.
std::string BinaryPath();
// Runs the real flexmail binary with arguments; captures stdout/stderr.
RunResult RunBinary(const std::vector<std::string>& args);

// A clock that says what the test sets.
class FixedClock : public Clock {
 public:
  Instant Now() const override { return now; }
  Instant now{};
};

// An instant from ISO 8601 text (see ParseInstant); a test failure if bad.
Instant At(const char* text);

// Runs the command line in-process with `clock` and the bed's config;
// fills *out and *err, returns the exit code.
int RunCliIn(const Testbed& bed, const Clock& clock, std::vector<std::string> args,
             std::string* out, std::string* err);

// Polls `cond` every 50 ms until it holds (true) or `limit` has passed.
bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds limit);

// The bytes of a committed mail fixture (tests/mail/fixtures/NAME).
std::string Fixture(const std::string& name);
// Runs `command` through /bin/sh; its exit code (-1 if it did not exit)
// and what it printed on stdout and stderr together.
int Shell(const std::string& command, std::string* output);
// The whole content of a file.
std::string ReadFile(const std::string& path);

// Puts `raw` into the bed's Maildir (created if missing) as an MTA would:
// into tmp/, its mtime (the reception instant) set to `received`, renamed
// into new/.
void DeliverToMaildir(const Testbed& bed, const std::string& name, const std::string& raw,
                      const char* received);

// Sets [database] max_size_mb in the bed's configuration (a test failure
// when its [database] section is not the bed's own).
void SetDatabaseCap(const Testbed& bed, int megabytes);
// `raw` made over a megabyte long by an epilogue after its last MIME
// boundary, which no reader looks at.
std::string Padded(std::string raw);
// How many times `what` occurs in `text`.
size_t Occurrences(const std::string& text, const std::string& what);

}  // namespace flexmail::testing
