// HTML for the console's pages: escaping, the common layout (French, a nav
// bar, one stylesheet at /style.css) and the stylesheet itself. No
// JavaScript and no external resource anywhere (the CSP forbids both).
#pragma once

#include <string>
#include <string_view>

#include "rules/time.h"

namespace flexmail {

// & < > " ' as entities: safe in element content and quoted attributes.
std::string Escape(std::string_view text);
// A whole page: <title>, the nav bar (Tableau de bord, Déclarations,
// Indicateurs, Boîte d'envoi), `title` as <h1>, then `body` (already HTML).
std::string Layout(std::string_view title, std::string_view body);
// "03/12 11:05", Paris time; in the repeated hour of the 25-hour day the
// offset follows: "25/10 02:30 (UTC+2)". Plain text (nothing to escape).
std::string FormatShortLocal(Instant t);
// The content of /style.css.
std::string_view StyleSheet();

}  // namespace flexmail
