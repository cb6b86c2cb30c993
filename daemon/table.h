// A plain aligned text table for the human output of commands.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace flexmail {

class Table {
 public:
  Table() = default;  // no header row
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns padded to their widest cell (UTF-8 aware), two spaces apart.
  void Print(std::ostream& os) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text (code points; good enough for Latin text).
size_t DisplayWidth(const std::string& s);
// "100000" for 100000.0, "0.5" for 0.5, "-" for nullopt.
std::string FormatQuantity(const std::optional<double>& v);

}  // namespace flexmail
