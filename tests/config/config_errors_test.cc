// Each case edits one spot of kGoodConfig and states the one message the
// loader must give: file, line, key path, value and reason, exactly.
#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "config/config.h"
#include "tests/config/good_config.h"

namespace flexmail {
namespace {

struct BadCase {
  const char* name;
  const char* from;  // a text that occurs once in kGoodConfig
  const char* to;    // what replaces it; keep the line count unless the message says otherwise
  std::string message;
};

std::ostream& operator<<(std::ostream& os, const BadCase& c) { return os << c.name; }

const std::string kSections =
    "expected one of: database, rules, meshes, sites, contracts, shippers";
const std::string kSenderReason =
    "expected an address local@domain.example or a domain @domain.example";

const BadCase kCases[] = {
    // Types.
    {"StringExpected", R"(path = "data/flexmail.db")", "path = 42",
     "flexmail.toml:2: database.path = 42: expected a string"},
    {"IntegerExpected", "tranches = 2", "tranches = 1.5",
     "flexmail.toml:29: sites[1].tranches = 1.5: expected an integer"},
    {"NumberExpected", "qmax = 1000000", R"(qmax = "1000000")",
     R"(flexmail.toml:36: contracts[0].sites[0].qmax = "1000000": expected a number)"},
    {"NotANumber", "qmin = 0", "qmin = nan",
     "flexmail.toml:35: contracts[0].sites[0].qmin = nan: expected a finite number"},
    {"ListExpected", R"(sites = ["LI0002"])", R"(sites = "LI0002")",
     R"(flexmail.toml:56: shippers[1].sites = "LI0002": expected an array of strings)"},
    {"TableExpected", "[database]", "[[database]]", "flexmail.toml:1: database: expected a table"},
    // Syntax of codes and ids.
    {"BadSiteId", R"(id = "LI0002")", R"(id = "LI02")",
     R"(flexmail.toml:25: sites[1].id = "LI02": expected LI and 4 digits)"},
    {"BadMeshCode", R"(code = "ME0008")", R"(code = "M8")",
     R"(flexmail.toml:14: meshes[1].code = "M8": expected ME and 4 digits)"},
    {"SiteMeshIsACode", R"(mesh = "ME0008")", R"(mesh = "Provence")",
     R"(flexmail.toml:27: sites[1].mesh = "Provence": expected ME and 4 digits)"},
    {"BadContractCode", R"(code = "GFMART01")", R"(code = "GF MART")",
     R"(flexmail.toml:40: contracts[1].code = "GF MART": expected 1 to 40 characters among A-Z a-z 0-9 . _)"},
    {"ShipperSiteIsAnId", R"(sites = ["LI0002"])", R"(sites = ["Martigues"])",
     R"(flexmail.toml:56: shippers[1].sites[0] = "Martigues": expected LI and 4 digits)"},
    {"EmptyLabel", R"(label = "Martigues")", R"(label = "")",
     R"(flexmail.toml:26: sites[1].label = "": must not be empty)"},
    {"EmptyDatabasePath", R"(path = "data/flexmail.db")", R"(path = "")",
     R"(flexmail.toml:2: database.path = "": must not be empty)"},
    {"LongValueIsCut", R"(id = "LI0002")",
     R"(id = "LI0002222222222222222222222222222222222222222222222222222222222222222222222222222222222222")",
     R"(flexmail.toml:25: sites[1].id = "LI00022222222222222222222222222222222222222222222222222222222222222222222222222...: expected LI and 4 digits)"},
    // Duplicates.
    {"DuplicateMesh", R"(code = "ME0008")", R"(code = "ME0005")",
     R"(flexmail.toml:14: meshes[1].code = "ME0005": already used by meshes[0] (line 10))"},
    {"DuplicateSite", R"(id = "LI0002")", R"(id = "LI0001")",
     R"(flexmail.toml:25: sites[1].id = "LI0001": already used by sites[0] (line 18))"},
    {"DuplicateContract", R"(code = "GFMART01")", R"(code = "GFQUIMP01")",
     R"(flexmail.toml:40: contracts[1].code = "GFQUIMP01": already used by contracts[0] (line 32))"},
    {"DuplicateShipper", R"(name = "EDF")", R"(name = "ENGIE")",
     R"(flexmail.toml:54: shippers[1].name = "ENGIE": already used by shippers[0] (line 48))"},
    {"SiteTwiceInAContract", "tolerance_pct = 5",
     "tolerance_pct = 5\n[[contracts.sites]]\nsite = \"LI0002\"\nqmax = 1",
     R"(flexmail.toml:47: contracts[1].sites[1].site = "LI0002": already used by contracts[1].sites[0] (line 42))"},
    // References.
    {"UnknownMesh", R"(mesh = "ME0008")", R"(mesh = "ME0099")",
     R"(flexmail.toml:27: sites[1].mesh = "ME0099": no [[meshes]] has this code)"},
    {"UnknownContractSite", R"(site = "LI0002")", R"(site = "LI0099")",
     R"(flexmail.toml:42: contracts[1].sites[0].site = "LI0099": no [[sites]] has this id)"},
    {"UnknownShipperSite", R"(sites = ["LI0002"])", R"(sites = ["LI0002", "LI0003"])",
     R"(flexmail.toml:56: shippers[1].sites[1] = "LI0003": no [[sites]] has this id)"},
    // Ranges.
    {"NoTranche", "tranches = 2", "tranches = 0",
     "flexmail.toml:29: sites[1].tranches = 0: must be at least 1"},
    {"NegativeQmin", "qmin = 0", "qmin = -1",
     "flexmail.toml:35: contracts[0].sites[0].qmin = -1: must be at least 0"},
    {"QmaxBelowQmin", "qmax = 2000000", "qmax = 1000",
     "flexmail.toml:44: contracts[1].sites[0].qmax = 1000: less than qmin (100000.5)"},
    {"ToleranceAbove100", "tolerance_pct = 5", "tolerance_pct = 100.5",
     "flexmail.toml:45: contracts[1].sites[0].tolerance_pct = 100.5: must be between 0 and 100"},
    {"NegativeTolerance", "tolerance_pct = 0", "tolerance_pct = -5",
     "flexmail.toml:37: contracts[0].sites[0].tolerance_pct = -5: must be between 0 and 100"},
    {"DelayAboveADay", "indicator_delay_minutes = 23", "indicator_delay_minutes = 1441",
     "flexmail.toml:6: rules.indicator_delay_minutes = 1441: must be between 0 and 1440"},
    {"NegativeDelay", "indicator_delay_minutes = 23", "indicator_delay_minutes = -1",
     "flexmail.toml:6: rules.indicator_delay_minutes = -1: must be between 0 and 1440"},
    {"NoPartialBudget", "= 800000", "= 0",
     "flexmail.toml:5: rules.partial_flexibility_kwh_per_tranche = 0: must be greater than 0"},
    {"UnknownLight", R"("RED")", R"("AMBER")",
     R"(flexmail.toml:7: rules.unknown_indicator = "AMBER": expected GREEN, RED or GREY)"},
    {"LightIsUpperCase", R"("RED")", R"("red")",
     R"(flexmail.toml:7: rules.unknown_indicator = "red": expected GREEN, RED or GREY)"},
    // Senders and copies.
    {"SenderWithSpace", R"(["@edf.example"])", R"(["ops @edf.example"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "ops @edf.example": )" + kSenderReason},
    {"SenderWithTwoAts", R"(["@edf.example"])", R"(["a@b@edf.example"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "a@b@edf.example": )" + kSenderReason},
    {"SenderWithoutAt", R"(["@edf.example"])", R"(["edf.example"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "edf.example": )" + kSenderReason},
    {"SenderDomainWithoutDot", R"(["@edf.example"])", R"(["@localhost"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "@localhost": )" + kSenderReason},
    {"SenderWithoutDomain", R"(["@edf.example"])", R"(["ops@"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "ops@": )" + kSenderReason},
    {"SenderInBrackets", R"(["@edf.example"])", R"(["Ops <ops@edf.example>"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "Ops <ops@edf.example>": )" + kSenderReason},
    {"SenderQuoteIsEscaped", R"(["@edf.example"])", R"(["o\"ps@edf.example"])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "o\"ps@edf.example": )" + kSenderReason},
    {"EmptySender", R"(["@edf.example"])", R"([""])",
     R"(flexmail.toml:55: shippers[1].senders[0] = "": must not be empty)"},
    {"NoSenders", R"(["@edf.example"])", "[]",
     "flexmail.toml:55: shippers[1].senders = []: must not be empty"},
    {"CcIsNotADomain", R"(["desk@engie.example"])", R"(["@engie.example"])",
     R"(flexmail.toml:51: shippers[0].cc[0] = "@engie.example": expected an address local@domain.example)"},
    // Unknown and missing keys.
    {"MisspelledKey", "qmax = 2000000", "qmx = 2000000",
     "flexmail.toml:44: contracts[1].sites[0].qmx = 2000000: unknown key; expected one of: "
     "site, qmin, qmax, tolerance_pct"},
    {"UnknownSection", R"(sites = ["LI0002"])",
     "sites = [\"LI0002\"]\n\n[mail]\nfrom = \"a@b.example\"",
     "flexmail.toml:58: mail: unknown section; " + kSections},
    {"UnknownTopLevelKey", "[database]", "verbose = true\n[database]",
     "flexmail.toml:1: verbose = true: unknown key; " + kSections},
    {"UnknownSubTable", "[rules]", "[rules.extra]",
     "flexmail.toml:4: rules.extra: unknown section; expected one of: "
     "partial_flexibility_kwh_per_tranche, indicator_delay_minutes, unknown_indicator"},
    {"MissingQmax", "qmax = 1000000", "",
     "flexmail.toml:33: contracts[0].sites[0].qmax: required key is missing"},
    {"MissingSiteLabel", R"(label = "Quimper")", "",
     "flexmail.toml:17: sites[0].label: required key is missing"},
    {"ContractWithoutSites",
     "[[contracts.sites]]\nsite = \"LI0001\"\nqmin = 0\nqmax = 1000000\ntolerance_pct = 0",
     "\n\n\n\n", "flexmail.toml:31: contracts[0].sites: required key is missing"},
    {"NoMeshes",
     "[[meshes]]\ncode = \"ME0005\"\nlabel = \"Bretagne\"\n\n[[meshes]]\ncode = \"ME0008\"\nlabel = \"Provence\"",
     "\n\n\n\n\n\n", "flexmail.toml: meshes: required key is missing"},
};

class ConfigErrorsTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfigErrorsTest, GivesExactlyThisMessage) {
  // Given kGoodConfig with one edit, loading should fail with exactly the case's message.
  const BadCase& c = GetParam();
  std::string text(kGoodConfig);
  size_t at = text.find(c.from);
  ASSERT_NE(at, std::string::npos) << c.from;
  ASSERT_EQ(text.find(c.from, at + 1), std::string::npos) << c.from << " occurs twice";
  text.replace(at, std::string_view(c.from).size(), c.to);
  Config config;
  Status s = ParseConfig(text, "flexmail.toml", "", &config);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), c.message);
}

INSTANTIATE_TEST_SUITE_P(Table, ConfigErrorsTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BadCase>& i) { return i.param.name; });

}  // namespace
}  // namespace flexmail
