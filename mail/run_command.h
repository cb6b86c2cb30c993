// RunShellCommand: runs a site's helper program (`/bin/sh -c COMMAND`, the
// convention of mbsync's PassCmd and msmtp's passwordeval) and collects
// what it prints, within bounds.
//
// Promises, and why:
//  - no popen/system: posix_spawn with pipes, so the daemon's signal
//    handling and other threads are not disturbed, and the child gets stdin
//    from /dev/null, default signal dispositions, an empty signal mask, and
//    no descriptor of ours but its stdout and stderr;
//  - the child leads a new process group; at the deadline (or when it
//    prints more than allowed) the whole group is killed with SIGKILL and
//    the child is reaped before returning: no zombie, no leftover helper;
//  - the deadline covers the output too: a command that exits but leaves a
//    background process holding its stdout open is killed at the deadline.
//
// Thread safe (no shared state).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace flexmail {

struct CommandOutput {
  std::string spawn_error;  // not "": the command could not be started
  bool timed_out = false;   // killed at the deadline
  bool overflowed = false;  // printed more than max_stdout; killed
  int exit_status = -1;     // when it exited
  int signal = 0;           // when a signal ended it
  std::string out;          // stdout, at most max_stdout bytes
  std::string err_line;     // stderr's first line, printable, at most 200 bytes
};

CommandOutput RunShellCommand(const std::string& command, std::chrono::milliseconds timeout,
                              std::size_t max_stdout);

}  // namespace flexmail
