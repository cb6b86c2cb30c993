#include "console/html.h"

namespace flexmail {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Layout(std::string_view title, std::string_view body) {
  std::string t = Escape(title);
  return "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + t +
         " — flexmail</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n</head>\n<body>\n"
         "<nav><a href=\"/\">Tableau de bord</a> <a href=\"/declarations\">Déclarations</a> "
         "<a href=\"/indicators\">Indicateurs</a> <a href=\"/outbox\">Boîte d'envoi</a></nav>\n"
         "<main>\n<h1>" + t + "</h1>\n" + std::string(body) + "</main>\n</body>\n</html>\n";
}

std::string FormatShortLocal(Instant t) {
  const std::string iso = FormatLocalIso(t);  // 2026-12-03T11:05:00.000+01:00
  std::string out = iso.substr(8, 2) + "/" + iso.substr(5, 2) + " " + iso.substr(11, 5);
  // The wall clock repeats an hour when the clocks go back: say which one.
  const LocalTime local = ToLocal(t);
  const auto hour = std::chrono::hours(1);
  if (ToLocal(t - hour) != local && ToLocal(t + hour) != local) return out;
  return out + " (UTC" + (UtcOffsetMinutes(t) == 120 ? "+2" : "+1") + ")";
}

std::string_view StyleSheet() {
  return "body{font-family:sans-serif;margin:0;color:#222}\n"
         "nav{background:#234;padding:.5em 1em}nav a{color:#fff;margin-right:1.5em}\n"
         "main{padding:1em}table{border-collapse:collapse}\n"
         "th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left}\n"
         ".ok{color:#070}.bad{color:#a00;font-weight:bold}\n"
         "figure{margin:1em 0}svg{max-width:100%;height:auto}\n";
}

}  // namespace flexmail
