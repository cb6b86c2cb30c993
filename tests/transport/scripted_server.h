// ScriptedServer: a line-based TCP server on 127.0.0.1 that answers from a
// script, for the client failures a real server will not produce on demand
// (no STARTTLS on an IMAP port, silence, a 4xx to RCPT). It is not a mail
// server and the tests that use it say so.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace flexmail::test {

class ScriptedServer {
 public:
  // `greeting` is sent on accept ("" = say nothing); `respond` gets each line
  // received (without CR LF) and returns the bytes to send back.
  ScriptedServer(std::string greeting, std::function<std::string(const std::string&)> respond)
      : greeting_(std::move(greeting)), respond_(std::move(respond)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 4) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "scripted server cannot listen";
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  std::vector<std::string> received() const {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }
  // Everything received, one line each, for "does it contain the password?".
  std::string Transcript() const {
    std::string all;
    for (const auto& l : received()) all += l + "\n";
    return all;
  }

 private:
  bool Wait(int fd) {
    pollfd p{fd, POLLIN, 0};
    while (!stop_) {
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }
  void Loop() {
    while (Wait(listen_fd_)) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      Serve(fd);
      ::close(fd);
    }
  }
  void Serve(int fd) {
    if (!greeting_.empty()) Send(fd, greeting_);
    std::string buffer;
    char chunk[4096];
    while (Wait(fd)) {
      ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<size_t>(n));
      for (size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
        std::string line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        {
          std::lock_guard<std::mutex> lock(mu_);
          received_.push_back(line);
        }
        Send(fd, respond_(line));
      }
    }
  }
  static void Send(int fd, const std::string& data) {
    if (!data.empty()) (void)!::write(fd, data.data(), data.size());
  }

  std::string greeting_;
  std::function<std::string(const std::string&)> respond_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<std::string> received_;
  std::thread thread_;
};

}  // namespace flexmail::test
