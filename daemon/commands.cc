#include "daemon/commands.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "daemon/engine.h"
#include "daemon/json_views.h"
#include "daemon/text_views.h"
#include "mail/charset.h"

namespace flexmail {
namespace {

// A CSV given on the command line is a local file chosen by the operator;
// the bound only protects against a wrong argument (a disk image, say).
constexpr std::streamsize kMaxCliFileBytes = 64 << 20;

std::string Basename(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool ReadFile(Context& c, const std::string& path, RawFile* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    c.err << "flexmail: cannot read " << path << "\n";
    return false;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (buf.tellp() > kMaxCliFileBytes) {
    c.err << "flexmail: " << path << " is larger than 64 MiB\n";
    return false;
  }
  out->name = Basename(path);
  out->bytes = buf.str();
  return true;
}

constexpr char32_t kNotUtf8 = 0x110000;  // beyond Unicode: no character

// The first character of `text` that may not stand in a line typed by an
// operator, and its byte offset in *at: an invalid UTF-8 byte (kNotUtf8),
// a control character (C0, DEL, C1: a tab, line feed or escape sequence
// would forge lines or colours in a table, a reply or a terminal) or a
// line or paragraph separator (U+2028, U+2029). 0 when there is none.
char32_t FirstNotOnOneLine(std::string_view text, size_t* at) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = Utf8SequenceLength(text, i);
    *at = i;
    if (len == 0) return kNotUtf8;
    char32_t cp = static_cast<unsigned char>(text[i]) & (len == 1 ? 0x7F : 0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) cp = cp << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029) return cp;
    i += len;
  }
  return 0;
}

void PrintJson(Context& c, const Json& j) { c.out << j.dump(2) << "\n"; }

// Whether `end` ends something: a shortage of its day standing at its
// instant on its mesh, or, for an end on every mesh, on any mesh.
Status ShortageToEnd(Context& c, const Shortage& end, bool* in_force) {
  std::vector<Shortage> all;
  Status s = c.ledger.Shortages(&all);
  if (!s.ok()) return s;
  *in_force = ShortageDeclared(all, end.gas_day, end.mesh, end.declared_at);
  for (const Mesh& m : c.config.referential.meshes()) {
    if (!end.mesh.empty() || *in_force) break;
    *in_force = ShortageDeclared(all, end.gas_day, m.code, end.declared_at);
  }
  if (!*in_force) {
    c.err << "flexmail: no shortage in force for gas day " << end.gas_day.Iso() << " on "
          << (end.mesh.empty() ? std::string("any mesh") : "mesh " + end.mesh) << " at "
          << FormatLocalIso(end.declared_at) << ": nothing to end\n";
  }
  return s;
}

}  // namespace

int Internal(Context& c, const Status& s) {
  c.err << "flexmail: " << s.ToString() << "\n";
  return kExitInternal;
}

bool CheckOperatorText(Context& c, const char* option, const std::string& text,
                       size_t max_bytes) {
  const std::string head = std::string("flexmail: ") + option + ": ";
  if (text.find_first_not_of(" \t") == std::string::npos) {
    c.err << head << "empty\n";
    return false;
  }
  if (text.size() > max_bytes) {
    c.err << head << text.size() << " bytes, at most " << max_bytes << " bytes\n";
    return false;
  }
  size_t at = 0;
  const char32_t bad = FirstNotOnOneLine(text, &at);
  if (bad == kNotUtf8) {
    c.err << head << "byte " << at + 1 << " is not UTF-8\n";
  } else if (bad != 0) {
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(bad));
    c.err << head << "control character " << code << " at byte " << at + 1
          << ": expected one line without control characters\n";
  }
  return bad == 0;
}

bool ResolveInstant(Context& c, const std::string& text, const char* option, Instant* out) {
  if (text.empty()) {
    *out = c.clock.Now();
    return true;
  }
  std::string error;
  if (ParseInstant(text, out, &error)) return true;
  c.err << "flexmail: " << option << ": " << error << "\n";
  return false;
}

bool ResolveProcessedAt(Context& c, const std::string& processed_at, const std::string& at,
                        Instant received_at, Instant* out) {
  if (processed_at.empty() && !at.empty()) {
    *out = received_at;
    return true;
  }
  return ResolveInstant(c, processed_at, "--processed-at", out);
}

bool ResolveGasDay(Context& c, const std::string& text, GasDay* out) {
  auto d = GasDay::ParseIso(text);
  if (!d) {
    c.err << "flexmail: --gas-day: \"" << text << "\": expected a date YYYY-MM-DD\n";
    return false;
  }
  *out = *d;
  return true;
}

bool ResolveSite(Context& c, const std::string& id, const Site** out) {
  *out = c.config.referential.FindSite(id);
  if (!*out) c.err << "flexmail: --site: \"" << id << "\": no such site in the referential\n";
  return *out != nullptr;
}

int CmdDeclare(Context& c, const DeclareArgs& a) {
  DeclarationEnvelope env;
  env.sender = a.sender;
  env.source = "cli";
  if (!ResolveInstant(c, a.at, a.store ? "--received-at" : "--at", &env.received_at))
    return kExitUsage;
  Instant processed_at{};
  if (!ResolveProcessedAt(c, a.processed_at, a.at, env.received_at, &processed_at))
    return kExitUsage;
  env.processed_at = processed_at;
  for (const auto& path : a.files) {
    env.files.emplace_back();
    if (!ReadFile(c, path, &env.files.back())) return kExitUsage;
  }
  Engine engine(c.config, &c.ledger);
  Verdict v;
  ProcessOptions options;
  options.store = a.store;
  Status s = engine.Process(env, options, &v);
  if (!s.ok()) return Internal(c, s);
  if (a.json) {
    PrintJson(c, VerdictJson(v, env.sender, c.config.referential));
  } else {
    PrintVerdict(c.out, v, env.sender);
  }
  return kExitOk;
}

int CmdPublish(Context& c, const PublishArgs& a) {
  Publication p;
  p.mesh = a.mesh;
  if (!c.config.referential.FindMesh(a.mesh)) {
    c.err << "flexmail: --mesh: \"" << a.mesh << "\": no such mesh in the referential\n";
    return kExitUsage;
  }
  if (!ParseIndicatorKind(a.indicator, &p.kind) || !ParseLight(a.status, &p.status)) {
    c.err << "flexmail: --indicator must be Q_MINUS|Q_PLUS|PARTIAL and --status "
             "GREEN|RED|GREY\n";
    return kExitUsage;
  }
  if (!ResolveInstant(c, a.at, "--at", &p.published_at)) return kExitUsage;
  Status s = c.ledger.PublishIndicator(&p, c.config.referential.settings().indicator_delay);
  if (!s.ok()) return Internal(c, s);
  c.out << "Published " << p.mesh << ' ' << IndicatorName(p.kind) << ' ' << LightName(p.status)
        << " at " << FormatLocalIso(p.published_at) << ", applies from "
        << FormatLocalIso(p.applied_at) << "\n";
  return kExitOk;
}

int CmdShowIndicators(Context& c, const ShowIndicatorsArgs& a) {
  const Referential& ref = c.config.referential;
  Instant t;
  if (!ResolveInstant(c, a.at, "--at", &t)) return kExitUsage;
  if (!a.mesh.empty() && !ref.FindMesh(a.mesh)) {
    c.err << "flexmail: --mesh: \"" << a.mesh << "\": no such mesh in the referential\n";
    return kExitUsage;
  }
  std::vector<Publication> pubs;
  std::vector<Shortage> shortages;
  Status s = c.ledger.Publications(a.mesh, &pubs);
  if (s.ok()) s = c.ledger.Shortages(&shortages);
  if (!s.ok()) return Internal(c, s);
  std::vector<const Site*> sites;
  for (const auto& site : ref.sites()) {
    if (a.mesh.empty() || site.mesh == a.mesh) sites.push_back(&site);
  }
  std::vector<std::string> meshes;
  for (const Mesh& m : ref.meshes()) {
    if (a.mesh.empty() || m.code == a.mesh) meshes.push_back(m.code);
  }
  // From the gas day of t on: a past day's shortage no longer matters.
  const auto standing = StandingShortages(shortages, meshes, GasDayOf(t), t);
  if (!a.json) {
    PrintIndicators(c.out, sites, pubs, t, ref);
    PrintShortages(c.out, standing);
    return kExitOk;
  }
  Json list = Json::array();
  for (const Site* site : sites) list.push_back(SiteIndicatorsJson(*site, pubs, t, ref));
  Json in_force = Json::array();
  for (const auto& sh : standing) in_force.push_back(StandingShortageJson(sh));
  PrintJson(c, Json{{"at", FormatLocalIso(t)}, {"siteIndicators", list}, {"shortages", in_force}});
  return kExitOk;
}

int CmdShortage(Context& c, const ShortageArgs& a) {
  Shortage sh;
  if (!ResolveGasDay(c, a.gas_day, &sh.gas_day)) return kExitUsage;
  if (!a.mesh.empty() && !c.config.referential.FindMesh(a.mesh)) {
    c.err << "flexmail: --mesh: \"" << a.mesh << "\": no such mesh in the referential\n";
    return kExitUsage;
  }
  sh.mesh = a.mesh;
  sh.cancels = a.cancel;
  if (!ResolveInstant(c, a.at, "--at", &sh.declared_at)) return kExitUsage;
  Status s;
  if (sh.cancels) {
    bool in_force = false;
    s = ShortageToEnd(c, sh, &in_force);
    if (s.ok() && !in_force) return kExitUsage;
  }
  if (s.ok()) s = c.ledger.DeclareShortage(sh);
  if (!s.ok()) return Internal(c, s);
  c.out << (sh.cancels ? "Shortage ended for gas day " : "Shortage declared for gas day ")
        << sh.gas_day.Iso() << " on "
        << (sh.mesh.empty() ? std::string("every mesh") : "mesh " + sh.mesh) << " at "
        << FormatLocalIso(sh.declared_at) << "\n";
  return kExitOk;
}

int CmdReference(Context& c, const SiteDayArgs& a) {
  const Site* site;
  SiteDay key;
  Instant t;
  if (!ResolveSite(c, a.site, &site) || !ResolveGasDay(c, a.gas_day, &key.day) ||
      !ResolveInstant(c, a.at, "--at", &t))
    return kExitUsage;
  key.site = site->id;
  ReferenceHistory history;
  std::vector<StoredProgramme> same_day;
  Status s = c.ledger.ReferenceHistoryOf(key, &history);
  if (s.ok()) s = c.ledger.ProgrammesOf(key, &same_day);
  if (!s.ok()) return Internal(c, s);
  // As the reference, the bounds are those known at t: a programme judged
  // later had not declared them yet.
  std::erase_if(same_day, [t](const StoredProgramme& p) { return p.judged_at > t; });
  const StoredProgramme* bounds = LastDeclared(same_day);
  if (a.json) {
    Json j = RebuiltJson(key, history, t, c.config.referential);
    AddTechnicalBounds(bounds, &j);
    PrintJson(c, j);
  } else {
    PrintReference(c.out, key, history, t);
    PrintTechnicalBounds(c.out, bounds);
  }
  return kExitOk;
}

int CmdPrograms(Context& c, const SiteDayArgs& a) {
  const Site* site;
  SiteDay key;
  if (!ResolveSite(c, a.site, &site) || !ResolveGasDay(c, a.gas_day, &key.day)) return kExitUsage;
  key.site = site->id;
  std::vector<StoredProgramme> programmes;
  Status s = c.ledger.ProgrammesOf(key, &programmes);
  if (!s.ok()) return Internal(c, s);
  if (!a.json) {
    PrintProgrammes(c.out, programmes);
    return kExitOk;
  }
  Json list = Json::array();
  for (const auto& p : programmes) {
    list.push_back(HmsProfileJson(p.result, p.judged_at, c.config.referential));
  }
  PrintJson(c, Json{{"hmsProfiles", list}});
  return kExitOk;
}

}  // namespace flexmail
