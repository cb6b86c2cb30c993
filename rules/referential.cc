#include "rules/referential.h"

#include <algorithm>
#include <cctype>

namespace flexmail {

Band ContractBand(const ContractSite& terms) {
  return Band::WithTolerance(terms.qmin, terms.qmax, terms.tolerance_pct);
}
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

template <typename T, typename Key>
void Index(const std::vector<T>& items, Key key, std::map<std::string, size_t, std::less<>>* out) {
  for (size_t i = 0; i < items.size(); ++i) out->emplace(key(items[i]), i);
}

template <typename T>
const T* Lookup(const std::vector<T>& items, const std::map<std::string, size_t, std::less<>>& idx,
                std::string_view key) {
  auto it = idx.find(key);
  return it == idx.end() ? nullptr : &items[it->second];
}

}  // namespace

bool SenderMatches(std::string_view pattern, std::string_view address) {
  if (pattern.empty()) return false;
  if (pattern.front() != '@') return EqualsIgnoreCase(pattern, address);
  auto at = address.rfind('@');
  return at != std::string_view::npos && EqualsIgnoreCase(pattern, address.substr(at));
}

Referential::Referential(std::vector<Mesh> meshes, std::vector<Site> sites,
                         std::vector<Contract> contracts, std::vector<Shipper> shippers,
                         RuleSettings settings)
    : meshes_(std::move(meshes)),
      sites_(std::move(sites)),
      contracts_(std::move(contracts)),
      shippers_(std::move(shippers)),
      settings_(settings) {
  Index(sites_, [](const Site& s) { return s.id; }, &site_index_);
  Index(meshes_, [](const Mesh& m) { return m.code; }, &mesh_index_);
  Index(contracts_, [](const Contract& c) { return c.code; }, &contract_index_);
}

const Site* Referential::FindSite(std::string_view id) const {
  return Lookup(sites_, site_index_, id);
}
const Mesh* Referential::FindMesh(std::string_view code) const {
  return Lookup(meshes_, mesh_index_, code);
}
const Contract* Referential::FindContract(std::string_view code) const {
  return Lookup(contracts_, contract_index_, code);
}

const ContractSite* Referential::FindContractSite(std::string_view contract,
                                                  std::string_view site) const {
  const Contract* c = FindContract(contract);
  if (!c) return nullptr;
  for (const auto& cs : c->sites) {
    if (cs.site == site) return &cs;
  }
  return nullptr;
}

std::vector<const Shipper*> Referential::ShippersOf(std::string_view sender) const {
  std::vector<const Shipper*> out;
  for (const auto& sh : shippers_) {
    if (std::any_of(sh.senders.begin(), sh.senders.end(),
                    [&](const std::string& p) { return SenderMatches(p, sender); }))
      out.push_back(&sh);
  }
  return out;
}

bool Referential::SenderMayDeclare(std::string_view sender, std::string_view site) const {
  for (const Shipper* sh : ShippersOf(sender)) {
    if (std::find(sh->sites.begin(), sh->sites.end(), site) != sh->sites.end()) return true;
  }
  return false;
}

}  // namespace flexmail
