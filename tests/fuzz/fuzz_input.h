// What every fuzz target does with libFuzzer's bytes: view them as text, and
// cut leading lines off for the targets whose input has several pieces
// (a file name then the file, an HTTP status then the body...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flexmail::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// The text up to the first '\n' (excluded), removed from *rest with its
// '\n'; all of *rest when there is none.
inline std::string_view TakeLine(std::string_view* rest) {
  size_t end = rest->find('\n');
  std::string_view line = rest->substr(0, end);
  rest->remove_prefix(end == std::string_view::npos ? rest->size() : end + 1);
  return line;
}

}  // namespace flexmail::fuzz
