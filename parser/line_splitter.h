// Cutting a file's decoded text into lines, over the text itself: no copy,
// no allocation, so a small file costs no more than its few lines.
//
// The cut is the one the declaration reader has always made:
// - a line ends at '\n'; one '\r' just before it (or at the very end of the
//   text) is dropped with it, any other '\r' is an ordinary character;
// - the last line needs no '\n'; a text ending with '\n' has no empty line
//   after it, and an empty text has no line at all;
// - a UTF-8 BOM at the start of the text is skipped;
// - every other byte, NUL included, is content (the reader refuses NULs
//   before splitting);
// - a line whose bytes before its '\n' ('\r' included) number more than
//   `max_bytes` stops the cut: Next says kTooLong, and nothing follows.
// Line numbers count from 1 and stay physical.
#pragma once

#include <cstddef>
#include <string_view>

namespace flexmail::parser {

enum class LineStatus { kLine, kEnd, kTooLong };

class LineSplitter {
 public:
  // REQUIRES: `text` outlives the splitter and the lines it hands out.
  LineSplitter(std::string_view text, size_t max_bytes);

  // kLine: *line is the next line, without its end. kTooLong: the next line
  // is over the limit (number() is its number); the splitter is then at
  // its end. kEnd: no line left.
  LineStatus Next(std::string_view* line);

  // The number of the line Next last spoke of.
  int number() const { return number_; }

 private:
  std::string_view rest_;
  size_t max_bytes_;
  int number_ = 0;
};

}  // namespace flexmail::parser
