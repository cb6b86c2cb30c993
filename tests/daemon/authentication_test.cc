// Sender authentication in the intake, with real signers: a forged From
// never changes the ledger's programmes under dkim, authentication-results
// and smime; a genuine message is integrated as before; a refusal is
// answered to the From only, at most once per shipper per interval; a DNS
// failure leaves the message for later, then refuses it and makes status
// unhealthy.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "daemon/intake.h"
#include "daemon/reply.h"
#include "tests/auth/dkim_fixture.h"
#include "tests/auth/smime_fixture.h"
#include "tests/daemon/intake_bench.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using testing::At;
using testing::DeclarationEmail;
using testing::FixedClock;
using testing::Testbed;

constexpr const char* kMail = "[mail]\naddress = \"declarations@flexmail.example\"\n";

// An intake whose config has the given [authentication] body and ENGIE keys.
struct AuthBench : testing::IntakeBench {
  AuthBench(const std::string& authentication, const std::string& engie_keys = "")
      : IntakeBench(std::string(kMail) + "[authentication]\n" + authentication, engie_keys) {}
  size_t Programmes() {
    std::vector<StoredProgramme> p;
    EXPECT_TRUE(ledger->ProgrammesOf(SiteDay{"LI0001", *GasDay::ParseIso("2026-12-03")}, &p).ok());
    return p.size();
  }
};

bool HasError(const IntakeResult& r, Code code) {
  for (const auto& e : r.verdict.result.errors) {
    if (e.code == code) return true;
  }
  return false;
}

// Refused for its sender: REJECTED, filed in Rejected, no programme.
void ExpectRefused(AuthBench& b, const IntakeResult& r) {
  EXPECT_EQ(r.outcome, Outcome::kRejected);
  EXPECT_EQ(r.folder, Folder::kRejected);
  EXPECT_TRUE(HasError(r, Code::SENDER_NOT_AUTHENTICATED));
  EXPECT_EQ(r.verdict.result.errors.size(), 1u) << "nothing of a forged message is judged";
  EXPECT_TRUE(r.verdict.result.programmes.empty());
  EXPECT_EQ(b.Programmes(), 0u);
}

// Refused for its sender, with `also` among the errors.
void ExpectRefusedAlso(const IntakeResult& r, Code also) {
  EXPECT_EQ(r.outcome, Outcome::kRejected);
  EXPECT_TRUE(HasError(r, Code::SENDER_NOT_AUTHENTICATED));
  EXPECT_TRUE(HasError(r, also));
  EXPECT_TRUE(r.verdict.result.programmes.empty());
}

constexpr const char* kOurs = "mx.operator.example";

std::string OurVerdict(const std::string& dmarc, const std::string& from_domain) {
  return "Authentication-Results: mx.operator.example; dkim=pass header.d=" + from_domain +
         "; dmarc=" + dmarc + " header.from=" + from_domain + "\r\n";
}

// Given the operator's MTA's verdict, a genuine message is integrated and
// its verdict stored, shown in the JSON and said in the reply; a forged one
// (no verdict of ours, a forged lower copy, or dmarc=fail) is refused and
// changes nothing.
TEST(Authentication, AuthenticationResultsMode) {
  AuthBench b(std::string("mode = \"authentication-results\"\nauthserv_id = \"") + kOurs + "\"\n");
  IntakeResult ok = b.Ingest(DeclarationEmail(1, "100", "ops@engie.example",
                                              OurVerdict("pass", "engie.example")));
  EXPECT_EQ(ok.outcome, Outcome::kIntegrated);
  ASSERT_TRUE(ok.authentication);
  EXPECT_EQ(ok.authentication->result, AuthResult::kPass);
  EXPECT_EQ(ok.record.auth_method, "authentication-results");
  EXPECT_EQ(ok.record.auth_result, "pass");
  EXPECT_EQ(ok.record.shipper, "ENGIE");
  auto j = nlohmann::json::parse(IntakeJson(ok, b.config.referential));
  EXPECT_EQ(j["authentication"]["method"], "authentication-results");
  EXPECT_EQ(j["authentication"]["result"], "pass");
  EXPECT_NE(ReplyBody(ok.message, ok.verdict, b.config.referential, &*ok.authentication)
                .find("Authentification de l'expéditeur : réussie (authentication-results"),
            std::string::npos);
  EXPECT_EQ(b.Programmes(), 1u);
  auto report = testing::RunBinary(
      {"--config", b.bed.config(), "report", "--gas-day", "2026-12-02", "--json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  auto declarations = nlohmann::json::parse(report.out)["declarations"];
  ASSERT_EQ(declarations.size(), 1u) << report.out;
  EXPECT_EQ(declarations[0]["authentication"]["method"], "authentication-results");
  EXPECT_EQ(declarations[0]["authentication"]["result"], "pass");

  AuthBench forged(std::string("mode = \"authentication-results\"\nauthserv_id = \"") + kOurs +
                   "\"\nfailure_reply_interval = 0\n");
  for (const std::string& headers :
       {std::string(), OurVerdict("fail", "engie.example"),
        "Authentication-Results: mx.operator.example; dmarc=fail header.from=engie.example\r\n" +
            OurVerdict("pass", "engie.example"),
        OurVerdict("pass", "attacker.example")}) {
    SCOPED_TRACE(headers);
    IntakeResult r = forged.Ingest(DeclarationEmail(1, "100", "ops@engie.example", headers));
    ExpectRefused(forged, r);
    EXPECT_EQ(r.record.auth_result, "fail");
  }
}

// Given forged mail in a shipper's name, the refusal goes to the From only
// (not to the shipper's copies), once per failure_reply_interval; the
// others are recorded without reply; after the interval one more reply.
TEST(Authentication, RefusalsAnsweredToTheFromOnceAnHour) {
  AuthBench b(std::string("mode = \"authentication-results\"\nauthserv_id = \"") + kOurs + "\"\n");
  IntakeResult first = b.Ingest(DeclarationEmail(1, "100"));
  ExpectRefused(b, first);
  ASSERT_NE(first.reply_id, 0);
  std::vector<OutboxItem> out = b.Outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].recipients, std::vector<std::string>{"ops@engie.example"});
  EXPECT_NE(out[0].raw.find("SENDER_NOT_AUTHENTICATED"), std::string::npos);

  b.clock.now = At("2026-12-02T15:30:00");
  IntakeResult second = b.Ingest(DeclarationEmail(2, "100"), "2026-12-02T15:29:00");
  ExpectRefused(b, second);
  EXPECT_EQ(second.reply_id, 0);
  EXPECT_TRUE(second.reply_withheld);
  // Another address of the same shipper counts for the same shipper.
  IntakeResult other = b.Ingest(DeclarationEmail(3, "100", "trader@engie.example"),
                                "2026-12-02T15:29:30");
  EXPECT_TRUE(other.reply_withheld);
  EXPECT_EQ(b.Outbox().size(), 1u);

  b.clock.now = At("2026-12-02T16:00:06");
  IntakeResult later = b.Ingest(DeclarationEmail(4, "100"), "2026-12-02T16:00:00");
  EXPECT_NE(later.reply_id, 0);
  EXPECT_EQ(b.Outbox().size(), 2u);
}

// Runs a command line through the shell; a test failure when it fails.
void Shell(const std::string& command) {
  ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0) << command;
}

// Given ENGIE signing with S/MIME (its own method, over a section of
// "none"), a message signed by its registered certificate is integrated,
// only the files inside the signature count, and an unsigned one or one
// signed by another key is refused; EDF, under "none", is not asked.
TEST(Authentication, SmimeModeForOneShipper) {
  testing::Testbed scratch;
  const std::string dir = scratch.dir();
  // Valid 2025-2028, so at the reception instants of these tests: a key
  // made now would not yet be valid in December 2026's past.
  std::vector<test::Identity> ids;
  for (const char* who : {"engie", "rogue"})
    ids.push_back(test::MakeIdentity({who, 2025, 2028, nullptr, false, "ops@engie.example"}, dir));
  std::ofstream(dir + "/entity.eml", std::ios::binary) << testing::DeclarationEntity(1, "100");
  auto sign = [&](const std::string& who) {
    Shell("openssl cms -sign -md sha256 -in " + dir + "/entity.eml -signer " + dir + "/" + who +
          ".crt -inkey " + dir + "/" + who + ".key -out " + dir + "/" + who + ".signed");
    return "From: ops@engie.example\r\nTo: declarations@flexmail.example\r\n"
           "Subject: [Quimper] Previsions SFM : 03/12/2026 - 03/12/2026\r\n"
           "Message-ID: <signed-" + who + "@engie.example>\r\n" +
           testing::ReadFile(dir + "/" + who + ".signed");
  };
  AuthBench b("mode = \"none\"\n",
              "authentication = \"smime\"\ncertificates = [\"" + dir + "/engie.crt\"]\n");
  const std::string genuine = sign("engie");
  IntakeResult ok = b.Ingest(genuine);
  EXPECT_EQ(ok.outcome, Outcome::kIntegrated) << ok.record.auth_detail;
  EXPECT_EQ(ok.record.auth_method, "smime");
  EXPECT_EQ(ok.record.auth_result, "pass");
  EXPECT_EQ(b.Programmes(), 1u);

  AuthBench refused("mode = \"none\"\nfailure_reply_interval = 0\n",
                    "authentication = \"smime\"\ncertificates = [\"" + dir + "/engie.crt\"]\n");
  ExpectRefused(refused, refused.Ingest(sign("rogue")));
  ExpectRefused(refused, refused.Ingest(DeclarationEmail(1, "100")));
  // A CSV added outside the signature is not part of the declaration: the
  // signed one alone is judged (v1), the added one (v2) is not seen.
  const std::string signed_entity = testing::ReadFile(dir + "/engie.signed");
  const std::string wrapped =
      "From: ops@engie.example\r\nTo: declarations@flexmail.example\r\n"
      "Subject: [Quimper] Previsions SFM : 03/12/2026 - 03/12/2026\r\n"
      "Message-ID: <wrapped@engie.example>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\n" +
      signed_entity +
      "\r\n--outer\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; "
      "filename=\"Export_DECLARATIONS_CCG-UPLOAD-20261203_20261202150002.csv\"\r\n\r\n"
      "DECLARATIONS_CCG;02/12/2026;150000;UPLOAD;PROD;03/12/2026;03/12/2026\r\n" +
      testing::Line("20261203", 2, testing::Flat("999")) + "\r\n--outer--\r\n";
  AuthBench outside("mode = \"none\"\n", "authentication = \"smime\"\ncertificates = [\"" + dir +
                                             "/engie.crt\"]\n");
  IntakeResult w = outside.Ingest(wrapped);
  EXPECT_EQ(w.outcome, Outcome::kIntegrated) << w.record.auth_detail;
  ASSERT_EQ(w.verdict.result.programmes.size(), 1u);
  EXPECT_EQ(w.verdict.result.programmes[0].id.version, 1);
  EXPECT_EQ(w.message.csv_attachments.size(), 1u);
  // EDF, under the section's "none", is not asked to sign.
  IntakeResult edf = refused.Ingest(DeclarationEmail(1, "100", "ops@edf.example"));
  EXPECT_EQ(edf.record.auth_method, "none");
  EXPECT_NE(edf.outcome, Outcome::kIgnored);
}

// Given dkim with keys from a key file, a message signed by the shipper's
// domain is integrated, a tampered or unsigned one refused; with keys from
// a DNS server that is down, the message is left for later (nothing
// stored), then refused after temp_fail_for and status turns unhealthy.
TEST(Authentication, DkimMode) {
  test::DkimWorld world;
  ASSERT_TRUE(world.Init());
  ASSERT_TRUE(world.AddKey("engie", "sel", "engie.example"));
  std::string genuine;
  ASSERT_TRUE(world.Sign("engie", "sel", "engie.example", DeclarationEmail(1, "100"), {}, &genuine));
  AuthBench b("mode = \"dkim\"\ndkim_keys_file = \"" + world.key_file() +
              "\"\nfailure_reply_interval = 0\n");
  IntakeResult ok = b.Ingest(genuine);
  EXPECT_EQ(ok.outcome, Outcome::kIntegrated) << ok.record.auth_detail;
  EXPECT_EQ(ok.record.auth_result, "pass");
  EXPECT_EQ(ok.record.auth_detail, "d=engie.example s=sel");
  // The same key used by OpenDKIM's own signer (opendkim-testmsg, the
  // signing mode of the milter's library), which signs rsa-sha1: RFC 8301
  // forbids accepting that algorithm, so the message is refused, and says so.
  std::string by_opendkim;
  ASSERT_TRUE(test::RunProgram(
      {"opendkim-testmsg", "-C", "-d", "engie.example", "-s", "sel", "-k",
       world.private_key("engie")},
      DeclarationEmail(2, "200", "ops@engie.example", "Date: Wed, 02 Dec 2026 15:00:00 +0100\r\n"),
      &by_opendkim));
  ASSERT_NE(by_opendkim.find("DKIM-Signature:"), std::string::npos) << by_opendkim;
  ASSERT_NE(by_opendkim.find("a=rsa-sha1"), std::string::npos) << by_opendkim;
  IntakeResult v2 = b.Ingest(by_opendkim, "2026-12-02T15:00:30");
  EXPECT_EQ(v2.outcome, Outcome::kRejected);
  EXPECT_EQ(v2.record.auth_result, "fail");
  EXPECT_NE(v2.record.auth_detail.find("a=rsa-sha1 is not accepted"), std::string::npos)
      << v2.record.auth_detail;

  AuthBench forged("mode = \"dkim\"\ndkim_keys_file = \"" + world.key_file() +
                   "\"\nfailure_reply_interval = 0\n");
  std::string tampered = genuine;
  tampered.replace(tampered.find(";100;100;"), 9, ";900;100;");
  ExpectRefused(forged, forged.Ingest(tampered));
  ExpectRefused(forged, forged.Ingest(DeclarationEmail(1, "100")));
  // Over the size limit only the header is read: the signature cannot be
  // checked, and the refusal says why.
  IncomingMessage big;
  big.raw = genuine.substr(0, genuine.find("\r\n\r\n") + 4);
  big.received_at = At("2026-12-02T15:00:00");
  big.announced_size = 50 << 20;
  IntakeResult too_large;
  ASSERT_TRUE(Intake(forged.config, forged.ledger.get(), forged.clock).Ingest(big, &too_large).ok());
  ExpectRefusedAlso(too_large, Code::MESSAGE_TOO_LARGE);

  const int port = test::FreeUdpPort();
  AuthBench dns_down("mode = \"dkim\"\ndkim_nameservers = [\"127.0.0.1:" + std::to_string(port) +
                     "\"]\ntemp_fail_for = 600\n");
  dns_down.clock.now = At("2026-12-02T15:05:00");
  IntakeResult waiting = dns_down.Ingest(genuine);
  EXPECT_TRUE(waiting.deferred);
  std::vector<MessageRecord> stored;
  ASSERT_TRUE(dns_down.ledger->Messages(0, &stored).ok());
  EXPECT_TRUE(stored.empty()) << "nothing is stored while the answer may still come";
  // The resolver comes back within temp_fail_for: the same message, read
  // again at the next poll, is accepted.
  AuthBench dns_back("mode = \"dkim\"\ndkim_nameservers = [\"127.0.0.1:" + std::to_string(port) +
                     "\"]\ntemp_fail_for = 600\n");
  dns_back.clock.now = At("2026-12-02T15:05:00");
  EXPECT_TRUE(dns_back.Ingest(genuine).deferred);
  ASSERT_TRUE(world.StartDns("127.0.0.1", port));
  IntakeResult retried = dns_back.Ingest(genuine);
  EXPECT_EQ(retried.outcome, Outcome::kIntegrated) << retried.record.auth_detail;
  ASSERT_TRUE(world.StopDns());

  dns_down.clock.now = At("2026-12-02T15:10:01");
  IntakeResult given_up = dns_down.Ingest(genuine);
  ExpectRefused(dns_down, given_up);
  EXPECT_EQ(given_up.record.auth_result, "temperror");
  auto r = testing::RunBinary({"--config", dns_down.bed.config(), "status", "--json"});
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["healthy"], false) << r.out;
  EXPECT_EQ(j["authentication"], "dkim");
}

std::string TestEmail(const std::string& subject, const std::string& headers) {
  return headers + "From: ops@engie.example\r\nTo: declarations@flexmail.example\r\n"
         "Subject: " + subject + "\r\nMessage-ID: <" + std::to_string(subject.size()) +
         "-test@engie.example>\r\n\r\nBonjour, ceci est un test.\r\n";
}

TEST(Authentication, TestSubjectTable) {
  struct Case {
    const char* subject;
    bool test;
  } cases[] = {{"[Martigues] Test de communication", true}, {"TEST", true}, {"essai test", true},
               {"(test)", true}, {"Attestation", false}, {"Tests", false}, {"contest", false},
               {"testé", false}, {"", false}};
  for (const auto& c : cases) EXPECT_EQ(IsTestSubject(c.subject), c.test) << c.subject;
}

// Given an authenticated shipper's email whose subject says TEST and that
// carries no CSV, it is acknowledged (reception instant, verdict) to its
// From, recorded as TEST, and makes no declaration; forged, it is refused.
TEST(Authentication, CommunicationTestIsAcknowledged) {
  AuthBench b(std::string("mode = \"authentication-results\"\nauthserv_id = \"") + kOurs + "\"\n");
  IntakeResult r = b.Ingest(TestEmail("[Quimper] Test de communication",
                                      OurVerdict("pass", "engie.example")));
  EXPECT_EQ(r.outcome, Outcome::kTest);
  EXPECT_EQ(r.folder, Folder::kProcessed);
  EXPECT_FALSE(r.has_verdict);
  ASSERT_NE(r.reply_id, 0);
  std::vector<OutboxItem> out = b.Outbox();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].declaration_id, 0);
  EXPECT_EQ(out[0].message_ref, r.record.id);
  EXPECT_EQ(out[0].recipients, std::vector<std::string>{"ops@engie.example"});
  EXPECT_EQ(out[0].message_id, "<test-" + std::to_string(r.record.id) + "." +
                                   b.ledger->instance_id() + "@" + b.config.mail.domain + ">");
  ParsedMessage reply;
  ASSERT_TRUE(ParseMessage(out[0].raw, MailLimits{}, &reply).ok());
  EXPECT_NE(reply.subject.find("test reçu"), std::string::npos) << reply.subject;
  std::vector<MessageRecord> stored;
  ASSERT_TRUE(b.ledger->Messages(0, &stored).ok());
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].outcome, Outcome::kTest);
  EXPECT_EQ(stored[0].declaration_id, 0);
  auto j = nlohmann::json::parse(IntakeJson(r, b.config.referential));
  EXPECT_EQ(j["outcome"], "TEST");
  EXPECT_EQ(j["authentication"]["result"], "pass");
  EXPECT_TRUE(j["hmsProfiles"].empty());

  IntakeResult forged = b.Ingest(TestEmail("Test", ""), "2026-12-02T15:00:01");
  EXPECT_EQ(forged.outcome, Outcome::kRejected);
  EXPECT_TRUE(HasError(forged, Code::SENDER_NOT_AUTHENTICATED));
  IntakeResult word = b.Ingest(TestEmail("Attestation", OurVerdict("pass", "engie.example")),
                               "2026-12-02T15:00:02");
  EXPECT_EQ(word.outcome, Outcome::kRejected);
  EXPECT_TRUE(HasError(word, Code::NO_DECLARATION_FILE));
}

// Reading mail needs [authentication]: ingest refuses without it, naming
// the choices; submit does not need it; with "none" every start warns and
// status shows it.
TEST(Authentication, ModeIsRequiredToReadMailAndNoneIsSaid) {
  testing::Testbed bed(kMail + std::string("[authentication]\nmode = \"none\"\n"));
  std::string text = testing::ReadFile(bed.config());
  text = text.substr(0, text.find("[authentication]"));
  std::ofstream(bed.config()) << text;
  std::ofstream(bed.dir() + "/m.eml", std::ios::binary) << DeclarationEmail(1, "100");
  auto r = testing::RunBinary({"--config", bed.config(), "ingest", bed.dir() + "/m.eml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("[authentication] is required to read mail: set mode = \"dkim\", "
                       "\"authentication-results\", \"smime\" or \"none\""),
            std::string::npos)
      << r.err;
  auto csv = bed.WriteCsv("20261203", {testing::Line("20261203", 1, testing::Flat("100"))});
  r = testing::RunBinary({"--config", bed.config(), "submit", csv, "--sender",
                          "ops@engie.example", "--received-at", "2026-12-02T15:00:00"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  std::ofstream(bed.config(), std::ios::app) << "[authentication]\nmode = \"none\"\n";
  r = testing::RunBinary({"--config", bed.config(), "ingest", bed.dir() + "/m.eml",
                          "--received-at", "2026-12-02T15:00:00", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("mode = \"none\": senders are not authenticated"), std::string::npos)
      << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["authentication"]["result"], "none");
  r = testing::RunBinary({"--config", bed.config(), "status"});
  EXPECT_NE(r.out.find("authentication:       none (WARNING: a forged From is believed)"),
            std::string::npos)
      << r.out;
}

// A certificate file that cannot be read stops ingest and run before any
// mail is read (exit 2, naming the file): genuine mail must not be refused
// for a configuration mistake.
TEST(Authentication, UnreadableCertificateStopsBeforeReadingMail) {
  testing::Testbed bed(std::string(kMail) +
                           "[inbox]\nmaildir = \"Maildir\"\n[outbox]\ndirectory = \"outbox\"\n"
                           "[authentication]\nmode = \"none\"\n",
                       "authentication = \"smime\"\ncertificates = [\"missing.pem\"]\n");
  std::ofstream(bed.dir() + "/m.eml", std::ios::binary) << DeclarationEmail(1, "100");
  for (const char* sub : {"new", "cur", "tmp"})
    std::filesystem::create_directories(bed.dir() + "/Maildir/" + sub);
  std::ofstream(bed.dir() + "/Maildir/new/1.msg", std::ios::binary) << DeclarationEmail(1, "100");
  for (std::vector<std::string> command :
       {std::vector<std::string>{"ingest", bed.dir() + "/m.eml"},
        std::vector<std::string>{"run", "--once"}}) {
    command.insert(command.begin(), {"--config", bed.config()});
    auto r = testing::RunBinary(command);
    EXPECT_EQ(r.exit_code, 2) << command[2] << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("missing.pem: cannot read the certificate file"), std::string::npos)
        << r.err;
  }
  EXPECT_TRUE(std::filesystem::exists(bed.dir() + "/Maildir/new/1.msg")) << "left unread";
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(bed.database(), &ledger).ok());
  std::vector<MessageRecord> stored;
  ASSERT_TRUE(ledger->Messages(0, &stored).ok());
  EXPECT_TRUE(stored.empty());
}

}  // namespace
}  // namespace flexmail
