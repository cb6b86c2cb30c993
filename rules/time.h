// Instants, gas days and hourly slots (RULES §2).
//
// An Instant is a UTC point in time with millisecond precision. Local time is
// always Europe/Paris, read from the system tz database through date/tz; this
// is data, not I/O, so the rules stay pure.
//
// A gas day D runs from D 06:00 to D+1 06:00 local. It always has 24 slots;
// slot i is the hour starting at local wall-clock hour (6 + i) mod 24. On the
// 23-hour day, the 02:00 slot (i = 20) does not exist; on the 25-hour day the
// single 02:00 slot stands for both 02:00 hours. Every slot of every day is
// numbered on one line: AbsSlot(D, i) = ordinal(D) * 24 + i.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

namespace flexmail {

using Instant = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using LocalTime = date::local_time<std::chrono::milliseconds>;

constexpr int kSlotsPerDay = 24;
constexpr int kNonexistentDstSlot = 20;  // the 02:00 slot

class GasDay {
 public:
  GasDay() = default;
  explicit GasDay(date::sys_days d) : days_(d) {}
  static std::optional<GasDay> FromYmd(int y, unsigned m, unsigned d);
  // "YYYY-MM-DD", "YYYYMMDD" or "DD/MM/YYYY"; nullopt when malformed or invalid.
  static std::optional<GasDay> ParseIso(std::string_view s);
  static std::optional<GasDay> ParseCompact(std::string_view s);
  static std::optional<GasDay> ParseFrench(std::string_view s);

  date::sys_days days() const { return days_; }
  std::int64_t ordinal() const { return days_.time_since_epoch().count(); }
  GasDay Next() const { return GasDay(days_ + date::days{1}); }
  GasDay Prev() const { return GasDay(days_ - date::days{1}); }
  std::string Iso() const;      // 2026-12-03
  std::string Compact() const;  // 20261203
  std::string French() const;   // 03/12/2026

  auto operator<=>(const GasDay&) const = default;

 private:
  date::sys_days days_{};
};

// Absolute slot number: ordinal(D) * 24 + i.
using AbsSlot = std::int64_t;
inline AbsSlot AbsSlotOf(GasDay d, int i) { return d.ordinal() * kSlotsPerDay + i; }
inline GasDay DayOfAbsSlot(AbsSlot s) {
  auto ord = s >= 0 ? s / kSlotsPerDay : (s - kSlotsPerDay + 1) / kSlotsPerDay;
  return GasDay(date::sys_days{date::days{ord}});
}
inline int IndexOfAbsSlot(AbsSlot s) {
  return static_cast<int>(s - DayOfAbsSlot(s).ordinal() * kSlotsPerDay);
}

// Local Paris wall-clock time of an instant.
LocalTime ToLocal(Instant t);
// The instant of a local wall-clock time. Nonexistent times (spring forward)
// map to the transition instant; ambiguous ones (fall back) to the earlier.
Instant FromLocalEarliest(LocalTime lt);

// The absolute slot of the wall-clock hour of t (the slot "H" of RULES §4).
AbsSlot HourSlotOf(Instant t);
// The current slot c: H-1 when t is strictly before H:15:00, else H.
AbsSlot CurrentSlotOf(Instant t);
// Both at once, with one time-zone lookup (the hot path of the rules).
struct SlotsAt {
  AbsSlot hour = 0;     // H
  AbsSlot current = 0;  // c
};
SlotsAt SlotsOf(Instant t);
// The gas day containing t.
GasDay GasDayOf(Instant t);

// Gas-day boundaries as instants: D 06:00 local and D+1 06:00 local.
Instant GasDayStart(GasDay d);
Instant GasDayEnd(GasDay d);
// (D-1) 01:00 local: programmes for D received before it are "early".
Instant EarlyLimit(GasDay d);
// The instant slot i of D starts (for the nonexistent 02:00 slot, the
// transition instant; for the repeated 02:00, the first one).
Instant SlotStart(GasDay d, int i);
// Number of real hours in D: 23, 24 or 25.
int GasDayHours(GasDay d);
// True when slot i of D does not exist (the 02:00 slot of the 23-hour day).
bool SlotIsNonexistent(GasDay d, int i);

// The Paris UTC offset in force at t, in minutes (60 or 120).
int UtcOffsetMinutes(Instant t);

// ISO 8601 with the real Paris offset: "2026-12-03T06:00:00.000+01:00".
std::string FormatLocalIso(Instant t);
// The hourlySlotStartDateTime of slot i of D. For the nonexistent 02:00 slot
// this is the wall-clock label 02:00 with the offset in force before it.
std::string FormatSlotStart(GasDay d, int i);
// UTC "2026-12-03T05:00:00.000Z" (the ledger's form).
std::string FormatUtcIso(Instant t);
// Parses ISO 8601: "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z", "+HH:MM",
// "-HH:MM" or nothing (Paris local). A local time that does not exist or is
// ambiguous is an error (the message says to give an offset). On failure
// returns false and sets *error to an explanation for the operator.
bool ParseInstant(std::string_view s, Instant* out, std::string* error);

}  // namespace flexmail
