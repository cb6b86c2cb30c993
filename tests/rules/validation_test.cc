// Technical validation of a declaration (RULES §3): one error anywhere
// rejects everything, every error is located, warnings never reject.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "rules/declaration.h"
#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using test::D;
using test::Dm1;
using test::Dp1;
using test::FakeLedger;
using test::Flat;
using test::LineSpec;
using test::OnD;
using test::Single;
using test::With;

const std::string kFile = "Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150000.csv";

// What a table row changes in a valid one-programme declaration.
struct Scenario {
  ParsedDeclaration decl = Single([] {
    LineSpec l;
    l.values = Flat(100);
    return l;
  }());
  std::string sender = test::kQuimperSender;
  Instant t = Dm1(15, 0);
  LedgerSnapshot snap;
};

struct TechCase {
  const char* what;
  std::function<void(Scenario*)> change;
  Code code;
  std::string file;
  int line, field;
  bool only;  // the only error expected
};

ProgrammeLine& FirstLine(Scenario* s) { return s->decl.files[0].programmes[0]; }

Diagnostic ParserError(Code c, const std::string& file, int line, int field) {
  return Diagnostic{c, Severity::kError, "trouvé par le lecteur CSV", file, line, field};
}

TEST(Validation, EveryTechnicalCodeTable) {
  // Every technical code, one row each: the declaration is rejected, nothing
  // is integrated, and the error names its file, line and field.
  const TechCase cases[] = {
      {"no CSV attachment", [](Scenario* s) { s->decl.files.clear(); }, Code::NO_DECLARATION_FILE,
       "", 0, 0, true},
      {"file name (parser)",
       [](Scenario* s) {
         s->decl.files[0].name = "declarations.csv";
         s->decl.files[0].name_day.reset();
         s->decl.diagnostics.push_back(ParserError(Code::BAD_FILE_NAME, "declarations.csv", 0, 0));
       },
       Code::BAD_FILE_NAME, "declarations.csv", 0, 0, true},
      {"format (parser)",
       [](Scenario* s) {
         FirstLine(s).values[1] = HourlyField{std::nullopt, true};
         FirstLine(s).structurally_valid = false;
         s->decl.diagnostics.push_back(ParserError(Code::BAD_FORMAT, kFile, 2, 12));
       },
       Code::BAD_FORMAT, kFile, 2, 12, true},
      {"field 3 disagrees with the id", [](Scenario* s) { FirstLine(s).site_id = "LI0003"; },
       Code::BAD_FORMAT, kFile, 2, 3, true},
      {"unknown site",
       [](Scenario* s) {
         LineSpec l;
         l.site = "LI0999";
         s->decl = Single(l);
       },
       Code::UNKNOWN_HMS_SITE, kFile, 2, 3, false},
      {"contract of another site",
       [](Scenario* s) {
         LineSpec l;
         l.contract = "GFMART01";
         s->decl = Single(l);
       },
       Code::CONTRACT_NOT_AUTHORIZED_FOR_SITE, kFile, 2, 1, true},
      {"unknown contract",
       [](Scenario* s) {
         LineSpec l;
         l.contract = "GFNOPE";
         s->decl = Single(l);
       },
       Code::CONTRACT_NOT_AUTHORIZED_FOR_SITE, kFile, 2, 1, true},
      {"sender of another site", [](Scenario* s) { s->sender = test::kMartiguesSender; },
       Code::SENDER_NOT_AUTHORIZED, kFile, 2, 3, true},
      {"id already integrated",
       [](Scenario* s) { s->snap.existing_ids.insert("20261203-LI0001-GFQUIMP01-1"); },
       Code::HMS_PROFILE_ID_ALREADY_EXISTS, kFile, 2, 1, true},
      {"version not above the ledger's",
       [](Scenario* s) {
         s->snap.max_version[SiteDay{"LI0001", D()}] = 1;
       },
       Code::VERSION_NOT_INCREMENTED, kFile, 2, 1, true},
      {"same version twice in the declaration",
       [](Scenario* s) { s->decl.files.push_back(s->decl.files[0]); },
       Code::VERSION_NOT_INCREMENTED, kFile, 2, 1, true},
      {"file name day", [](Scenario* s) { s->decl.files[0].name_day = D().Next(); },
       Code::HOURS_NOT_BETWEEN_START_END, kFile, 2, 2, true},
      {"header day", [](Scenario* s) { s->decl.files[0].header_day = D().Prev(); },
       Code::HOURS_NOT_BETWEEN_START_END, kFile, 2, 2, true},
      {"field 2 day", [](Scenario* s) { FirstLine(s).gas_day = D().Next(); },
       Code::HOURS_NOT_BETWEEN_START_END, kFile, 2, 2, true},
      {"gas day over", [](Scenario* s) { s->t = Dp1(6, 0); }, Code::PAST_GAS_DAY, kFile, 2, 2,
       true},
      {"gas day beyond the horizon", [](Scenario* s) { s->t = test::Cet(2026, 11, 29, 15, 0); },
       Code::GAS_DAY_TOO_FAR, kFile, 2, 2, true},
      {"23 values (parser)",
       [](Scenario* s) {
         FirstLine(s).values.pop_back();
         FirstLine(s).structurally_valid = false;
         s->decl.diagnostics.push_back(ParserError(Code::BAD_NUMBER_QUANTITIES, kFile, 2, 0));
       },
       Code::BAD_NUMBER_QUANTITIES, kFile, 2, 0, true},
      {"empty future hour 14h", [](Scenario* s) { FirstLine(s).values[8].value.reset(); },
       Code::BAD_QUANTITIES, kFile, 2, 19, true},
      {"above contractual qmax at 14h", [](Scenario* s) { FirstLine(s).values[8].value = 1000001; },
       Code::EXEDED_QMIN_QMAX, kFile, 2, 19, true},
      {"technical qmin above qmax",
       [](Scenario* s) {
         FirstLine(s).tech_qmin = 10;
         FirstLine(s).tech_qmax = 5;
       },
       Code::INVALID_QMIN_QMAX, kFile, 2, 9, true},
  };
  const Referential ref = test::ExamplesReferential();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Scenario s;
    c.change(&s);
    DeclarationResult r = EvaluateDeclaration(s.decl, s.sender, s.t, ref, s.snap);
    EXPECT_EQ(std::string(OutcomeName(r.outcome)), "REJECTED");
    EXPECT_TRUE(r.programmes.empty());
    EXPECT_TRUE(r.updates.empty());
    if (c.only) {
      EXPECT_EQ(test::CodesOf(r.errors), std::vector<Code>{c.code});
    }
    bool found = false;
    for (const auto& e : r.errors) {
      if (e.code != c.code) continue;
      found = true;
      EXPECT_EQ(e.severity, Severity::kError);
      EXPECT_EQ(e.file, c.file);
      EXPECT_EQ(e.line, c.line);
      EXPECT_EQ(e.field, c.field);
      EXPECT_FALSE(e.message.empty());
    }
    EXPECT_TRUE(found) << CodeName(c.code) << " not reported";
  }
}

TEST(Validation, HorizonTable) {
  // A programme's gas day may be at most max_days_ahead gas days after the
  // one in progress when it is judged (contract chapter 6: sent on D-1 for
  // D, D+1, D+2); the gas day of reception turns at 06:00, not at midnight.
  // Beyond it: GAS_DAY_TOO_FAR on field 2, naming the day and the last day
  // allowed.
  //
  // The message for `day`, the horizon ("3 jours"), the gas day in
  // progress and the last day allowed.
  auto beyond = [](const char* day, const char* horizon, const char* today, const char* last) {
    return std::string("Programme traitant d'une JG au-delà de l'horizon de déclaration : JG ") +
           day + ", au plus " + horizon + " après la JG en cours (" + today +
           "), soit jusqu'au " + last;
  };
  struct Case {
    const char* what;
    Instant t;
    int max_days_ahead;
    int days_after_d;  // the programme's gas day is D + this
    std::string message;  // empty: accepted
  } cases[] = {
      {"D-1 15:00, for D", Dm1(15, 0), 3, 0, ""},
      {"D-1 15:00, for D+1", Dm1(15, 0), 3, 1, ""},
      {"D-1 15:00, for D+2", Dm1(15, 0), 3, 2, ""},
      {"D-1 15:00, for D+3", Dm1(15, 0), 3, 3,
       beyond("06/12/2026", "3 jours", "02/12/2026", "05/12/2026")},
      {"D-1 15:00, for D+30", Dm1(15, 0), 3, 30,
       beyond("02/01/2027", "3 jours", "02/12/2026", "05/12/2026")},
      {"D 10:00, intraday for D", OnD(10, 0), 3, 0, ""},
      {"D 10:00, for D+3", OnD(10, 0), 3, 3, ""},
      {"D 05:59, still gas day D-1: D+3 too far", OnD(5, 59, 59, 999), 3, 3,
       beyond("06/12/2026", "3 jours", "02/12/2026", "05/12/2026")},
      {"D 06:00, gas day D: D+3 allowed", OnD(6, 0), 3, 3, ""},
      {"max 1, D-1 15:00, for D", Dm1(15, 0), 1, 0, ""},
      {"max 1, D-1 15:00, for D+1", Dm1(15, 0), 1, 1,
       beyond("04/12/2026", "1 jour", "02/12/2026", "03/12/2026")},
      {"max 1, D-1 05:59 (gas day D-2), for D", Dm1(5, 59), 1, 0,
       beyond("03/12/2026", "1 jour", "01/12/2026", "02/12/2026")},
      {"max 1, D-1 06:00, for D", Dm1(6, 0), 1, 0, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    RuleSettings settings;
    settings.max_days_ahead = c.max_days_ahead;
    const Referential ref = test::ExamplesReferential(settings);
    LineSpec l;
    l.day = GasDay(D().days() + date::days{c.days_after_d});
    l.values = Flat(100);
    DeclarationResult r = EvaluateDeclaration(Single(l), test::kQuimperSender, c.t, ref, {});
    if (c.message.empty()) {
      EXPECT_TRUE(r.errors.empty()) << r.errors[0].message;
      EXPECT_EQ(std::string(OutcomeName(r.outcome)), "INTEGRATED");
      continue;
    }
    ASSERT_EQ(test::CodesOf(r.errors), std::vector<Code>{Code::GAS_DAY_TOO_FAR});
    EXPECT_EQ(r.errors[0].message, c.message);
    EXPECT_EQ(r.errors[0].file, test::FileNameFor(l.day));
    EXPECT_EQ(r.errors[0].line, 2);
    EXPECT_EQ(r.errors[0].field, 2);
  }
}

TEST(Validation, AllErrorsReported) {
  // Every error of every file and line is reported, not only the first.
  LineSpec a;
  a.values = With(Flat(100), 14, 14, 2000000);
  LineSpec b;
  b.version = 2;
  b.site = "LI0999";
  LineSpec c;
  c.day = D().Next();
  c.values = Flat(100);
  c.values[0].reset();
  ParsedDeclaration d =
      test::MakeDeclaration({test::MakeFile(D(), {a, b}), test::MakeFile(D().Next(), {c})});
  DeclarationResult r =
      EvaluateDeclaration(d, test::kQuimperSender, Dm1(15, 0), test::ExamplesReferential(), {});
  EXPECT_EQ(std::string(OutcomeName(r.outcome)), "REJECTED");
  auto has = [&](Code code, const std::string& file, int line) {
    for (const auto& e : r.errors) {
      if (e.code == code && e.file == file && e.line == line) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(Code::EXEDED_QMIN_QMAX, kFile, 2));
  EXPECT_TRUE(has(Code::UNKNOWN_HMS_SITE, kFile, 3));
  EXPECT_TRUE(has(Code::BAD_QUANTITIES, test::FileNameFor(D().Next()), 2));
}

TEST(Validation, ExceededQminQmaxWithTolerance) {
  // Contractual bounds are widened by the tolerance on both sides, and the
  // message lists every offending hour in the contract's wording.
  // Quimper with qmin 100 000, qmax 1 000 000 and a 5 % tolerance:
  // accepted range [95 000, 1 050 000].
  const Referential ref = test::ExamplesReferential({}, 100000, 5);
  struct Case {
    double v;
    bool ok;
  } cases[] = {{95000, true},   {94999, false},   {100000, true}, {1000000, true},
               {1050000, true}, {1050001, false}, {0, false},     {2000000, false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.v);
    LineSpec l;
    l.values = With(Flat(500000), 14, 14, c.v);
    DeclarationResult r = EvaluateDeclaration(Single(l), test::kQuimperSender, Dm1(15, 0), ref, {});
    if (c.ok) {
      EXPECT_TRUE(r.errors.empty());
    } else {
      ASSERT_EQ(test::CodesOf(r.errors), std::vector<Code>{Code::EXEDED_QMIN_QMAX});
      EXPECT_EQ(r.errors[0].message, "Pour les heures 14h00 dépassement de la valeur [Qmin/Qmax]");
    }
  }
  LineSpec several;
  several.values = With(With(Flat(500000), 14, 15, 1100000), 5, 5, 1);
  DeclarationResult r =
      EvaluateDeclaration(Single(several), test::kQuimperSender, Dm1(15, 0), ref, {});
  ASSERT_EQ(test::CodesOf(r.errors), std::vector<Code>{Code::EXEDED_QMIN_QMAX});
  EXPECT_EQ(r.errors[0].message,
            "Pour les heures 14h00, 15h00, 05h00 dépassement de la valeur [Qmin/Qmax]");
  EXPECT_EQ(r.errors[0].field, 19);
}

TEST(Validation, BadQuantitiesOnlyFromCurrentSlot) {
  // Empty values are errors only from the current slot c onwards; earlier
  // ones are past hours and are stored as null.
  struct Case {
    const char* what;
    Instant t;
    int empty_hour;
    bool error;
  } cases[] = {
      {"D-1: every hour of D is future", Dm1(15, 0), 6, true},
      {"D 06:05: 6h is future", OnD(6, 5), 6, true},
      {"D 12:05: 10h is past", OnD(12, 5), 10, false},
      {"D 12:05: 11h is the current slot", OnD(12, 5), 11, true},
      {"D 12:15: 11h is past", OnD(12, 15), 11, false},
      {"D 12:15: 12h is the current slot", OnD(12, 15), 12, true},
      {"D+1 05:20: 4h is past", Dp1(5, 20), 4, false},
  };
  const Referential ref = test::ExamplesReferential();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    LineSpec l;
    l.values = Flat(100);
    l.values[test::SlotOfHour(c.empty_hour)].reset();
    FakeLedger ledger;
    ledger.PublishAll("ME0005", Light::kGreen, Dm1(5, 52));
    DeclarationResult r = ledger.Submit(Single(l), c.t, ref);
    if (c.error) {
      ASSERT_EQ(test::CodesOf(r.errors), std::vector<Code>{Code::BAD_QUANTITIES});
      EXPECT_EQ(r.errors[0].field, 11 + test::SlotOfHour(c.empty_hour));
      char hour[8];
      std::snprintf(hour, sizeof hour, "%02dh00", c.empty_hour);
      EXPECT_NE(r.errors[0].message.find(hour), std::string::npos) << r.errors[0].message;
    } else {
      EXPECT_TRUE(r.errors.empty());
      ASSERT_EQ(r.programmes.size(), 1u);
      EXPECT_TRUE(r.programmes[0].accepted);
      EXPECT_FALSE(r.programmes[0].values[test::SlotOfHour(c.empty_hour)].has_value());
    }
  }
}

TEST(Validation, WarningsNeverReject) {
  // Declared technical bounds and the site label only warn; the programme is
  // judged and accepted as usual.
  LineSpec l;
  l.values = With(Flat(100), 14, 15, 200);
  l.tech_qmin = 0.0;
  l.tech_qmax = 150.0;
  l.label = "Quimper Centrale";
  FakeLedger ledger;
  ledger.PublishAll("ME0005", Light::kGreen, Dm1(5, 52));
  DeclarationResult r = ledger.Submit(Single(l), Dm1(15, 0), test::ExamplesReferential());
  EXPECT_EQ(std::string(OutcomeName(r.outcome)), "INTEGRATED");
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.programmes.size(), 1u);
  EXPECT_TRUE(r.programmes[0].accepted);
  EXPECT_EQ(r.programmes[0].site_label, "Quimper");
  EXPECT_EQ(r.programmes[0].tech_qmax, 150.0);
  EXPECT_EQ(r.updates.size(), 1u);
  bool technical = false, label = false;
  for (const auto& w : r.warnings) {
    EXPECT_EQ(w.severity, Severity::kWarning);
    EXPECT_EQ(w.file, kFile);
    EXPECT_EQ(w.line, 2);
    if (w.code == Code::OUTSIDE_TECHNICAL_QMIN_QMAX) {
      technical = true;
      EXPECT_NE(w.message.find("14h00, 15h00"), std::string::npos) << w.message;
    }
    if (w.code == Code::SITE_LABEL_MISMATCH) {
      label = true;
      EXPECT_EQ(w.field, 4);
    }
  }
  EXPECT_TRUE(technical);
  EXPECT_TRUE(label);
}

}  // namespace
}  // namespace flexmail
