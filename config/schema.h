// The machinery behind the configuration file: tables of keys, in the manner
// of Postfix's CONFIG_*_TABLE, and one reader that checks a TOML table
// against such a table. Internal to config/; nothing outside includes it.
//
// A key table for a struct T is a list of Key<T> rows:
//
//   {"tranches", &Site::tranches, "1", AtLeast(1)}
//
// name, where the value goes (its C++ type decides the TOML type expected),
// the default as a TOML literal (kRequired: none; kOptional: the field keeps
// what its struct holds), the allowed range and an optional syntax check.
// Ranges bound a number's value, a string's length and a list's entry count.
// Keys not in the table are errors, so a typo never passes silently.
// Sub-tables and arrays of tables are rows too (TableOf, TablesOf), so the
// whole file is described by nested tables.
//
// Every failure is one Status::InvalidInput whose message names the file, the
// line, the key path and the value (see Context).
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <toml++/toml.h>

#include "rules/status.h"

namespace flexmail::cfg {

// Builds the error messages; one per file being read.
class Context {
 public:
  explicit Context(std::string file) : file_(std::move(file)) {}

  // "<file>:<line>: <path> = <value>: <reason>". The value is left out for
  // tables; the line is left out for values that are not from the file
  // (defaults).
  Status Fail(const toml::node& at, std::string_view path, std::string_view reason) const;
  // "<file>:<line>: <path>: <reason>", for things that have no value (a
  // missing key); line 0 leaves the line out.
  Status FailAt(std::uint32_t line, std::string_view path, std::string_view reason) const;
  // Fail() at the node `path` names in `root`, or FailAt(0, ...) when it has
  // none: for checks that run on the structs after reading.
  Status FailPath(const toml::table& root, std::string_view path, std::string_view reason) const;

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// Shortest text that reads back as `v`: 800000, 0.5, 1e+20.
std::string FormatNumber(double v);

std::string JoinPath(std::string_view parent, std::string_view key);  // a.b
std::string IndexPath(std::string_view parent, size_t index);         // a[2]

// Inclusive bounds, or an open lower bound (Above) for "strictly positive".
struct Range {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool open_min = false;
};
constexpr Range Any() { return {}; }
constexpr Range AtLeast(double m) { return {m, std::numeric_limits<double>::infinity(), false}; }
constexpr Range Above(double m) { return {m, std::numeric_limits<double>::infinity(), true}; }
constexpr Range Between(double a, double b) { return {a, b, false}; }
constexpr Range NonEmpty() { return AtLeast(1); }

// A syntax check for a string (or each string of a list): nullptr when it is
// fine, else the reason, e.g. "expected LI and 4 digits".
using Syntax = const char* (*)(std::string_view);

// A reader for what the plain types do not cover (enums, sub-tables,
// arrays of tables): reads `node` into *out, or fails through `ctx`.
template <typename T>
using Reader = Status (*)(const Context& ctx, const toml::node& node, const std::string& path,
                          T* out);

template <typename T>
using Slot = std::variant<std::string T::*, bool T::*, int T::*, std::int64_t T::*, double T::*,
                          std::vector<std::string> T::*, std::chrono::seconds T::*,
                          std::chrono::minutes T::*, Reader<T>>;

inline constexpr const char* kRequired = nullptr;
// No default literal: when the key is absent the field keeps the value its
// struct gives it, and nothing is read or checked. For keys that are unset
// when absent (an optional path, an optional URL), and for sections that are
// optional as a whole yet have required keys of their own.
inline constexpr char kOptionalTag[] = "(optional)";
inline constexpr const char* kOptional = kOptionalTag;

template <typename T>
struct Key {
  std::string_view name;
  Slot<T> slot;
  // A TOML literal: "23", "\"RED\"", "[]", "{}"; or kRequired, kOptional.
  const char* default_toml = kRequired;
  Range range = {};
  Syntax syntax = nullptr;
};

// Readers of the plain types; `range` and `syntax` as in Key.
Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, std::string* out);
Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, bool* out);
Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, int* out);
Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, std::int64_t* out);
Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, double* out);
Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, std::vector<std::string>* out);
Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, std::chrono::seconds* out);
Status ReadInto(const Context& ctx, const toml::node& node, const std::string& path,
                const Range& range, Syntax syntax, std::chrono::minutes* out);

// Fails on the first key of `table` (in file order) that is not in `names`.
Status CheckKnownKeys(const Context& ctx, const toml::table& table, const std::string& path,
                      const std::vector<std::string_view>& names);
// Parses a default literal into a one-key document: its nodes carry no
// source, so messages about them have no line.
Status ParseDefault(std::string_view path, const char* literal, toml::table* doc);
// Fails unless `node` is an array whose entries are all tables.
Status CheckTableArray(const Context& ctx, const toml::node& node, const std::string& path,
                       const Range& count);

template <typename T>
Status ReadTable(const Context& ctx, const toml::node& node, const std::string& path,
                 std::span<const Key<T>> keys, T* out);

template <typename T>
Status ReadValue(const Context& ctx, const toml::node& node, const std::string& path,
                 const Key<T>& key, T* out) {
  return std::visit(
      [&](auto slot) -> Status {
        if constexpr (std::is_same_v<decltype(slot), Reader<T>>) {
          return slot(ctx, node, path, out);
        } else {
          return ReadInto(ctx, node, path, key.range, key.syntax, &(out->*slot));
        }
      },
      key.slot);
}

template <typename T>
Status ReadKey(const Context& ctx, const toml::table& table, const std::string& parent,
               const Key<T>& key, T* out) {
  std::string path = JoinPath(parent, key.name);
  if (const toml::node* node = table.get(key.name)) return ReadValue(ctx, *node, path, key, out);
  if (key.default_toml == kOptional) return Status::Ok();
  if (key.default_toml == kRequired) {
    // The top level has no line worth showing, nor has a table that came
    // from a default.
    std::uint32_t line = parent.empty() || !table.source().path ? 0 : table.source().begin.line;
    return ctx.FailAt(line, path, "required key is missing");
  }
  toml::table doc;
  Status s = ParseDefault(path, key.default_toml, &doc);
  if (s.ok()) s = ReadValue(ctx, *doc.get("v"), path, key, out);
  return s;
}

template <typename T>
Status ReadTable(const Context& ctx, const toml::node& node, const std::string& path,
                 std::span<const Key<T>> keys, T* out) {
  const toml::table* table = node.as_table();
  if (!table) return ctx.Fail(node, path, "expected a table");
  std::vector<std::string_view> names;
  for (const Key<T>& key : keys) names.push_back(key.name);
  Status s = CheckKnownKeys(ctx, *table, path, names);
  for (size_t i = 0; s.ok() && i < keys.size(); ++i) s = ReadKey(ctx, *table, path, keys[i], out);
  return s;
}

template <typename M>
struct MemberOf;
template <typename C, typename V>
struct MemberOf<V C::*> {
  using Class = C;
  using Value = V;
};

// A row's reader for a sub-table: {"limits", TableOf<&Mail::limits, kLimitKeys>, "{}"}.
// `Owner` is the struct the row belongs to when the member is inherited
// (top-level rows belong to Draft, which derives from Config).
template <auto Member, const auto& Keys,
          typename Owner = typename MemberOf<decltype(Member)>::Class>
Status TableOf(const Context& ctx, const toml::node& node, const std::string& path, Owner* out) {
  using Value = typename MemberOf<decltype(Member)>::Value;
  return ReadTable(ctx, node, path, std::span<const Key<Value>>(Keys), &(out->*Member));
}

// A row's reader for an array of tables ([[sites]]) with at least MinCount entries.
template <auto Member, const auto& Keys, int MinCount = 0,
          typename Owner = typename MemberOf<decltype(Member)>::Class>
Status TablesOf(const Context& ctx, const toml::node& node, const std::string& path, Owner* out) {
  using Entry = typename MemberOf<decltype(Member)>::Value::value_type;
  Status s = CheckTableArray(ctx, node, path, AtLeast(MinCount));
  const toml::array* array = node.as_array();
  std::vector<Entry> entries(s.ok() ? array->size() : 0);
  for (size_t i = 0; s.ok() && i < entries.size(); ++i) {
    s = ReadTable(ctx, *array->get(i), IndexPath(path, i), std::span<const Key<Entry>>(Keys),
                  &entries[i]);
  }
  if (s.ok()) out->*Member = std::move(entries);
  return s;
}

}  // namespace flexmail::cfg
