// The declaration pages of the real server on a free loopback port, over
// declarations that came in through the real command line (`flexmail
// ingest` of .eml files, `flexmail submit`), fetched with libcurl:
// statuses, types, downloads byte for byte, filters, bad queries, escaping.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "config/config.h"
#include "console/html.h"
#include "console/pages.h"
#include "console/server.h"
#include "daemon/console_channel.h"
#include "db/ledger.h"
#include "mail/safe_name.h"
#include "tests/console/fetch.h"
#include "tests/daemon/testbed.h"
#include "tests/console/text_search.h"

namespace flexmail::testing {
namespace {

using testing::Has;

using Json = nlohmann::json;

const char kScript[] = "<script>alert(1)</script>";
const char kImgName[] = "\"><img src=x onerror=alert(1)>.csv";

// A declaration email of version 2 whose subject is a script and whose
// attachment's name is markup (a quoted-string, its quotes escaped).
std::string HostileEmail() {
  const std::string csv =
      "DECLARATIONS_CCG;02/12/2026;150000;UPLOAD;PROD;03/12/2026;03/12/2026\r\n" +
      Line("20261203", 2, Flat("100")) + "\r\n";
  return std::string("From: ops@engie.example\r\nTo: declarations@flexmail.example\r\n") +
         "Subject: " + kScript +
         "\r\nMessage-ID: <hostile@engie.example>\r\nMIME-Version: 1.0\r\n"
         "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
         "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour\r\n"
         "--b\r\nContent-Type: text/csv\r\nContent-Transfer-Encoding: 8bit\r\n"
         "Content-Disposition: attachment; filename=\"\\\"><img src=x "
         "onerror=alert(1)>.csv\"\r\n\r\n" +
         csv + "--b--\r\n";
}


class DeclarationServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    normal_eml = bed.dir() + "/normal.eml";
    hostile_eml = bed.dir() + "/hostile.eml";
    std::ofstream(normal_eml, std::ios::binary) << DeclarationEmail(1, "100");
    std::ofstream(hostile_eml, std::ios::binary) << HostileEmail();
    normal_json = Ingest(normal_eml, "2026-12-02T15:00:00");
    hostile_json = Ingest(hostile_eml, "2026-12-03T09:00:00");
    const std::string csv = bed.WriteCsv("20261203", {Line("20261203", 3, Flat("100"))});
    RunResult r = RunBinary({"--config", bed.config(), "submit", csv, "--sender",
                             "ops@engie.example", "--received-at", "2026-12-03T09:30:00"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    FindIds();
    ASSERT_TRUE(LoadConfig(bed.config(), &config).ok());
    clock.now = At("2026-12-03T10:00:00+01:00");
    Router router;
    AddStandardPages(&router);
    ASSERT_TRUE(ConsoleServer::Start(config, bed.database(), "127.0.0.1:0",
                                     DaemonConsoleSources(clock), std::move(router), &server)
                    .ok());
  }

  Json Ingest(const std::string& eml, const std::string& at) {
    RunResult r =
        RunBinary({"--config", bed.config(), "ingest", eml, "--received-at", at, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Json::parse(r.out, nullptr, false);
  }

  // The declarations' ids as the ledger numbered them: by Message-ID for
  // the ingested ones, the remaining one of the day for `submit`.
  void FindIds() {
    std::unique_ptr<Ledger> ledger;
    ASSERT_TRUE(Ledger::Open(bed.database(), &ledger).ok());
    std::vector<MessageRecord> messages;
    ASSERT_TRUE(ledger->Messages(0, &messages).ok());
    for (const auto& m : messages) {
      if (m.message_id == "<hostile@engie.example>")
        hostile = m.declaration_id;
      else
        normal = m.declaration_id;
    }
    std::vector<StoredDeclaration> day;
    ASSERT_TRUE(ledger->DeclarationsOn(*GasDay::ParseIso("2026-12-03"), &day).ok());
    ASSERT_EQ(day.size(), 2u);
    submitted = day[0].id == hostile ? day[1].id : day[0].id;
    for (const auto& d : day)
      if (d.id == hostile) hostile_outcome = OutcomeName(d.outcome);
    ASSERT_GT(normal, 0);
    ASSERT_GT(hostile, 0);
  }

  Fetched Get(const std::string& path, const std::string& method = "GET") {
    return Fetch(server->port(), path, method);
  }
  static std::string Page(std::int64_t id) { return "/declarations/" + std::to_string(id); }
  static std::string Link(std::int64_t id) { return "href=\"" + Page(id) + "\""; }

  Testbed bed{"[mail]\naddress = \"declarations@flexmail.example\"\n"};
  FixedClock clock;
  Config config;
  std::unique_ptr<ConsoleServer> server;
  std::string normal_eml, hostile_eml;
  Json normal_json, hostile_json;
  std::int64_t normal = 0, hostile = 0, submitted = 0;
  std::string hostile_outcome;
};

TEST_F(DeclarationServerTest, ListKeepsTheDayAndFilters) {
  // Given two declarations today and one ingested yesterday, the list of today has today's, yesterday's list has the other, and the site and outcome filters keep or drop it.
  ASSERT_EQ(normal_json["outcome"], "INTEGRATED");
  Fetched today = Get("/declarations");
  EXPECT_EQ(today.status, 200);
  EXPECT_EQ(today.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(Has(today.body, Link(hostile)) && Has(today.body, Link(submitted))) << today.body;
  EXPECT_FALSE(Has(today.body, Link(normal)));
  EXPECT_LT(today.body.find(Link(submitted)), today.body.find(Link(hostile)));  // newest first
  const std::string day = "/declarations?day=2026-12-02";
  EXPECT_TRUE(Has(Get(day).body, Link(normal)));
  EXPECT_FALSE(Has(Get(day).body, Link(hostile)));
  EXPECT_TRUE(Has(Get(day + "&site=LI0001").body, Link(normal)));
  EXPECT_FALSE(Has(Get(day + "&site=LI0002").body, Link(normal)));
  EXPECT_TRUE(Has(Get(day + "&outcome=INTEGRATED&unknown=1").body, Link(normal)));
  EXPECT_FALSE(Has(Get(day + "&outcome=REJECTED").body, Link(normal)));
  EXPECT_TRUE(Has(Get("/declarations?outcome=" + hostile_outcome).body, Link(hostile)));
}

TEST_F(DeclarationServerTest, MalformedQueriesAre400) {
  // Given a day that does not exist and a site that is markup, the list answers 400 naming the parameter, without the markup.
  Fetched day = Get("/declarations?day=2026-13-99");
  EXPECT_EQ(day.status, 400);
  EXPECT_EQ(day.content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(Has(day.body, "Paramètre « day » invalide")) << day.body;
  Fetched site = Get("/declarations?site=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_EQ(site.status, 400);
  EXPECT_TRUE(Has(site.body, "Paramètre « site » invalide")) << site.body;
  EXPECT_FALSE(Has(site.body, "<script"));
  EXPECT_EQ(Get("/declarations?outcome=ACCEPTED").status, 400);
}

TEST_F(DeclarationServerTest, MessageDownloadIsTheIngestedFileByteForByte) {
  // Given two ingested emails, each message.eml is its file exactly, as an attachment of type message/rfc822; HEAD gives the same headers and no body.
  for (const auto& [id, eml] : {std::pair{normal, normal_eml}, std::pair{hostile, hostile_eml}}) {
    Fetched f = Get(Page(id) + "/message.eml");
    EXPECT_EQ(f.status, 200);
    EXPECT_EQ(f.content_type, "message/rfc822");
    const std::string disposition = "Content-Disposition: attachment; filename=\"declaration-" +
                                    std::to_string(id) + ".eml\"\r\n";
    EXPECT_TRUE(Has(f.headers, disposition)) << f.headers;
    EXPECT_TRUE(Has(f.headers, "X-Content-Type-Options: nosniff\r\n"));
    EXPECT_EQ(f.body, ReadFile(eml));
    Fetched head = Get(Page(id) + "/message.eml", "HEAD");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(Has(head.headers, disposition));
    EXPECT_EQ(head.body, "");
  }
}

TEST_F(DeclarationServerTest, ResultsDownloadIsTheReplysJson) {
  // Given two ingested emails, each resultats.json parses, as an attachment of type application/json, and is the JSON `ingest --json` printed for it.
  for (const auto& [id, printed] :
       {std::pair{normal, normal_json}, std::pair{hostile, hostile_json}}) {
    Fetched f = Get(Page(id) + "/resultats.json");
    EXPECT_EQ(f.status, 200);
    EXPECT_EQ(f.content_type, "application/json");
    EXPECT_TRUE(Has(f.headers, "Content-Disposition: attachment; filename=\"declaration-" +
                                   std::to_string(id) + "-resultats.json\"\r\n"))
        << f.headers;
    Json j = Json::parse(f.body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << f.body;
    EXPECT_EQ(j, printed);
  }
  Json j = Json::parse(Get(Page(hostile) + "/resultats.json").body, nullptr, false);
  EXPECT_EQ(j["messageId"], "<hostile@engie.example>");
  EXPECT_EQ(j["outcome"], hostile_outcome);
}

TEST_F(DeclarationServerTest, SubmittedDeclarationHasNoDownloads) {
  // Given a declaration from `submit`, its page says it has no message nor reply, and both downloads are French 404 pages.
  Fetched page = Get(Page(submitted));
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.body, "déposée en ligne de commande (flexmail submit)")) << page.body;
  EXPECT_FALSE(Has(page.body, "message.eml"));
  for (const char* part : {"/message.eml", "/resultats.json"}) {
    Fetched f = Get(Page(submitted) + part);
    EXPECT_EQ(f.status, 404) << part;
    EXPECT_EQ(f.content_type, "text/html; charset=utf-8") << part;
    EXPECT_FALSE(Has(f.headers, "Content-Disposition")) << part;
    EXPECT_TRUE(Has(f.body, "<html lang=\"fr\">")) << part;
  }
  EXPECT_EQ(Get(Page(submitted + 1)).status, 404);
  EXPECT_EQ(Get("/declarations/abc").status, 404);
}

TEST_F(DeclarationServerTest, HostileSubjectAndFileNameAreEscaped) {
  // Given an email whose subject is a script and whose attachment's name is markup, its page, the list and the dashboard show them escaped only, the reply's text too.
  Fetched page = Get(Page(hostile));
  EXPECT_EQ(page.status, 200);
  const std::string subject = Escape(kScript);
  EXPECT_TRUE(Has(page.body, "<td>" + subject + "</td>")) << page.body;
  EXPECT_TRUE(Has(page.body, Escape(SafeFileName(kImgName)))) << page.body;
  EXPECT_TRUE(Has(page.body, "« " + subject + " »"));  // quoted in the reply's text
  EXPECT_TRUE(Has(page.body, "<pre class=\"reply\">"));
  EXPECT_TRUE(Has(page.body, "courriel déposé en ligne de commande (flexmail ingest)"));
  for (const std::string& path : {Page(hostile), std::string("/declarations"), std::string("/")}) {
    Fetched f = Get(path);
    EXPECT_FALSE(Has(f.body, "<script")) << path;
    EXPECT_FALSE(Has(f.body, "<img")) << path;
  }
  EXPECT_TRUE(Has(Get("/").body, Link(hostile)));  // the dashboard links its rows
}

}  // namespace
}  // namespace flexmail::testing
