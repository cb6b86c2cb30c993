// Helpers shared by the mail tests: reading committed fixtures.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "mail/message.h"

namespace flexmail::testing {

inline std::string FixturePath(const std::string& name) {
  const char* source = std::getenv("FLEXMAIL_SOURCE_DIR");
  std::string dir = source != nullptr ? std::string(source) + "/tests/mail/fixtures"
                                      : std::string(FLEXMAIL_MAIL_FIXTURES);
  return dir + "/" + name;
}

// The bytes of a committed fixture (fails the test when it is missing).
inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(FixturePath(name), std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << FixturePath(name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline ParsedMessage ParseFixture(const std::string& name, const MailLimits& limits = {}) {
  ParsedMessage m;
  Status s = ParseMessage(ReadFixture(name), limits, &m);
  EXPECT_TRUE(s.ok()) << name << ": " << s.message();
  return m;
}

// Every LF not already preceded by CR becomes CRLF, as IMAP serves messages.
inline std::string ToCrlf(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out.push_back('\r');
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace flexmail::testing
