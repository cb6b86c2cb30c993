// The referential: meshes, sites, connection contracts and shippers, plus the
// tunable constants of the rules. Loaded by config/, passed to the rules.
//
// Immutable once built; safe to share between threads.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/indicators.h"
#include "rules/quantity.h"

namespace flexmail {

struct Mesh {
  std::string code;   // ME0005
  std::string label;  // Bretagne
};

struct Site {
  std::string id;     // LI0001
  std::string label;  // Quimper
  std::string mesh;   // ME0005
  std::string client;
  int tranches = 1;
};

struct ContractSite {
  std::string site;
  double qmin = 0;
  double qmax = 0;
  double tolerance_pct = 0;  // 5 means +/-5 %
};

// The contractual band of a site, tolerance included (RULES §2.4):
// [qmin × (1 − t), qmax × (1 + t)], exact.
Band ContractBand(const ContractSite& terms);

struct Contract {
  std::string code;
  std::vector<ContractSite> sites;
};

struct Shipper {
  std::string name;
  std::vector<std::string> senders;  // "ops@x.example" or "@x.example"
  std::vector<std::string> sites;
  std::vector<std::string> cc;       // copies of every reply
  // The email channel's sender authentication, which the rules never read:
  // a method overriding [authentication] mode (empty: that mode), and the
  // S/MIME certificates (PEM files: signers or issuing CAs) registered for
  // this shipper.
  std::string authentication;
  std::vector<std::string> certificates;
};

struct RuleSettings {
  double partial_flexibility_kwh_per_tranche = 800000;
  std::chrono::minutes indicator_delay{23};
  Light unknown_indicator = Light::kRed;
  // The declaration horizon (RULES §3, GAS_DAY_TOO_FAR), in gas days after
  // the gas day in progress when the declaration is judged: a programme for
  // gas day D is allowed iff D - that day <= max_days_ahead. 3 is the
  // contract's chapter 6: sent on D-1, files cover D, D+1 and D+2, that is
  // one to three days after the day in progress.
  int max_days_ahead = 3;
};

class Referential {
 public:
  Referential() = default;
  Referential(std::vector<Mesh> meshes, std::vector<Site> sites,
              std::vector<Contract> contracts, std::vector<Shipper> shippers,
              RuleSettings settings);

  const Site* FindSite(std::string_view id) const;
  const Mesh* FindMesh(std::string_view code) const;
  const Contract* FindContract(std::string_view code) const;
  // The contract's terms for a site; null when the contract is unknown or
  // does not cover the site.
  const ContractSite* FindContractSite(std::string_view contract, std::string_view site) const;
  // Shippers that list `sender` (exact address or "@domain", case-insensitive).
  std::vector<const Shipper*> ShippersOf(std::string_view sender) const;
  bool SenderKnown(std::string_view sender) const { return !ShippersOf(sender).empty(); }
  bool SenderMayDeclare(std::string_view sender, std::string_view site) const;

  const std::vector<Mesh>& meshes() const { return meshes_; }
  const std::vector<Site>& sites() const { return sites_; }
  const std::vector<Contract>& contracts() const { return contracts_; }
  const std::vector<Shipper>& shippers() const { return shippers_; }
  const RuleSettings& settings() const { return settings_; }

 private:
  std::vector<Mesh> meshes_;
  std::vector<Site> sites_;
  std::vector<Contract> contracts_;
  std::vector<Shipper> shippers_;
  RuleSettings settings_;
  std::map<std::string, size_t, std::less<>> site_index_, mesh_index_, contract_index_;
};

// True when `address` matches a sender pattern: equal ignoring case, or the
// pattern is "@domain" and the address's domain equals it ignoring case.
bool SenderMatches(std::string_view pattern, std::string_view address);

}  // namespace flexmail
