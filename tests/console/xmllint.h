// xmllint (libxml2-utils) over a piece of XML, for the tests that check
// the console's SVG parses on its own.
#pragma once

#include <string>

namespace flexmail::testing {

// Writes `xml` to a temporary file and runs `xmllint ARGS FILE`; its exit
// code, and in *out what it printed (trailing newlines dropped).
int Xmllint(const std::string& args, const std::string& xml, std::string* out = nullptr);

}  // namespace flexmail::testing
