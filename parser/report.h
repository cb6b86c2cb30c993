// Collecting a file's diagnostics, and making untrusted text fit in them.
//
// Every message quotes what was found. What is found comes from the shipper,
// so it is made printable (control and invisible formatting characters
// replaced by '?') and shortened before it goes into a message: a message
// always stays one printable line of bounded length.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostic.h"

namespace flexmail::parser {

// Longest quoted excerpt of a field, in characters, before "…".
constexpr size_t kQuoteChars = 40;
// Longest file name shown in diagnostics, in characters, before "…".
constexpr size_t kFileNameChars = 120;

// `s` with control characters (C0, DEL, C1), line/paragraph separators and
// bidirectional controls replaced by '?', bytes that are not UTF-8 replaced
// by '?', cut to `max_chars` characters followed by "…" when longer.
std::string Printable(std::string_view s, size_t max_chars);

// "« 12a »", or "un champ vide" for an empty field: what a message says was
// found.
std::string Found(std::string_view field);

// "1 champ", "7 champs": French count with the noun agreeing.
std::string Count(long n, std::string_view singular, std::string_view plural);

// Collects the diagnostics of one file, up to `max_errors`: a binary or
// badly cut file would otherwise produce a reply nobody can read. The first
// diagnostic over the limit is replaced by a BAD_FORMAT note that reading
// stopped, and nothing more is added.
class Reporter {
 public:
  Reporter(std::string_view file_name, std::vector<Diagnostic>* out, int max_errors);

  void Add(Code code, int line, int field, std::string message);
  // True once an error over the limit was seen: the caller stops reading.
  bool stopped() const { return stopped_; }
  int count() const { return count_; }

 private:
  std::string file_;
  std::vector<Diagnostic>* out_;
  int max_errors_;
  int count_ = 0;
  bool stopped_ = false;
};

}  // namespace flexmail::parser
