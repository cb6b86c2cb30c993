#include "tests/auth/dkim_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace flexmail::test {
namespace {

using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

std::filesystem::path SourceDir() {
  const char* env = std::getenv("FLEXMAIL_SOURCE_DIR");
  return env != nullptr ? env : FLEXMAIL_SOURCE_DIR_DEFAULT;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// fork + exec with stdin/stdout/stderr on files; the child only calls
// async-signal-safe functions.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& in,
            const std::string& out, const std::string& err) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fi = open(in.c_str(), O_RDONLY);
  int fo = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int fe = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fi < 0 || fo < 0 || fe < 0) _exit(126);
  dup2(fi, 0);
  dup2(fo, 1);
  dup2(fe, 2);
  setpgid(0, 0);  // not in the test's process group: a ^C stays ours
  // Never outlives the test (dnsmasq included), even one that crashed.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(126);
  execvp(args[0], args.data());
  _exit(127);
}

}  // namespace

AssertionResult RunProgram(const std::vector<std::string>& argv, std::string_view input,
                           std::string* out) {
  char templ[] = "/tmp/flexmail-run-XXXXXX";
  if (mkdtemp(templ) == nullptr) return AssertionFailure() << "mkdtemp: " << strerror(errno);
  std::filesystem::path dir = templ;
  std::ofstream(dir / "in", std::ios::binary) << input;
  pid_t pid = Spawn(argv, dir / "in", dir / "out", dir / "err");
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  pid_t done = 0;
  while ((done = waitpid(pid, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  *out = ReadFile(dir / "out");
  std::string err = ReadFile(dir / "err");
  std::filesystem::remove_all(dir);
  if (done == 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return AssertionFailure() << argv[0] << " failed (status " << status << "): " << err;
  }
  return AssertionSuccess();
}

std::string FreeLoopbackAddress(int port) {
  // Random, so that concurrent tests rarely try the same one.
  std::random_device rd;
  for (int attempt = 0; attempt < 50; ++attempt) {
    const uint32_t host = 0x7f000000u | (rd() & 0x00ffffffu);
    if (host == 0x7f000001u || (host & 0xffu) == 0 || (host & 0xffu) == 0xffu) continue;
    bool free = true;
    for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
      int fd = socket(AF_INET, type, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(port));
      a.sin_addr.s_addr = htonl(host);
      free = free && fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      if (fd >= 0) close(fd);
    }
    if (!free) continue;
    in_addr in{htonl(host)};
    char text[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &in, text, sizeof text);
  }
  return {};
}

namespace {

// Whether a socket of `type` can bind 127.0.0.1:port (0: any); the port
// bound, or 0.
int BindLoopback(int type, int port) {
  int fd = socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof a;
  int bound = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    bound = ntohs(a.sin_port);
  }
  close(fd);
  return bound;
}

}  // namespace

// Free for UDP and for TCP: dnsmasq binds both, and the readiness probe
// connects over TCP, so a port some other test server holds for TCP would
// make dnsmasq exit or the probe succeed falsely.
int FreeUdpPort() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    int port = BindLoopback(SOCK_DGRAM, 0);
    if (port != 0 && BindLoopback(SOCK_STREAM, port) == port) return port;
  }
  return 0;
}

DkimWorld::~DkimWorld() {
  EXPECT_TRUE(StopDns());
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

AssertionResult DkimWorld::Init() {
  char templ[] = "/tmp/flexmail-dkim-XXXXXX";
  if (mkdtemp(templ) == nullptr) return AssertionFailure() << "mkdtemp: " << strerror(errno);
  dir_ = templ;
  return AssertionSuccess();
}

AssertionResult DkimWorld::AddKey(const std::string& name, const std::string& selector,
                                  const std::string& domain) {
  std::string pem = (dir_ / (name + ".pem")).string();
  std::string der = (dir_ / (name + ".der")).string();
  std::string out, b64;
  AssertionResult r = RunProgram({"openssl", "genrsa", "-out", pem, "2048"}, "", &out);
  if (r) r = RunProgram({"openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER",
                         "-out", der}, "", &out);
  if (r) r = RunProgram({"openssl", "base64", "-A", "-in", der}, "", &b64);
  if (!r) return r;
  while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r')) b64.pop_back();
  std::string owner = selector + "._domainkey." + domain;
  records_[owner] = "v=DKIM1;k=rsa;p=" + b64;
  std::ofstream keys(key_file(), std::ios::app);
  keys << owner << " " << records_[owner] << "\n";
  return keys ? AssertionSuccess() : AssertionFailure() << "cannot write " << key_file();
}

AssertionResult DkimWorld::Sign(const std::string& name, const std::string& selector,
                                const std::string& domain, std::string_view message,
                                const std::vector<std::string>& extra, std::string* out) {
  // Debian's interpreter, where python3-dkim lives (not a PATH python).
  std::vector<std::string> argv = {"/usr/bin/python3",
                                   (SourceDir() / "tests/auth/dkim_sign.py").string(),
                                   (dir_ / (name + ".pem")).string(), selector, domain};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunProgram(argv, message, out);
}

void DkimWorld::AddTxt(const std::string& owner, const std::string& value) {
  records_[owner] = value;
}

AssertionResult DkimWorld::StartDns(const std::string& address, int port) {
  // A port chosen here may be taken by a test running beside this one
  // between the choice and dnsmasq's bind: try a few.
  AssertionResult r = StartDnsOn(address, port != 0 ? port : FreeUdpPort());
  for (int attempt = 1; !r && port == 0 && attempt < 5; ++attempt)
    r = StartDnsOn(address, FreeUdpPort());
  return r;
}

AssertionResult DkimWorld::StartDnsOn(const std::string& address, int port) {
  dns_address_ = address;
  dns_port_ = port;
  const passwd* pw = getpwuid(geteuid());
  std::vector<std::string> argv = {
      "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
      "--bind-interfaces", "--listen-address=" + dns_address_, "--pid-file=",
      "--port=" + std::to_string(dns_port_),
      // Names under example and test are answered from these records only:
      // a name without one is NXDOMAIN.
      "--local=/example/", "--local=/test/",
      std::string("--user=") + (pw != nullptr ? pw->pw_name : "nobody")};
  for (const auto& [owner, value] : records_) {
    // A TXT string holds at most 255 bytes: longer values are given as
    // several strings (comma-separated), which DKIM concatenates.
    std::string arg = "--txt-record=" + owner;
    for (size_t at = 0; at < value.size(); at += 255) arg += "," + value.substr(at, 255);
    argv.push_back(arg);
  }
  std::ofstream(dir_ / "null");
  dns_pid_ = Spawn(argv, dir_ / "null", dir_ / "dnsmasq.out", dir_ / "dnsmasq.log");
  // Ready once it accepts TCP on its port (it serves TCP and UDP together).
  for (int i = 0; i < 500; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(dns_port_));
    inet_pton(AF_INET, dns_address_.c_str(), &a.sin_addr);
    bool up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (up) return AssertionSuccess();
    int status = 0;
    if (waitpid(dns_pid_, &status, WNOHANG) == dns_pid_) {
      dns_pid_ = -1;
      return AssertionFailure() << "dnsmasq exited: " << ReadFile(dir_ / "dnsmasq.log");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string log = ReadFile(dir_ / "dnsmasq.log");
  StopDns();  // so that a retry on another port leaves no server behind
  return AssertionFailure() << "dnsmasq not listening: " << log;
}

AssertionResult DkimWorld::StopDns() {
  if (dns_pid_ <= 0) return AssertionSuccess();
  pid_t pid = dns_pid_;
  dns_pid_ = -1;
  kill(pid, SIGTERM);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) {
    return AssertionFailure() << "waitpid dnsmasq: " << strerror(errno);
  }
  return AssertionSuccess();
}

}  // namespace flexmail::test
