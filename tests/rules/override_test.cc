// A dispatcher's override on the reference (rules/override.h), and the end
// of a shortage (ShortageInForce with ends).
#include "rules/override.h"

#include <gtest/gtest.h>

#include "rules/indicators.h"
#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using test::Cet;

const GasDay kDay = *GasDay::FromYmd(2026, 12, 3);

Hourly Flat(double v) {
  Hourly h;
  h.fill(v);
  return h;
}

// `before` for the slots before `from`, `value` from it on.
Hourly Split(int from, double before, double value) {
  Hourly h = Flat(before);
  for (int i = from; i < kSlotsPerDay; ++i) h[i] = value;
  return h;
}

ReferenceVersion Version(Instant at, std::int64_t seq, Hourly values, const char* programme,
                         bool withdrawal = false) {
  ReferenceVersion v;
  v.effective_at = at;
  v.seq = seq;
  v.values = values;
  v.programme_id = programme;
  v.withdrawal = withdrawal;
  v.override_id = withdrawal ? seq : 0;
  return v;
}

TEST(OverrideAccept, AppliesAsAnAcceptanceAtThatInstantWould) {
  ReferenceHistory h({Version(Cet(2026, 12, 1, 12, 0), 1, Flat(100), "P1")});
  // During D: from the current slot (10:30 is slot 4) on.
  EXPECT_EQ(ReferenceAfterOverrideAccept(h, Flat(200), kDay, Cet(2026, 12, 3, 10, 30)),
            Split(4, 100, 200));
  // Before D 06:00: in full.
  EXPECT_EQ(ReferenceAfterOverrideAccept(h, Flat(200), kDay, Cet(2026, 12, 3, 5, 59)), Flat(200));
  // No reference yet: in full.
  EXPECT_EQ(ReferenceAfterOverrideAccept(ReferenceHistory(), Flat(200), kDay,
                                         Cet(2026, 12, 3, 10, 30)),
            Flat(200));
}

struct RefuseCase {
  const char* name;
  std::vector<ReferenceVersion> history;
  const char* programme;
  Instant at;
  std::optional<Hourly> expected;
};

Hourly Nulls() {
  Hourly h;
  return h;
}

TEST(OverrideRefuse, PutsBackWhatStoodWithoutTheProgramme) {
  const Instant d1 = Cet(2026, 12, 1, 12, 0);
  const Instant h0830 = Cet(2026, 12, 3, 8, 30), h1030 = Cet(2026, 12, 3, 10, 30);
  const Instant h1130 = Cet(2026, 12, 3, 11, 30), h1230 = Cet(2026, 12, 3, 12, 30);
  Hourly p3_over_p2 = Split(2, 100, 200);
  for (int i = 5; i < 24; ++i) p3_over_p2[i] = 300;
  const RefuseCase cases[] = {
      {"the latest programme, from the current slot on",
       {Version(d1, 1, Flat(100), "P1"), Version(h0830, 2, Split(2, 100, 200), "P2")}, "P2",
       h1030, [] {
         Hourly h = Split(2, 100, 200);
         for (int i = 4; i < 24; ++i) h[i] = 100;
         return h;
       }()},
      {"before D 06:00, every hour",
       {Version(d1, 1, Flat(100), "P1"), Version(Cet(2026, 12, 2, 12, 0), 2, Flat(200), "P2")},
       "P2", Cet(2026, 12, 3, 5, 0), Flat(100)},
      {"the only programme: nothing stands without it",
       {Version(d1, 1, Flat(100), "P1")}, "P1", Cet(2026, 12, 2, 12, 0), Nulls()},
      {"replaced since by a later programme: no change",
       {Version(d1, 1, Flat(100), "P1"), Version(h0830, 2, Split(2, 100, 200), "P2"),
        Version(h1030, 3, p3_over_p2, "P3")},
       "P2", h1130, std::nullopt},
      {"an earlier programme, only the hours it still holds",
       {Version(d1, 1, Flat(100), "P1"), Version(h0830, 2, Split(2, 100, 200), "P2"),
        Version(h1030, 3, [] {
          Hourly h = Split(2, 100, 200);
          h[23] = 300;  // P3 changed only 05h00 (its other hours equal P2's)
          for (int i = 4; i < 23; ++i) h[i] = 200;
          return h;
        }(), "P3")},
       "P1", h1130, std::nullopt},
      {"a programme accepted, withdrawn, accepted again, withdrawn again",
       {Version(d1, 1, Flat(100), "P1"), Version(h0830, 2, Split(2, 100, 200), "P2"),
        Version(h1030, 3, [] {
          Hourly h = Split(2, 100, 200);
          for (int i = 4; i < 24; ++i) h[i] = 100;
          return h;
        }(), "P2", true),
        Version(h1130, 4, [] {
          Hourly h = Split(2, 100, 200);
          for (int i = 4; i < 5; ++i) h[i] = 100;
          return h;
        }(), "P2")},
       "P2", h1230, [] {
         Hourly h = Split(2, 100, 200);  // 11h00 (slot 5) is past at 12:30: kept
         for (int i = 4; i < 24; ++i) h[i] = i == 5 ? 200 : 100;
         return h;
       }()},
      {"nothing in force yet", {}, "P1", h1030, std::nullopt},
  };
  for (const auto& c : cases) {
    ReferenceHistory h(c.history);
    EXPECT_EQ(ReferenceAfterOverrideRefuse(h, c.programme, kDay, c.at), c.expected) << c.name;
  }
}

TEST(OverrideRefuse, AWithdrawalKeepsWhereThePutBackValuesCameFrom) {
  // P1 all day 100, P2 from 08h00 200, P3 from 10h00 300; P3 withdrawn at
  // 11:30 puts back P2's 200 from 11h00. Withdrawing P2 at 12:30 must then
  // find those hours again as P2's and put back P1's 100.
  const Instant d1 = Cet(2026, 12, 1, 12, 0);
  Hourly v3 = Split(2, 100, 200);
  for (int i = 4; i < 24; ++i) v3[i] = 300;
  Hourly v4 = v3;
  for (int i = 5; i < 24; ++i) v4[i] = 200;
  ReferenceHistory h({Version(d1, 1, Flat(100), "P1"),
                      Version(Cet(2026, 12, 3, 8, 30), 2, Split(2, 100, 200), "P2"),
                      Version(Cet(2026, 12, 3, 10, 30), 3, v3, "P3"),
                      Version(Cet(2026, 12, 3, 11, 30), 4, v4, "P3", true)});
  Hourly expected = v4;
  for (int i = 6; i < 24; ++i) expected[i] = 100;
  EXPECT_EQ(ReferenceAfterOverrideRefuse(h, "P2", kDay, Cet(2026, 12, 3, 12, 30)), expected);
}

Shortage Record(const char* mesh, Instant at, std::int64_t seq, bool cancels = false) {
  return Shortage{kDay, mesh, at, cancels, seq};
}

TEST(ShortageEnd, TheLastRecordCoveringTheMeshDecides) {
  const Instant h8 = Cet(2026, 12, 3, 8, 0), h9 = Cet(2026, 12, 3, 9, 0);
  const Instant h10 = Cet(2026, 12, 3, 10, 0), h11 = Cet(2026, 12, 3, 11, 0);
  struct Case {
    const char* name;
    std::vector<Shortage> records;
    const char* mesh;
    Instant at;
    bool in_force;
  } cases[] = {
      {"declared", {Record("", h8, 1)}, "ME0005", h9, true},
      {"ended for every mesh", {Record("", h8, 1), Record("", h9, 2, true)}, "ME0005", h10, false},
      {"before its end", {Record("", h8, 1), Record("", h10, 2, true)}, "ME0005", h9, true},
      {"ended for another mesh", {Record("", h8, 1), Record("ME0001", h9, 2, true)}, "ME0005", h10,
       true},
      {"ended for its mesh", {Record("", h8, 1), Record("ME0005", h9, 2, true)}, "ME0005", h10,
       false},
      {"declared again after its end",
       {Record("ME0005", h8, 1), Record("", h9, 2, true), Record("ME0005", h10, 3)}, "ME0005", h11,
       true},
      {"declared and ended at the same instant: ledger order",
       {Record("ME0005", h9, 1), Record("ME0005", h9, 2, true)}, "ME0005", h9, false},
      {"an end alone", {Record("", h8, 1, true)}, "ME0005", h9, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ShortageInForce(c.records, kDay, c.mesh, c.at), c.in_force) << c.name;
  }
}

TEST(ShortageEnd, StandingShortagesArePerMesh) {
  const Instant h8 = Cet(2026, 12, 3, 8, 0), h9 = Cet(2026, 12, 3, 9, 0);
  std::vector<Shortage> records = {Record("", h8, 1), Record("ME0001", h9, 2, true)};
  auto standing = StandingShortages(records, {"ME0001", "ME0005"}, kDay, Cet(2026, 12, 3, 10, 0));
  ASSERT_EQ(standing.size(), 1u);
  EXPECT_EQ(standing[0].mesh, "ME0005");
  EXPECT_TRUE(standing[0].record->mesh.empty());
  EXPECT_EQ(standing[0].refuses_from, h8);
  // A past day is not listed.
  EXPECT_TRUE(StandingShortages(records, {"ME0005"}, kDay.Next(), h9).empty());
}

}  // namespace
}  // namespace flexmail
