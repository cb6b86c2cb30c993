// Reading Export_DECLARATIONS_CCG CSV files (RULES §7) into the rules' input
// model. Never throws; every problem becomes a located Diagnostic.
//
// Where RULES §7 leaves room, the reading is:
// - text: UTF-8 (BOM dropped) when valid, else Windows-1252; a UTF-16 file or
//   one holding a NUL byte is not text and is refused with one BAD_FORMAT;
// - lines end with LF or CR LF; a lone CR is an ordinary character, and the
//   last line needs no line end;
// - separator ';', or ',' when the first non-blank line has ',' and no ';';
// - a blank line is made of spaces, tabs and separators only (spreadsheets
//   write ";;;;" for empty rows); trailing ones are ignored, any other one is
//   BAD_FORMAT; the header is the first non-blank line;
// - a line ending with the separator loses that last empty field only when
//   it has more fields than expected (a 24th value may be empty);
// - quoted content is kept as is (spaces included); a quote in the middle of
//   an unquoted field is an ordinary character;
// - DECLARATIONS_CCG, UPLOAD and PROD compare case-insensitively;
// - numbers (qMin, qMax, the 24 values) as spreadsheets write them: an
//   exponent, a trailing decimal mark, -0 as 0, no-break spaces between
//   thousands; no ordinary space, second mark, '+', NaN or infinity
//   (ParseQuantity in parser/values.h);
// - limits: 16384 bytes per line, 200 errors per file (then one note and
//   reading stops); a line over 16 MiB stops the reading too;
// - Diagnostic::file is the attachment name made printable (control
//   characters replaced by '?', at most 120 characters); DeclarationFile::name
//   keeps it as sent.
#pragma once

#include <string>
#include <string_view>

#include "rules/programme.h"

namespace flexmail {

struct RawFile {
  std::string name;   // as sent by the shipper; never used as a path
  std::string bytes;  // the file's content, untouched
};

// True when `name` is "Export_DECLARATIONS_CCG-UPLOAD-YYYYMMDD_<14..17
// digits>.csv" (case-insensitive) with a valid date; sets *day.
bool ParseDeclarationFileName(std::string_view name, GasDay* day);

// Reads one file: the file-name check, the header line, every programme line.
// Appends the file to out->files and every problem to out->diagnostics.
void ParseDeclarationFile(const RawFile& file, ParsedDeclaration* out);

}  // namespace flexmail
