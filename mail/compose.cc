#include "mail/compose.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "mail/charset.h"
#include "mail/header.h"
#include "mail/header_format.h"
#include "mail/rfc2047.h"
#include "mail/transfer_encoding.h"

namespace flexmail {
namespace {

constexpr size_t kMaxLine = 78;

// FNV-1a, 64 bits: a stable hash, good enough to make boundaries differ.
uint64_t Fnv1a(uint64_t h, std::string_view s) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h ^ s.size();
}

// "=_" can occur in neither quoted-printable ('=' is always "=XX" or a soft
// break) nor base64 (no '_'), and our part headers never start a line with
// "--", so this boundary cannot collide with the content it encloses.
std::string Boundary(const OutgoingMessage& m) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (std::string_view s : {std::string_view(m.subject), std::string_view(m.message_id),
                             std::string_view(m.text)}) {
    h = Fnv1a(h, s);
  }
  for (const OutgoingAttachment& a : m.attachments) {
    h = Fnv1a(Fnv1a(Fnv1a(h, a.filename), a.content_type), a.bytes);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string("=_flexmail_") + hex;
}

// An addr-spec with nothing that could end it early or add a field.
std::string CleanAddress(std::string_view address) {
  std::string out;
  for (char c : KeepPrintableAscii(address)) {
    if (std::string_view(" <>(),;:\"\\").find(c) == std::string_view::npos) out.push_back(c);
  }
  return out;
}

bool IsAtextPhrase(std::string_view s) {
  for (char c : s) {
    bool atext = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 std::string_view("!#$%&'*+-/=?^_`{|}~ ").find(c) != std::string_view::npos;
    if (!atext) return false;
  }
  return true;
}

// `Name <addr>` with the name as atoms, a quoted string or encoded words.
std::string FormatAddress(const MailAddress& a, size_t line_used) {
  std::string addr = CleanAddress(a.address);
  std::string name = ReplaceControls(SanitizeUtf8(a.name));
  if (name.empty()) return addr;
  if (!IsPlainHeaderText(name)) return EncodeRfc2047(name, line_used) + " <" + addr + ">";
  if (IsAtextPhrase(name)) return name + " <" + addr + ">";
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\" <" + addr + ">";
}

std::string AddressField(std::string_view field, const std::vector<MailAddress>& list) {
  std::string out = std::string(field) + ":";
  for (size_t i = 0; i < list.size(); ++i) {
    size_t nl = out.rfind('\n');
    size_t used = nl == std::string::npos ? out.size() : out.size() - nl - 1;
    std::string one = FormatAddress(list[i], used + 1);
    std::string sep = i == 0 ? " " : ", ";
    if (i > 0 && used + sep.size() + one.size() > kMaxLine && one.find('\n') == std::string::npos) {
      sep = ",\r\n ";
    }
    out += sep + one;
  }
  return out + "\r\n";
}

std::string MessageIdValue(std::string_view id) {
  std::string clean;
  for (char c : KeepPrintableAscii(id)) {
    if (c != ' ') clean.push_back(c);
  }
  if (clean.empty() || clean.front() != '<') clean = "<" + clean;
  if (clean.back() != '>') clean += ">";
  return clean;
}

// A field name as RFC 5322 allows (printable ASCII but ':'); else empty.
std::string FieldName(std::string_view name) {
  for (char c : name) {
    if (c <= 0x20 || c >= 0x7F || c == ':') return {};
  }
  return std::string(name);
}

std::string AttachmentPart(const OutgoingAttachment& a) {
  std::string type = AsciiLower(KeepPrintableAscii(a.content_type));
  if (!IsMimeTypeToken(type)) type = "application/octet-stream";
  std::string ct = "Content-Type: " + type;
  AppendParam(&ct, "name", a.filename);
  std::string cd = "Content-Disposition: attachment";
  AppendParam(&cd, "filename", a.filename);
  return ct + "\r\n" + cd + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + EncodeBase64(a.bytes);
}

std::string Headers(const OutgoingMessage& m) {
  std::string out = "Date: " + FormatRfc5322Date(m.date, m.date_offset_minutes) + "\r\n";
  out += AddressField("From", {m.from});
  if (!m.to.empty()) out += AddressField("To", m.to);
  if (!m.cc.empty()) out += AddressField("Cc", m.cc);
  out += TextField("Subject", m.subject);
  if (!m.message_id.empty()) out += FoldField("Message-ID", MessageIdValue(m.message_id));
  if (!m.in_reply_to.empty()) out += FoldField("In-Reply-To", m.in_reply_to);
  if (!m.references.empty()) out += FoldField("References", m.references);
  for (const auto& [name, value] : m.extra_headers) {
    std::string clean = FieldName(name);
    if (!clean.empty()) out += TextField(clean, value);
  }
  return out + "MIME-Version: 1.0\r\n";
}

}  // namespace

std::string ComposeMessage(const OutgoingMessage& m) {
  const std::string boundary = Boundary(m);
  std::string content_type = "Content-Type: multipart/mixed";
  AppendParam(&content_type, "boundary", boundary);
  std::string out = Headers(m) + content_type + "\r\n\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
  std::string body = EncodeQuotedPrintable(SanitizeUtf8(m.text));
  out += body.empty() ? "\r\n" : body;
  for (const OutgoingAttachment& a : m.attachments) {
    out += "--" + boundary + "\r\n" + AttachmentPart(a);
  }
  return out + "--" + boundary + "--\r\n";
}

std::string FormatRfc5322Date(std::chrono::sys_seconds t, int offset_minutes) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  offset_minutes = std::clamp(offset_minutes, -1439, 1439);
  sys_seconds local = t + minutes(offset_minutes);
  sys_days day = floor<days>(local);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{local - day};
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d %c%02d%02d",
                kDays[weekday(day).c_encoding()], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), offset_minutes < 0 ? '-' : '+', off / 60,
                off % 60);
  return buf;
}

}  // namespace flexmail
