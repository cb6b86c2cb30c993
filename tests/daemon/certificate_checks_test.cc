// Expiry warnings in `flexmail status`: certificates made by the openssl
// command (expiring in 5 days, in 60 days, expired), registered as the
// OAuth2 client certificate and a shipper's S/MIME certificate, and server
// certificates as the daemon records them.
#include "daemon/certificate_checks.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

#include "mail/certificate_file.h"
#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::json;

// Makes `name`.pem in `dir`: a self-signed EC certificate for CN=`cn`,
// valid `days` days from now, or (days = 0) expired since 2020-02-01.
std::string MakeCertificate(const std::string& dir, const std::string& name,
                            const std::string& cn, int days) {
  const std::string pem = dir + "/" + name + ".pem", key = dir + "/" + name + ".key";
  std::string cmd;
  if (days > 0) {
    cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + key +
          " -out " + pem + " -days " + std::to_string(days) + " -subj /CN=" + cn;
  } else {
    // openssl req refuses a validity in the past; openssl ca takes dates.
    const std::string ca = dir + "/ca-" + name;
    cmd = "mkdir -p " + ca + " && touch " + ca + "/index && echo 01 > " + ca + "/serial && " +
          "printf '[ca]\\ndefault_ca=c\\n[c]\\ndatabase=" + ca + "/index\\nnew_certs_dir=" + ca +
          "\\nserial=" + ca + "/serial\\ndefault_md=sha256\\npolicy=p\\n[p]\\ncommonName=supplied\\n' > " +
          ca + "/ca.cnf && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
          key + " -out " + ca + "/req.csr -subj /CN=" + cn + " && openssl ca -batch -selfsign -config " +
          ca + "/ca.cnf -keyfile " + key + " -in " + ca + "/req.csr -out " + pem +
          " -startdate 20200101000000Z -enddate 20200201000000Z -notext";
  }
  EXPECT_EQ(std::system(("(" + cmd + ") >/dev/null 2>&1").c_str()), 0) << cmd;
  return pem;
}

class CertificateChecksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/flexmail-certs-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    soon_ = MakeCertificate(dir_, "soon", "soon.example", 5);
    later_ = MakeCertificate(dir_, "later", "later.example", 60);
    expired_ = MakeCertificate(dir_, "expired", "expired.example", 0);
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string dir_, soon_, later_, expired_;
};

TEST_F(CertificateChecksTest, ReadsSubjectAndNotAfter) {
  // Given the expired certificate, its subject and notAfter are read from the PEM file; a missing file is kNotFound naming it.
  std::vector<CertificateValidity> got;
  ASSERT_TRUE(ReadCertificateValidity(expired_, &got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].subject, "CN = expired.example");
  EXPECT_EQ(got[0].not_after, testing::At("2020-02-01T00:00:00Z"));
  Status s = ReadCertificateValidity(dir_ + "/none.pem", &got);
  EXPECT_EQ(s.kind(), Status::Kind::kNotFound);
  EXPECT_EQ(s.message(), "cannot read the certificate file " + dir_ + "/none.pem");
}

TEST_F(CertificateChecksTest, FourteenDaysAheadOrExpired) {
  // Given certificates expiring in 5 and 60 days and one expired, the first is a warning with 4 whole days left, the last expired, the 60-day one nothing.
  std::vector<CheckedCertificate> certs;
  for (const auto& [what, path] : {std::pair{"a", soon_}, {"b", later_}, {"c", expired_}}) {
    std::vector<CertificateValidity> v;
    ASSERT_TRUE(ReadCertificateValidity(path, &v).ok());
    certs.push_back({what, v[0].subject, v[0].not_after});
  }
  const Instant now = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  auto w = ExpiringCertificates(certs, now);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].certificate.what, "a");
  EXPECT_FALSE(w[0].expired);
  EXPECT_EQ(w[0].days_left, 4);
  EXPECT_EQ(w[0].text, "a (CN = soon.example) expires in 4 day(s), on " +
                           FormatLocalIso(certs[0].not_after));
  EXPECT_EQ(w[1].certificate.what, "c");
  EXPECT_TRUE(w[1].expired);
  EXPECT_LT(w[1].days_left, -365);
  EXPECT_EQ(w[1].text, "c (CN = expired.example) expired on 2020-02-01T01:00:00.000+01:00");
}

TEST_F(CertificateChecksTest, StatusWarnsAndAnExpiredOneIsUnhealthy) {
  // Given an OAuth2 certificate expiring in 5 days and EDF registering the 60-day and the expired ones, status lists two certificateWarnings, warns of the first and is unhealthy for the expired one.
  const std::string oauth2 = "\n[oauth2]\ntoken_url = \"https://login.example/token\"\n"
                             "client_id = \"app\"\nscope = \"s\"\ncertificate_file = \"" +
                             soon_ + "\"\nprivate_key_file = \"" + dir_ + "/soon.key\"\n";
  testing::Testbed bed(oauth2);
  {
    // EDF's certificates: appended to its [[shippers]] table, last in the file before [oauth2].
    std::string text = testing::ReadFile(bed.config());
    const std::string edf = "sites = [\"LI0002\"]\n";
    const auto at = text.rfind(edf);
    ASSERT_NE(at, std::string::npos);
    text.insert(at + edf.size(),
                "certificates = [\"" + later_ + "\", \"" + expired_ + "\"]\n");
    std::ofstream(bed.config()) << text;
  }
  testing::FixedClock clock;
  clock.now = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now());
  std::string out, err;
  int code = testing::RunCliIn(bed, clock, {"status", "--json"}, &out, &err);
  ASSERT_FALSE(out.empty()) << err;
  Json j = Json::parse(out);
  EXPECT_EQ(code, 3) << out;  // unhealthy
  ASSERT_EQ(j["certificateWarnings"].size(), 2u) << out;
  EXPECT_EQ(j["certificateWarnings"][0]["what"], "oauth2.certificate_file");
  EXPECT_EQ(j["certificateWarnings"][0]["subject"], "CN = soon.example");
  EXPECT_EQ(j["certificateWarnings"][0]["daysLeft"], 4);
  EXPECT_EQ(j["certificateWarnings"][1]["what"], "shipper EDF certificate expired.pem");
  EXPECT_EQ(j["certificateWarnings"][1]["notAfter"], "2020-02-01T01:00:00.000+01:00");
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_EQ(j["warnings"][0].get<std::string>().rfind("oauth2.certificate_file (CN = soon.example) "
                                                      "expires in 4 day(s), on ", 0), 0u);
  EXPECT_NE(out.find("shipper EDF certificate expired.pem (CN = expired.example) expired on "
                     "2020-02-01T01:00:00.000+01:00"), std::string::npos);

  code = testing::RunCliIn(bed, clock, {"status"}, &out, &err);
  EXPECT_NE(out.find("\nwarning:              oauth2.certificate_file (CN = soon.example) "
                     "expires in 4 day(s)"), std::string::npos) << out;
}

TEST_F(CertificateChecksTest, ExpiringOnlyIsAWarningNotAProblem) {
  // Given a server certificate recorded for the configured IMAP endpoint, 5 days from its end, status warns and the exit code stays that of the polls.
  testing::Testbed bed("\n[smtp]\nurl = \"smtp://127.0.0.1:587\"\nusername = \"u\"\n"
                       "password_file = \"p\"\n");
  std::unique_ptr<Ledger> ledger;
  ASSERT_TRUE(Ledger::Open(bed.database(), &ledger).ok());
  const Instant now = testing::At("2026-12-03T10:00:00+01:00");
  PollRecord poll;
  poll.started_at = now - 10s;
  poll.finished_at = now - 9s;
  ASSERT_TRUE(ledger->RecordPoll(poll).ok());
  ASSERT_TRUE(ledger->RecordServerCertificate(
      {"smtp://127.0.0.1:587", "CN = localhost", now + 5 * 24h, now}).ok());
  ASSERT_TRUE(ledger->RecordServerCertificate(  // an old configuration's server: not checked
      {"smtps://old.example:465", "CN = old", now - 24h, now - 48h}).ok());
  testing::FixedClock clock;
  clock.now = now;
  std::string out, err;
  int code = testing::RunCliIn(bed, clock, {"status", "--json"}, &out, &err);
  ASSERT_FALSE(out.empty()) << err;
  Json j = Json::parse(out);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(j["healthy"], true);
  ASSERT_EQ(j["certificateWarnings"].size(), 1u) << out;
  EXPECT_EQ(j["certificateWarnings"][0],
            (Json{{"what", "smtp://127.0.0.1:587 server certificate"},
                  {"subject", "CN = localhost"},
                  {"notAfter", "2026-12-08T10:00:00.000+01:00"},
                  {"daysLeft", 5}}));
}

}  // namespace
}  // namespace flexmail
