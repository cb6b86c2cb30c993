// CommandTokenSource with real commands through /bin/sh: what counts as a
// token, how failures read, the deadline (no process left behind), and how
// long a printed token is reused.
#include "mail/token_command.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "mail/jwt.h"
#include "mail/oauth2.h"
#include "mail/run_command.h"
#include "tests/oauth2/oauth2_test_util.h"

namespace flexmail {
namespace {

using std::chrono::seconds;
using test::FakeClock;

struct Outcome {
  Status status;
  std::string token;
};

Outcome RunOnce(const std::string& command, seconds timeout = seconds(30)) {
  FakeClock clock;
  CommandTokenSource source({command, timeout, {}}, clock.Clocks());
  Outcome r;
  r.status = source.Get(&r.token);
  return r;
}

struct CommandCase {
  const char* name;
  std::string command;
  std::string token;    // expected token, or "" for a failure
  std::string message;  // the message of the failure, or its start
};

// What the program prints and how it exits, and what Get makes of it.
TEST(CommandTokenSource, Table) {
  const std::string key = "oauth2.token_command";
  const std::vector<CommandCase> cases = {
      {"plain", "printf tok123", "tok123", ""},
      {"surrounding whitespace", "printf ' tok\\n'", "tok", ""},
      {"line of a password store", "echo 'ya29.a0Af-_~+/='", "ya29.a0Af-_~+/=", ""},
      {"nothing", "true", "", key + " printed no token (next try in 5 s)"},
      {"only blanks", "printf ' \\n\\t'", "", key + " printed no token (next try in 5 s)"},
      {"stdin is /dev/null", "cat", "", key + " printed no token (next try in 5 s)"},
      {"failure with stderr", "echo 'provider down: 503' >&2; printf junk; exit 3", "",
       key + " exited with status 3: provider down: 503 (next try in 5 s)"},
      {"first line of stderr only", "printf 'first\\nsecond\\n' >&2; exit 2", "",
       key + " exited with status 2: first (next try in 5 s)"},
      {"failure without stderr", "exit 1", "", key + " exited with status 1 (next try in 5 s)"},
      {"killed", "kill -TERM $$", "", key + " was killed by signal 15 (next try in 5 s)"},
      {"no such program", "/nonexistent/helper", "",
       key + " exited with status 127: /bin/sh: "},  // the rest is the shell's wording
      {"inner space", "printf 'tok en'", "",
       key + " printed something that is not a token (spaces or control characters inside it) "
             "(next try in 5 s)"},
      {"two lines", "printf 'tok\\nen\\n'", "",
       key + " printed something that is not a token (spaces or control characters inside it) "
             "(next try in 5 s)"},
      {"20 KiB", "head -c 20480 /dev/zero | tr '\\000' a", "",
       key + " printed more than 16 KiB (next try in 5 s)"},
  };
  for (const CommandCase& c : cases) {
    Outcome r = RunOnce(c.command);
    if (!c.token.empty()) {
      EXPECT_TRUE(r.status.ok()) << c.name << ": " << r.status.ToString();
      EXPECT_EQ(r.token, c.token) << c.name;
    } else {
      EXPECT_EQ(r.status.kind(), Status::Kind::kTransient) << c.name;
      EXPECT_EQ(r.status.message().substr(0, c.message.size()), c.message) << c.name;
    }
  }
}

// The program gets /dev/null as stdin and none of our other descriptors,
// even one opened without close-on-exec.
TEST(RunShellCommand, NoDescriptorLeaks) {
  const int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 3);
  const std::string n = std::to_string(leaky);
  CommandOutput r = RunShellCommand(
      "if [ -e /proc/$$/fd/" + n + " ]; then printf 'leaked '; fi; readlink /proc/$$/fd/0",
      std::chrono::seconds(30), 4096);
  ::close(leaky);
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_EQ(r.out, "/dev/null\n");
}

// Children of this process that died and were not reaped.
int Zombies() {
  int count = 0;
  const std::string me = std::to_string(::getpid());
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // "pid (comm) state ppid ...": comm may hold spaces, so from the last ')'.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string state, ppid;
    rest >> state >> ppid;
    if (ppid == me && state == "Z") ++count;
  }
  return count;
}

// Whether `pid` is gone (or dead, waiting for its new parent to reap it).
bool Dead(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  return line.substr(line.rfind(')') + 2, 1) == "Z";
}

// A program that outlives its deadline is killed with its whole process
// group, and reaped: Get returns soon after the deadline with no zombie and
// no background process left.
TEST(CommandTokenSource, DeadlineKillsTheProcessGroup) {
  const std::string pid_file =
      (std::filesystem::temp_directory_path() / ("flexmail-sleep-" + std::to_string(::getpid())))
          .string();
  const auto start = std::chrono::steady_clock::now();
  Outcome r = RunOnce("sleep 60 & echo $! > " + pid_file + "; echo waiting >&2; wait", seconds(1));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status.kind(), Status::Kind::kTransient);
  EXPECT_EQ(
      r.status.message(),
      "oauth2.token_command did not finish within 1 s and was killed: waiting (next try in 5 s)");
  EXPECT_LT(took, seconds(10));  // generous: the deadline is 1 s
  EXPECT_EQ(Zombies(), 0);
  pid_t sleeper = 0;
  std::ifstream(pid_file) >> sleeper;
  std::filesystem::remove(pid_file);
  ASSERT_GT(sleeper, 0);
  // SIGKILL is delivered at once, but the exit completes asynchronously.
  for (int i = 0; i < 100 && !Dead(sleeper); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(Dead(sleeper));
}

// Ordinary runs leave no zombie either.
TEST(CommandTokenSource, ReapsEveryChild) {
  for (const char* command : {"printf tok", "exit 4", "kill -KILL $$"}) RunOnce(command);
  EXPECT_EQ(Zombies(), 0);
}

std::string JwtWithExp(std::int64_t exp) {
  return Base64UrlEncode(R"({"alg":"RS256"})") + "." +
         Base64UrlEncode(R"({"aud":"https://outlook.office365.com","exp":)" + std::to_string(exp) +
                         "}") +
         ".c2lnbmF0dXJl";
}

// A printed JWT is reused for 80 % of the life its exp gives it.
TEST(CommandTokenSource, ReusesAJwtUntilEightyPercentOfItsLife) {
  FakeClock clock;
  const std::string jwt = JwtWithExp(clock.unix_now + 1000);
  CommandTokenSource source({"printf '%s\\n' " + jwt, seconds(30), {}}, clock.Clocks());
  std::string token;
  ASSERT_TRUE(source.Get(&token).ok());
  EXPECT_EQ(token, jwt);
  clock.Advance(seconds(799));
  ASSERT_TRUE(source.Get(&token).ok());
  EXPECT_EQ(source.requests(), 1u);
  clock.Advance(seconds(1));
  ASSERT_TRUE(source.Get(&token).ok());
  EXPECT_EQ(source.requests(), 2u);
}

// An opaque token is reused for 300 s at most.
TEST(CommandTokenSource, ReusesAnOpaqueTokenForFiveMinutes) {
  FakeClock clock;
  CommandTokenSource source({"printf opaque", seconds(30), {}}, clock.Clocks());
  std::string token;
  ASSERT_TRUE(source.Get(&token).ok());
  clock.Advance(seconds(299));
  ASSERT_TRUE(source.Get(&token).ok());
  EXPECT_EQ(source.requests(), 1u);
  clock.Advance(seconds(1));
  ASSERT_TRUE(source.Get(&token).ok());
  EXPECT_EQ(source.requests(), 2u);
}

// A failing program is not run again before its backoff ends; Refused
// forces a new run of a working one.
TEST(CommandTokenSource, BacksOffAndHonoursRefused) {
  FakeClock clock;
  const std::string flag =
      (std::filesystem::temp_directory_path() / ("flexmail-flag-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove(flag);
  // Fails until the flag file exists, then prints a new token each run.
  CommandTokenSource source(
      {"test -e " + flag + " || exit 1; printf tok-; date +%N", seconds(30), {}}, clock.Clocks());
  std::string token;
  Status s = source.Get(&token);
  EXPECT_EQ(s.message(), "oauth2.token_command exited with status 1 (next try in 5 s)");
  std::ofstream(flag) << "";
  clock.Advance(seconds(1));
  s = source.Get(&token);
  EXPECT_EQ(s.message(), "oauth2.token_command exited with status 1 (next try in 4 s)");
  EXPECT_EQ(source.requests(), 1u);
  clock.Advance(seconds(4));
  ASSERT_TRUE(source.Get(&token).ok());
  const std::string first = token;
  source.Refused(first);
  ASSERT_TRUE(source.Get(&token).ok());
  EXPECT_NE(token, first);
  EXPECT_EQ(source.requests(), 3u);
  std::filesystem::remove(flag);
}

// The factory picks the command when one is configured, and refuses it
// beside another credential.
TEST(MakeTokenSource, TokenCommand) {
  std::shared_ptr<TokenSource> source;
  OAuth2Options o;
  ASSERT_TRUE(MakeTokenSource(o, "printf from-command", &source).ok());
  std::string token;
  ASSERT_TRUE(source->Get(&token).ok());
  EXPECT_EQ(token, "from-command");

  o.client_secret = "x";
  Status s = MakeTokenSource(o, "printf from-command", &source);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_NE(s.message().find("oauth2.token_command is set together with oauth2.client_secret_file"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace flexmail
