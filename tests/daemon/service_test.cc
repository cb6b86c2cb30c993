// The real `flexmail run` service on a Maildir: it answers an email that
// arrives while it runs, stops cleanly and quickly on SIGTERM, and
// `flexmail status` reports its health with a monitoring exit code.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/daemon/testbed.h"
#include "tests/transport/scripted_server.h"

namespace flexmail::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kServiceConfig = R"(
[mail]
address = "declarations@flexmail.example"
[inbox]
maildir = "Maildir"
poll_interval = 1
[outbox]
directory = "outbox"
)";

pid_t StartService(const Testbed& bed) {
  pid_t pid = fork();
  if (pid == 0) {
    std::string log = bed.dir() + "/service.log";
    freopen(log.c_str(), "w", stderr);
    execl(BinaryPath().c_str(), "flexmail", "--config", bed.config().c_str(), "run",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

size_t Files(const std::string& dir) {
  if (!fs::exists(dir)) return 0;
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string()[0] != '.';
  return n;
}

// Starts `flexmail run` on the bed (Maildir inbox) and delivers one
// shipper's email into the Maildir. The file's mtime, its reception
// instant, is set to the day before the declared gas day: the service runs
// on the real clock, and the verdict must not depend on today's date.
pid_t StartAndDeliver(const Testbed& bed) {
  for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(bed.dir() + "/Maildir/" + sub);
  pid_t pid = StartService(bed);
  DeliverToMaildir(bed, "1.msg", Fixture("py-alternative-signature.eml"), "2026-12-02T15:00:00");
  return pid;
}

// Sends SIGTERM and expects a clean exit (status 0) within 5 s.
void ExpectStopsOnSigterm(pid_t pid) {
  auto stop_start = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  bool exited = WaitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; },
                        std::chrono::seconds(5));
  if (!exited) kill(pid, SIGKILL), waitpid(pid, &status, 0);
  EXPECT_TRUE(exited) << "still running 5 s after SIGTERM";
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, std::chrono::seconds(5));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// Given a running service, an email delivered to the Maildir is processed
// and answered at the next poll; SIGTERM stops the service within 5 s with
// exit status 0, and status then reports a recent successful poll.
TEST(Service, AnswersThenStopsOnSigterm) {
  Testbed bed(kServiceConfig);
  pid_t pid = StartAndDeliver(bed);
  ASSERT_GT(pid, 0);
  bool answered = WaitFor([&] { return Files(bed.dir() + "/outbox") == 1; },
                          std::chrono::seconds(15));
  EXPECT_TRUE(answered) << ReadFile(bed.dir() + "/service.log");
  EXPECT_EQ(Files(bed.dir() + "/Maildir/.Processed/cur"), 1u);
  ExpectStopsOnSigterm(pid);
  std::string log = ReadFile(bed.dir() + "/service.log");
  EXPECT_NE(log.find("flexmail stopped"), std::string::npos) << log;
  EXPECT_NE(log.find("from ops@engie.example: INTEGRATED"), std::string::npos) << log;
  auto r = RunBinary({"--config", bed.config(), "status", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["healthy"], true);
  EXPECT_EQ(j["outbox"]["SENT"], 1);
  EXPECT_FALSE(j["lastSuccessfulPoll"].is_null());
}

// Given the running service with its ledger at its cap, as on a full disk,
// and two emails that do not fit: both wait in the inbox, each poll logs
// exactly one error (the poll's, not one per message), nothing else is an
// error, and the service keeps running; restarted with room, it answers
// both.
TEST(Service, KeepsRunningOnAFullLedgerWithOneErrorPerPoll) {
  Testbed bed(kServiceConfig);
  SetDatabaseCap(bed, 1);
  const std::string raw = Fixture("py-alternative-signature.eml");
  DeliverToMaildir(bed, "1.msg", Padded(raw), "2026-12-02T15:00:00");
  DeliverToMaildir(bed, "2.msg", Padded(raw.substr(0, raw.find("<py-alt@")) + "<second@" +
                                   raw.substr(raw.find("<py-alt@") + 8)),
              "2026-12-02T15:01:00");
  pid_t pid = StartService(bed);
  ASSERT_GT(pid, 0);
  const std::string log_path = bed.dir() + "/service.log";
  const bool polled_thrice = WaitFor(
      [&] { return Occurrences(ReadFile(log_path), "retrying at the next poll") >= 3; },
      std::chrono::seconds(15));
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, WNOHANG), 0) << "the service exited";
  ExpectStopsOnSigterm(pid);
  std::string log = ReadFile(log_path);
  EXPECT_TRUE(polled_thrice) << log;
  const size_t polls = Occurrences(log, "retrying at the next poll");
  EXPECT_EQ(Occurrences(log, " error "), polls) << log;
  EXPECT_EQ(Occurrences(log, "database or disk is full"), polls) << log;
  EXPECT_EQ(Files(bed.dir() + "/Maildir/new") + Files(bed.dir() + "/Maildir/cur"), 2u);
  EXPECT_EQ(Files(bed.dir() + "/outbox"), 0u);

  SetDatabaseCap(bed, 100);
  pid = StartService(bed);
  ASSERT_GT(pid, 0);
  bool answered = WaitFor([&] { return Files(bed.dir() + "/outbox") == 2; },
                          std::chrono::seconds(15));
  ExpectStopsOnSigterm(pid);
  EXPECT_TRUE(answered) << ReadFile(log_path);
  EXPECT_EQ(Files(bed.dir() + "/Maildir/new") + Files(bed.dir() + "/Maildir/cur"), 0u);
}

// A free loopback port (bound, read, released).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

std::string HttpStatus(int port, const std::string& path) {
  std::string cmd = "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:" +
                    std::to_string(port) + path;
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[16];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  return out;
}

// Given [http] listen, the running service should serve the console beside
// the intake (its read-only connection to the live WAL ledger): /healthz
// 200 once a poll succeeded, then nothing after SIGTERM.
TEST(Service, ServesTheConsoleWhenConfigured) {
  const int port = FreePort();
  Testbed bed(std::string(kServiceConfig) + "[http]\nlisten = \"127.0.0.1:" +
              std::to_string(port) + "\"\n");
  pid_t pid = StartAndDeliver(bed);
  ASSERT_GT(pid, 0);
  bool healthy = WaitFor([&] { return HttpStatus(port, "/healthz") == "200"; },
                         std::chrono::seconds(15));
  EXPECT_TRUE(healthy) << ReadFile(bed.dir() + "/service.log");
  EXPECT_EQ(HttpStatus(port, "/"), "200");
  ExpectStopsOnSigterm(pid);
  EXPECT_EQ(HttpStatus(port, "/healthz"), "000");  // nobody listens any more
}

// A relay that greets, then never answers: SIGTERM while a reply is being
// sent to it still stops the service within 5 s (not after the 60 s
// low-speed timeout), and the reply waits in the outbox, PENDING, its
// interrupted send not counted as an attempt.
TEST(Service, StopsPromptlyWhileARelayIsSilent) {
  test::ScriptedServer relay("220 scripted ESMTP\r\n",
                             [](const std::string&) { return std::string(); });
  Testbed bed(std::string(kServiceConfig) + "[smtp]\nurl = \"smtp://127.0.0.1:" +
              std::to_string(relay.port()) +
              "\"\nrequire_tls = false\nrequire_auth = false\nlow_speed_time = 60\n");
  pid_t pid = StartAndDeliver(bed);
  ASSERT_GT(pid, 0);
  bool sending = WaitFor([&] { return !relay.received().empty(); }, std::chrono::seconds(15));
  EXPECT_TRUE(sending) << ReadFile(bed.dir() + "/service.log");
  ExpectStopsOnSigterm(pid);
  auto r = RunBinary({"--config", bed.config(), "outbox", "list", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["replies"].size(), 1u) << r.out;
  EXPECT_EQ(j["replies"][0]["state"], "PENDING");
  EXPECT_EQ(j["replies"][0]["attempts"], 0) << "interrupted by the stop: not an attempt";
}

// A certificate file that cannot be read stops the service before it
// reads any mail: exit 2 within 5 s, the log naming the file.
TEST(Service, RefusesToStartWhenAuthenticationCannotLoad) {
  Testbed bed(kServiceConfig, "authentication = \"smime\"\ncertificates = [\"missing.pem\"]\n");
  for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(bed.dir() + "/Maildir/" + sub);
  pid_t pid = StartService(bed);
  ASSERT_GT(pid, 0);
  int status = 0;
  bool exited = WaitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; },
                        std::chrono::seconds(5));
  if (!exited) kill(pid, SIGKILL), waitpid(pid, &status, 0);
  EXPECT_TRUE(exited) << "still running 5 s after start";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << status;
  std::string log = ReadFile(bed.dir() + "/service.log");
  EXPECT_NE(log.find("missing.pem: cannot read the certificate file"), std::string::npos) << log;
  EXPECT_EQ(log.find("flexmail started"), std::string::npos) << log;
}

// Without any poll, status fails the monitoring check (exit 3) and says why.
TEST(Service, StatusUnhealthyWithoutPoll) {
  Testbed bed(kServiceConfig);
  auto r = RunBinary({"--config", bed.config(), "status"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("UNHEALTHY - no successful poll recorded"), std::string::npos) << r.out;
}

// The gas-day report lists the day's declarations and programmes.
TEST(Service, ReportOfTheDay) {
  Testbed bed(kServiceConfig);
  auto csv = bed.WriteCsv("20261203", {Line("20261203", 1, Flat("100"))});
  ASSERT_EQ(RunBinary({"--config", bed.config(), "submit", csv, "--sender", "ops@engie.example",
                       "--received-at", "2026-12-03T07:00:00"})
                .exit_code,
            0);
  auto r = RunBinary({"--config", bed.config(), "report", "--gas-day", "2026-12-03", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["declarations"].size(), 1u);
  EXPECT_EQ(j["declarations"][0]["outcome"], "INTEGRATED");
  EXPECT_EQ(j["hmsProfiles"].size(), 1u);
  EXPECT_EQ(j["hmsProfiles"][0]["hmsProfileId"], "20261203-LI0001-GFQUIMP01-1");
}

}  // namespace
}  // namespace flexmail::testing
