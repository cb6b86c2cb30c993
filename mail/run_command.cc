#include "mail/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "mail/curl_util.h"

extern char** environ;

namespace flexmail {

namespace {

using Clock = std::chrono::steady_clock;

// Stderr is only quoted (its first line); the rest is read and dropped so
// that the program never blocks on a full pipe.
constexpr std::size_t kMaxStderrKept = 4096;

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

// The two pipes the child writes into; every end closed on destruction.
struct Pipes {
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  ~Pipes() {
    for (int* fd : {&out[0], &out[1], &err[0], &err[1]}) CloseFd(fd);
  }
  // Close-on-exec: another thread's spawn must not inherit them.
  bool Open() { return ::pipe2(out, O_CLOEXEC) == 0 && ::pipe2(err, O_CLOEXEC) == 0; }
};

struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// Starts `/bin/sh -c command` as the leader of a new process group, with
// /dev/null as stdin, the pipes as stdout and stderr, no other descriptor,
// and signals as a fresh process has them. Returns its pid, or -1.
pid_t Spawn(const std::string& command, const Pipes& p, std::string* error) {
  SpawnSetup s;
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&s.actions, p.out[1], 1);
  posix_spawn_file_actions_adddup2(&s.actions, p.err[1], 2);
  posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &all);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  char* argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"),
                  const_cast<char*>(command.c_str()), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, "/bin/sh", &s.actions, &s.attr, argv, environ);
  if (rc == 0) return pid;
  *error = std::strerror(rc);
  return -1;
}

int MillisecondsLeft(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60'000));
}

// Appends what `fd` has to `sink` (up to `max`, the rest dropped); closes it
// at end of file. Returns false when the output exceeds `max` and `fatal`.
bool Drain(int* fd, std::string* sink, std::size_t max, bool fatal) {
  char buf[4096];
  const ssize_t n = ::read(*fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) {
    CloseFd(fd);
    return true;
  }
  const std::size_t len = static_cast<std::size_t>(n);
  if (len > max - std::min(max, sink->size())) {
    if (fatal) return false;
    sink->append(buf, max - std::min(max, sink->size()));
    return true;
  }
  sink->append(buf, len);
  return true;
}

// Reads stdout and stderr until both end. Returns false when the child must
// be killed: the deadline passed or stdout grew beyond max_stdout.
bool Collect(Pipes* p, Clock::time_point deadline, std::size_t max_stdout, CommandOutput* r,
             std::string* err) {
  while (p->out[0] >= 0 || p->err[0] >= 0) {
    pollfd fds[2] = {{p->out[0], POLLIN, 0}, {p->err[0], POLLIN, 0}};
    const int left = MillisecondsLeft(deadline);
    // poll fails only on EINTR or a broken process (EFAULT, ENOMEM): the
    // latter is treated as the deadline, which kills the child.
    const int rc = left > 0 ? ::poll(fds, 2, left) : 0;  // a negative fd is skipped
    if (left == 0 || (rc < 0 && errno != EINTR)) {
      r->timed_out = true;
      return false;
    }
    if (rc <= 0) continue;
    if (fds[0].revents != 0 && !Drain(&p->out[0], &r->out, max_stdout, true)) {
      r->overflowed = true;
      return false;
    }
    if (fds[1].revents != 0) Drain(&p->err[0], err, kMaxStderrKept, false);
  }
  return true;
}

// Reaps the child; at the deadline (or at once when `kill_now`) kills its
// process group first. A child that closed its output early still gets
// until the deadline to exit.
void Reap(pid_t pid, bool kill_now, Clock::time_point deadline, CommandOutput* r) {
  int status = 0;
  pid_t done = 0;
  while (!kill_now && (done = ::waitpid(pid, &status, WNOHANG)) == 0) {
    if (Clock::now() >= deadline) {
      r->timed_out = kill_now = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (kill_now) {
    ::kill(-pid, SIGKILL);
    while ((done = ::waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
  }
  if (done != pid) return;  // cannot happen unless SIGCHLD is ignored
  if (WIFEXITED(status)) r->exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r->signal = WTERMSIG(status);
}

std::string FirstLine(const std::string& text) {
  return PrintableText(text.substr(0, text.find('\n')));
}

}  // namespace

CommandOutput RunShellCommand(const std::string& command, std::chrono::milliseconds timeout,
                              std::size_t max_stdout) {
  CommandOutput r;
  const Clock::time_point deadline = Clock::now() + timeout;
  Pipes pipes;
  if (!pipes.Open()) {
    r.spawn_error = std::string("cannot make a pipe: ") + std::strerror(errno);
    return r;
  }
  const pid_t pid = Spawn(command, pipes, &r.spawn_error);
  if (pid < 0) return r;
  // Our copies of the write ends go, so that end of file means the child's went.
  CloseFd(&pipes.out[1]);
  CloseFd(&pipes.err[1]);
  std::string err;
  const bool finished = Collect(&pipes, deadline, max_stdout, &r, &err);
  Reap(pid, !finished, deadline, &r);
  r.err_line = FirstLine(err);
  return r;
}

}  // namespace flexmail
