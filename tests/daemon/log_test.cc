// Printable: untrusted text made fit for one log line.
#include "daemon/log.h"

#include <gtest/gtest.h>

#include <string>

namespace flexmail {
namespace {

TEST(LogPrintable, Table) {
  struct Case {
    std::string in;
    std::size_t max;
    std::string want;
  } cases[] = {
      {"plain text", 200, "plain text"},
      {"Quimper énergie", 200, "Quimper énergie"},               // UTF-8 kept
      {"a\r\nb\tc\x7f", 200, "a??b?c?"},                          // controls
      {"bad \xff byte", 200, "bad ? byte"},                        // not UTF-8
      {"overlong \xc0\xaf", 200, "overlong ??"},                   // overlong '/'
      {"surrogate \xed\xa0\x80", 200, "surrogate ???"},            // U+D800
      {"abcdef", 4, "abcd…"},                                      // cut at max bytes
      {"ab\xc3\xa9", 3, "ab…"},                                    // never inside a character
  };
  for (const auto& c : cases) EXPECT_EQ(Printable(c.in, c.max), c.want) << c.in;
}

}  // namespace
}  // namespace flexmail
