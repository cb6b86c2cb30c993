#include <algorithm>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "config/config.h"

namespace flexmail {
namespace {

// The table of §3.2.1 of the flexibility contract: site, mesh, client, tranches.
struct ContractRow {
  const char* site;
  const char* mesh;
  const char* client;
  int tranches;
};
constexpr ContractRow kContractTable[] = {
    {"DK6", "Nord", "ENGIE", 2},
    {"Pont sur Sambre", "Nord", "Total Direct Energie", 1},
    {"Cycofos", "Provence", "ENGIE", 1},
    {"Saint Avoild", "Lorraine", "Gazel Energie", 2},
    {"Combigolfe", "Provence", "ENGIE", 1},
    {"Montoir", "Bretagne", "ENGIE", 1},
    {"Bayet", "Guyenne", "Total Direct Energie", 1},
    {"Blenod", "Lorraine", "EDF", 1},
    {"Martigues", "Provence", "EDF", 2},
    {"Gennevilliers", "IDF", "EDF", 1},
    {"Montereau", "IDF", "EDF", 2},
    {"Toul", "Lorraine", "Total Direct Energie", 1},
    {"Bouchain", "Nord", "EDF", 1},
};

Config LoadExample() {
  const char* src = std::getenv("FLEXMAIL_SOURCE_DIR");
  EXPECT_NE(src, nullptr) << "run through ctest, which sets FLEXMAIL_SOURCE_DIR";
  Config c;
  Status s = LoadConfig(std::string(src ? src : ".") + "/examples/referential.toml", &c);
  EXPECT_TRUE(s.ok()) << s.message();
  return c;
}

const Site* SiteLabelled(const Referential& r, const std::string& label) {
  auto it = std::find_if(r.sites().begin(), r.sites().end(),
                         [&](const Site& s) { return s.label == label; });
  return it == r.sites().end() ? nullptr : &*it;
}

TEST(ExampleTest, HasTheSitesOfTheContractTable) {
  // The example should list exactly the 13 sites of §3.2.1, with their mesh, client and tranches.
  Referential r = LoadExample().referential;
  ASSERT_EQ(r.sites().size(), std::size(kContractTable));
  for (const ContractRow& row : kContractTable) {
    SCOPED_TRACE(row.site);
    const Site* site = SiteLabelled(r, row.site);
    ASSERT_NE(site, nullptr);
    EXPECT_EQ(r.FindMesh(site->mesh)->label, row.mesh);
    EXPECT_EQ(site->client, row.client);
    EXPECT_EQ(site->tranches, row.tranches);
  }
}

TEST(ExampleTest, EverySiteHasAContractAndItsClientMayDeclare) {
  // Every site should be covered by a contract and declarable by the shipper named after its
  // client.
  Referential r = LoadExample().referential;
  for (const Site& site : r.sites()) {
    SCOPED_TRACE(site.label);
    EXPECT_TRUE(std::any_of(r.contracts().begin(), r.contracts().end(), [&](const Contract& c) {
      return r.FindContractSite(c.code, site.id) != nullptr;
    }));
    auto shipper = std::find_if(r.shippers().begin(), r.shippers().end(),
                                [&](const Shipper& s) { return s.name == site.client; });
    ASSERT_NE(shipper, r.shippers().end());
    EXPECT_NE(std::find(shipper->sites.begin(), shipper->sites.end(), site.id),
              shipper->sites.end());
  }
}

TEST(ExampleTest, MatchesTheWorkedExamples) {
  // Martigues, Bretagne and Provence should carry the codes the documentation's examples use.
  Config c = LoadExample();
  const Referential& r = c.referential;
  EXPECT_EQ(r.FindMesh("ME0005")->label, "Bretagne");
  EXPECT_EQ(r.FindMesh("ME0008")->label, "Provence");
  ASSERT_NE(r.FindSite("LI0002"), nullptr);
  EXPECT_EQ(r.FindSite("LI0002")->label, "Martigues");
  const ContractSite* martigues = r.FindContractSite("GFMART01", "LI0002");
  ASSERT_NE(martigues, nullptr);
  EXPECT_EQ(martigues->qmax, 2000000);
  EXPECT_TRUE(r.SenderMayDeclare("ops@edf.example", "LI0002"));
  EXPECT_EQ(r.settings().partial_flexibility_kwh_per_tranche, 800000);
  EXPECT_TRUE(c.database_path.ends_with("/examples/flexmail.db")) << c.database_path;
}

TEST(ExampleTest, ReceivesFromAMaildirAndWritesRepliesToAFolder) {
  // The example's email channel should be a local Maildir in, .eml files out, beside it.
  Config c = LoadExample();
  EXPECT_EQ(c.mail.address, "declarations@flexmail.example");
  EXPECT_EQ(c.mail.domain, "flexmail.example");
  EXPECT_TRUE(c.inbox.maildir.ends_with("/examples/demo/Maildir")) << c.inbox.maildir;
  EXPECT_EQ(c.inbox.imap_url, "");
  EXPECT_TRUE(c.outbox.directory.ends_with("/examples/demo/outbox")) << c.outbox.directory;
  EXPECT_EQ(c.smtp.url, "");
}

}  // namespace
}  // namespace flexmail

namespace flexmail {
namespace {

// The annotated production configuration shipped with the systemd unit
// loads: IMAP inbox, SMTP relay, credentials from systemd's directory.
TEST(PackagingTest, AnnotatedConfigLoads) {
  const char* src = std::getenv("FLEXMAIL_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  Config config;
  Status s = LoadConfig(std::string(src) + "/packaging/flexmail.toml", &config);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(config.inbox.imap_url, "imaps://mail.operator.example/INBOX");
  EXPECT_EQ(config.inbox.password_file, "/run/credentials/flexmail.service/imap.password");
  EXPECT_EQ(config.smtp.url, "smtp://relay.operator.example:587");
  EXPECT_TRUE(config.smtp.require_tls);
  EXPECT_EQ(config.database_path, "/var/lib/flexmail/flexmail.db");
  EXPECT_EQ(config.outbox.retry_initial, std::chrono::seconds(30));
}

}  // namespace
}  // namespace flexmail
