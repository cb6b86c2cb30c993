// The text of an HTML body, for a message that has no text/plain part.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

// `html` (valid UTF-8) without its markup: tags dropped, the content of
// <script>, <style> and <head> dropped, a line break for <br> and the end
// of a block (p, div, li, tr, h1-h6, lists, tables) and before one unless
// a line just ended, the common entities decoded (&amp;
// &lt; &gt; &quot; &apos; &#39; &nbsp; and numeric ones), runs of blank
// lines cut to one. Linear time; never fails (a stray "<" stays text).
// The result is plain text for a person, never HTML: whoever puts it in a
// page escapes it.
std::string HtmlToText(std::string_view html);

}  // namespace flexmail
