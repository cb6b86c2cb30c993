// The configuration file: one TOML file, read and checked once at start.
//
// Keys, with the values each accepts ("number": an integer or a float;
// "integer": also a float with no fractional part):
//
//   [database]                                   optional section
//   path = "flexmail.db"                         string, not empty; relative to the
//                                                config file's folder unless absolute
//   [rules]                                      optional section
//   partial_flexibility_kwh_per_tranche = 800000 number > 0 (RULES §4.6, B)
//   indicator_delay_minutes = 23                 integer 0..1440 (RULES §5)
//   unknown_indicator = "RED"                    GREEN | RED | GREY
//   [[meshes]]                                   at least one
//   code = "ME0005"                              ME + 4 digits, unique
//   label = "Bretagne"                           string, not empty
//   [[sites]]                                    at least one
//   id = "LI0001"                                LI + 4 digits, unique
//   label = "Quimper"                            string, not empty
//   mesh = "ME0005"                              the code of a [[meshes]]
//   client = "ENGIE"                             string, not empty
//   tranches = 1                                 integer >= 1, default 1
//   [[contracts]]                                optional
//   code = "GFQUIMP01"                           1-40 of [A-Za-z0-9._], unique
//   [[contracts.sites]]                          at least one per contract
//   site = "LI0001"                              the id of a [[sites]], once per contract
//   qmin = 0                                     number >= 0, default 0 (kWh/h)
//   qmax = 1000000                               number >= qmin (kWh/h)
//   tolerance_pct = 0                            number 0..100, default 0 (5 = +/-5 %)
//   [[shippers]]                                 optional
//   name = "ENGIE"                               string, not empty, unique
//   senders = ["ops@engie.example", "@engie-trading.example"]
//                                                at least one; an address, or "@domain"
//                                                for every address of that domain
//   sites = ["LI0001"]                           ids of [[sites]] it may declare for
//   cc = ["desk@engie.example"]                  addresses copied on every reply; default []
//
// Unknown keys and unknown sections are errors: a typo must not fall back to
// a default silently. Every error is one message:
//
//   <file>:<line>: <key path> = <value>: <reason>
//   flexmail.toml:14: sites[2].mesh = "ME0099": no [[meshes]] has this code
//
// Key paths use toml++'s syntax, arrays counted from 0 (sites[2] is the third
// [[sites]]). " = <value>" is absent for tables and missing keys, the line is
// absent for a missing top-level section. TOML syntax errors read
// "<file>:<line>:<column>: <toml++ description>".
//
// Adding a section ([mail], [smtp], [limits], ...): declare its struct in
// config.h and add it as a field of Config, write its key table below
// (Key<YourStruct> rows: name, &YourStruct::field, default as a TOML literal
// or kRequired, range, syntax check), and add one row to kSections:
//   {"mail", Section<&Config::mail, kMailKeys>, "{}"},
// Plain fields may be std::string, bool, int, std::int64_t, double,
// std::vector<std::string>, std::chrono::seconds or std::chrono::minutes;
// anything else takes a cfg::Reader (see ReadLight). Checks that relate
// several entries go in draft.cc.
#include "config/config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <toml++/toml.h>

#include "config/draft.h"
#include "config/schema.h"
#include "config/syntax.h"

namespace flexmail {
namespace {

using cfg::Above;
using cfg::Any;
using cfg::AtLeast;
using cfg::Between;
using cfg::Draft;
using cfg::Key;
using cfg::kRequired;
using cfg::NonEmpty;

constexpr Key<cfg::DatabaseSection> kDatabaseKeys[] = {
    {"path", &cfg::DatabaseSection::path, R"("flexmail.db")", NonEmpty()},
};

Status ReadLight(const cfg::Context& ctx, const toml::node& node, const std::string& path,
                 RuleSettings* out) {
  std::string name;
  Status s = cfg::ReadInto(ctx, node, path, Any(), cfg::LightSyntax, &name);
  if (s.ok()) ParseLight(name, &out->unknown_indicator);
  return s;
}

constexpr Key<RuleSettings> kRulesKeys[] = {
    {"partial_flexibility_kwh_per_tranche", &RuleSettings::partial_flexibility_kwh_per_tranche,
     "800000", Above(0)},
    {"indicator_delay_minutes", &RuleSettings::indicator_delay, "23", Between(0, 1440)},
    {"unknown_indicator", ReadLight, R"("RED")"},
};

constexpr Key<Mesh> kMeshKeys[] = {
    {"code", &Mesh::code, kRequired, Any(), cfg::MeshCodeSyntax},
    {"label", &Mesh::label, kRequired, NonEmpty()},
};

constexpr Key<Site> kSiteKeys[] = {
    {"id", &Site::id, kRequired, Any(), cfg::SiteIdSyntax},
    {"label", &Site::label, kRequired, NonEmpty()},
    {"mesh", &Site::mesh, kRequired, Any(), cfg::MeshCodeSyntax},
    {"client", &Site::client, kRequired, NonEmpty()},
    {"tranches", &Site::tranches, "1", AtLeast(1)},
};

constexpr Key<ContractSite> kContractSiteKeys[] = {
    {"site", &ContractSite::site, kRequired, Any(), cfg::SiteIdSyntax},
    {"qmin", &ContractSite::qmin, "0", AtLeast(0)},
    {"qmax", &ContractSite::qmax, kRequired, AtLeast(0)},
    {"tolerance_pct", &ContractSite::tolerance_pct, "0", Between(0, 100)},
};

constexpr Key<Contract> kContractKeys[] = {
    {"code", &Contract::code, kRequired, Any(), cfg::ContractCodeSyntax},
    {"sites", cfg::TablesOf<&Contract::sites, kContractSiteKeys, 1>, kRequired},
};

constexpr Key<Shipper> kShipperKeys[] = {
    {"name", &Shipper::name, kRequired, NonEmpty()},
    {"senders", &Shipper::senders, kRequired, NonEmpty(), cfg::SenderSyntax},
    {"sites", &Shipper::sites, kRequired, Any(), cfg::SiteIdSyntax},
    {"cc", &Shipper::cc, "[]", Any(), cfg::AddressSyntax},
};

// A top-level [section] or [[section]]; Member is a field of Config (the
// section is kept as is) or of Draft (it becomes part of the Referential).
template <auto Member, const auto& Keys>
constexpr cfg::Reader<Draft> Section = &cfg::TableOf<Member, Keys, Draft>;
template <auto Member, const auto& Keys, int MinCount = 0>
constexpr cfg::Reader<Draft> Sections = &cfg::TablesOf<Member, Keys, MinCount, Draft>;

constexpr Key<Draft> kSections[] = {
    {"database", Section<&Draft::database, kDatabaseKeys>, "{}"},
    {"rules", Section<&Draft::rules, kRulesKeys>, "{}"},
    {"meshes", Sections<&Draft::meshes, kMeshKeys, 1>, kRequired},
    {"sites", Sections<&Draft::sites, kSiteKeys, 1>, kRequired},
    {"contracts", Sections<&Draft::contracts, kContractKeys>, "[]"},
    {"shippers", Sections<&Draft::shippers, kShipperKeys>, "[]"},
};

Status ParseToml(std::string_view text, const std::string& source_name, toml::table* root) {
  try {
    *root = toml::parse(text, std::string(source_name));
    return Status::Ok();
  } catch (const toml::parse_error& e) {
    const toml::source_position& at = e.source().begin;
    return Status::InvalidInput(source_name + ":" + std::to_string(at.line) + ":" +
                                std::to_string(at.column) + ": " + std::string(e.description()));
  }
}

std::string ResolvePath(const std::string& base_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute() || base_dir.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

Config Build(Draft&& draft, const std::string& source_name, const std::string& base_dir) {
  Config config = std::move(static_cast<Config&>(draft));  // sections kept as read
  config.path = source_name;
  config.database_path = ResolvePath(base_dir, draft.database.path);
  config.referential =
      Referential(std::move(draft.meshes), std::move(draft.sites), std::move(draft.contracts),
                  std::move(draft.shippers), draft.rules);
  return config;
}

Status ReadWholeFile(const std::string& path, std::string* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    int err = errno;
    std::string m = path + ": cannot read: " + std::strerror(err);
    return err == ENOENT ? Status::NotFound(m) : Status::Permanent(m);
  }
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  int err = std::ferror(f) ? errno : 0;
  std::fclose(f);
  if (err) return Status::Permanent(path + ": cannot read: " + std::strerror(err));
  return Status::Ok();
}

}  // namespace

Status ParseConfig(std::string_view toml_text, const std::string& source_name,
                   const std::string& base_dir, Config* out) {
  // Nodes only carry a line when the document has a name.
  std::string name = source_name.empty() ? "config" : source_name;
  toml::table root;
  Status s = ParseToml(toml_text, name, &root);
  Draft draft;
  cfg::Context ctx(name);
  if (s.ok()) s = cfg::ReadTable(ctx, root, "", std::span<const Key<Draft>>(kSections), &draft);
  if (s.ok()) s = cfg::CheckDraft(ctx, root, draft);
  if (s.ok()) *out = Build(std::move(draft), source_name, base_dir);
  return s;
}

Status LoadConfig(const std::string& path, Config* out) {
  std::string text;
  Status s = ReadWholeFile(path, &text);
  if (s.ok()) s = ParseConfig(text, path, std::filesystem::path(path).parent_path().string(), out);
  return s;
}

}  // namespace flexmail
