// The declaration pages through Router::Handle, over a ledger filled in the
// test: parameter validation, filters, the page's parts, the downloads and
// the escaping of everything that came by mail.
#include "console/declarations.h"

#include <gtest/gtest.h>

#include "console/html.h"
#include "console/pages.h"
#include "tests/console/reply_message.h"
#include "tests/db/mail_test_util.h"
#include "tests/console/text_search.h"

namespace flexmail::testing {
namespace {

using testing::Has;
using testing::Count;

const char kScript[] = "<script>alert(1)</script>";
const char kEscapedScript[] = "&lt;script&gt;alert(1)&lt;/script&gt;";
const char kImgName[] = "\"><img src=x onerror=alert(1)>.csv";
const char kJson[] = "{\"outcome\": \"REJECTED\", \"errors\": [{\"code\": \"BAD_FORMAT\"}]}";

std::string Header(const HttpResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}


// A reply with its text, and with kJson as resultats.json when `with_json`.
std::string ReplyRaw(const std::string& text, bool with_json) {
  std::vector<OutgoingAttachment> json;
  if (with_json) json.push_back({"resultats.json", "application/json", kJson});
  return ComposeMessage(ReplyMessage(text, std::move(json)));
}

class DeclarationPagesTest : public LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    AddDeclarationPages(&router_);
  }

  HttpResponse Get(const std::string& path, std::map<std::string, std::string> query = {}) {
    HttpRequest req{"GET", path, std::move(query), 0};
    ConsoleContext ctx{config_, *ledger_, now_};
    return router_.Handle(ctx, req);
  }

  // A declaration from `files`, judged `r`; its extension stores *m (when
  // given) and one reply with `reply_raw` (when not empty).
  std::int64_t Submit(const DeclarationResult& r, std::vector<RawFile> files,
                      MessageRecord* m = nullptr, const std::string& reply_raw = "") {
    DeclarationEnvelope env = Envelope(r.received_at);
    env.sender = m ? m->sender : "cli@quimper.example";
    env.source = m ? "imap" : "cli";
    env.files = std::move(files);
    auto extend = [&](sql::Transaction& tx, std::int64_t decl, const DeclarationResult&) {
      Status s;
      if (m) {
        m->declaration_id = decl;
        s = ledger_->InsertMessage(tx, m);
      }
      if (s.ok() && !reply_raw.empty()) {
        OutboxItem item = ReplyItem(decl, "reply-" + std::to_string(decl), r.received_at);
        item.raw = reply_raw;
        s = ledger_->EnqueueReply(tx, &item);
      }
      return s;
    };
    DeclarationResult out;
    std::int64_t id = 0;
    Status s = ledger_->Submit(
        env, KeysOf(r), [&](const LedgerSnapshot&) { return r; }, &out, &id, extend);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }

  // Rejected by mail at `t`: a hostile subject, file name and message
  // text, authenticated by DKIM and failed; its reply quotes the subject.
  std::int64_t HostileByMail(Instant t) {
    DeclarationResult r = Rejected(t);
    r.errors[0].file = kImgName;
    r.errors[0].message = std::string("valeur ") + kScript + " illisible";
    MessageRecord m = Message(std::to_string(t.time_since_epoch().count()), "hostile", t);
    m.sender = "ops@quimper.example";
    m.subject = kScript;
    m.outcome = Outcome::kRejected;
    m.folder = "Rejected";
    m.auth_method = "dkim";
    m.auth_result = "fail";
    m.auth_detail = kScript;
    m.body_text = std::string("Arrêt prévu ") + kScript;
    raw_ = m.raw;
    return Submit(r, {RawFile{kImgName, "x"}}, &m,
                  ReplyRaw(std::string("Votre courriel « ") + kScript + " » a été traité.", true));
  }

  // Integrated from `submit` at `t`: a programme of LI0002 and a refused one of LI0001.
  std::int64_t Submitted(Instant t, int version = 1) {
    return Submit(
        Integrated(t, {Programme("LI0002", D(), version), Refused("LI0001", D(), version)}),
        {RawFile{FileName(D()), "x"}});
  }

  Router router_;
  Config config_;
  Instant now_ = Utc(2026, 12, 3, 11);
  std::string raw_;
};

TEST_F(DeclarationPagesTest, ListParametersAreValidated) {
  // Given each parameter good, empty, unknown or bad, the list answers 200, or 400 naming the parameter and what it expected, never echoing markup.
  struct Case {
    std::map<std::string, std::string> query;
    int status;
    std::string says;
  };
  const Case cases[] = {
      {{}, 200, "journée gazière du 03/12/2026"},
      {{{"day", "2026-12-02"}}, 200, "journée gazière du 02/12/2026"},
      {{{"day", "20261202"}}, 200, "journée gazière du 02/12/2026"},
      {{{"day", ""}}, 200, "journée gazière du 03/12/2026"},
      {{{"day", "2026-13-99"}},
       400,
       "Paramètre « day » invalide : attendu une journée gazière AAAA-MM-JJ"},
      {{{"day", "2026-02-30"}}, 400, "Paramètre « day » invalide"},
      {{{"day", "03/12/2026"}}, 400, "Paramètre « day » invalide"},
      {{{"day", kScript}}, 400, "Paramètre « day » invalide"},
      {{{"site", "LI0002"}}, 200, "du site LI0002"},
      {{{"site", ""}}, 200, "des plus récentes"},
      {{{"site", "LI002"}},
       400,
       "Paramètre « site » invalide : attendu un site : LI suivi de 4 chiffres"},
      {{{"site", "li0002"}}, 400, "Paramètre « site » invalide"},
      {{{"site", "LI00022"}}, 400, "Paramètre « site » invalide"},
      {{{"site", kScript}}, 400, "Paramètre « site » invalide"},
      {{{"outcome", "REJECTED"}}, 200, "de résultat REJECTED"},
      {{{"outcome", "IGNORED"}}, 200, "de résultat IGNORED"},
      {{{"outcome", "ACCEPTED"}},
       400,
       "Paramètre « outcome » invalide : attendu un résultat : INTEGRATED, REJECTED ou IGNORED"},
      {{{"outcome", "TEST"}}, 400, "Paramètre « outcome » invalide"},
      {{{"outcome", "rejected"}}, 400, "Paramètre « outcome » invalide"},
      {{{"page", "2"}, {"x", kScript}}, 200, "journée gazière du 03/12/2026"},
      {{{"day", "2026-12-03"}, {"site", "LI0002"}, {"outcome", "INTEGRATED"}},
       200,
       "de résultat INTEGRATED"},
  };
  for (const Case& k : cases) {
    std::string shown;
    for (const auto& [name, value] : k.query) shown += name + "=" + value + " ";
    HttpResponse r = Get("/declarations", k.query);
    EXPECT_EQ(r.status, k.status) << shown;
    EXPECT_EQ(r.content_type, kHtmlType) << shown;
    EXPECT_TRUE(Has(r.body, k.says)) << shown << "\n" << r.body;
    EXPECT_FALSE(Has(r.body, "<script")) << shown;
  }
}

TEST_F(DeclarationPagesTest, ListKeepsTheDayNewestFirstAndFilters) {
  // Given two declarations on gas day D and one the day before, the list of D has both, newest first, each linked to its page; the site and outcome filters keep only the matching one.
  const std::int64_t early = Submitted(Utc(2026, 12, 2, 9), 1);
  const std::int64_t integrated = Submitted(Utc(2026, 12, 3, 8), 2);
  const std::int64_t rejected = HostileByMail(Utc(2026, 12, 3, 9));
  const std::string link_i = "href=\"/declarations/" + std::to_string(integrated) + "\"";
  const std::string link_r = "href=\"/declarations/" + std::to_string(rejected) + "\"";
  const std::string link_e = "href=\"/declarations/" + std::to_string(early) + "\"";
  std::string body = Get("/declarations").body;
  ASSERT_TRUE(Has(body, link_i) && Has(body, link_r)) << body;
  EXPECT_LT(body.find(link_r), body.find(link_i));
  EXPECT_FALSE(Has(body, link_e));
  EXPECT_TRUE(Has(body, "2 déclarations reçues"));
  EXPECT_TRUE(Has(body, "href=\"/sites/LI0002/2026-12-03\""));
  EXPECT_TRUE(Has(body, "dkim : échouée"));
  EXPECT_TRUE(Has(body, "non authentifié"));
  EXPECT_TRUE(Has(body, Escape(kImgName)));
  EXPECT_FALSE(Has(body, "<img"));
  body = Get("/declarations", {{"site", "LI0002"}}).body;
  EXPECT_TRUE(Has(body, link_i));
  EXPECT_FALSE(Has(body, link_r));
  body = Get("/declarations", {{"outcome", "REJECTED"}}).body;
  EXPECT_FALSE(Has(body, link_i));
  EXPECT_TRUE(Has(body, link_r));
  body = Get("/declarations", {{"day", "2026-12-02"}}).body;
  EXPECT_TRUE(Has(body, link_e));
  EXPECT_FALSE(Has(body, link_i));
  EXPECT_TRUE(Has(body, "href=\"/declarations?day=2026-12-03\""));  // next day
}

TEST_F(DeclarationPagesTest, ListIsCappedAndSaysSo) {
  // Given one declaration more than the cap on one gas day, the list shows the newest kMaxListedDeclarations, not the oldest, and says it cut.
  RawDb raw(path_);
  raw.Rows("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < " +
           std::to_string(kMaxListedDeclarations) +
           ") INSERT INTO declarations (received_at, received_at_local, sender, source, outcome) "
           "SELECT printf('2026-12-03T08:%02d:%02d.000Z', i / 60, i % 60), "
           "printf('2026-12-03T09:%02d:%02d.000+01:00', i / 60, i % 60), 'ops@quimper.example', "
           "'cli', 'REJECTED' FROM n");
  ASSERT_EQ(raw.Count("declarations"), kMaxListedDeclarations + 1);
  const std::string body = Get("/declarations").body;
  EXPECT_TRUE(Has(body, "Liste tronquée : seules les 500 plus récentes sont affichées"));
  EXPECT_TRUE(Has(body, "500 déclarations reçues"));
  EXPECT_FALSE(Has(body, "href=\"/declarations/1\""));  // the oldest
  EXPECT_TRUE(Has(body, "href=\"/declarations/2\""));
  EXPECT_TRUE(
      Has(body, "href=\"/declarations/" + std::to_string(kMaxListedDeclarations + 1) + "\""));
  const std::string uncut = Get("/declarations", {{"day", "2026-12-02"}}).body;
  EXPECT_FALSE(Has(uncut, "Liste tronquée"));
}

TEST_F(DeclarationPagesTest, PageShowsEverythingEscaped) {
  // Given a rejected declaration whose subject, file name, error, authentication detail and reply hold markup, its page shows each part, escaped only.
  const std::int64_t id = HostileByMail(Utc(2026, 12, 3, 9));
  HttpResponse r = Get("/declarations/" + std::to_string(id));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, kHtmlType);
  const std::string& b = r.body;
  EXPECT_TRUE(Has(b, "<title>Déclaration n° " + std::to_string(id) + " — flexmail</title>"));
  EXPECT_TRUE(Has(b, "<td>" + std::string(kEscapedScript) + "</td>")) << b;  // the subject
  EXPECT_TRUE(Has(b, "&lt;hostile@quimper.example&gt;"));
  EXPECT_TRUE(Has(b, "courriel relevé dans la boîte IMAP"));                    // Message-ID
  EXPECT_TRUE(Has(b, "dkim : échouée — " + std::string(kEscapedScript)));
  EXPECT_TRUE(Has(b,
                  "<td>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.csv</td><td>3</td><td>14</td>"
                  "<td><code>BAD_FORMAT</code></td><td>valeur " +
                      std::string(kEscapedScript) + " illisible</td>"))
      << b;
  EXPECT_TRUE(Has(b, "<h2>Texte du courriel</h2>\n<pre class=\"mail-text\">Arrêt prévu " +
                         std::string(kEscapedScript) + "</pre>"))
      << b;
  EXPECT_TRUE(Has(b, "<h2>Avertissements (1)</h2>"));
  EXPECT_TRUE(Has(b, "<td>—</td><td>—</td><td>—</td><td><code>SUBJECT_MISMATCH</code>"));
  EXPECT_TRUE(Has(b, Escape("en attente d'envoi")));
  EXPECT_TRUE(Has(b, "<pre class=\"reply\">Votre courriel « " + std::string(kEscapedScript) +
                         " » a été traité.</pre>"))
      << b;
  EXPECT_TRUE(Has(b, "href=\"/declarations/" + std::to_string(id) + "/message.eml\""));
  EXPECT_TRUE(Has(b, "href=\"/declarations/" + std::to_string(id) + "/resultats.json\""));
  EXPECT_FALSE(Has(b, "<script"));
  EXPECT_FALSE(Has(b, "<img"));
}

TEST_F(DeclarationPagesTest, PageShowsTheDispatchersOverrideEscaped) {
  // Given a refused programme a dispatcher overrode into ACCEPTED with a reason holding markup, the declaration page and the site-day's list show the override, escaped, beside the automatic verdict.
  const std::int64_t id = Submitted(Utc(2026, 12, 3, 9));
  std::vector<StoredProgramme> refused;
  ASSERT_TRUE(ledger_->ProgrammesOf(SiteDay{"LI0001", D()}, &refused).ok());
  ASSERT_EQ(refused.size(), 1u);
  OverrideRecord o;
  o.programme_row = refused[0].row_id;
  o.accepted = true;
  o.reason = kScript;
  o.decided_by = "J. Dupont";
  o.effective_at = o.recorded_at = Utc(2026, 12, 3, 10);
  OutboxItem none;
  ASSERT_TRUE(ledger_->RecordOverride({SiteDay{"LI0001", D()}, 0, 0}, &o, std::nullopt,
                                      [](const OverrideRecord&, OutboxItem*) { return Status::Ok(); },
                                      &none).ok());
  HttpResponse r = Get("/declarations/" + std::to_string(id));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Has(r.body, "REFUSÉ<br><strong>révisé : ACCEPTÉ depuis ")) << r.body;
  EXPECT_TRUE(Has(r.body, " par J. Dupont — " + std::string(kEscapedScript) + "</strong>"))
      << r.body;
  EXPECT_FALSE(Has(r.body, "<script"));
}

TEST_F(DeclarationPagesTest, PageShowsNotesEscaped) {
  // Given three notes on a declaration, markup in a text and in a name, its page lists them in the order written, escaped.
  const std::int64_t id = Submitted(Utc(2026, 12, 3, 9));
  EXPECT_FALSE(Has(Get("/declarations/" + std::to_string(id)).body, "<h2>Notes"));
  const std::pair<const char*, const char*> notes[] = {
      {"confirmé par téléphone avec M. X à 10h32", "J. Dupont"},
      {kScript, "J. Dupont"},
      {"rappel à 11h & après", kScript}};
  for (const auto& [text, by] : notes) {
    AnnotationRecord a{0, id, text, by, Utc(2026, 12, 3, 10)};
    ASSERT_TRUE(ledger_->Annotate(&a).ok());
  }
  const std::string b = Get("/declarations/" + std::to_string(id)).body;
  EXPECT_TRUE(Has(b, "<h2>Notes (3)</h2>")) << b;
  EXPECT_LT(b.find("confirmé par téléphone"), b.find(kEscapedScript));
  EXPECT_TRUE(Has(b, "<td>J. Dupont</td><td>" + std::string(kEscapedScript) + "</td>")) << b;
  EXPECT_TRUE(Has(b, "<td>" + std::string(kEscapedScript) + "</td><td>rappel à 11h &amp; après</td>"))
      << b;
  EXPECT_FALSE(Has(b, "<script"));
}

TEST_F(DeclarationPagesTest, SubmittedDeclarationHasNoMessageNorReply) {
  // Given a declaration from `submit`, its page lists its programmes with their codes and says there is no message nor reply instead of linking; both downloads are 404 saying why.
  const std::int64_t id = Submitted(Utc(2026, 12, 3, 8));
  const std::string page = "/declarations/" + std::to_string(id);
  const std::string b = Get(page).body;
  EXPECT_TRUE(Has(b, "<h2>Programmes (2)</h2>"));
  EXPECT_TRUE(Has(b, Programme("LI0002", D(), 1).raw_id));
  EXPECT_TRUE(Has(b, "HMS_PROFILE_NOT_RESPECT_Q0_DELAY (14h00, 15h00)")) << b;
  EXPECT_TRUE(Has(b, "href=\"/sites/LI0001/2026-12-03\""));
  EXPECT_TRUE(Has(b, "non authentifié"));
  EXPECT_TRUE(Has(b, "fichiers déposés en ligne de commande (flexmail submit)"));
  EXPECT_TRUE(Has(b, "déposée en ligne de commande (flexmail submit)"));
  EXPECT_TRUE(Has(b, Escape("Aucune réponse n'a été mise en file")));
  EXPECT_FALSE(Has(b, "message.eml"));
  EXPECT_FALSE(Has(b, "resultats.json\""));
  HttpResponse eml = Get(page + "/message.eml");
  EXPECT_EQ(eml.status, 404);
  EXPECT_TRUE(Has(eml.body, Escape("aucun message reçu n'est conservé"))) << eml.body;
  EXPECT_EQ(Header(eml, "Content-Disposition"), "");
  HttpResponse json = Get(page + "/resultats.json");
  EXPECT_EQ(json.status, 404);
  EXPECT_TRUE(Has(json.body, Escape("Aucune réponse n'a été mise en file"))) << json.body;
}

TEST_F(DeclarationPagesTest, DownloadsAreTheStoredBytesAsAttachments) {
  // Given a declaration by mail, message.eml is its raw message byte for byte and resultats.json the reply's attachment, both as attachments with their types.
  const std::int64_t id = HostileByMail(Utc(2026, 12, 3, 9));
  const std::string page = "/declarations/" + std::to_string(id);
  HttpResponse eml = Get(page + "/message.eml");
  ASSERT_EQ(eml.status, 200) << eml.body;
  EXPECT_EQ(eml.content_type, "message/rfc822");
  EXPECT_EQ(Header(eml, "Content-Disposition"),
            "attachment; filename=\"declaration-" + std::to_string(id) + ".eml\"");
  EXPECT_EQ(eml.body, raw_);
  HttpResponse json = Get(page + "/resultats.json");
  ASSERT_EQ(json.status, 200) << json.body;
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_EQ(Header(json, "Content-Disposition"),
            "attachment; filename=\"declaration-" + std::to_string(id) + "-resultats.json\"");
  EXPECT_EQ(json.body, kJson);
  EXPECT_EQ(Header(json, "X-Content-Type-Options"), "nosniff");
}

TEST_F(DeclarationPagesTest, ReplyWithoutResultsIsSaidAndNotLinked) {
  // Given a reply that carries no resultats.json, the page shows its text and says so, and the download is 404.
  MessageRecord m = Message("9", "plain", Utc(2026, 12, 3, 9));
  const std::int64_t id = Submit(Rejected(Utc(2026, 12, 3, 9)), {RawFile{FileName(D()), "x"}}, &m,
                                 ReplyRaw("Bonjour", false));
  const std::string page = "/declarations/" + std::to_string(id);
  const std::string b = Get(page).body;
  EXPECT_TRUE(Has(b, "<pre class=\"reply\">Bonjour</pre>")) << b;
  EXPECT_TRUE(Has(b, "cette réponse n'a pas de pièce jointe resultats.json"));
  EXPECT_FALSE(Has(b, "href=\"" + page + "/resultats.json\""));
  HttpResponse json = Get(page + "/resultats.json");
  EXPECT_EQ(json.status, 404);
  EXPECT_TRUE(Has(json.body, Escape("n'a pas de pièce jointe resultats.json")));
}

TEST_F(DeclarationPagesTest, MalformedAndUnknownAddressesAre404) {
  // Given addresses under /declarations/ that name no declaration or no part of one, each is a 404 page.
  const std::int64_t id = Submitted(Utc(2026, 12, 3, 8));
  const std::string known = std::to_string(id), unknown = std::to_string(id + 1);
  const std::vector<std::string> paths = {"/declarations/",
                                          "/declarations/0",
                                          "/declarations/0" + known,
                                          "/declarations/abc",
                                          "/declarations/-1",
                                          "/declarations/+1",
                                          "/declarations/1e3",
                                          "/declarations/ 1",
                                          "/declarations/99999999999999999999",
                                          "/declarations/" + known + "/",
                                          "/declarations/" + known + "/x",
                                          "/declarations/" + known + "/message.eml/",
                                          "/declarations/" + known + "/resultats.JSON",
                                          "/declarations/" + unknown,
                                          "/declarations/" + unknown + "/message.eml",
                                          "/declarations/" + unknown + "/resultats.json"};
  for (const std::string& path : paths) {
    HttpResponse r = Get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.content_type, kHtmlType) << path;
  }
  EXPECT_TRUE(Has(Get("/declarations/" + unknown).body,
                  "Le registre ne contient aucune déclaration n° " + unknown));
  EXPECT_EQ(Get("/declarations/" + known).status, 200);
}

TEST_F(DeclarationPagesTest, DashboardCountsTheLastDayAndListsOnlyTheNewest) {
  // Given 55 integrated and 3 rejected declarations in the last 24 h and one older, the dashboard counts 58 by outcome, lists the 20 newest, newest first, and links to the full list.
  Submitted(now_ - std::chrono::hours(25), 1);
  std::int64_t newest = 0;
  for (int k = 54; k >= 0; --k) newest = Submitted(now_ - std::chrono::minutes(10 + k), 100 - k);
  for (int k = 1; k <= 3; ++k) Submit(Rejected(now_ - std::chrono::hours(k)), {RawFile{FileName(D()), "x"}});
  Router dashboard;
  AddStandardPages(&dashboard);
  HttpRequest req{"GET", "/", {}, 0};
  ConsoleContext ctx{config_, *ledger_, now_};
  const std::string b = dashboard.Handle(ctx, req).body;
  EXPECT_TRUE(Has(b, "<p>58 déclaration(s) : 55 INTEGRATED, 3 REJECTED ; les 20 plus récentes "
                     "ci-dessous")) << b;
  EXPECT_TRUE(Has(b, "href=\"/declarations\">toutes les déclarations du jour</a>"));
  EXPECT_EQ(Count(b, "<tr>"), 21) << "the header and 20 rows";
  const std::size_t first_row = b.find("<tr><td>");
  ASSERT_NE(first_row, std::string::npos);
  EXPECT_EQ(b.find("/declarations/" + std::to_string(newest) + "\""),
            b.find("/declarations/", first_row))
      << "the newest comes first";
  EXPECT_FALSE(Has(b, "/declarations/1\"")) << "older than 24 h";
}

}  // namespace
}  // namespace flexmail::testing
