// The real server on a free loopback port, over a ledger filled by real
// submissions, fetched with libcurl: statuses, types, headers, escaping,
// /healthz, /metrics and /indicators.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "config/config.h"
#include "console/pages.h"
#include "console/server.h"
#include "daemon/console_channel.h"
#include "db/ledger.h"
#include "tests/console/fetch.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::At;
using testing::Fetch;
using testing::Fetched;
using testing::FixedClock;
using testing::Testbed;

const char kHostileSender[] = "\"><img src=x onerror=alert(1)>";
const char kHostileText[] = "<script>alert(1)</script>";

class ConsoleServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string csv = bed.WriteCsv("20261203", {testing::Line("20261203", 1, testing::Flat("100"))});
    std::string hostile = bed.dir() + "/" + kHostileSender + ".csv";
    std::filesystem::copy_file(csv, hostile);
    clock.now = At("2026-12-03T10:00:00+01:00");
    std::string out, err;
    ASSERT_EQ(testing::RunCliIn(bed, clock, {"submit", csv, "--sender", "ops@engie.example",
                                             "--received-at", "2026-12-03T09:00:00+01:00"},
                                &out, &err), 0) << err;
    testing::RunCliIn(bed, clock, {"submit", hostile, "--sender", kHostileSender,
                                   "--received-at", "2026-12-03T09:30:00+01:00"}, &out, &err);
    // A poll that failed with hostile text, and a reply whose error is hostile too.
    std::unique_ptr<Ledger> writer;
    ASSERT_TRUE(Ledger::Open(bed.database(), &writer).ok());
    PollRecord ok;
    ok.started_at = At("2026-12-03T09:59:30+01:00");
    ok.finished_at = At("2026-12-03T09:59:31+01:00");
    ASSERT_TRUE(writer->RecordPoll(ok).ok());
    ASSERT_TRUE(LoadConfig(bed.config(), &config).ok());
    ASSERT_TRUE(ConsoleServer::Start(config, bed.database(), "127.0.0.1:0", DaemonConsoleSources(clock), Routes(),
                                     &server).ok());
    ASSERT_GT(server->port(), 0);
  }
  static Router Routes() {
    Router r;
    AddStandardPages(&r);
    return r;
  }
  Testbed bed;
  FixedClock clock;
  Config config;
  std::unique_ptr<ConsoleServer> server;
};

TEST_F(ConsoleServerTest, DashboardListsDeclarationsEscaped) {
  // Given two submissions, one from a hostile sender and file name, the dashboard should list both with site/day links and never the raw markup.
  Fetched f = Fetch(server->port(), "/");
  EXPECT_EQ(f.status, 200);
  EXPECT_EQ(f.content_type, "text/html; charset=utf-8");
  EXPECT_NE(f.body.find("Tableau de bord"), std::string::npos);
  EXPECT_NE(f.body.find("href=\"/sites/LI0001/2026-12-03\""), std::string::npos) << f.body;
  EXPECT_NE(f.body.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos)
      << f.body;
  EXPECT_EQ(f.body.find(kHostileSender), std::string::npos);
  EXPECT_EQ(f.body.find("<img"), std::string::npos);
}

TEST_F(ConsoleServerTest, EveryAnswerHasTheSecurityHeaders) {
  // Given pages, errors and the stylesheet, each answer should carry the CSP, nosniff and no-store.
  for (const char* path :
       {"/", "/outbox", "/nowhere", "/style.css", "/healthz", "/metrics", "/indicators"}) {
    Fetched f = Fetch(server->port(), path);
    EXPECT_NE(f.headers.find("Content-Security-Policy: default-src 'none'; style-src 'self'; "
                             "img-src 'self'\r\n"), std::string::npos) << path;
    EXPECT_NE(f.headers.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos) << path;
    EXPECT_NE(f.headers.find("Cache-Control: no-store\r\n"), std::string::npos) << path;
  }
  EXPECT_EQ(Fetch(server->port(), "/nowhere").status, 404);
  EXPECT_EQ(Fetch(server->port(), "/style.css").content_type, "text/css; charset=utf-8");
}

TEST_F(ConsoleServerTest, SiteDayPageDrawsTheDayAndRefusesBadAddresses) {
  // Given the integrated day of LI0001, its page should hold one chart with the programme's polyline; a bad day is 400, an unknown site or a deeper path 404.
  Fetched f = Fetch(server->port(), "/sites/LI0001/2026-12-03");
  EXPECT_EQ(f.status, 200);
  EXPECT_EQ(f.content_type, "text/html; charset=utf-8");
  EXPECT_NE(f.body.find("<title>LI0001 — 03/12/2026 — flexmail</title>"), std::string::npos);
  EXPECT_NE(f.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(f.body.find("<polyline"), std::string::npos) << f.body;
  EXPECT_EQ(Fetch(server->port(), "/sites/LI0001/20261203").status, 200);
  EXPECT_EQ(Fetch(server->port(), "/sites/LI0001/2026-13-40").status, 400);
  EXPECT_EQ(Fetch(server->port(), "/sites/XX%3Cb%3E/2026-12-03").status, 400);
  EXPECT_EQ(Fetch(server->port(), "/sites/LI9999/2026-12-03").status, 404);
  EXPECT_EQ(Fetch(server->port(), "/sites/LI0001/2026-12-03/x").status, 404);
  EXPECT_EQ(Fetch(server->port(), "/sites/LI0001").status, 404);
}

TEST_F(ConsoleServerTest, IndicatorsPageShowsWhatTheCommandLinePublished) {
  // Given Q_PLUS published GREEN then RED and a shortage of ME0005 declared by the flexmail binary, /indicators draws their bands for the day of now and ?day= picks a day; a bad day is 400 naming the parameter.
  const std::vector<std::vector<std::string>> commands = {
      {"indicators", "publish", "--mesh", "ME0005", "--indicator", "Q_PLUS", "--status", "GREEN",
       "--at", "2026-12-03T05:52:00+01:00"},
      {"indicators", "publish", "--mesh", "ME0005", "--indicator", "Q_PLUS", "--status", "RED",
       "--at", "2026-12-03T08:52:00+01:00"},
      {"shortage", "declare", "--gas-day", "2026-12-03", "--mesh", "ME0005", "--at",
       "2026-12-03T09:40:00+01:00"}};
  for (std::vector<std::string> args : commands) {
    args.insert(args.begin(), {"--config", bed.config()});
    testing::RunResult r = testing::RunBinary(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  Fetched f = Fetch(server->port(), "/indicators");
  EXPECT_EQ(f.status, 200);
  EXPECT_EQ(f.content_type, "text/html; charset=utf-8");
  EXPECT_NE(f.body.find("<title>Indicateurs — 03/12/2026 — flexmail</title>"), std::string::npos);
  EXPECT_NE(f.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(f.body.find("<g class=\"band green\">"), std::string::npos) << f.body;
  EXPECT_NE(f.body.find("<g class=\"band red\">"), std::string::npos);
  EXPECT_NE(f.body.find("<g class=\"shortage\">"), std::string::npos);
  EXPECT_NE(f.body.find("<g class=\"now\">"), std::string::npos);
  EXPECT_NE(f.body.find("Q→Q+ (hausses) : <strong>ROUGE (RED)</strong>"), std::string::npos);
  // The RED applied at 09:15, 23 minutes after its publication.
  EXPECT_NE(f.body.find("<td><time datetime=\"2026-12-03T09:15:00.000+01:00\">"),
            std::string::npos);
  Fetched before = Fetch(server->port(), "/indicators?day=2026-12-02");
  EXPECT_EQ(before.status, 200);
  EXPECT_EQ(before.body.find("<g class=\"band red\">"), std::string::npos);
  EXPECT_EQ(before.body.find("<g class=\"now\">"), std::string::npos);
  for (const char* bad : {"/indicators?day=2026-13-01", "/indicators?day=%3Cscript%3E"}) {
    Fetched b = Fetch(server->port(), bad);
    EXPECT_EQ(b.status, 400) << bad;
    EXPECT_EQ(b.content_type, "text/html; charset=utf-8");
    EXPECT_NE(b.body.find("paramètre « day » invalide"), std::string::npos) << b.body;
    EXPECT_EQ(b.body.find("<script"), std::string::npos);
  }
}

TEST_F(ConsoleServerTest, MethodsAndLongQueries) {
  // Given POST, HEAD and an over-long query over the network, the server should answer 405 with Allow, an empty 200, and 414.
  Fetched post = Fetch(server->port(), "/", "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_NE(post.headers.find("Allow: GET, HEAD\r\n"), std::string::npos);
  Fetched head = Fetch(server->port(), "/", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(Fetch(server->port(), "/?q=" + std::string(3000, 'a')).status, 414);
}

TEST_F(ConsoleServerTest, HostileErrorsAreEscapedOnDashboardAndOutbox) {
  // Given a failed poll and a reply whose errors hold a script, both pages should show them escaped only.
  std::unique_ptr<Ledger> writer;
  ASSERT_TRUE(Ledger::Open(bed.database(), &writer).ok());
  PollRecord bad;
  bad.started_at = At("2026-12-03T09:59:40+01:00");
  bad.finished_at = At("2026-12-03T09:59:41+01:00");
  bad.ok = false;
  bad.error = kHostileText;
  ASSERT_TRUE(writer->RecordPoll(bad).ok());
  MessageRecord m;
  m.raw = "From: ops@engie.example\r\n\r\ntest";
  m.sender = "ops@engie.example";
  m.mailbox = "cli";
  m.folder = "Processed";
  m.received_at = clock.now;
  m.outcome = Outcome::kTest;
  OutboxItem item;
  Status s = writer->RecordAnsweredMessage(&m, [&](const MessageRecord&, OutboxItem* r) {
    r->from = "flexmail@flexmail.example";
    r->recipients = {"ops@engie.example"};
    r->message_id = "<r1@flexmail.example>";
    r->raw = "Subject: test\r\n\r\nok";
    r->created_at = r->next_attempt_at = clock.now;
    return Status::Ok();
  }, &item);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(writer->MarkReplyRetry(item.id, clock.now, kHostileText).ok());
  for (const char* path : {"/", "/outbox"}) {
    Fetched f = Fetch(server->port(), path);
    EXPECT_EQ(f.status, 200) << path;
    EXPECT_NE(f.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << path;
    EXPECT_EQ(f.body.find("<script"), std::string::npos) << path;
  }
}

TEST_F(ConsoleServerTest, HealthzFollowsTheLastPoll) {
  // Given a poll 29 s old (limit: 3 polls of 30 s), /healthz should say OK; an hour later, 503 with the reason.
  Fetched ok = Fetch(server->port(), "/healthz");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "OK\n");
  EXPECT_EQ(ok.content_type, "text/plain; charset=utf-8");
  clock.now = At("2026-12-03T11:00:00+01:00");
  Fetched stale = Fetch(server->port(), "/healthz");
  EXPECT_EQ(stale.status, 503);
  EXPECT_NE(stale.body.find("last successful poll older than 3 poll intervals"),
            std::string::npos) << stale.body;
}

TEST_F(ConsoleServerTest, MetricsPassPromtool) {
  // Given the ledger, /metrics should be Prometheus text that promtool accepts.
  Fetched f = Fetch(server->port(), "/metrics");
  EXPECT_EQ(f.status, 200);
  EXPECT_EQ(f.content_type, "text/plain; version=0.0.4");
  EXPECT_NE(f.body.find("flexmail_"), std::string::npos);
  std::string path = bed.dir() + "/metrics.prom";
  std::ofstream(path) << f.body;
  EXPECT_EQ(std::system(("promtool check metrics < " + path + " > /dev/null 2>&1").c_str()), 0)
      << f.body;
}

TEST_F(ConsoleServerTest, BindFailureNamesTheKey) {
  // Given the port already taken, a second server should refuse naming http.listen and the address.
  std::unique_ptr<ConsoleServer> second;
  std::string listen = "127.0.0.1:" + std::to_string(server->port());
  Status s = ConsoleServer::Start(config, bed.database(), listen, DaemonConsoleSources(clock), Routes(),
                                  &second);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_NE(s.message().find("http.listen = \"" + listen + "\": cannot listen"),
            std::string::npos) << s.message();
}

TEST_F(ConsoleServerTest, ReadOnlyLedgerNeverWrites) {
  // Given the ledger opened read-only, a write should fail and leave it unchanged; a missing file should be kNotFound, not created.
  std::unique_ptr<Ledger> ro;
  ASSERT_TRUE(Ledger::OpenReadOnly(bed.database(), &ro).ok());
  PollRecord p;
  p.started_at = p.finished_at = clock.now;
  EXPECT_FALSE(ro->RecordPoll(p).ok());
  bool found = false;
  PollRecord last;
  ASSERT_TRUE(ro->LastPoll(&found, &last).ok());
  EXPECT_EQ(last.finished_at, At("2026-12-03T09:59:31+01:00"));
  std::unique_ptr<Ledger> missing;
  EXPECT_EQ(Ledger::OpenReadOnly(bed.dir() + "/none.db", &missing).kind(),
            Status::Kind::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(bed.dir() + "/none.db"));
}

TEST_F(ConsoleServerTest, ServeCommandExitsTwoWhenItCannotBind) {
  // Given `flexmail serve` on a port already taken, it should exit 2 naming http.listen and the address.
  std::string listen = "127.0.0.1:" + std::to_string(server->port());
  testing::RunResult r =
      testing::RunBinary({"--config", bed.config(), "serve", "--listen", listen});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("http.listen = \"" + listen + "\": cannot listen"), std::string::npos)
      << r.err;
}

TEST_F(ConsoleServerTest, ServeCommandNeedsAnAddress) {
  // Given no [http] section and no --listen, `flexmail serve` should refuse with exit 2 naming http.listen.
  testing::RunResult r = testing::RunBinary({"--config", bed.config(), "serve"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("http.listen is not set"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace flexmail
