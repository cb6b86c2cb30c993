// MIME parameters: parsing "type/subtype; name=value" fields and decoding
// RFC 2231 values (charset, percent-encoding, continuations).
//
// Everything is bounded: a parameter value is rejected beyond
// kMaxParamSegments continuation segments or kMaxParamBytes decoded bytes,
// so a hostile field costs time linear in its length and nothing more.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flexmail {

inline constexpr size_t kMaxParamSegments = 100;
inline constexpr size_t kMaxParamBytes = 1024;

struct MimeParam {
  std::string name;   // lower-cased as written, e.g. "filename*0*"
  std::string value;  // quotes removed and backslash escapes resolved
};

// Splits a structured field value ("text/csv; name=\"a.csv\"") into its
// leading value, lower-cased and trimmed ("text/csv"), and its parameters in
// order. Quoted strings may hold ';'; an unquoted value runs to the next ';'
// and is trimmed, so sloppy values like `report (1).csv` survive.
void ParseMimeParams(std::string_view field, std::string* value,
                     std::vector<MimeParam>* params);

// The value of a plain parameter `name` (first occurrence), or nullptr.
const MimeParam* FindParam(const std::vector<MimeParam>& params, std::string_view name);

// Outcome of decoding one parameter.
struct ParamText {
  bool found = false;            // a usable value is in `text`
  bool unknown_charset = false;  // `text` was read as Latin-1
  std::string text;              // UTF-8
  std::string problem;           // why a present value was refused or patched
  // FindFileName only: a name over the cap ending in ".csv", kept cut and
  // marked "…" in `text` so that it is reported as a bad file name.
  bool too_long = false;
};

// Decodes the RFC 2231 forms of parameter `name`: "name*=charset'lang'pct",
// or continuations "name*0", "name*0*", "name*1*"... in any order, encoded
// and plain segments mixed. Only the first segment names a charset. A gap
// in the numbering ends the value (the segments before it are kept).
// Not found when no such form is present or when it breaks the caps.
ParamText DecodeRfc2231(const std::vector<MimeParam>& params, std::string_view name);

// The file name of a part, looked up in this order: Content-Disposition
// `filename*` (RFC 2231), `filename` (RFC 2047 or plain), then Content-Type
// `name*`, `name`. An RFC 2047 word inside a quoted value is decoded.
ParamText FindFileName(const std::vector<MimeParam>& disposition_params,
                       const std::vector<MimeParam>& type_params);

}  // namespace flexmail
