// Gas days and hourly slots in Europe/Paris (RULES §2). Every expected
// instant is written with an explicit UTC offset.
#include "rules/time.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/rules/test_support.h"

namespace flexmail {
namespace {

using test::Cest;
using test::Cet;
using test::D;
using test::Day;
using test::Utc;

const GasDay kSpring = Day(2026, 3, 28);   // 23 hours: 2026-03-29 02:00 does not exist
const GasDay kAutumn = Day(2026, 10, 24);  // 25 hours: 2026-10-25 02:00 happens twice

struct SlotCase {
  const char* what;
  Instant t;
  GasDay hour_day;
  int hour_slot;
  GasDay current_day;
  int current_slot;
};

TEST(Time, HourAndCurrentSlotTable) {
  // The hour slot H and the current slot c of an instant, around H:15 and the
  // 06:00 gas-day boundary.
  const GasDay d = D(), dm1 = D().Prev();
  const SlotCase cases[] = {
      {"12:00 exactly", Cet(2026, 12, 3, 12, 0), d, 6, d, 5},
      {"12:14:59.999", Cet(2026, 12, 3, 12, 14, 59, 999), d, 6, d, 5},
      {"12:15:00.000", Cet(2026, 12, 3, 12, 15, 0, 0), d, 6, d, 6},
      {"12:59:59.999", Cet(2026, 12, 3, 12, 59, 59, 999), d, 6, d, 6},
      {"06:00 starts D", Cet(2026, 12, 3, 6, 0), d, 0, dm1, 23},
      {"06:14 current slot is 5h of D-1", Cet(2026, 12, 3, 6, 14), d, 0, dm1, 23},
      {"06:15", Cet(2026, 12, 3, 6, 15), d, 0, d, 0},
      {"05:59 belongs to D-1 slot 23", Cet(2026, 12, 3, 5, 59), dm1, 23, dm1, 23},
      {"05:14", Cet(2026, 12, 3, 5, 14), dm1, 23, dm1, 22},
      {"00:30 is slot 18 of D-1", Cet(2026, 12, 3, 0, 30), dm1, 18, dm1, 18},
      {"00:10", Cet(2026, 12, 3, 0, 10), dm1, 18, dm1, 17},
      {"23:20 of D-1", Cet(2026, 12, 2, 23, 20), dm1, 17, dm1, 17},
      {"summer 06:20", Cest(2026, 7, 1, 6, 20), Day(2026, 7, 1), 0, Day(2026, 7, 1), 0},
      {"summer 05:20", Cest(2026, 7, 1, 5, 20), Day(2026, 6, 30), 23, Day(2026, 6, 30), 23},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(HourSlotOf(c.t), AbsSlotOf(c.hour_day, c.hour_slot));
    EXPECT_EQ(CurrentSlotOf(c.t), AbsSlotOf(c.current_day, c.current_slot));
    EXPECT_EQ(GasDayOf(c.t), c.hour_day);
  }
}

TEST(Time, AbsoluteSlotsAreContinuous) {
  // Absolute slots run on one line across days, including before 1970.
  const GasDay days[] = {D(), Day(1969, 12, 31), Day(1970, 1, 1), Day(1900, 1, 1)};
  for (GasDay d : days) {
    SCOPED_TRACE(d.Iso());
    EXPECT_EQ(AbsSlotOf(d, 23) + 1, AbsSlotOf(d.Next(), 0));
    for (int i : {0, 7, 23}) {
      EXPECT_EQ(DayOfAbsSlot(AbsSlotOf(d, i)), d);
      EXPECT_EQ(IndexOfAbsSlot(AbsSlotOf(d, i)), i);
    }
  }
}

TEST(Time, GasDayBoundaries) {
  // Gas-day boundaries and the early limit are 06:00 and (D-1) 01:00 local.
  EXPECT_EQ(GasDayStart(D()), Cet(2026, 12, 3, 6, 0));
  EXPECT_EQ(GasDayEnd(D()), Cet(2026, 12, 4, 6, 0));
  EXPECT_EQ(EarlyLimit(D()), Cet(2026, 12, 2, 1, 0));
  EXPECT_EQ(SlotStart(D(), 0), Cet(2026, 12, 3, 6, 0));
  EXPECT_EQ(SlotStart(D(), 23), Cet(2026, 12, 4, 5, 0));
  EXPECT_EQ(GasDayStart(Day(2026, 7, 1)), Cest(2026, 7, 1, 6, 0));
  EXPECT_EQ(GasDayHours(D()), 24);
  EXPECT_EQ(GasDayHours(Day(2026, 7, 1)), 24);
  for (int i = 0; i < kSlotsPerDay; ++i) EXPECT_FALSE(SlotIsNonexistent(D(), i)) << i;
}

TEST(Time, SpringForwardDay) {
  // The spring-forward gas day has 23 hours and its 02:00 slot does not exist.
  EXPECT_EQ(GasDayHours(kSpring), 23);
  EXPECT_EQ(GasDayHours(kSpring.Prev()), 24);
  EXPECT_EQ(GasDayHours(kSpring.Next()), 24);
  for (int i = 0; i < kSlotsPerDay; ++i) {
    EXPECT_EQ(SlotIsNonexistent(kSpring, i), i == kNonexistentDstSlot) << i;
  }
  EXPECT_EQ(GasDayStart(kSpring), Cet(2026, 3, 28, 6, 0));
  EXPECT_EQ(GasDayEnd(kSpring), Cest(2026, 3, 29, 6, 0));
  // 01:30 CET is slot 19, 03:30 CEST slot 21; the transition instant is the
  // start of the nonexistent slot.
  EXPECT_EQ(HourSlotOf(Cet(2026, 3, 29, 1, 30)), AbsSlotOf(kSpring, 19));
  EXPECT_EQ(HourSlotOf(Cest(2026, 3, 29, 3, 30)), AbsSlotOf(kSpring, 21));
  EXPECT_EQ(SlotStart(kSpring, 20), Utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(SlotStart(kSpring, 21), Cest(2026, 3, 29, 3, 0));
  // Hour arithmetic is on wall-clock labels: at 03:10 the current slot is
  // the (nonexistent) 02:00 slot.
  EXPECT_EQ(CurrentSlotOf(Cest(2026, 3, 29, 3, 10)), AbsSlotOf(kSpring, 20));
}

TEST(Time, FallBackDay) {
  // The fall-back gas day has 25 hours and both 02:00 hours map to slot 20.
  EXPECT_EQ(GasDayHours(kAutumn), 25);
  for (int i = 0; i < kSlotsPerDay; ++i) EXPECT_FALSE(SlotIsNonexistent(kAutumn, i)) << i;
  EXPECT_EQ(GasDayStart(kAutumn), Cest(2026, 10, 24, 6, 0));
  EXPECT_EQ(GasDayEnd(kAutumn), Cet(2026, 10, 25, 6, 0));
  EXPECT_EQ(HourSlotOf(Cest(2026, 10, 25, 1, 30)), AbsSlotOf(kAutumn, 19));
  EXPECT_EQ(HourSlotOf(Cest(2026, 10, 25, 2, 30)), AbsSlotOf(kAutumn, 20));
  EXPECT_EQ(HourSlotOf(Cet(2026, 10, 25, 2, 30)), AbsSlotOf(kAutumn, 20));
  EXPECT_EQ(HourSlotOf(Cet(2026, 10, 25, 3, 30)), AbsSlotOf(kAutumn, 21));
  EXPECT_EQ(CurrentSlotOf(Cest(2026, 10, 25, 2, 20)), AbsSlotOf(kAutumn, 20));
  EXPECT_EQ(CurrentSlotOf(Cet(2026, 10, 25, 2, 20)), AbsSlotOf(kAutumn, 20));
  EXPECT_EQ(CurrentSlotOf(Cet(2026, 10, 25, 2, 10)), AbsSlotOf(kAutumn, 19));
  // The repeated 02:00 slot starts at the first 02:00.
  EXPECT_EQ(SlotStart(kAutumn, 20), Cest(2026, 10, 25, 2, 0));
  EXPECT_EQ(SlotStart(kAutumn, 21), Cet(2026, 10, 25, 3, 0));
}

TEST(Time, FormatLocalIsoUsesRealOffset) {
  // Output timestamps carry the real Paris offset, never a bare "Z".
  EXPECT_EQ(FormatLocalIso(Cet(2026, 12, 3, 6, 0)), "2026-12-03T06:00:00.000+01:00");
  EXPECT_EQ(FormatLocalIso(Cest(2026, 7, 1, 6, 0)), "2026-07-01T06:00:00.000+02:00");
  EXPECT_EQ(FormatLocalIso(Cet(2026, 12, 3, 12, 5, 7, 123)), "2026-12-03T12:05:07.123+01:00");
  EXPECT_EQ(FormatLocalIso(Cest(2026, 10, 25, 2, 30)), "2026-10-25T02:30:00.000+02:00");
  EXPECT_EQ(FormatLocalIso(Cet(2026, 10, 25, 2, 30)), "2026-10-25T02:30:00.000+01:00");
  EXPECT_EQ(FormatUtcIso(Cet(2026, 12, 3, 6, 0)), "2026-12-03T05:00:00.000Z");
}

TEST(Time, FormatSlotStartTable) {
  // Slot labels: the nonexistent 02:00 keeps its label with the offset before
  // the change; the repeated 02:00 is the first one.
  struct Case {
    GasDay day;
    int slot;
    const char* want;
  } cases[] = {
      {D(), 0, "2026-12-03T06:00:00.000+01:00"},
      {D(), 23, "2026-12-04T05:00:00.000+01:00"},
      {kSpring, 0, "2026-03-28T06:00:00.000+01:00"},
      {kSpring, 19, "2026-03-29T01:00:00.000+01:00"},
      {kSpring, 20, "2026-03-29T02:00:00.000+01:00"},
      {kSpring, 21, "2026-03-29T03:00:00.000+02:00"},
      {kAutumn, 0, "2026-10-24T06:00:00.000+02:00"},
      {kAutumn, 20, "2026-10-25T02:00:00.000+02:00"},
      {kAutumn, 21, "2026-10-25T03:00:00.000+01:00"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatSlotStart(c.day, c.slot), c.want) << c.day.Iso() << " slot " << c.slot;
  }
}

TEST(Time, ParseInstantAccepts) {
  // ParseInstant accepts Z, offsets and unambiguous local Paris time.
  struct Case {
    const char* text;
    Instant want;
  } cases[] = {
      {"2026-12-03T05:00:00Z", Utc(2026, 12, 3, 5, 0)},
      {"2026-12-03T05:00:00.000Z", Utc(2026, 12, 3, 5, 0)},
      {"2026-12-03T06:00:00.000+01:00", Cet(2026, 12, 3, 6, 0)},
      {"2026-12-03T06:00+01:00", Cet(2026, 12, 3, 6, 0)},
      {"2026-12-03T06:00:00+0100", Cet(2026, 12, 3, 6, 0)},
      {"2026-12-03T01:00:00-04:00", Utc(2026, 12, 3, 5, 0)},
      {"2026-12-03T12:05:07.5Z", Utc(2026, 12, 3, 12, 5, 7, 500)},
      {"2026-12-03T12:05:07.123Z", Utc(2026, 12, 3, 12, 5, 7, 123)},
      {"2026-12-03T06:00", Cet(2026, 12, 3, 6, 0)},             // local, winter
      {"2026-12-03T06:00:30", Cet(2026, 12, 3, 6, 0, 30)},      // local, winter
      {"2026-07-01T06:00:00", Cest(2026, 7, 1, 6, 0)},          // local, summer
      {"2026-10-25T02:30:00+02:00", Utc(2026, 10, 25, 0, 30)},  // first 02:30
      {"2026-10-25T02:30:00+01:00", Utc(2026, 10, 25, 1, 30)},  // second 02:30
      {"2026-03-29T03:00:00", Cest(2026, 3, 29, 3, 0)},
  };
  for (const auto& c : cases) {
    Instant got{};
    std::string error;
    ASSERT_TRUE(ParseInstant(c.text, &got, &error)) << c.text << ": " << error;
    EXPECT_EQ(got, c.want) << c.text;
  }
}

TEST(Time, ParseInstantRejects) {
  // ParseInstant rejects malformed text and local times a DST change makes
  // nonexistent or ambiguous, asking for an offset.
  const char* bad[] = {
      "",
      "garbage",
      "2026-12-03",
      "2026-12-03T",
      "2026-12-03T6:00Z",
      "2026-12-03T24:00Z",
      "2026-12-03T06:60Z",
      "2026-12-03T06:00:61Z",
      "2026-13-03T06:00Z",
      "2026-02-29T06:00Z",
      "2026-12-03T06:00:00.Z",
      "2026-12-03T06:00:00+1",
      "2026-12-03T06:00:00+25:00",
      "2026-12-03T06:00:00Zjunk",
      "2026-12-03T06:00:00 UTC",
      "03/12/2026T06:00Z",
  };
  for (const char* text : bad) {
    Instant got{};
    std::string error;
    EXPECT_FALSE(ParseInstant(text, &got, &error)) << "\"" << text << "\"";
    EXPECT_FALSE(error.empty()) << "\"" << text << "\"";
  }
  for (const char* dst : {"2026-03-29T02:30:00", "2026-03-29T02:00", "2026-10-25T02:30:00"}) {
    Instant got{};
    std::string error;
    EXPECT_FALSE(ParseInstant(dst, &got, &error)) << dst;
    EXPECT_NE(error.find("offset"), std::string::npos) << dst << ": " << error;
  }
}

TEST(Time, GasDayParseForms) {
  // The three gas-day forms parse to the same day and reject invalid dates.
  EXPECT_EQ(GasDay::ParseIso("2026-12-03"), D());
  EXPECT_EQ(GasDay::ParseCompact("20261203"), D());
  EXPECT_EQ(GasDay::ParseFrench("03/12/2026"), D());
  EXPECT_EQ(GasDay::ParseIso("2028-02-29"), Day(2028, 2, 29));
  EXPECT_EQ(GasDay::FromYmd(2026, 12, 3), D());
  EXPECT_EQ(D().Iso(), "2026-12-03");
  EXPECT_EQ(D().Compact(), "20261203");
  EXPECT_EQ(D().French(), "03/12/2026");
  EXPECT_EQ(D().Next(), Day(2026, 12, 4));
  EXPECT_EQ(Day(2027, 1, 1).Prev(), Day(2026, 12, 31));

  for (const char* s :
       {"", "2026-12-3", "2026/12/03", "2026-02-29", "2026-13-01", "2026-00-10", "2026-12-32",
        "20261203", "03/12/2026", "2026-12-03T", "+026-12-03", "2026-1a-03"}) {
    EXPECT_EQ(GasDay::ParseIso(s), std::nullopt) << "\"" << s << "\"";
  }
  for (const char* s :
       {"", "2026123", "202612031", "20260229", "20261300", "2026-12-", "2026120a", "2026-12-03"}) {
    EXPECT_EQ(GasDay::ParseCompact(s), std::nullopt) << "\"" << s << "\"";
  }
  for (const char* s : {"", "3/12/2026", "03-12-2026", "29/02/2026", "32/12/2026", "03/13/2026",
                        "03/12/26", "2026-12-03", "0a/12/2026"}) {
    EXPECT_EQ(GasDay::ParseFrench(s), std::nullopt) << "\"" << s << "\"";
  }
  EXPECT_EQ(GasDay::FromYmd(2026, 2, 29), std::nullopt);
}

}  // namespace
}  // namespace flexmail
