#include "config/schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace flexmail::cfg {
namespace {

// Values are quoted back to the operator: long ones are cut so that one
// message stays one line.
constexpr size_t kMaxShown = 80;

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string Show(const toml::node& node) {
  if (auto s = node.value_exact<std::string>()) return Quote(*s);
  if (auto i = node.value_exact<std::int64_t>()) return std::to_string(*i);
  if (auto d = node.value_exact<double>()) return FormatNumber(*d);
  if (auto b = node.value_exact<bool>()) return *b ? "true" : "false";
  if (node.is_table()) return "{...}";
  if (const toml::array* a = node.as_array()) {
    std::string out = "[";
    for (size_t i = 0; i < a->size(); ++i) out += (i ? ", " : "") + Show(*a->get(i));
    return out + "]";
  }
  std::ostringstream os;  // dates and times, printed as TOML writes them
  node.visit([&](const auto& v) { os << v; });
  return os.str();
}

std::string Shown(const toml::node& node) {
  std::string s = Show(node);
  return s.size() <= kMaxShown ? s : s.substr(0, kMaxShown) + "...";
}

bool FromFile(const toml::node& node) { return node.source().path != nullptr; }

std::string RangeText(const Range& r) {
  bool low = std::isfinite(r.min), high = std::isfinite(r.max);
  if (low && high) return "between " + FormatNumber(r.min) + " and " + FormatNumber(r.max);
  if (low) return (r.open_min ? "greater than " : "at least ") + FormatNumber(r.min);
  return "at most " + FormatNumber(r.max);
}

bool InRange(const Range& r, double v) {
  return (r.open_min ? v > r.min : v >= r.min) && v <= r.max;
}

// Bounds on a count (string length, list entries): "must not be empty" is
// the common case and reads better than "at least 1".
std::string CountReason(const Range& r, std::string_view unit) {
  if (r.min == 1 && !std::isfinite(r.max) && !r.open_min) return "must not be empty";
  return "must have " + RangeText(r) + " " + std::string(unit);
}

// An integer, or a float with no fractional part.
bool AsInteger(const toml::node& node, double* out) {
  if (auto i = node.value_exact<std::int64_t>()) {
    *out = static_cast<double>(*i);
    return true;
  }
  auto d = node.value_exact<double>();
  if (!d || !std::isfinite(*d) || std::trunc(*d) != *d || std::fabs(*d) > 9.0e18) return false;
  *out = *d;
  return true;
}

Status ReadIntegerIn(const Context& ctx, const toml::node& node, const std::string& path,
                     const Range& range, Range limits, std::int64_t* out) {
  double v = 0;
  if (!AsInteger(node, &v)) return ctx.Fail(node, path, "expected an integer");
  if (!InRange(range, v)) return ctx.Fail(node, path, "must be " + RangeText(range));
  if (!InRange(limits, v)) return ctx.Fail(node, path, "must be " + RangeText(limits));
  if (auto i = node.value_exact<std::int64_t>()) {
    *out = *i;
  } else {
    *out = static_cast<std::int64_t>(v);
  }
  return Status::Ok();
}

constexpr Range kInt64Limits = Between(-9.0e18, 9.0e18);
constexpr Range kIntLimits =
    Between(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());

}  // namespace

std::string FormatNumber(double v) {
  // Whole numbers as integers: shortest form would write 1000000 as 1e+06.
  if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) < 1e15)
    return std::to_string(static_cast<long long>(v));
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "?";
}

Status Context::Fail(const toml::node& at, std::string_view path, std::string_view reason) const {
  std::uint32_t line = FromFile(at) ? at.source().begin.line : 0;
  bool has_value = !at.is_table() && !at.is_array_of_tables();
  std::string where = std::string(path) + (has_value ? " = " + Shown(at) : "");
  return FailAt(line, where, reason);
}

Status Context::FailAt(std::uint32_t line, std::string_view path, std::string_view reason) const {
  std::string m = file_;
  if (line > 0) m += ":" + std::to_string(line);
  m += ": ";
  m += path;
  m += ": ";
  m += reason;
  return Status::InvalidInput(std::move(m));
}

Status Context::FailPath(const toml::table& root, std::string_view path,
                         std::string_view reason) const {
  toml::node_view<const toml::node> at = root.at_path(path);
  if (at) return Fail(*at.node(), path, reason);
  return FailAt(0, path, reason);
}

std::string JoinPath(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

std::string IndexPath(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, std::string* out) {
  auto s = node.value_exact<std::string>();
  if (!s) return ctx.Fail(node, path, "expected a string");
  if (!InRange(range, static_cast<double>(s->size())))
    return ctx.Fail(node, path, CountReason(range, "characters"));
  if (const char* why = syntax ? syntax(*s) : nullptr) return ctx.Fail(node, path, why);
  *out = std::move(*s);
  return Status::Ok();
}

Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path, const Range&,
                Syntax, bool* out) {
  auto b = node.value_exact<bool>();
  if (!b) return ctx.Fail(node, path, "expected true or false");
  *out = *b;
  return Status::Ok();
}

Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax, int* out) {
  std::int64_t v = 0;
  Status s = ReadIntegerIn(ctx, node, path, range, kIntLimits, &v);
  if (s.ok()) *out = static_cast<int>(v);
  return s;
}

Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax, std::int64_t* out) {
  return ReadIntegerIn(ctx, node, path, range, kInt64Limits, out);
}

Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax, double* out) {
  double v = 0;
  if (auto i = node.value_exact<std::int64_t>()) {
    v = static_cast<double>(*i);
  } else if (auto d = node.value_exact<double>()) {
    v = *d;
  } else {
    return ctx.Fail(node, path, "expected a number");
  }
  if (!std::isfinite(v)) return ctx.Fail(node, path, "expected a finite number");
  if (!InRange(range, v)) return ctx.Fail(node, path, "must be " + RangeText(range));
  *out = v;
  return Status::Ok();
}

Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, std::vector<std::string>* out) {
  const toml::array* array = node.as_array();
  if (!array) return ctx.Fail(node, path, "expected an array of strings");
  if (!InRange(range, static_cast<double>(array->size())))
    return ctx.Fail(node, path, CountReason(range, "entries"));
  std::vector<std::string> items(array->size());
  Status s;
  for (size_t i = 0; s.ok() && i < items.size(); ++i) {
    s = ReadInto(ctx, *array->get(i), IndexPath(path, i), NonEmpty(), syntax, &items[i]);
  }
  if (s.ok()) *out = std::move(items);
  return s;
}

Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax, std::chrono::seconds* out) {
  std::int64_t v = 0;
  Status s = ReadIntegerIn(ctx, node, path, range, kInt64Limits, &v);
  if (s.ok()) *out = std::chrono::seconds(v);
  return s;
}

Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax, std::chrono::minutes* out) {
  std::int64_t v = 0;
  Status s = ReadIntegerIn(ctx, node, path, range, kInt64Limits, &v);
  if (s.ok()) *out = std::chrono::minutes(v);
  return s;
}

Status CheckKnownKeys(const Context& ctx, const toml::table& table, const std::string& path,
                      const std::vector<std::string_view>& names) {
  // toml++ keeps keys sorted by name: report the unknown key that comes
  // first in the file, which is the one the operator reads first.
  const toml::node* first = nullptr;
  std::string_view first_key;
  for (const auto& [key, node] : table) {
    if (std::find(names.begin(), names.end(), key.str()) != names.end()) continue;
    if (!first || node.source().begin < first->source().begin) {
      first = &node;
      first_key = key.str();
    }
  }
  if (!first) return Status::Ok();
  bool section = first->is_table() || first->is_array_of_tables();
  std::string reason =
      section ? "unknown section; expected one of: " : "unknown key; expected one of: ";
  for (size_t i = 0; i < names.size(); ++i) reason += (i ? ", " : "") + std::string(names[i]);
  return ctx.Fail(*first, JoinPath(path, first_key), reason);
}

Status ParseDefault(std::string_view path, const char* literal, toml::table* doc) {
  try {
    *doc = toml::parse("v = " + std::string(literal));
    return Status::Ok();
  } catch (const toml::parse_error& e) {
    return Status::Internal("default of " + std::string(path) +
                            " is not TOML: " + std::string(e.description()));
  }
}

Status CheckTableArray(const Context& ctx, const toml::node& node, const std::string& path,
                       const Range& count) {
  const toml::array* array = node.as_array();
  if (!array || (!array->empty() && !array->is_array_of_tables()))
    return ctx.Fail(node, path, "expected an array of tables");
  if (!InRange(count, static_cast<double>(array->size())))
    return ctx.Fail(node, path, CountReason(count, "entries"));
  return Status::Ok();
}

}  // namespace flexmail::cfg
