#include "rules/time.h"

#include <cctype>
#include <charconv>

#include <date/tz.h>

namespace flexmail {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

const date::time_zone* Paris() {
  static const date::time_zone* zone = date::locate_zone("Europe/Paris");
  return zone;
}

bool ParseUnsigned(std::string_view s, int* out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

LocalTime LocalAt(GasDay d, int hour_of_day) {
  return LocalTime{date::local_days{d.days().time_since_epoch()} + hours{hour_of_day}};
}

}  // namespace

std::optional<GasDay> GasDay::FromYmd(int y, unsigned m, unsigned d) {
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok() || y < 1900 || y > 9999) return std::nullopt;
  return GasDay(date::sys_days{ymd});
}

std::optional<GasDay> GasDay::ParseIso(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!ParseUnsigned(s.substr(0, 4), &y) || !ParseUnsigned(s.substr(5, 2), &m) ||
      !ParseUnsigned(s.substr(8, 2), &d))
    return std::nullopt;
  return FromYmd(y, m, d);
}

std::optional<GasDay> GasDay::ParseCompact(std::string_view s) {
  int y, m, d;
  if (s.size() != 8) return std::nullopt;
  if (!ParseUnsigned(s.substr(0, 4), &y) || !ParseUnsigned(s.substr(4, 2), &m) ||
      !ParseUnsigned(s.substr(6, 2), &d))
    return std::nullopt;
  return FromYmd(y, m, d);
}

std::optional<GasDay> GasDay::ParseFrench(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[2] != '/' || s[5] != '/') return std::nullopt;
  if (!ParseUnsigned(s.substr(0, 2), &d) || !ParseUnsigned(s.substr(3, 2), &m) ||
      !ParseUnsigned(s.substr(6, 4), &y))
    return std::nullopt;
  return FromYmd(y, m, d);
}

std::string GasDay::Iso() const { return date::format("%F", days_); }
std::string GasDay::Compact() const { return date::format("%Y%m%d", days_); }
std::string GasDay::French() const { return date::format("%d/%m/%Y", days_); }

LocalTime ToLocal(Instant t) { return Paris()->to_local(t); }

Instant FromLocalEarliest(LocalTime lt) {
  return std::chrono::time_point_cast<milliseconds>(Paris()->to_sys(lt, date::choose::earliest));
}

SlotsAt SlotsOf(Instant t) {
  LocalTime lt = ToLocal(t);
  auto day = date::floor<date::days>(lt);
  auto hour = date::floor<hours>(lt);
  int h = static_cast<int>((hour - day).count());
  GasDay local_day(date::sys_days{day.time_since_epoch()});
  SlotsAt out;
  out.hour = h >= 6 ? AbsSlotOf(local_day, h - 6) : AbsSlotOf(local_day.Prev(), h + 18);
  out.current = lt - hour < minutes{15} ? out.hour - 1 : out.hour;
  return out;
}

AbsSlot HourSlotOf(Instant t) { return SlotsOf(t).hour; }
AbsSlot CurrentSlotOf(Instant t) { return SlotsOf(t).current; }

GasDay GasDayOf(Instant t) { return DayOfAbsSlot(HourSlotOf(t)); }

Instant GasDayStart(GasDay d) { return FromLocalEarliest(LocalAt(d, 6)); }
Instant GasDayEnd(GasDay d) { return GasDayStart(d.Next()); }
Instant EarlyLimit(GasDay d) { return FromLocalEarliest(LocalAt(d.Prev(), 1)); }
Instant SlotStart(GasDay d, int i) { return FromLocalEarliest(LocalAt(d, 6 + i)); }

int GasDayHours(GasDay d) {
  return static_cast<int>(date::floor<hours>(GasDayEnd(d) - GasDayStart(d)).count());
}

bool SlotIsNonexistent(GasDay d, int i) {
  auto info = Paris()->get_info(date::local_seconds{
      std::chrono::duration_cast<std::chrono::seconds>(LocalAt(d, 6 + i).time_since_epoch())});
  return info.result == date::local_info::nonexistent;
}

int UtcOffsetMinutes(Instant t) {
  return static_cast<int>(
      std::chrono::duration_cast<minutes>(Paris()->get_info(t).offset).count());
}

std::string FormatLocalIso(Instant t) {
  return date::format("%FT%T%Ez", date::make_zoned(Paris(), t));
}

std::string FormatSlotStart(GasDay d, int i) {
  if (!SlotIsNonexistent(d, i)) return FormatLocalIso(SlotStart(d, i));
  // The hour does not exist: keep its wall-clock label with the offset in
  // force just before the change, which denotes the transition instant.
  std::string before = FormatLocalIso(SlotStart(d, i) - milliseconds{1});
  return date::format("%FT%T", LocalAt(d, 6 + i)) + before.substr(before.size() - 6);
}

std::string FormatUtcIso(Instant t) { return date::format("%FT%TZ", t); }

namespace {

// Reads "HH:MM[:SS[.f...]]" from the front of s; advances s.
bool ParseClock(std::string_view* s, milliseconds* out) {
  int h, m, sec = 0, ms = 0;
  if (s->size() < 5 || (*s)[2] != ':') return false;
  if (!ParseUnsigned(s->substr(0, 2), &h) || !ParseUnsigned(s->substr(3, 2), &m)) return false;
  s->remove_prefix(5);
  if (!s->empty() && (*s)[0] == ':') {
    if (s->size() < 3 || !ParseUnsigned(s->substr(1, 2), &sec)) return false;
    s->remove_prefix(3);
    if (!s->empty() && (*s)[0] == '.') {
      size_t n = 1;
      while (n < s->size() && std::isdigit(static_cast<unsigned char>((*s)[n]))) ++n;
      if (n == 1 || n > 10) return false;
      std::string frac(s->substr(1, n - 1));
      frac.resize(3, '0');
      ParseUnsigned(frac, &ms);
      s->remove_prefix(n);
    }
  }
  if (h > 23 || m > 59 || sec > 59) return false;
  *out = hours{h} + minutes{m} + std::chrono::seconds{sec} + milliseconds{ms};
  return true;
}

// Reads "", "Z", "+HH:MM", "-HH:MM" or "+HHMM"; nullopt offset means local.
bool ParseOffset(std::string_view s, std::optional<minutes>* out) {
  if (s.empty() || s == "Z" || s == "z") {
    *out = s.empty() ? std::nullopt : std::optional<minutes>(minutes{0});
    return true;
  }
  if (s[0] != '+' && s[0] != '-') return false;
  int h, m;
  std::string_view rest = s.substr(1);
  if (rest.size() == 5 && rest[2] == ':') {
    if (!ParseUnsigned(rest.substr(0, 2), &h) || !ParseUnsigned(rest.substr(3, 2), &m))
      return false;
  } else if (rest.size() == 4) {
    if (!ParseUnsigned(rest.substr(0, 2), &h) || !ParseUnsigned(rest.substr(2, 2), &m))
      return false;
  } else {
    return false;
  }
  if (h > 23 || m > 59) return false;
  minutes off = hours{h} + minutes{m};
  *out = s[0] == '-' ? -off : off;
  return true;
}

}  // namespace

bool ParseInstant(std::string_view s, Instant* out, std::string* error) {
  const std::string expected =
      "expected YYYY-MM-DDTHH:MM[:SS[.mmm]] followed by Z, +HH:MM, -HH:MM or nothing "
      "(Europe/Paris local time)";
  auto day = s.size() >= 10 ? GasDay::ParseIso(s.substr(0, 10)) : std::nullopt;
  if (!day || s.size() < 11 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    *error = "\"" + std::string(s) + "\": " + expected;
    return false;
  }
  std::string_view rest = s.substr(11);
  milliseconds clock;
  std::optional<minutes> offset;
  if (!ParseClock(&rest, &clock) || !ParseOffset(rest, &offset)) {
    *error = "\"" + std::string(s) + "\": " + expected;
    return false;
  }
  LocalTime lt{date::local_days{day->days().time_since_epoch()} + clock};
  if (offset) {
    *out = Instant{lt.time_since_epoch() - *offset};
    return true;
  }
  auto info = Paris()->get_info(date::floor<std::chrono::seconds>(lt));
  if (info.result != date::local_info::unique) {
    *error = "\"" + std::string(s) + "\": this local time " +
             (info.result == date::local_info::nonexistent ? "does not exist"
                                                           : "is ambiguous") +
             " in Europe/Paris (daylight saving change); give an explicit offset";
    return false;
  }
  *out = FromLocalEarliest(lt);
  return true;
}

}  // namespace flexmail
