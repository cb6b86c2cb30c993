// A file name fit to show or store, made from the name a sender chose.
#pragma once

#include <string>
#include <string_view>

namespace flexmail {

inline constexpr size_t kMaxSafeFileNameBytes = 200;

// The base name of `sender_name` with nothing a file system, a terminal or a
// log viewer could misread: the directory part is dropped ('/' and '\' both
// separate, a drive "C:" too), control characters, bidirectional overrides
// and characters Windows reserves become '_', leading dots and blanks and
// trailing dots and blanks go (no hidden file, no "..", no "x.csv. "). The
// result is valid UTF-8, at most kMaxSafeFileNameBytes bytes (a short
// extension is kept when cutting), and never empty ("piece-jointe" then).
//
// Even so, the sender's name is never used as a path: stored files get names
// of our own; this is for display and for the file name in our records.
std::string SafeFileName(std::string_view sender_name);

}  // namespace flexmail
