// Shared inputs of the benchmarks: the worked examples' referential and
// CSV text generators.
#pragma once

#include <string>

#include "rules/referential.h"
#include "rules/time.h"

namespace flexmail::bench {

inline Referential QuimperReferential() {
  return Referential({{"ME0005", "Bretagne"}}, {{"LI0001", "Quimper", "ME0005", "ENGIE", 1}},
                     {{"GFQUIMP01", {{"LI0001", 0, 1000000, 0}}}},
                     {{"ENGIE", {"ops@engie.example"}, {"LI0001"}, {}}}, RuleSettings{});
}

// A declaration file for 2026-12-03 with `lines` programme lines (versions
// first_version..), each with 24 values and a decimal comma.
inline std::string DeclarationCsv(int lines, int first_version = 1,
                                  GasDay day = *GasDay::ParseIso("2026-12-03")) {
  const std::string fr = day.French(), compact = day.Compact();
  std::string out = "DECLARATIONS_CCG;02/12/2026;150000;UPLOAD;PROD;" + fr + ";" + fr + "\r\n";
  for (int v = first_version; v < first_version + lines; ++v) {
    out += compact + "-LI0001-GFQUIMP01-" + std::to_string(v) + ";" + fr +
           ";LI0001;Quimper;02/12/2026;150000;02/12/2026;150000;0;1000000";
    for (int i = 0; i < 24; ++i) out += ";" + std::to_string(250000 + i * 1000) + ",5";
    out += "\r\n";
  }
  return out;
}

inline const char* kFileName = "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150000.csv";

inline std::string FileNameFor(GasDay day) {
  return "Export_DECLARATIONS_CCG-UPLOAD-" + day.Compact() + "_20261202150000.csv";
}

}  // namespace flexmail::bench
