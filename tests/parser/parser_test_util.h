// Building declaration files inside the tests, and rendering what the parser
// found so that tests can compare it exactly.
#pragma once

#include <string>
#include <vector>

#include "parser/csv.h"
#include "rules/codes.h"

namespace flexmail::testing {

inline const char kGoodName[] = "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202153000.csv";

using Fields = std::vector<std::string>;

inline Fields HeaderFields() {
  return {"DECLARATIONS_CCG", "02/12/2026", "153000",    "UPLOAD",
          "PROD",             "03/12/2026", "03/12/2026"};
}

// A valid programme line for LI0001 on 2026-12-03; every hour is 100.
inline Fields ProgrammeFields(int version = 1) {
  Fields f = {"20261203-LI0001-GFQUIMP01-" + std::to_string(version),
              "03/12/2026",
              "LI0001",
              "Quimper",
              "02/12/2026",
              "153000",
              "02/12/2026",
              "153000",
              "0",
              "1000000"};
  for (int i = 0; i < 24; ++i) f.push_back("100");
  return f;
}

inline std::string Join(const Fields& f, char sep = ';') {
  std::string out;
  for (size_t i = 0; i < f.size(); ++i) {
    if (i) out += sep;
    out += f[i];
  }
  return out;
}

// Lines joined with `eol`, each one terminated by it.
inline std::string Lines(const std::vector<std::string>& lines, const std::string& eol = "\n") {
  std::string out;
  for (const auto& l : lines) out += l + eol;
  return out;
}

// A header and one valid programme line, ';'-separated, LF.
inline std::string GoodFile() {
  return Lines({Join(HeaderFields()), Join(ProgrammeFields())});
}

inline ParsedDeclaration Parse(const std::string& bytes, const std::string& name = kGoodName) {
  ParsedDeclaration out;
  ParseDeclarationFile(RawFile{name, bytes}, &out);
  return out;
}

// "LINE:FIELD:CODE:message" for each diagnostic, in order.
inline std::vector<std::string> Diags(const ParsedDeclaration& p) {
  std::vector<std::string> out;
  for (const auto& d : p.diagnostics) {
    out.push_back(std::to_string(d.line) + ":" + std::to_string(d.field) + ":" +
                  std::string(CodeName(d.code)) + ":" + d.message);
  }
  return out;
}

}  // namespace flexmail::testing
