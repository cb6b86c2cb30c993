#include "db/codec.h"

#include <charconv>

#include <date/date.h>

#include "parser/report.h"

namespace flexmail::store {
namespace {

template <typename E>
struct Spelling {
  E value;
  std::string_view text;
};

constexpr Spelling<Outcome> kOutcomes[] = {
    {Outcome::kIntegrated, "INTEGRATED"},
    {Outcome::kRejected, "REJECTED"},
    {Outcome::kIgnored, "IGNORED"},
    {Outcome::kTest, "TEST"},
};
constexpr Spelling<Severity> kSeverities[] = {
    {Severity::kError, "ERROR"},
    {Severity::kWarning, "WARNING"},
};
constexpr Spelling<FeasibilityPath> kPaths[] = {
    {FeasibilityPath::kEarly, "EARLY"},
    {FeasibilityPath::kShortage, "SHORTAGE"},
    {FeasibilityPath::kEmptyWindow, "EMPTY_WINDOW"},
    {FeasibilityPath::kChecked, "CHECKED"},
};

template <typename E, size_t N>
std::string_view TextOf(const Spelling<E> (&table)[N], E v) {
  for (const auto& s : table) {
    if (s.value == v) return s.text;
  }
  return "?";  // out-of-range enum value: the CHECK constraint refuses it
}

template <typename E, size_t N>
bool ValueOf(const Spelling<E> (&table)[N], std::string_view text, E* out) {
  for (const auto& s : table) {
    if (s.text == text) {
      *out = s.value;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view OutcomeText(Outcome o) { return TextOf(kOutcomes, o); }
bool ParseOutcome(std::string_view s, Outcome* out) { return ValueOf(kOutcomes, s, out); }
std::string_view SeverityText(Severity s) { return TextOf(kSeverities, s); }
bool ParseSeverity(std::string_view s, Severity* out) { return ValueOf(kSeverities, s, out); }
std::string_view PathText(FeasibilityPath p) { return TextOf(kPaths, p); }
bool ParsePath(std::string_view s, FeasibilityPath* out) { return ValueOf(kPaths, s, out); }

std::string SlotsText(const std::vector<int>& slots) {
  std::string out;
  for (int s : slots) {
    if (!out.empty()) out += ',';
    out += std::to_string(s);
  }
  return out;
}

bool ParseSlots(std::string_view s, std::vector<int>* out) {
  out->clear();
  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    int v = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec != std::errc() || end != item.data() + item.size() || v < 0 || v >= kSlotsPerDay) {
      return false;
    }
    out->push_back(v);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
    if (s.empty()) return false;  // trailing comma
  }
  return true;
}

std::string LocalText(LocalTime t) { return date::format("%FT%T", t); }

// By hand rather than with date::parse: the text is fixed width (LocalText
// wrote it), and date's stream parser trips GCC 12's uninitialized warnings.
bool ParseLocalText(std::string_view s, LocalTime* out) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.ddd";
  if (s.size() != kShape.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool digit = s[i] >= '0' && s[i] <= '9';
    if (kShape[i] == 'd' ? !digit : s[i] != kShape[i]) return false;
  }
  auto num = [s](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  date::year_month_day ymd{date::year{num(0, 4)}, date::month(num(5, 2)), date::day(num(8, 2))};
  int h = num(11, 2), m = num(14, 2), sec = num(17, 2);
  if (!ymd.ok() || h > 23 || m > 59 || sec > 59) return false;
  *out = LocalTime{date::local_days{ymd}} + std::chrono::hours{h} + std::chrono::minutes{m} +
         std::chrono::seconds{sec} + std::chrono::milliseconds{num(20, 3)};
  return true;
}

Status Corrupt(std::string_view column, std::string_view text) {
  return Status::Internal("ledger damaged: " + std::string(column) + " holds \"" +
                          std::string(text.substr(0, 80)) + "\"");
}

std::optional<std::string_view> TextOrNull(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::optional<std::int64_t> PositiveOrNull(std::int64_t v) {
  if (v <= 0) return std::nullopt;
  return v;
}

std::string Quoted(std::string_view s) { return "\"" + parser::Printable(s, 80) + "\""; }

Status ReadInstant(std::string_view column, const std::string& text, Instant* out) {
  std::string error;
  if (!ParseInstant(text, out, &error)) return Corrupt(column, text);
  return Status::Ok();
}

Status ReadGasDay(std::string_view column, const std::string& text, GasDay* out) {
  std::optional<GasDay> day = GasDay::ParseIso(text);
  if (!day) return Corrupt(column, text);
  *out = *day;
  return Status::Ok();
}

}  // namespace flexmail::store
