#include "config/draft.h"

#include <map>
#include <set>

namespace flexmail::cfg {
namespace {

std::string LineOf(const toml::table& root, const std::string& path) {
  toml::node_view<const toml::node> at = root.at_path(path);
  if (!at || !at.node()->source().path) return "";
  return " (line " + std::to_string(at.node()->source().begin.line) + ")";
}

// Fails on the second entry whose `field` repeats an earlier one, pointing
// back at the first so the operator sees both.
template <typename T, typename Field>
Status CheckUnique(const Context& ctx, const toml::table& root, const std::vector<T>& items,
                   const std::string& section, std::string_view field, Field value) {
  std::map<std::string, size_t, std::less<>> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    auto [it, inserted] = seen.emplace(value(items[i]), i);
    if (inserted) continue;
    std::string first = JoinPath(IndexPath(section, it->second), field);
    return ctx.FailPath(root, JoinPath(IndexPath(section, i), field),
                        "already used by " + IndexPath(section, it->second) + LineOf(root, first));
  }
  return Status::Ok();
}

Status CheckUniqueIds(const Context& ctx, const toml::table& root, const Draft& d) {
  Status s =
      CheckUnique(ctx, root, d.meshes, "meshes", "code", [](const Mesh& m) { return m.code; });
  if (s.ok())
    s = CheckUnique(ctx, root, d.sites, "sites", "id", [](const Site& x) { return x.id; });
  if (s.ok())
    s = CheckUnique(ctx, root, d.contracts, "contracts", "code",
                    [](const Contract& c) { return c.code; });
  if (s.ok())
    s = CheckUnique(ctx, root, d.shippers, "shippers", "name",
                    [](const Shipper& x) { return x.name; });
  return s;
}

Status CheckSiteMeshes(const Context& ctx, const toml::table& root, const Draft& d) {
  std::set<std::string, std::less<>> meshes;
  for (const Mesh& m : d.meshes) meshes.insert(m.code);
  for (size_t i = 0; i < d.sites.size(); ++i) {
    if (!meshes.count(d.sites[i].mesh))
      return ctx.FailPath(root, IndexPath("sites", i) + ".mesh", "no [[meshes]] has this code");
  }
  return Status::Ok();
}

Status CheckContract(const Context& ctx, const toml::table& root, const Contract& contract,
                     const std::string& path, const std::set<std::string, std::less<>>& sites) {
  Status s = CheckUnique(ctx, root, contract.sites, path + ".sites", "site",
                         [](const ContractSite& cs) { return cs.site; });
  for (size_t j = 0; s.ok() && j < contract.sites.size(); ++j) {
    const ContractSite& cs = contract.sites[j];
    std::string at = IndexPath(path + ".sites", j);
    if (!sites.count(cs.site)) {
      s = ctx.FailPath(root, at + ".site", "no [[sites]] has this id");
    } else if (cs.qmax < cs.qmin) {
      s = ctx.FailPath(root, at + ".qmax", "less than qmin (" + FormatNumber(cs.qmin) + ")");
    }
  }
  return s;
}

Status CheckShipperSites(const Context& ctx, const toml::table& root, const Shipper& shipper,
                         const std::string& path, const std::set<std::string, std::less<>>& sites) {
  for (size_t j = 0; j < shipper.sites.size(); ++j) {
    if (!sites.count(shipper.sites[j]))
      return ctx.FailPath(root, IndexPath(path + ".sites", j), "no [[sites]] has this id");
  }
  return Status::Ok();
}

}  // namespace

Status CheckDraft(const Context& ctx, const toml::table& root, const Draft& draft) {
  Status s = CheckUniqueIds(ctx, root, draft);
  if (s.ok()) s = CheckSiteMeshes(ctx, root, draft);
  std::set<std::string, std::less<>> sites;
  for (const Site& site : draft.sites) sites.insert(site.id);
  for (size_t i = 0; s.ok() && i < draft.contracts.size(); ++i)
    s = CheckContract(ctx, root, draft.contracts[i], IndexPath("contracts", i), sites);
  for (size_t i = 0; s.ok() && i < draft.shippers.size(); ++i)
    s = CheckShipperSites(ctx, root, draft.shippers[i], IndexPath("shippers", i), sites);
  return s;
}

}  // namespace flexmail::cfg
