// The standard pages over an empty ledger with a probe written in the
// test: the dashboard shows exactly what the probe judged (escaped), and
// /healthz and /metrics follow it; without a probe the console never
// claims the channel is healthy.
#include <stdlib.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "console/pages.h"

namespace flexmail {
namespace {

class FixedProbe : public ChannelProbe {
 public:
  Status Health(const Config&, Ledger&, Instant, ChannelHealth* out) const override {
    *out = health;
    return status;
  }
  Status Metrics(const Config&, Ledger&, Instant, std::string* exposition) const override {
    *exposition = "flexmail_up 1\n";
    return status;
  }
  ChannelHealth health;
  Status status = Status::Ok();
};

class PagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/flexmail-pages-XXXXXX";
    dir = mkdtemp(tmpl);
    ASSERT_TRUE(Ledger::Open(dir + "/l.db", &ledger).ok());
    AddStandardPages(&router);
  }
  void TearDown() override {
    ledger.reset();
    std::filesystem::remove_all(dir);
  }
  HttpResponse Get(const std::string& path, const ChannelProbe* probe) {
    ConsoleContext ctx{config, *ledger, Instant{}, probe};
    return router.Handle(ctx, HttpRequest{"GET", path, {}, 0});
  }
  Router router;
  Config config;
  std::string dir;
  std::unique_ptr<Ledger> ledger;
  FixedProbe probe;
};

TEST_F(PagesTest, DashboardShowsTheProbesFactsEscaped) {
  // Given a healthy judgement with a hostile fact, the dashboard should say healthy and show the fact escaped.
  probe.health.facts = {{"Dernière erreur", "<b>x</b>"}, {"Canari", "revenu en 3 s"}};
  HttpResponse r = Get("/", &probe);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Canal en bonne santé"), std::string::npos);
  EXPECT_NE(r.body.find("<td>Dernière erreur</td><td>&lt;b&gt;x&lt;/b&gt;</td>"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("<td>Canari</td><td>revenu en 3 s</td>"), std::string::npos);
  EXPECT_EQ(r.body.find("<b>x</b>"), std::string::npos);
}

TEST_F(PagesTest, HealthzAndMetricsFollowTheProbe) {
  // Given a problem, a failing read and no probe at all, /healthz should answer 503 with the reason, and 200 only when the probe finds nothing wrong.
  EXPECT_EQ(Get("/healthz", &probe).status, 200);
  EXPECT_EQ(Get("/healthz", &probe).body, "OK\n");
  EXPECT_EQ(Get("/metrics", &probe).body, "flexmail_up 1\n");
  probe.health.problems = {"la dernière relève a échoué"};
  HttpResponse r = Get("/healthz", &probe);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "la dernière relève a échoué\n");
  EXPECT_NE(Get("/", &probe).body.find("Canal en mauvaise santé"), std::string::npos);
  probe.health.problems.clear();
  probe.status = Status::Transient("database is locked");
  EXPECT_EQ(Get("/healthz", &probe).status, 503);
  EXPECT_NE(Get("/healthz", &probe).body.find("database is locked"), std::string::npos);
  EXPECT_EQ(Get("/metrics", &probe).status, 500);
  EXPECT_EQ(Get("/healthz", nullptr).status, 503);
  EXPECT_EQ(Get("/metrics", nullptr).status, 500);
  EXPECT_EQ(Get("/", nullptr).status, 200) << "the declarations are still worth showing";
}

}  // namespace
}  // namespace flexmail
