#include "daemon/reply_text.h"

#include <cmath>
#include <cstdio>

namespace flexmail {

std::string FrenchQuantity(const std::optional<double>& v) {
  if (!v) return "-";
  double rounded = std::round(*v * 1000) / 1000;  // kWh to the Wh is plenty
  long long whole = static_cast<long long>(std::floor(rounded));
  double frac = rounded - static_cast<double>(whole);
  std::string digits = std::to_string(whole), grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) grouped += ' ';
    grouped += digits[i];
  }
  if (frac > 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.3f", frac);
    std::string f(buf + 2);  // after "0."
    while (!f.empty() && f.back() == '0') f.pop_back();
    grouped += "," + f;
  }
  return grouped;
}

std::string FrenchInstant(Instant t) {
  return date::format("%d/%m/%Y à %Hh%M", date::floor<std::chrono::minutes>(ToLocal(t)));
}

}  // namespace flexmail
