// HTML for the console's pages: escaping, the common layout (French, a nav
// bar, one stylesheet at /style.css) and the stylesheet itself. No
// JavaScript and no external resource anywhere (the CSP forbids both).
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

// & < > " ' as entities: safe in element content and quoted attributes.
std::string Escape(std::string_view text);
// A whole page: <title>, the nav bar (Tableau de bord, Déclarations,
// Indicateurs, Boîte d'envoi), `title` as <h1>, then `body` (already HTML).
std::string Layout(std::string_view title, std::string_view body);
// The content of /style.css.
std::string_view StyleSheet();

}  // namespace flexmail
