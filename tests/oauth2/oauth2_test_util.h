// A fake token endpoint that records the forms it is sent and answers from
// a script, and a fake pair of clocks the tests move by hand.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mail/oauth2.h"

namespace flexmail::test {

inline HttpAnswer Json200(const std::string& token, int expires_in) {
  HttpAnswer a;
  a.status = 200;
  a.body = R"({"token_type":"Bearer","access_token":")" + token + R"(","expires_in":)" +
           std::to_string(expires_in) + "}";
  return a;
}

inline HttpAnswer Reply(long status, std::string body) {
  HttpAnswer a;
  a.status = status;
  a.body = std::move(body);
  return a;
}

// What the fake endpoint saw and will answer; shared with the test, since
// the source owns the endpoint.
struct EndpointScript {
  std::mutex mu;
  std::vector<std::string> forms;
  std::deque<HttpAnswer> answers;  // taken in order; when empty, `respond` or `otherwise`
  std::function<HttpAnswer(const std::string& form)> respond;
  HttpAnswer otherwise = Reply(503, "");
};

class FakeEndpoint : public TokenEndpoint {
 public:
  explicit FakeEndpoint(std::shared_ptr<EndpointScript> script) : script_(std::move(script)) {}
  HttpAnswer Post(const std::string& form_body) override {
    std::lock_guard<std::mutex> lock(script_->mu);
    script_->forms.push_back(form_body);
    if (script_->answers.empty()) {
      return script_->respond ? script_->respond(form_body) : script_->otherwise;
    }
    HttpAnswer a = script_->answers.front();
    script_->answers.pop_front();
    return a;
  }

 private:
  std::shared_ptr<EndpointScript> script_;
};

struct FakeClock {
  SteadyTime steady{};  // starts at the epoch of steady_clock
  std::int64_t unix_now = 1'700'000'000;
  void Advance(std::chrono::seconds s) {
    steady += s;
    unix_now += s.count();
  }
  TokenClocks Clocks() {
    return {[this] { return steady; }, [this] { return unix_now; }};
  }
};

// application/x-www-form-urlencoded, decoded.
inline std::map<std::string, std::string> ParseForm(const std::string& body) {
  auto decode = [](const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i] == '+' ? ' ' : s[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string pair = body.substr(start, end - start);
    const size_t eq = pair.find('=');
    fields[decode(pair.substr(0, eq))] = eq == std::string::npos ? "" : decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return fields;
}

}  // namespace flexmail::test
