// Identifiers, senders, hour lists and the closed set of codes (RULES §2,
// §3, §7, §8).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "rules/codes.h"
#include "rules/diagnostic.h"
#include "rules/programme.h"
#include "rules/referential.h"
#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using test::D;
using test::Day;

TEST(ProgrammeIdTest, ParsesValidIds) {
  // Well-formed programme ids: the contract is everything between the site and
  // the last '-'.
  struct Case {
    const char* text;
    GasDay day;
    const char* site;
    const char* contract;
    int version;
  } cases[] = {
      {"20261203-LI0001-GFQUIMP01-1", D(), "LI0001", "GFQUIMP01", 1},
      {"20261203-LI0001-GFQUIMP01-42", D(), "LI0001", "GFQUIMP01", 42},
      {"20200525-LI1234-RNE.GSTF.HKL.01-10", Day(2020, 5, 25), "LI1234", "RNE.GSTF.HKL.01", 10},
      {"20280229-LI9999-a_b.C-7", Day(2028, 2, 29), "LI9999", "a_b.C", 7},
      {"20261203-LI0001-X-1", D(), "LI0001", "X", 1},
      {"20261203-LI0001-0123456789012345678901234567890123456789-3", D(), "LI0001",
       "0123456789012345678901234567890123456789", 3},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto id = ParseProgrammeId(c.text);
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->day, c.day);
    EXPECT_EQ(id->site, c.site);
    EXPECT_EQ(id->contract, c.contract);
    EXPECT_EQ(id->version, c.version);
  }
}

TEST(ProgrammeIdTest, RejectsMalformedIds) {
  // Malformed ids are refused with an explanation, including a '-' inside the
  // contract, which leaves a contract outside [A-Za-z0-9._].
  const char* bad[] = {
      "",
      "20261203",
      "20261203-LI0001",
      "20261203-LI0001-GFQUIMP01",
      "20261203-LI0001-GFQUIMP01-",    // the contract's §19 example has no version
      "20261203-LI0001-GFQUIMP01-0",   // version 0
      "20261203-LI0001-GFQUIMP01--1",  // negative version
      "20261203-LI0001-GFQUIMP01-+1",
      "20261203-LI0001-GFQUIMP01-1.5",
      "20261203-LI0001-GFQUIMP01-x1",
      "20261203-LI0001-GFQUIMP01-99999999999999999999",
      "20261203-LI0001-GF-QUIMP-1",  // '-' inside the contract
      "20261203-LI0001--1",          // empty contract
      "20261203-LI0001-GF/01-1",
      "20261203-LI0001-GF 01-1",
      "20261203-LI0001-01234567890123456789012345678901234567890-1",  // 41 chars
      "20260230-LI0001-GFQUIMP01-1",                                  // 30 February
      "20261301-LI0001-GFQUIMP01-1",
      "2026120A-LI0001-GFQUIMP01-1",
      "2026-12-03-LI0001-GFQUIMP01-1",
      "20261203-LX0001-GFQUIMP01-1",
      "20261203-li0001-GFQUIMP01-1",
      "20261203-LI001-GFQUIMP01-1",
      "20261203-LI00011-GFQUIMP01-1",
      "20261203_LI0001_GFQUIMP01_1",
  };
  for (const char* text : bad) {
    std::string expected;
    EXPECT_EQ(ParseProgrammeId(text, &expected), std::nullopt) << "\"" << text << "\"";
    EXPECT_FALSE(expected.empty()) << "\"" << text << "\"";
  }
}

TEST(IdsTest, SiteMeshContractShapes) {
  // Site ids, mesh codes and contract codes have fixed shapes.
  for (const char* s : {"LI0000", "LI1234", "LI9999"}) EXPECT_TRUE(IsSiteId(s)) << s;
  for (const char* s :
       {"", "LI", "LI123", "LI12345", "li1234", "LX1234", "LI12a4", " LI1234", "ME0008"}) {
    EXPECT_FALSE(IsSiteId(s)) << "\"" << s << "\"";
  }
  for (const char* s : {"ME0000", "ME0008"}) EXPECT_TRUE(IsMeshCode(s)) << s;
  for (const char* s : {"", "ME008", "ME00008", "me0008", "LI0008", "ME00a8"}) {
    EXPECT_FALSE(IsMeshCode(s)) << "\"" << s << "\"";
  }
  const std::string forty(40, 'A');
  for (const std::string& s : {std::string("G"), std::string("GFQUIMP01"),
                               std::string("RNE.GSTF.HKL.01"), std::string("a_b"), forty}) {
    EXPECT_TRUE(IsContractCode(s)) << s;
  }
  for (const std::string& s : {std::string(""), forty + "A", std::string("GF-01"),
                               std::string("GF 01"), std::string("GF/01"), std::string("GFé")}) {
    EXPECT_FALSE(IsContractCode(s)) << "\"" << s << "\"";
  }
}

TEST(SenderTest, SenderMatchesTable) {
  // Sender patterns are exact addresses or "@domain", both case-insensitive.
  struct Case {
    const char* pattern;
    const char* address;
    bool want;
  } cases[] = {
      {"ops@quimper.example", "ops@quimper.example", true},
      {"ops@quimper.example", "OPS@Quimper.EXAMPLE", true},
      {"OPS@QUIMPER.EXAMPLE", "ops@quimper.example", true},
      {"ops@quimper.example", "other@quimper.example", false},
      {"ops@quimper.example", "ops@quimper.example.evil", false},
      {"ops@quimper.example", "xops@quimper.example", false},
      {"@martigues.example", "dispatch@martigues.example", true},
      {"@martigues.example", "Anyone@MARTIGUES.Example", true},
      {"@martigues.example", "a@sub.martigues.example", false},
      {"@martigues.example", "a@martigues.example.evil", false},
      {"@martigues.example", "a@evilmartigues.example", false},
      {"@martigues.example", "martigues.example", false},
      {"", "", false},
      {"", "ops@quimper.example", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(SenderMatches(c.pattern, c.address), c.want) << c.pattern << " / " << c.address;
  }
}

TEST(SenderTest, SenderMayDeclareOnlyForItsSites) {
  // A sender may declare only for the sites of the shippers it belongs to.
  Referential ref = test::ExamplesReferential();
  EXPECT_TRUE(ref.SenderKnown("ops@quimper.example"));
  EXPECT_TRUE(ref.SenderMayDeclare("OPS@quimper.example", "LI0001"));
  EXPECT_FALSE(ref.SenderMayDeclare("ops@quimper.example", "LI0002"));
  EXPECT_TRUE(ref.SenderMayDeclare("anyone@martigues.example", "LI0002"));
  EXPECT_FALSE(ref.SenderMayDeclare("anyone@martigues.example", "LI0001"));
  EXPECT_FALSE(ref.SenderKnown("stranger@nowhere.example"));
  EXPECT_FALSE(ref.SenderMayDeclare("stranger@nowhere.example", "LI0001"));
  ASSERT_NE(ref.FindContractSite("GFQUIMP01", "LI0001"), nullptr);
  EXPECT_EQ(ref.FindContractSite("GFQUIMP01", "LI0002"), nullptr);
  EXPECT_EQ(ref.FindContractSite("NOPE", "LI0001"), nullptr);
}

TEST(CodesTest, FormatSlotHoursTable) {
  // Hours are written "HHh00" from the slot start (slot 0 is 06h00, 23 is 05h00).
  EXPECT_EQ(FormatSlotHours({}), "");
  EXPECT_EQ(FormatSlotHours({0}), "06h00");
  EXPECT_EQ(FormatSlotHours({8, 9}), "14h00, 15h00");
  EXPECT_EQ(FormatSlotHours({8, 9, 10}), "14h00, 15h00, 16h00");
  EXPECT_EQ(FormatSlotHours({17, 18, 20, 23}), "23h00, 00h00, 02h00, 05h00");
}

const Code kAllCodes[] = {
    Code::NO_DECLARATION_FILE,
    Code::BAD_FILE_NAME,
    Code::BAD_FORMAT,
    Code::UNKNOWN_HMS_SITE,
    Code::CONTRACT_NOT_AUTHORIZED_FOR_SITE,
    Code::SENDER_NOT_AUTHORIZED,
    Code::HMS_PROFILE_ID_ALREADY_EXISTS,
    Code::VERSION_NOT_INCREMENTED,
    Code::HOURS_NOT_BETWEEN_START_END,
    Code::PAST_GAS_DAY,
    Code::GAS_DAY_TOO_FAR,
    Code::BAD_NUMBER_QUANTITIES,
    Code::BAD_QUANTITIES,
    Code::EXEDED_QMIN_QMAX,
    Code::INVALID_QMIN_QMAX,
    Code::MESSAGE_TOO_LARGE,
    Code::TOO_MANY_ATTACHMENTS,
    Code::ATTACHMENT_TOO_LARGE,
    Code::MIME_TOO_DEEP,
    Code::TOO_MANY_HEADER_LINES,
    Code::MALFORMED_MESSAGE,
    Code::SENDER_NOT_AUTHENTICATED,
    Code::HMS_PROFILE_NOT_RESPECT_Q0_DELAY,
    Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY,
    Code::HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR,
    Code::HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE,
    Code::OUTSIDE_TECHNICAL_QMIN_QMAX,
    Code::SITE_LABEL_MISMATCH,
    Code::NONEXISTENT_HOUR_ZEROED,
    Code::UNKNOWN_INDICATOR,
    Code::SUBJECT_MISMATCH,
    Code::PROCESSED_OUT_OF_ORDER,
};

TEST(CodesTest, NameRoundTripForEveryCode) {
  // Every code has a distinct name that parses back to it, and a French text.
  std::set<std::string> names;
  for (Code c : kAllCodes) {
    std::string name(CodeName(c));
    SCOPED_TRACE(name);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << "duplicate name";
    Code back = Code::BAD_FORMAT;
    ASSERT_TRUE(ParseCode(name, &back));
    EXPECT_EQ(back, c);
    EXPECT_FALSE(CodeText(c).empty());
  }
  Code out = Code::BAD_FORMAT;
  EXPECT_FALSE(ParseCode("", &out));
  EXPECT_FALSE(ParseCode("NOT_A_CODE", &out));
  EXPECT_FALSE(ParseCode("bad_format", &out));
  // The contract's own spellings.
  EXPECT_EQ(CodeName(Code::EXEDED_QMIN_QMAX), "EXEDED_QMIN_QMAX");
  EXPECT_EQ(CodeName(Code::HMS_PROFILE_NOT_RESPECT_Q0_DELAY), "HMS_PROFILE_NOT_RESPECT_Q0_DELAY");
}

TEST(CodesTest, ContractTextsVerbatim) {
  // Codes the contract words (§13.3, §13.6) use its French text.
  struct Case {
    Code code;
    const char* text;
  } cases[] = {
      {Code::UNKNOWN_HMS_SITE, "Le site de ce programme est inconnu"},
      {Code::PAST_GAS_DAY, "Programme traitant d'une JG dans le passé"},
      {Code::BAD_NUMBER_QUANTITIES, "Le programme n'a pas 24 valeurs"},
      {Code::BAD_QUANTITIES, "Le programme contient des valeurs nulles pour les heures futures"},
      {Code::HOURS_NOT_BETWEEN_START_END,
       "Programme traitant d'une JG différente de la JG indiquée"},
      {Code::HMS_PROFILE_ID_ALREADY_EXISTS, "L'id de ce programme existe déjà"},
      {Code::HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR,
       "Le programme est rejeté dû à une pénurie de Flexibilité"},
      {Code::HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE,
       "Le programme est rejeté car il ne respecte pas le volume de Flexibilité partielle "
       "accordé"},
  };
  for (const auto& c : cases) EXPECT_EQ(CodeText(c.code), c.text) << CodeName(c.code);
}

TEST(CodesTest, CodeTextWithHours) {
  // The "%s" of codes that list hours is filled with the hours; other codes
  // ignore the hours.
  EXPECT_EQ(CodeText(Code::EXEDED_QMIN_QMAX, "14h00, 15h00"),
            "Pour les heures 14h00, 15h00 dépassement de la valeur [Qmin/Qmax]");
  EXPECT_EQ(CodeText(Code::HMS_PROFILE_NOT_RESPECT_Q0_DELAY, "14h00"),
            "Le programme ne respecte pas le délai de prévenance sur les heures 14h00. "
            "Indicateur de Flexibilité Q → Q- rouge");
  EXPECT_EQ(CodeText(Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY, "14h00, 15h00"),
            "Le programme ne respecte pas le délai de prévenance sur les heures 14h00, 15h00. "
            "Indicateur de Flexibilité Q → Q+ rouge");
  EXPECT_EQ(CodeText(Code::PAST_GAS_DAY, "14h00"), CodeText(Code::PAST_GAS_DAY));
  for (Code c : kAllCodes) {
    EXPECT_EQ(CodeText(c, "14h00").find("%s"), std::string::npos) << CodeName(c);
  }
}

TEST(CodesTest, FormatDiagnostic) {
  // Diagnostics read "FILE:LINE: CODE: message", leaving out absent parts.
  Diagnostic d{Code::BAD_QUANTITIES, Severity::kError, "heures 14h00", "f.csv", 3, 19};
  EXPECT_EQ(FormatDiagnostic(d), "f.csv:3: BAD_QUANTITIES: heures 14h00");
  d.line = 0;
  EXPECT_EQ(FormatDiagnostic(d), "f.csv: BAD_QUANTITIES: heures 14h00");
  Diagnostic none{Code::NO_DECLARATION_FILE, Severity::kError, "aucun fichier", "", 0, 0};
  EXPECT_EQ(FormatDiagnostic(none), "NO_DECLARATION_FILE: aucun fichier");
}

}  // namespace
}  // namespace flexmail
