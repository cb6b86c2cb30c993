#include "mail/dkim_input.h"

#include "mail/header.h"

namespace flexmail {
namespace {

constexpr size_t kMaxMessageBytes = 32 * 1024 * 1024;
constexpr size_t kMaxHeaderBytes = 1024 * 1024;
constexpr size_t kMaxFields = 5000;
constexpr size_t kMaxFieldBytes = 64 * 1024;


bool IsFieldStart(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  for (size_t i = 0; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    // RFC 5322 ftext, plus blanks before the colon (obs-field).
    if (c < 33 || c > 126) {
      if (c != ' ' && c != '\t') return false;
    }
  }
  return true;
}

}  // namespace

std::string ToCrlf(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() + raw.size() / 32);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) out.push_back('\r');
    out.push_back(raw[i]);
  }
  return out;
}

bool SplitForDkim(std::string_view raw, DkimInput* out, std::string* reason) {
  if (raw.size() > kMaxMessageBytes) {
    *reason = "message larger than 32 MiB";
    return false;
  }
  std::string msg = ToCrlf(raw);
  std::string_view rest = msg;
  size_t header_bytes = 0;
  while (!rest.empty()) {
    size_t eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    size_t advance = eol == std::string_view::npos ? rest.size() : eol + 2;
    header_bytes += advance;
    if (header_bytes > kMaxHeaderBytes) {
      *reason = "header larger than 1 MiB";
      return false;
    }
    rest.remove_prefix(advance);
    if (line.empty()) break;  // end of the header
    if (line.front() == ' ' || line.front() == '\t') {
      if (out->fields.empty()) {
        *reason = "header starts with a continuation line";
        return false;
      }
      std::string& field = out->fields.back();
      field.append("\r\n").append(line);
      if (field.size() > kMaxFieldBytes) {
        *reason = "header field larger than 64 KiB";
        return false;
      }
      continue;
    }
    if (!IsFieldStart(line)) {
      *reason = "malformed header line";
      return false;
    }
    if (out->fields.size() == kMaxFields) {
      *reason = "more than 5000 header fields";
      return false;
    }
    if (line.size() > kMaxFieldBytes) {
      *reason = "header field larger than 64 KiB";
      return false;
    }
    out->fields.emplace_back(line);
  }
  out->body.assign(rest);
  return true;
}

std::string_view FieldName(std::string_view field) {
  std::string_view name = field.substr(0, field.find(':'));
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name;
}

bool NameIs(std::string_view field, std::string_view name) {
  return EqualsIgnoreCase(FieldName(field), name);
}

}  // namespace flexmail
