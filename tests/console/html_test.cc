// Escape and Layout: what reaches the browser from untrusted text.
#include <gtest/gtest.h>

#include "console/html.h"

namespace flexmail {
namespace {

TEST(ConsoleHtml, EscapesTheFiveCharacters) {
  // Given each character HTML gives meaning to, Escape should turn it into its entity and leave others alone.
  struct Case { const char* in; const char* out; } cases[] = {
      {"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"},
      {"é ok", "é ok"}, {"", ""},
      {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
      {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
      {"&amp;", "&amp;amp;"}};
  for (const auto& c : cases) EXPECT_EQ(Escape(c.in), c.out) << c.in;
}

TEST(ConsoleHtml, LayoutHasTheFrenchNavBarAndEscapedTitle) {
  // Given a title with markup, the page should be French, link the four sections and the stylesheet, and escape the title.
  std::string page = Layout("<b>Titre</b>", "<p>corps</p>");
  EXPECT_NE(page.find("<html lang=\"fr\">"), std::string::npos);
  for (const char* link : {">Tableau de bord<", ">Déclarations<", ">Indicateurs<", ">Boîte d'envoi<",
                           "href=\"/style.css\""})
    EXPECT_NE(page.find(link), std::string::npos) << link;
  EXPECT_NE(page.find("<h1>&lt;b&gt;Titre&lt;/b&gt;</h1>"), std::string::npos);
  EXPECT_NE(page.find("<p>corps</p>"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace flexmail
