// Looking for markup in a page, for the console's tests.
#pragma once

#include <string>

namespace flexmail::testing {

inline bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// Occurrences of `what` in `text`, overlapping ones included.
inline int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace flexmail::testing
