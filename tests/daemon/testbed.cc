#include "tests/daemon/testbed.h"

#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "daemon/cli.h"

namespace flexmail::testing {
namespace {

const char* kConfig = R"(
[database]
path = "flexmail.db"
[rules]
partial_flexibility_kwh_per_tranche = 800000
indicator_delay_minutes = 23
unknown_indicator = "RED"
[[meshes]]
code = "ME0005"
label = "Bretagne"
[[meshes]]
code = "ME0008"
label = "Provence"
[[sites]]
id = "LI0001"
label = "Quimper"
mesh = "ME0005"
client = "ENGIE"
tranches = 1
[[sites]]
id = "LI0002"
label = "Martigues"
mesh = "ME0008"
client = "EDF"
tranches = 2
[[contracts]]
code = "GFQUIMP01"
[[contracts.sites]]
site = "LI0001"
qmin = 0
qmax = 1000000
tolerance_pct = 0
[[contracts]]
code = "GFMART01"
[[contracts.sites]]
site = "LI0002"
qmin = 0
qmax = 2000000
tolerance_pct = 0
[[shippers]]
name = "ENGIE"
senders = ["ops@engie.example", "@engie.example"]
cc = ["desk@engie.example"]
sites = ["LI0001"]
)";

// After ENGIE's keys (its own authentication, if the test gives one).
const char* kConfigEdf = R"(
[[shippers]]
name = "EDF"
senders = ["@edf.example"]
sites = ["LI0002"]
)";

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, n);
  return out;
}

}  // namespace

std::string BinaryPath() {
  const char* dir = std::getenv("FLEXMAIL_BINARY_DIR");
  return std::string(dir ? dir : FLEXMAIL_BINARY_DIR_DEFAULT) + "/daemon/flexmail";
}


Testbed::Testbed(const std::string& extra, const std::string& engie_keys) {
  char tmpl[] = "/tmp/flexmail-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  std::ofstream out(config());
  out << kConfig << engie_keys << kConfigEdf << extra;
  // Reading mail needs a stated authentication mode; tests of other things
  // state "none", tests of authentication their own.
  if (extra.find("[authentication]") == std::string::npos)
    out << "\n[authentication]\nmode = \"none\"\n";
}

std::string DeclarationEmail(int version, const std::string& value, const std::string& from,
                             const std::string& extra_headers) {
  const std::string n = std::to_string(version);
  return extra_headers + "From: " + from + "\r\n" +
         "To: declarations@flexmail.example\r\n"
         "Subject: [Quimper] Previsions SFM : 03/12/2026 - 03/12/2026\r\n"
         "Message-ID: <v" + n + "." + value + "@engie.example>\r\n"
         "MIME-Version: 1.0\r\n" +
         DeclarationEntity(version, value);
}

std::string DeclarationEntity(int version, const std::string& value) {
  const std::string n = std::to_string(version);
  std::string csv = "DECLARATIONS_CCG;02/12/2026;150000;UPLOAD;PROD;03/12/2026;03/12/2026\r\n" +
                    Line("20261203", version, Flat(value)) + "\r\n";
  return "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
         "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour\r\n"
         "--b\r\nContent-Type: text/csv\r\nContent-Transfer-Encoding: 8bit\r\n"
         "Content-Disposition: attachment; "
         "filename=\"Export_DECLARATIONS_CCG-UPLOAD-20261203_2026120215000" + n + ".csv\"\r\n\r\n" +
         csv + "--b--\r\n";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Fixture(const std::string& name) {
  const char* src = std::getenv("FLEXMAIL_SOURCE_DIR");
  return ReadFile(std::string(src ? src : FLEXMAIL_SOURCE_DIR_DEFAULT) + "/tests/mail/fixtures/" +
                  name);
}

int Shell(const std::string& command, std::string* output) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  output->clear();
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) output->append(buf, n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Testbed::~Testbed() { std::filesystem::remove_all(dir_); }

std::string Testbed::WriteCsv(const std::string& day, const std::vector<std::string>& lines,
                              const std::string& suffix) {
  std::string path = dir_ + "/Export_DECLARATIONS_CCG-UPLOAD-" + day + "_" + suffix + ".csv";
  std::string french = day.substr(6, 2) + "/" + day.substr(4, 2) + "/" + day.substr(0, 4);
  std::ofstream out(path, std::ios::binary);
  out << "DECLARATIONS_CCG;02/12/2026;150000;UPLOAD;PROD;" << french << ";" << french << "\r\n";
  for (const auto& l : lines) out << l << "\r\n";
  return path;
}

std::string Line(const std::string& day, int version, const std::vector<std::string>& values,
                 const std::string& site, const std::string& contract) {
  std::string french = day.substr(6, 2) + "/" + day.substr(4, 2) + "/" + day.substr(0, 4);
  std::ostringstream os;
  os << day << "-" << site << "-" << contract << "-" << version << ";" << french << ";" << site
     << ";" << (site == "LI0001" ? "Quimper" : "Martigues")
     << ";02/12/2026;150000;02/12/2026;150000;0;2000000";
  for (const auto& v : values) os << ";" << v;
  return os.str();
}

std::vector<std::string> Flat(const std::string& v) { return std::vector<std::string>(24, v); }

Instant At(const char* text) {
  Instant t;
  std::string err;
  EXPECT_TRUE(ParseInstant(text, &t, &err)) << err;
  return t;
}

int RunCliIn(const Testbed& bed, const Clock& clock, std::vector<std::string> args,
             std::string* out, std::string* err) {
  args.insert(args.begin(), {"flexmail", "--config", bed.config()});
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  std::ostringstream o, e;
  int code = RunCli(static_cast<int>(argv.size()), argv.data(), o, e, clock);
  *out = o.str();
  *err = e.str();
  return code;
}

RunResult RunBinary(const std::vector<std::string>& args) {
  int out_pipe[2], err_pipe[2];
  RunResult r;
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return r;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    std::vector<std::string> argv_s = {BinaryPath()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  // Outputs are small; reading stdout fully before stderr cannot deadlock
  // as long as stderr stays under the pipe buffer.
  r.out = ReadAll(out_pipe[0]);
  r.err = ReadAll(err_pipe[0]);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

void DeliverToMaildir(const Testbed& bed, const std::string& name, const std::string& raw,
                      const char* received) {
  const std::string maildir = bed.dir() + "/Maildir/";
  for (const char* sub : {"new", "cur", "tmp"}) std::filesystem::create_directories(maildir + sub);
  std::ofstream(maildir + "tmp/" + name, std::ios::binary) << raw;
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(At(received).time_since_epoch());
  struct utimbuf times{secs.count(), secs.count()};
  utime((maildir + "tmp/" + name).c_str(), &times);
  std::filesystem::rename(maildir + "tmp/" + name, maildir + "new/" + name);
}

void SetDatabaseCap(const Testbed& bed, int megabytes) {
  std::string text = ReadFile(bed.config());
  const std::string path_line = "path = \"flexmail.db\"\n";
  size_t at = text.find(path_line);
  ASSERT_NE(at, std::string::npos) << bed.config();
  at += path_line.size();
  size_t end = text.compare(at, 12, "max_size_mb ") == 0 ? text.find('\n', at) + 1 : at;
  text.replace(at, end - at, "max_size_mb = " + std::to_string(megabytes) + "\n");
  std::ofstream(bed.config(), std::ios::binary | std::ios::trunc) << text;
}

std::string Padded(std::string raw) {
  for (int i = 0; i < 16000; ++i) raw += std::string(76, 'x') + "\r\n";
  return raw;
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace flexmail::testing
