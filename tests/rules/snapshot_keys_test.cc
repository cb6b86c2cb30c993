// The instants at which judging a declaration reads reference histories
// (SnapshotKeys::reference_instants), and why the versions in force at them
// are all a snapshot needs: judging with only those gives the verdicts of
// the whole history, on ordinary and DST gas days.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "rules/declaration.h"
#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using test::Cest;
using test::Cet;
using test::D;
using test::Day;
using test::FakeLedger;
using test::Flat;
using test::OnD;
using test::Quimper;
using test::Single;
using test::Utc;

const GasDay kSpring = Day(2026, 3, 28);   // 2026-03-29 02:00 does not exist
const GasDay kAutumn = Day(2026, 10, 24);  // 2026-10-25 02:00 happens twice

struct InstantsCase {
  const char* what;
  Instant at;
  Instant budget;  // 1 ms before the current slot c starts
};

TEST(ReferenceInstants, BudgetInstantThenReception) {
  // Judging at t reads histories just before the current slot starts, then
  // at t; on DST nights c's start follows the wall-clock slot labels.
  const InstantsCase cases[] = {
      {"12:05: c is 11h", OnD(12, 5), OnD(10, 59, 59, 999)},
      {"12:14:59.999: c is still 11h", OnD(12, 14, 59, 999), OnD(10, 59, 59, 999)},
      {"12:15 exactly: c is 12h", OnD(12, 15), OnD(11, 59, 59, 999)},
      {"13:00:00.001: c is 12h", OnD(13, 0, 0, 1), OnD(11, 59, 59, 999)},
      {"06:10 on D: c is 5h of D-1", OnD(6, 10), OnD(4, 59, 59, 999)},
      {"06:15 on D: c is 6h, D's first slot", OnD(6, 15), OnD(5, 59, 59, 999)},
      {"summer 12:20", Cest(2026, 7, 1, 12, 20), Cest(2026, 7, 1, 11, 59, 59, 999)},
      {"spring 01:10 CET: c is 0h", Cet(2026, 3, 29, 1, 10), Cet(2026, 3, 28, 23, 59, 59, 999)},
      {"spring 03:10 CEST: c is the missing 02:00, starting at the change",
       Cest(2026, 3, 29, 3, 10), Utc(2026, 3, 29, 0, 59, 59, 999)},
      {"spring 03:15 CEST: c is 03h, starting at the same instant", Cest(2026, 3, 29, 3, 15),
       Utc(2026, 3, 29, 0, 59, 59, 999)},
      {"autumn first 02:10 CEST: c is 01h", Cest(2026, 10, 25, 2, 10),
       Cest(2026, 10, 25, 0, 59, 59, 999)},
      {"autumn second 02:10 CET: c is still 01h, 2 h 10 back", Cet(2026, 10, 25, 2, 10),
       Cest(2026, 10, 25, 0, 59, 59, 999)},
      {"autumn second 02:20 CET: c is 02h, from its first hour", Cet(2026, 10, 25, 2, 20),
       Cest(2026, 10, 25, 1, 59, 59, 999)},
      {"autumn 03:14 CET: c is 02h, 2 h 14 back", Cet(2026, 10, 25, 3, 14),
       Cest(2026, 10, 25, 1, 59, 59, 999)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(ReferenceInstantsOf(c.at), (std::vector<Instant>{c.budget, c.at}));
  }
}

// `full` with, per (site, day), only the versions in force at `instants`.
LedgerSnapshot InForceOnly(const LedgerSnapshot& full, const std::vector<Instant>& instants) {
  LedgerSnapshot out = full;
  for (auto& [key, history] : out.references) {
    std::vector<ReferenceVersion> kept;
    for (Instant q : instants) {
      const ReferenceVersion* v = full.references.at(key).InForceAt(q);
      bool seen = v && std::any_of(kept.begin(), kept.end(),
                                   [&](const ReferenceVersion& k) { return k.seq == v->seq; });
      if (v && !seen) kept.push_back(*v);
    }
    history = ReferenceHistory(std::move(kept));
  }
  return out;
}

std::string Describe(const ReferenceVersion* v) {
  if (!v) return "none";
  std::ostringstream os;
  os << v->seq << " " << FormatUtcIso(v->effective_at) << " " << v->programme_id;
  for (const auto& q : v->values) os << " " << (q ? *q : -1);
  return os.str();
}

// What a verdict says and stores, and the reference the reply shows (the
// history with the updates added, in force at t).
std::string Describe(const DeclarationResult& r, const LedgerSnapshot& snap) {
  std::ostringstream os;
  os << OutcomeName(r.outcome) << "\n";
  for (const auto& p : r.programmes) {
    os << p.raw_id << " " << p.accepted << p.superseded << static_cast<int>(p.path) << " "
       << p.comment << "\n";
  }
  for (const auto& u : r.updates) {
    ReferenceHistory shown;
    auto it = snap.references.find(u.key);
    if (it != snap.references.end()) shown = it->second;
    shown.Add(u.version);
    os << "update " << Describe(&u.version) << "\nshown " << Describe(shown.InForceAt(r.received_at))
       << "\n";
  }
  return os.str();
}

struct JudgeCase {
  const char* what;
  GasDay day;
  Instant at;
};

TEST(ReferenceInstants, VersionsInForceThereJudgeAsTheWholeHistory) {
  // Given a version every 7 minutes for 4 hours before t, plus versions at
  // c's start and 1 ms before it, each with other values, and Q- and Q+ red
  // with the partial budget green, the snapshot cut to the versions in force at ReferenceInstantsOf(t)
  // judges and updates exactly as the whole history does.
  const JudgeCase cases[] = {
      {"12:05", D(), OnD(12, 5)},
      {"12:15 exactly", D(), OnD(12, 15)},
      {"13:00:00.001", D(), OnD(13, 0, 0, 1)},
      {"spring 03:10 CEST", kSpring, Cest(2026, 3, 29, 3, 10)},
      {"spring 01:10 CET", kSpring, Cet(2026, 3, 29, 1, 10)},
      {"autumn second 02:10 CET", kAutumn, Cet(2026, 10, 25, 2, 10)},
      {"autumn 03:14 CET", kAutumn, Cet(2026, 10, 25, 3, 14)},
  };
  const Referential ref = test::ExamplesReferential();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    FakeLedger ledger;
    ledger.Publish("ME0005", IndicatorKind::kQMinus, Light::kRed, c.at - std::chrono::hours{30});
    ledger.Publish("ME0005", IndicatorKind::kQPlus, Light::kRed, c.at - std::chrono::hours{30});
    ledger.Publish("ME0005", IndicatorKind::kPartial, Light::kGreen, c.at - std::chrono::hours{30});
    const Instant c_start = ReferenceInstantsOf(c.at).front() + std::chrono::milliseconds{1};
    std::vector<Instant> effective = {c_start - std::chrono::milliseconds{1}, c_start};
    for (auto t = c.at - std::chrono::hours{4}; t <= c.at; t += std::chrono::minutes{7}) {
      effective.push_back(t);
    }
    std::int64_t seq = 1;
    for (Instant t : effective) {
      ReferenceVersion v;
      v.effective_at = t;
      v.seq = seq++;
      for (int i = 0; i < kSlotsPerDay; ++i) {
        v.values[i] = 100000 + 37000 * static_cast<double>((v.seq * 5 + i) % 11);
      }
      v.programme_id = "v" + std::to_string(v.seq);
      ledger.snap().references[SiteDay{"LI0001", c.day}].Add(v);
    }
    const ParsedDeclaration d = Single(Quimper(1, Flat(420000), c.day));
    const LedgerSnapshot cut = InForceOnly(ledger.snap(), ReferenceInstantsOf(c.at));
    ASSERT_LE(cut.references.at(SiteDay{"LI0001", c.day}).versions().size(), 2u);
    const DeclarationResult whole = EvaluateDeclaration(d, test::kQuimperSender, c.at, ref,
                                                        ledger.snap());
    ASSERT_EQ(whole.outcome, Outcome::kIntegrated);
    EXPECT_EQ(Describe(EvaluateDeclaration(d, test::kQuimperSender, c.at, ref, cut), cut),
              Describe(whole, ledger.snap()));
  }
}

}  // namespace
}  // namespace flexmail
