#include "mail/safe_name.h"

#include <gtest/gtest.h>

namespace flexmail {
namespace {

// Sender names lose every directory part and unsafe character, nothing else.
TEST(SafeNameTest, Table) {
  const std::pair<std::string, std::string> cases[] = {
      {"Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150000.csv",
       "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150000.csv"},
      {"Prévisions été.csv", "Prévisions été.csv"},
      {"../../etc/cron.d/evil.csv", "evil.csv"},
      {"/etc/passwd.csv", "passwd.csv"},
      {"C:\\Windows\\System32\\evil.csv", "evil.csv"},
      {"..\\..\\boot.csv", "boot.csv"},
      {"C:evil.csv", "evil.csv"},
      {"..", "piece-jointe"},
      {"", "piece-jointe"},
      {"/", "piece-jointe"},
      {"  .hidden.csv. . ", "hidden.csv"},
      {std::string("nul\0byte.csv", 12), "nul_byte.csv"},
      {"line\r\nbreak.csv", "line__break.csv"},
      {"a<b>c:d\"e|f?g*h.csv", "a_b_c_d_e_f_g_h.csv"},
      {"invoice\xE2\x80\xAE" "vsc.exe", "invoice_vsc.exe"},  // U+202E right-to-left override
      {"bad\xFFutf8.csv", "bad\xEF\xBF\xBDutf8.csv"},
      {"_report.csv", "_report.csv"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(SafeFileName(in), want) << in;
}

// Long names are cut on a character boundary and keep their extension.
TEST(SafeNameTest, BoundsLength) {
  std::string name(151, 'a');  // odd, so that a cut at 196 bytes falls inside an "é"
  for (int i = 0; i < 50; ++i) name += "é";
  name += ".csv";
  std::string safe = SafeFileName(name);
  EXPECT_LE(safe.size(), kMaxSafeFileNameBytes);
  EXPECT_EQ(safe.substr(safe.size() - 4), ".csv");
  EXPECT_EQ(safe.find("\xEF\xBF\xBD"), std::string::npos);  // no character cut in half
}

}  // namespace
}  // namespace flexmail
