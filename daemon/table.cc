#include "daemon/table.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace flexmail {

size_t DisplayWidth(const std::string& s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

std::string FormatQuantity(const std::optional<double>& v) {
  if (!v) return "-";
  return fmt::format("{}", *v);
}

void Table::Print(std::ostream& os) const {
  std::vector<size_t> width;
  for (const auto& row : rows_) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    os << line << '\n';
  }
}

}  // namespace flexmail
