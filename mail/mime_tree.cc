#include "mail/mime_tree.h"

#include <string>

namespace flexmail {
namespace {

// RFC 2046 allows 70 characters; some clients go a little beyond.
constexpr size_t kMaxBoundaryLength = 200;

bool IsBlankRest(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

// The part of `body` before the line break that precedes offset `end`: the
// CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
std::string_view PartBefore(std::string_view body, size_t start, size_t end) {
  if (end > start && body[end - 1] == '\n') --end;
  if (end > start && body[end - 1] == '\r') --end;
  return body.substr(start, end - start);
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

LimitHit Hit(Code code, std::string detail) { return LimitHit{code, std::move(detail)}; }

// An entity still to read: its raw bytes and where it sits.
struct Pending {
  std::string_view raw;
  int depth;
  bool in_digest;
};

// Pushes the children of multipart `e` on `stack`, last first, so that they
// are visited in document order.
std::optional<LimitHit> ExpandMultipart(const Entity& e, const MailLimits& limits,
                                        std::vector<Pending>* stack) {
  const MimeParam* b = FindParam(e.type_params, "boundary");
  if (b == nullptr || b->value.empty() || b->value.size() > kMaxBoundaryLength) {
    return Hit(Code::MALFORMED_MESSAGE, "partie " + e.type + " sans paramètre boundary valide");
  }
  std::vector<std::string_view> parts;
  if (!SplitMultipart(e.body, b->value, limits.max_parts, &parts) &&
      !IsBlank(e.body)) {  // an empty multipart holds nothing to miss
    return Hit(Code::MALFORMED_MESSAGE,
               "partie " + e.type + " : aucune ligne de séparation « --" + b->value + " »");
  }
  if (e.depth + 1 > limits.max_depth && !parts.empty()) {
    return Hit(Code::MIME_TOO_DEEP,
               "parties MIME imbriquées sur plus de " + std::to_string(limits.max_depth) + " niveaux");
  }
  bool digest = e.type == "multipart/digest";
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) stack->push_back({*it, e.depth + 1, digest});
  return std::nullopt;
}

}  // namespace

bool ReadEntity(std::string_view raw, bool in_digest, size_t max_header_lines,
                size_t* header_lines_used, Entity* e) {
  size_t body_offset = 0;
  bool ok = ReadHeader(raw, max_header_lines, header_lines_used, &e->header, &body_offset);
  e->body = raw.substr(body_offset);
  std::string value;
  const HeaderField* ct = e->header.Find("Content-Type");
  if (ct != nullptr) ParseMimeParams(ct->value, &value, &e->type_params);
  e->type = IsMimeTypeToken(value) ? value : std::string();
  if (e->type.empty()) {
    e->type = in_digest ? "message/rfc822" : "text/plain";
    e->type_params.clear();
  }
  return ok;
}

bool SplitMultipart(std::string_view body, std::string_view boundary, size_t max_parts,
                    std::vector<std::string_view>* parts) {
  const std::string delimiter = "--" + std::string(boundary);
  size_t part_start = std::string_view::npos;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    size_t next = nl == std::string_view::npos ? body.size() : nl + 1;
    std::string_view line = body.substr(pos, next - pos);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.size() >= delimiter.size() && line[0] == '-' && line.substr(0, delimiter.size()) == delimiter) {
      std::string_view rest = line.substr(delimiter.size());
      bool close = rest.substr(0, 2) == "--";
      if (close) rest.remove_prefix(2);
      if (IsBlankRest(rest)) {
        if (part_start != std::string_view::npos) parts->push_back(PartBefore(body, part_start, pos));
        if (close || parts->size() > max_parts) return true;
        part_start = next;
      }
    }
    pos = next;
  }
  if (part_start == std::string_view::npos) return false;
  parts->push_back(body.substr(part_start));
  return true;
}

std::optional<LimitHit> WalkMime(const Entity& root, size_t header_lines_used,
                                 const MailLimits& limits, const LeafHandler& on_leaf) {
  std::vector<Pending> stack;
  size_t entities = 1;
  const Entity* current = &root;
  Entity child;
  for (;;) {
    bool multipart = current->type.compare(0, 10, "multipart/") == 0;
    std::optional<LimitHit> hit = multipart ? ExpandMultipart(*current, limits, &stack) : on_leaf(*current);
    if (hit) return hit;
    if (stack.empty()) return std::nullopt;
    if (++entities > limits.max_parts) {
      return Hit(Code::TOO_MANY_ATTACHMENTS, "plus de " + std::to_string(limits.max_parts) + " parties MIME");
    }
    Pending p = stack.back();
    stack.pop_back();
    child = Entity();
    child.depth = p.depth;
    if (!ReadEntity(p.raw, p.in_digest, limits.max_header_lines, &header_lines_used, &child)) {
      return Hit(Code::TOO_MANY_HEADER_LINES,
                 "plus de " + std::to_string(limits.max_header_lines) + " lignes d'en-tête");
    }
    current = &child;
  }
}

}  // namespace flexmail
