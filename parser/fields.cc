#include "parser/fields.h"

namespace flexmail::parser {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(const char* begin, const char* end) {
  while (begin < end && IsBlank(*begin)) ++begin;
  while (end > begin && IsBlank(end[-1])) --end;
  return {begin, static_cast<size_t>(end - begin)};
}

// Reads a quoted field whose opening quote is at *pos; unescapes it in
// place. On success *pos is just past the closing quote.
bool ReadQuoted(char** pos, char* end, std::string_view* text) {
  char* src = *pos + 1;
  char* dst = src;
  char* start = src;
  while (src < end) {
    if (*src != '"') {
      *dst++ = *src++;
    } else if (src + 1 < end && src[1] == '"') {
      *dst++ = '"';
      src += 2;
    } else {
      *text = {start, static_cast<size_t>(dst - start)};
      *pos = src + 1;
      return true;
    }
  }
  return false;
}

// Fields are a few bytes long: a plain loop beats a memchr call per field.
char* FindSeparator(char* p, char* end, char sep) {
  while (p < end && *p != sep) ++p;
  return p;
}

}  // namespace

SplitResult SplitFields(char* line, size_t len, char sep, std::vector<Field>* fields) {
  fields->clear();
  SplitResult result;
  char* p = line;
  char* end = line + len;
  for (;;) {
    char* q = p;
    while (q < end && IsBlank(*q)) ++q;
    Field f;
    char* field_end;
    if (q < end && *q == '"') {
      f.quoted = true;
      if (!ReadQuoted(&q, end, &f.text)) {
        result.error = SplitError::kUnterminatedQuote;
        result.error_field = static_cast<int>(fields->size()) + 1;
        return result;
      }
      field_end = FindSeparator(q, end, sep);
      std::string_view after = Trim(q, field_end);
      if (!after.empty()) {
        result.error = SplitError::kTextAfterQuote;
        result.error_field = static_cast<int>(fields->size()) + 1;
        result.trailing = after;
        return result;
      }
    } else {
      field_end = FindSeparator(p, end, sep);
      f.text = Trim(p, field_end);
    }
    fields->push_back(f);
    if (field_end == end) break;
    p = field_end + 1;
  }
  return result;
}

void DropTolerableTrailingField(std::vector<Field>* fields, size_t expected) {
  if (fields->size() > expected && fields->back().text.empty() && !fields->back().quoted) {
    fields->pop_back();
  }
}

bool IsBlankLine(std::string_view line, char sep) {
  for (char c : line) {
    if (!IsBlank(c) && (sep == '\0' || c != sep)) return false;
  }
  return true;
}

char DetectSeparator(std::string_view header_line) {
  bool has_semicolon = header_line.find(';') != std::string_view::npos;
  bool has_comma = header_line.find(',') != std::string_view::npos;
  return !has_semicolon && has_comma ? ',' : ';';
}

}  // namespace flexmail::parser
