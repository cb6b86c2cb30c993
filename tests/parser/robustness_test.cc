// Hostile and huge inputs: the parser never throws, never crashes, and its
// messages stay bounded printable lines.
#include <gtest/gtest.h>

#include <ctime>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "parser/csv.h"
#include "tests/parser/parser_test_util.h"

namespace flexmail::testing {
namespace {

void ExpectPrintableMessages(const ParsedDeclaration& p) {
  for (const auto& d : p.diagnostics) {
    EXPECT_LT(d.message.size(), 400u) << d.message;
    for (unsigned char c : d.message) {
      ASSERT_TRUE(c >= 0x20 && c != 0x7F) << "control byte in: " << d.message;
    }
  }
}

// Given a line longer than the line reader's own 16 MiB limit, the reader's
// exception becomes a BAD_FORMAT and reading stops there.
TEST(RobustnessTest, LineBeyondReaderLimit) {
  std::string bytes = Lines({Join(HeaderFields()), Join(ProgrammeFields())});
  bytes += std::string((1 << 24) + 10, 'x');
  bytes += "\n" + Join(ProgrammeFields(2)) + "\n";
  ParsedDeclaration p;
  EXPECT_NO_THROW(ParseDeclarationFile(RawFile{kGoodName, bytes}, &p));
  EXPECT_EQ(Diags(p), std::vector<std::string>{
                          "3:0:BAD_FORMAT:ligne trop longue : plus de 16777215 octets, au plus "
                          "16384 attendus : lecture du fichier arrêtée"});
  ASSERT_EQ(p.files.size(), 1u);
  EXPECT_EQ(p.files[0].programmes.size(), 1u);
}

// Given a file larger than the line reader's first buffer fill (32 MiB),
// every line is still read.
TEST(RobustnessTest, FileLargerThanReaderBuffer) {
  std::string line = Join(ProgrammeFields()) + "\r\n";
  std::string bytes = Join(HeaderFields()) + "\r\n";
  size_t lines = (40u << 20) / line.size();
  bytes.reserve(bytes.size() + lines * line.size());
  for (size_t i = 0; i < lines; ++i) bytes += line;
  ParsedDeclaration p = Parse(bytes);
  EXPECT_TRUE(p.diagnostics.empty());
  ASSERT_EQ(p.files[0].programmes.size(), lines);
  EXPECT_EQ(p.files[0].programmes.back().line, static_cast<int>(lines) + 1);
  EXPECT_TRUE(p.files[0].programmes.back().structurally_valid);
}

// Given a file with hundreds of bad lines, the reply is capped at 200
// errors plus one note, and the note is located where reading stopped.
TEST(RobustnessTest, ErrorsAreCapped) {
  std::vector<std::string> lines = {Join(HeaderFields())};
  for (int i = 0; i < 500; ++i) lines.push_back("garbage");
  ParsedDeclaration p = Parse(Lines(lines));
  ASSERT_EQ(p.diagnostics.size(), 201u);
  EXPECT_EQ(p.diagnostics[199].line, 201);
  EXPECT_EQ(Diags(p).back(),
            "202:0:BAD_FORMAT:plus de 200 erreurs dans ce fichier : lecture arrêtée, la suite "
            "n'est pas vérifiée");
}

// Given random bytes of any length, parsing returns normally with one file
// and printable messages.
TEST(RobustnessTest, RandomBytes) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 300; ++round) {
    std::string bytes(rng() % 4000, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    ParsedDeclaration p;
    ASSERT_NO_THROW(ParseDeclarationFile(RawFile{"x", bytes}, &p)) << round;
    ASSERT_EQ(p.files.size(), 1u);
    ExpectPrintableMessages(p);
  }
}

// Given a valid file mutated byte by byte (flips, inserted separators,
// quotes, line breaks, NULs), parsing returns normally and stays bounded.
TEST(RobustnessTest, MutatedFiles) {
  const std::string base = Lines({Join(HeaderFields()), Join(ProgrammeFields()),
                                  Join(ProgrammeFields(2))}, "\r\n");
  const char specials[] = {';', ',', '"', '\n', '\r', '\0', ' ', '-', '.', '\xE9', '\xC3'};
  std::mt19937 rng(777);
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = base;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 6); k < n; ++k) {
      size_t at = rng() % bytes.size();
      char c = rng() % 2 ? specials[rng() % sizeof specials] : static_cast<char>(rng());
      if (rng() % 2) {
        bytes[at] = c;
      } else {
        bytes.insert(bytes.begin() + static_cast<long>(at), c);
      }
    }
    ParsedDeclaration p;
    ASSERT_NO_THROW(ParseDeclarationFile(RawFile{kGoodName, bytes}, &p)) << round;
    ASSERT_EQ(p.files.size(), 1u);
    ExpectPrintableMessages(p);
    for (const auto& l : p.files[0].programmes) {
      bool line_reported = false;
      for (const auto& d : p.diagnostics) line_reported |= d.line == l.line;
      EXPECT_EQ(l.structurally_valid, !line_reported) << round;
    }
  }
}

// Given many files of realistic size, every line is read (speed itself is
// measured by bench/parse_bench, not here).
TEST(RobustnessTest, ManyLargeFiles) {
  const int kLinesPerFile = 2000, kFiles = 5;
  Fields f = ProgrammeFields();
  for (int i = 0; i < 24; ++i) f[10 + i] = std::to_string(123456 + i * 1000) + ",25";
  std::string line = Join(f) + "\r\n";
  std::string bytes = Join(HeaderFields()) + "\r\n";
  for (int i = 0; i < kLinesPerFile; ++i) bytes += line;
  for (int i = 0; i < kFiles; ++i) {
    ParsedDeclaration p = Parse(bytes);
    ASSERT_TRUE(p.diagnostics.empty());
    ASSERT_EQ(p.files[0].programmes.size(), static_cast<size_t>(kLinesPerFile));
    EXPECT_DOUBLE_EQ(*p.files[0].programmes.back().values[23].value, 146456.25);
  }
}

}  // namespace
}  // namespace flexmail::testing
