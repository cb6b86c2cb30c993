#include "config/config.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/config/good_config.h"

namespace flexmail {
namespace {

namespace fs = std::filesystem;

// A fresh empty folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("flexmail_config_" + std::string(t->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  std::string Write(const std::string& name, std::string_view text) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

 private:
  fs::path path_;
};

// The smallest valid file: one mesh, one site, everything else defaulted.
constexpr std::string_view kMinimalConfig = R"([[meshes]]
code = "ME0005"
label = "Bretagne"
[[sites]]
id = "LI0001"
label = "Quimper"
mesh = "ME0005"
client = "ENGIE"
)";

TEST(ConfigTest, GoodConfigBuildsTheReferential) {
  // Given a complete valid file, every key should land in the Referential unchanged.
  Config c;
  ASSERT_TRUE(ParseConfig(kGoodConfig, "flexmail.toml", "/etc/flexmail", &c).ok());
  EXPECT_EQ(c.path, "flexmail.toml");
  EXPECT_EQ(c.database_path, "/etc/flexmail/data/flexmail.db");

  const Referential& r = c.referential;
  ASSERT_EQ(r.meshes().size(), 2u);
  EXPECT_EQ(r.FindMesh("ME0008")->label, "Provence");
  ASSERT_EQ(r.sites().size(), 2u);
  const Site* martigues = r.FindSite("LI0002");
  ASSERT_NE(martigues, nullptr);
  EXPECT_EQ(martigues->label, "Martigues");
  EXPECT_EQ(martigues->mesh, "ME0008");
  EXPECT_EQ(martigues->client, "EDF");
  EXPECT_EQ(martigues->tranches, 2);

  ASSERT_EQ(r.contracts().size(), 2u);
  const ContractSite* cs = r.FindContractSite("GFMART01", "LI0002");
  ASSERT_NE(cs, nullptr);
  EXPECT_EQ(cs->qmin, 100000.5);
  EXPECT_EQ(cs->qmax, 2000000);
  EXPECT_EQ(cs->tolerance_pct, 5);
  EXPECT_EQ(r.FindContractSite("GFMART01", "LI0001"), nullptr);

  ASSERT_EQ(r.shippers().size(), 2u);
  const Shipper& engie = r.shippers()[0];
  EXPECT_EQ(engie.name, "ENGIE");
  EXPECT_EQ(engie.senders,
            (std::vector<std::string>{"ops@engie.example", "@engie-trading.example"}));
  EXPECT_EQ(engie.sites, std::vector<std::string>{"LI0001"});
  EXPECT_EQ(engie.cc, std::vector<std::string>{"desk@engie.example"});
  EXPECT_TRUE(r.shippers()[1].cc.empty());
  EXPECT_TRUE(r.SenderMayDeclare("bob@engie-trading.example", "LI0001"));
  EXPECT_FALSE(r.SenderMayDeclare("ops@engie.example", "LI0002"));

  EXPECT_EQ(r.settings().partial_flexibility_kwh_per_tranche, 800000);
  EXPECT_EQ(r.settings().indicator_delay, std::chrono::minutes(23));
  EXPECT_EQ(r.settings().unknown_indicator, Light::kRed);
}

TEST(ConfigTest, AbsentKeysTakeTheirDefaults) {
  // Given only the keys that have no default, the documented defaults should apply.
  std::string text = std::string(kMinimalConfig) +
                     "[[contracts]]\ncode = \"GFQUIMP01\"\n"
                     "[[contracts.sites]]\nsite = \"LI0001\"\nqmax = 1000000\n"
                     "[[shippers]]\nname = \"ENGIE\"\nsenders = [\"@engie.example\"]\nsites = []\n";
  Config c;
  Status s = ParseConfig(text, "flexmail.toml", "", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.database_path, "flexmail.db");
  const Referential& r = c.referential;
  EXPECT_EQ(r.settings().partial_flexibility_kwh_per_tranche, 800000);
  EXPECT_EQ(r.settings().indicator_delay, std::chrono::minutes(23));
  EXPECT_EQ(r.settings().unknown_indicator, Light::kRed);
  EXPECT_EQ(r.FindSite("LI0001")->tranches, 1);
  const ContractSite* cs = r.FindContractSite("GFQUIMP01", "LI0001");
  ASSERT_NE(cs, nullptr);
  EXPECT_EQ(cs->qmin, 0);
  EXPECT_EQ(cs->tolerance_pct, 0);
  ASSERT_EQ(r.shippers().size(), 1u);
  EXPECT_TRUE(r.shippers()[0].cc.empty());
}

TEST(ConfigTest, ContractsAndShippersAreOptional) {
  // Given neither [[contracts]] nor [[shippers]], the file should load with none.
  Config c;
  ASSERT_TRUE(ParseConfig(kMinimalConfig, "flexmail.toml", "", &c).ok());
  EXPECT_TRUE(c.referential.contracts().empty());
  EXPECT_TRUE(c.referential.shippers().empty());
}

TEST(ConfigTest, RuleSettingsAreRead) {
  // Given non-default rule settings, written as floats where a number is expected,
  // they should reach RuleSettings.
  std::string text = std::string(kMinimalConfig) +
                     "[rules]\npartial_flexibility_kwh_per_tranche = 750000.5\n"
                     "indicator_delay_minutes = 0\nunknown_indicator = \"GREEN\"\n";
  Config c;
  ASSERT_TRUE(ParseConfig(text, "f.toml", "", &c).ok());
  EXPECT_EQ(c.referential.settings().partial_flexibility_kwh_per_tranche, 750000.5);
  EXPECT_EQ(c.referential.settings().indicator_delay, std::chrono::minutes(0));
  EXPECT_EQ(c.referential.settings().unknown_indicator, Light::kGreen);
}

TEST(ConfigTest, WholeFloatsAreAcceptedAsIntegers) {
  // Given "tranches = 2.0", the site should have 2 tranches: a whole number is an integer.
  std::string text = std::string(kMinimalConfig) + "tranches = 2.0\n";
  Config c;
  ASSERT_TRUE(ParseConfig(text, "f.toml", "", &c).ok());
  EXPECT_EQ(c.referential.FindSite("LI0001")->tranches, 2);
}

TEST(ConfigTest, FailureLeavesTheOutputUntouched) {
  // Given a bad file, the Config passed in should keep what it held.
  Config c;
  c.path = "previous";
  EXPECT_FALSE(ParseConfig("[[meshes]]\n", "f.toml", "", &c).ok());
  EXPECT_EQ(c.path, "previous");
}

TEST(ConfigTest, DatabasePathResolvesAgainstTheConfigFolder) {
  // Given a relative database path, it should be taken from the config file's folder.
  TempDir dir;
  std::string path = dir.Write(
      "etc/flexmail.toml", std::string(kMinimalConfig) + "[database]\npath = \"../var/f.db\"\n");
  Config c;
  Status s = LoadConfig(path, &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.path, path);
  EXPECT_EQ(c.database_path, (dir.path() / "var/f.db").string());
}

TEST(ConfigTest, AbsoluteDatabasePathIsKept) {
  // Given an absolute database path, it should be used as written.
  std::string text = std::string(kMinimalConfig) + "[database]\npath = \"/var/lib/f.db\"\n";
  Config c;
  ASSERT_TRUE(ParseConfig(text, "f.toml", "/etc/flexmail", &c).ok());
  EXPECT_EQ(c.database_path, "/var/lib/f.db");
}

TEST(ConfigTest, DefaultDatabasePathSitsBesideTheConfig) {
  // Given no [database], the database should be flexmail.db beside the config file.
  TempDir dir;
  std::string path = dir.Write("flexmail.toml", kMinimalConfig);
  Config c;
  ASSERT_TRUE(LoadConfig(path, &c).ok());
  EXPECT_EQ(c.database_path, (dir.path() / "flexmail.db").string());
}

TEST(ConfigTest, MissingFileIsNamed) {
  // Given a path that does not exist, the error should name it.
  TempDir dir;
  std::string path = (dir.path() / "nope.toml").string();
  Config c;
  Status s = LoadConfig(path, &c);
  EXPECT_EQ(s.kind(), Status::Kind::kNotFound);
  EXPECT_EQ(s.message(), path + ": cannot read: No such file or directory");
}

TEST(ConfigTest, UnreadableFileIsNamed) {
  // Given a folder instead of a file, the error should name it and say why.
  TempDir dir;
  Config c;
  Status s = LoadConfig(dir.path().string(), &c);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_EQ(s.message(), dir.path().string() + ": cannot read: Is a directory");
}

TEST(ConfigTest, TomlErrorGivesLineAndColumn) {
  // Given a key written twice, which TOML forbids, the error should carry toml++'s
  // description and position.
  TempDir dir;
  std::string path = dir.Write("bad.toml", "[database]\npath = \"a.db\"\npath = \"b.db\"\n");
  Config c;
  Status s = LoadConfig(path, &c);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), path +
                             ":3:8: Error while parsing key-value pair: cannot redefine "
                             "existing string 'path'");
}

}  // namespace
}  // namespace flexmail
