// Walking the MIME tree of a message without recursion.
//
// Why not mimetic's MimeEntity::load: it recurses once per nesting level
// (a 100 000-deep message overflows the stack), matches a boundary anywhere
// in a line, re-serializes Content-Type and Content-Disposition so raw
// parameters are lost (a quoted ';' breaks them), and its quoted-printable
// decoder turns CRLF into LF. This walker keeps an explicit stack, follows
// RFC 2046 (delimiters are whole lines), and checks every limit as it goes,
// so any input costs at most (max_depth + 1) passes over the message.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mail/header.h"
#include "mail/limits.h"
#include "mail/rfc2231.h"

namespace flexmail {

struct Entity {
  Header header;
  std::string type;                     // "text/csv": lower-cased, defaulted
  std::vector<MimeParam> type_params;   // Content-Type parameters
  std::string_view body;                // raw, still transfer-encoded
  int depth = 0;                        // 0 for the message itself
};

// Reads an entity's header and content type. The type defaults to
// text/plain, or message/rfc822 inside multipart/digest (RFC 2046 §5.1.5).
// False when the header-line budget ran out (*e holds what was read).
bool ReadEntity(std::string_view raw, bool in_digest, size_t max_header_lines,
                size_t* header_lines_used, Entity* e);

// Splits a multipart body at the delimiter lines "--boundary" (transport
// padding allowed); the preamble and the epilogue are dropped. A missing
// close delimiter lets the last part run to the end. Stops after
// `max_parts` + 1 parts. False when no delimiter line exists at all.
bool SplitMultipart(std::string_view body, std::string_view boundary, size_t max_parts,
                    std::vector<std::string_view>* parts);

// Called for each leaf entity in document order; a returned hit stops the walk.
using LeafHandler = std::function<std::optional<LimitHit>(const Entity&)>;

// Walks `root` (already read by ReadEntity, `header_lines_used` lines spent)
// depth first, descending only into multipart/* (never into an attached
// message/rfc822). Returns the first limit hit, by the walk or by `on_leaf`.
std::optional<LimitHit> WalkMime(const Entity& root, size_t header_lines_used,
                                 const MailLimits& limits, const LeafHandler& on_leaf);

}  // namespace flexmail
