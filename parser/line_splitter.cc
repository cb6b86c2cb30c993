#include "parser/line_splitter.h"

#include <cstring>

#include "parser/encoding.h"

namespace flexmail::parser {

LineSplitter::LineSplitter(std::string_view text, size_t max_bytes)
    : rest_(StripUtf8Bom(text)), max_bytes_(max_bytes) {}

LineStatus LineSplitter::Next(std::string_view* line) {
  if (rest_.empty()) return LineStatus::kEnd;
  ++number_;
  // Looking no further than one byte past the limit keeps a garbage file
  // with no line break from being scanned to its end.
  size_t window = rest_.size() <= max_bytes_ ? rest_.size() : max_bytes_ + 1;
  const void* hit = std::memchr(rest_.data(), '\n', window);
  size_t len = hit ? static_cast<size_t>(static_cast<const char*>(hit) - rest_.data())
                   : rest_.size();
  if (len > max_bytes_) {
    rest_ = {};
    return LineStatus::kTooLong;
  }
  *line = rest_.substr(0, len);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  rest_.remove_prefix(hit ? len + 1 : len);
  return LineStatus::kLine;
}

}  // namespace flexmail::parser
