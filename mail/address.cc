#include "mail/address.h"

#include <mimetic/rfc822/addresslist.h>

#include "mail/charset.h"
#include "mail/header.h"
#include "mail/rfc2047.h"

namespace flexmail {
namespace {

// One mailbox never needs more; this also bounds mimetic's parser.
constexpr size_t kMaxFromBytes = 4096;

// A display name as mimetic returns it: quotes kept, escapes unresolved.
std::string Unquote(std::string_view label) {
  while (!label.empty() && (label.front() == ' ' || label.front() == '\t')) label.remove_prefix(1);
  while (!label.empty() && (label.back() == ' ' || label.back() == '\t')) label.remove_suffix(1);
  std::string out;
  for (size_t i = 0; i < label.size(); ++i) {
    if (label[i] == '"') continue;
    if (label[i] == '\\' && i + 1 < label.size()) ++i;
    out.push_back(label[i]);
  }
  return out;
}

bool HasControlOrBlank(std::string_view s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return true;
  }
  return false;
}


// mimetic throws on some malformed values (std::length_error for "x:", a
// group without its ';'): no exception may leave this layer.
bool ParseWithMimetic(std::string_view value, std::string* local, std::string* domain,
                      std::string* label) {
  try {
    mimetic::AddressList list{std::string(value)};
    if (list.size() != 1 || list.begin()->isGroup()) return false;
    const mimetic::Mailbox& m = list.begin()->mailbox();
    *local = m.mailbox();
    *domain = m.domain();
    *label = m.label();
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

std::string ParsedMailbox::Address() const {
  return domain.empty() ? std::string() : local_part + "@" + domain;
}

bool ParseSingleMailbox(std::string_view value, ParsedMailbox* out) {
  *out = ParsedMailbox();
  if (value.size() > kMaxFromBytes) return false;
  std::string local, domain, label;
  if (!ParseWithMimetic(value, &local, &domain, &label)) return false;
  if (local.empty() || HasControlOrBlank(local) || HasControlOrBlank(domain)) return false;
  out->local_part = SanitizeUtf8(local);
  out->domain = SanitizeUtf8(AsciiLower(domain));
  std::string name = DecodeRfc2047(Unquote(label));
  out->display_name = ReplaceControls(name);
  return true;
}

}  // namespace flexmail
