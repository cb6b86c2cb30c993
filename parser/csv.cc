#include "parser/csv.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "parser/encoding.h"
#include "parser/fields.h"
#include "parser/file_name.h"
#include "parser/line_splitter.h"
#include "parser/lines.h"
#include "parser/report.h"

namespace flexmail {
namespace parser {
namespace {

// A programme line is a few hundred bytes; anything this long is not a
// declaration, and bounding it bounds the work and the memory per line.
constexpr size_t kMaxLineBytes = 16384;
// Shorter than any well-formed programme line (34 fields, ids and dates).
constexpr size_t kMinLineBytes = 128;
// A line this long (16 MiB) is no declaration gone wrong but something else
// altogether: reading stops there instead of scanning on for more lines.
constexpr size_t kStopLineBytes = (size_t{1} << 24) - 1;
// A reply listing more errors than this helps nobody.
constexpr int kMaxErrorsPerFile = 200;

std::string TooLong(size_t bytes) {
  return "ligne trop longue : " + std::to_string(bytes) + " octets, au plus " +
         std::to_string(kMaxLineBytes) + " attendus";
}

// The line-by-line state of one file. The header is the first non-blank
// line (blank lines before it are reported, and line numbers stay
// physical); every non-blank line after it is a programme line.
class LineLoop {
 public:
  LineLoop(DeclarationFile* file, Reporter* report) : file_(file), report_(report) {}
  void OnLine(int number, std::string_view text);
  void Finish();

 private:
  void FlushBlankLines();
  char* Writable(std::string_view view);

  DeclarationFile* file_;
  Reporter* report_;
  char sep_ = ';';
  bool header_seen_ = false;
  int blank_first_ = 0;  // pending run of blank lines, reported only when
  int blank_last_ = -1;  // something follows them
  std::vector<Field> fields_;
  std::string line_;  // see Writable
};

void LineLoop::OnLine(int number, std::string_view view) {
  size_t len = view.size();
  bool too_long = len > kMaxLineBytes;
  if (!too_long && IsBlankLine(view, header_seen_ ? sep_ : '\0')) {
    if (blank_last_ < blank_first_) blank_first_ = number;
    blank_last_ = number;
    return;
  }
  FlushBlankLines();
  if (!header_seen_) {
    header_seen_ = true;
    sep_ = DetectSeparator(view);
    if (!too_long) {
      FieldChecker check(report_, LineKind::kHeader, number, sep_);
      ParseHeaderLine(Writable(view), len, &check, &fields_, &file_->header_day);
    }
  } else {
    // Every line after the header is a programme, read or not, so that the
    // rules see one ProgrammeLine per line the shipper sent.
    ProgrammeLine& line = file_->programmes.emplace_back();
    line.line = number;
    if (!too_long) {
      FieldChecker check(report_, LineKind::kProgramme, number, sep_);
      ParseProgrammeLine(Writable(view), len, &check, &fields_, &line);
    }
  }
  if (too_long) report_->Add(Code::BAD_FORMAT, number, 0, TooLong(len));
}

// Field splitting unquotes in place, and the text is the shipper's, const:
// each line is read from a copy, in one buffer reused from line to line.
char* LineLoop::Writable(std::string_view view) {
  line_.assign(view);
  return line_.data();
}

void LineLoop::FlushBlankLines() {
  const char* message = header_seen_
                            ? "ligne vide suivie d'autres lignes, attendu une ligne de programme"
                            : "ligne vide en début de fichier, attendu l'en-tête DECLARATIONS_CCG";
  for (int n = blank_first_; n <= blank_last_ && !report_->stopped(); ++n) {
    report_->Add(Code::BAD_FORMAT, n, 0, message);
  }
  blank_last_ = blank_first_ - 1;
}

// Blank lines still pending here are trailing ones: ignored.
void LineLoop::Finish() {
  if (!header_seen_) {
    report_->Add(Code::BAD_FORMAT, 0, 0,
                 "fichier vide, attendu l'en-tête DECLARATIONS_CCG puis au moins une ligne de "
                 "programme");
  } else if (file_->programmes.empty()) {
    report_->Add(Code::BAD_FORMAT, 0, 0,
                 "aucune ligne de programme après l'en-tête, attendu au moins une ligne de 34 "
                 "champs");
  }
}

// Line and column (in characters) of the first NUL byte, if any.
bool FindNul(std::string_view text, int* line, size_t* column) {
  size_t at = text.find('\0');
  if (at == std::string_view::npos) return false;
  size_t line_start = text.rfind('\n', at);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  *line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + line_start, '\n'));
  *column = 1;
  for (size_t i = line_start; i < at; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++*column;
  }
  return true;
}

// A text file never holds NUL bytes: such a file is refused outright, with
// one diagnostic instead of one per garbage line.
bool CheckIsText(std::string_view bytes, std::string_view text, Reporter* report) {
  if (HasUtf16Bom(bytes)) {
    report->Add(Code::BAD_FORMAT, 0, 0,
                "fichier encodé en UTF-16, attendu UTF-8 ou Windows-1252 : fichier non lu");
    return false;
  }
  int line;
  size_t column;
  if (!FindNul(text, &line, &column)) return true;
  report->Add(Code::BAD_FORMAT, line, 0,
              "octet nul (0x00) en colonne " + std::to_string(column) +
                  ", attendu du texte UTF-8 ou Windows-1252 : fichier non lu");
  return false;
}

// memchr jumps from line to line; a byte-by-byte count is several times
// slower at -O2.
size_t CountLines(std::string_view text) {
  size_t lines = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (const void* hit = std::memchr(p, '\n', static_cast<size_t>(end - p))) {
    ++lines;
    p = static_cast<const char*>(hit) + 1;
  }
  return lines;
}

void ReadLines(std::string_view text, DeclarationFile* file, Reporter* report) {
  // One programme per line at most: reserving spares the moves of a
  // growing vector on large files. A real programme line is well over
  // kMinLineBytes long, so a file of empty lines cannot make this reserve
  // more than a small multiple of its own size.
  file->programmes.reserve(std::min(CountLines(text), text.size() / kMinLineBytes));
  LineSplitter lines(text, kStopLineBytes);
  LineLoop loop(file, report);
  std::string_view line;
  for (LineStatus status; (status = lines.Next(&line)) != LineStatus::kEnd;) {
    if (status == LineStatus::kTooLong) {
      report->Add(Code::BAD_FORMAT, lines.number(), 0,
                  "ligne trop longue : plus de " + std::to_string(kStopLineBytes) +
                      " octets, au plus " + std::to_string(kMaxLineBytes) +
                      " attendus : lecture du fichier arrêtée");
      return;
    }
    loop.OnLine(lines.number(), line);
    if (report->stopped()) return;
  }
  loop.Finish();
}

void ReadFile(const RawFile& raw, DeclarationFile* file, Reporter* report) {
  file->name_day = ReadFileName(raw.name, report);
  std::string storage;
  std::string_view text = DecodeTextView(raw.bytes, &storage);
  if (!CheckIsText(raw.bytes, text, report)) return;
  ReadLines(text, file, report);
}

}  // namespace
}  // namespace parser

void ParseDeclarationFile(const RawFile& file, ParsedDeclaration* out) {
  try {
    DeclarationFile parsed;
    parsed.name = file.name;
    parser::Reporter report(file.name, &out->diagnostics, parser::kMaxErrorsPerFile);
    try {
      parser::ReadFile(file, &parsed, &report);
    } catch (const std::exception& e) {
      // Only resource exhaustion can get here (a huge file's decoded copy):
      // still a located, readable refusal rather than a crash.
      report.Add(Code::BAD_FORMAT, 0, 0,
                 std::string("lecture du fichier interrompue : erreur interne (") +
                     parser::Printable(e.what(), parser::kQuoteChars) + ")");
    }
    out->files.push_back(std::move(parsed));
  } catch (...) {
    // Out of memory while recording the failure itself: nothing sensible
    // is left to do, and the promise is never to throw.
  }
}

}  // namespace flexmail
