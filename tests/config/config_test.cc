#include "config/config.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/config/good_config.h"

namespace flexmail {
namespace {

namespace fs = std::filesystem;

// A fresh empty folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("flexmail_config_" + std::string(t->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  std::string Write(const std::string& name, std::string_view text) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

 private:
  fs::path path_;
};

// The smallest valid file: one mesh, one site, everything else defaulted.
constexpr std::string_view kMinimalConfig = R"([[meshes]]
code = "ME0005"
label = "Bretagne"
[[sites]]
id = "LI0001"
label = "Quimper"
mesh = "ME0005"
client = "ENGIE"
)";

// The email channel's settings as tuples, so that whole structs compare and print.
auto Fields(const MailSettings& m) { return std::tie(m.address, m.domain); }
auto Fields(const LimitSettings& l) {
  return std::tie(l.max_message_bytes, l.max_attachments, l.max_csv_bytes, l.max_depth,
                  l.max_header_lines);
}
auto Fields(const InboxSettings& i) {
  return std::tie(i.maildir, i.imap_url, i.username, i.password_file, i.ca_file, i.require_tls,
                  i.processed_folder, i.rejected_folder, i.ignored_folder, i.poll_interval,
                  i.connect_timeout, i.low_speed_time);
}
auto Fields(const OutboxSettings& o) {
  return std::tie(o.directory, o.retry_initial, o.retry_max, o.give_up_after);
}
auto Fields(const SmtpSettings& s) {
  return std::tie(s.url, s.username, s.password_file, s.ca_file, s.require_tls, s.require_auth,
                  s.connect_timeout, s.low_speed_time);
}

TEST(ConfigTest, GoodConfigBuildsTheReferential) {
  // Given a complete valid file, every key should land in the Referential unchanged.
  Config c;
  ASSERT_TRUE(ParseConfig(kGoodConfig, "flexmail.toml", "/etc/flexmail", &c).ok());
  EXPECT_EQ(c.path, "flexmail.toml");
  EXPECT_EQ(c.database_path, "/etc/flexmail/data/flexmail.db");

  const Referential& r = c.referential;
  ASSERT_EQ(r.meshes().size(), 2u);
  EXPECT_EQ(r.FindMesh("ME0008")->label, "Provence");
  ASSERT_EQ(r.sites().size(), 2u);
  const Site* martigues = r.FindSite("LI0002");
  ASSERT_NE(martigues, nullptr);
  EXPECT_EQ(martigues->label, "Martigues");
  EXPECT_EQ(martigues->mesh, "ME0008");
  EXPECT_EQ(martigues->client, "EDF");
  EXPECT_EQ(martigues->tranches, 2);

  ASSERT_EQ(r.contracts().size(), 2u);
  const ContractSite* cs = r.FindContractSite("GFMART01", "LI0002");
  ASSERT_NE(cs, nullptr);
  EXPECT_EQ(cs->qmin, 100000.5);
  EXPECT_EQ(cs->qmax, 2000000);
  EXPECT_EQ(cs->tolerance_pct, 5);
  EXPECT_EQ(r.FindContractSite("GFMART01", "LI0001"), nullptr);

  ASSERT_EQ(r.shippers().size(), 2u);
  const Shipper& engie = r.shippers()[0];
  EXPECT_EQ(engie.name, "ENGIE");
  EXPECT_EQ(engie.senders,
            (std::vector<std::string>{"ops@engie.example", "@engie-trading.example"}));
  EXPECT_EQ(engie.sites, std::vector<std::string>{"LI0001"});
  EXPECT_EQ(engie.cc, std::vector<std::string>{"desk@engie.example"});
  EXPECT_TRUE(r.shippers()[1].cc.empty());
  EXPECT_TRUE(r.SenderMayDeclare("bob@engie-trading.example", "LI0001"));
  EXPECT_FALSE(r.SenderMayDeclare("ops@engie.example", "LI0002"));

  EXPECT_EQ(r.settings().partial_flexibility_kwh_per_tranche, 800000);
  EXPECT_EQ(r.settings().indicator_delay, std::chrono::minutes(23));
  EXPECT_EQ(r.settings().unknown_indicator, Light::kRed);
}

TEST(ConfigTest, EmailChannelKeysAreRead) {
  // Given every key of [mail], [limits], [inbox], [outbox] and [smtp] set to a value other than
  // its default, each should land in Config, paths resolved against the config's folder.
  Config c;
  Status s = ParseConfig(kGoodConfig, "flexmail.toml", "/etc/flexmail", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  using std::chrono::seconds;
  EXPECT_EQ(c.mail.address, "declarations@flexmail.example");
  EXPECT_EQ(c.mail.domain, "mail.flexmail.example");

  EXPECT_EQ(c.limits.max_message_bytes, 20971520);
  EXPECT_EQ(c.limits.max_attachments, 30);
  EXPECT_EQ(c.limits.max_csv_bytes, 2097152);
  EXPECT_EQ(c.limits.max_depth, 12);
  EXPECT_EQ(c.limits.max_header_lines, 2000);

  EXPECT_EQ(c.inbox.maildir, "");
  EXPECT_EQ(c.inbox.imap_url, "imaps://imap.flexmail.example:993/INBOX");
  EXPECT_EQ(c.inbox.username, "declarations");
  EXPECT_EQ(c.inbox.password_file, "/etc/flexmail/secrets/imap.pass");
  EXPECT_EQ(c.inbox.ca_file, "/etc/flexmail/certs/imap-ca.pem");
  EXPECT_FALSE(c.inbox.require_tls);
  EXPECT_EQ(c.inbox.processed_folder, "Done");
  EXPECT_EQ(c.inbox.rejected_folder, "Refused");
  EXPECT_EQ(c.inbox.ignored_folder, "Other");
  EXPECT_EQ(c.inbox.poll_interval, seconds(45));
  EXPECT_EQ(c.inbox.connect_timeout, seconds(15));
  EXPECT_EQ(c.inbox.low_speed_time, seconds(90));

  EXPECT_EQ(c.outbox.directory, "/etc/flexmail/spool/outbox");
  EXPECT_EQ(c.outbox.retry_initial, seconds(60));
  EXPECT_EQ(c.outbox.retry_max, seconds(600));
  EXPECT_EQ(c.outbox.give_up_after, seconds(7200));

  EXPECT_EQ(c.smtp.url, "smtps://smtp.flexmail.example:465");
  EXPECT_EQ(c.smtp.username, "relay-user");
  EXPECT_EQ(c.smtp.password_file, "/etc/flexmail/secrets/smtp.pass");
  EXPECT_EQ(c.smtp.ca_file, "/etc/flexmail/certs/smtp-ca.pem");
  EXPECT_TRUE(c.smtp.require_tls);
  EXPECT_TRUE(c.smtp.require_auth);
  EXPECT_EQ(c.smtp.connect_timeout, seconds(20));
  EXPECT_EQ(c.smtp.low_speed_time, seconds(120));
  EXPECT_TRUE(c.authentication.configured);
  EXPECT_EQ(c.authentication.mode, AuthMode::kAuthenticationResults);
  EXPECT_EQ(c.authentication.authserv_id, "mx.flexmail.example");
  EXPECT_EQ(c.authentication.dkim_keys_file, "/etc/flexmail/keys/dkim");
  EXPECT_EQ(c.authentication.dkim_nameservers, std::vector<std::string>{"127.0.0.1:5353"});
  EXPECT_EQ(c.authentication.temp_fail_for, seconds(600));
  EXPECT_EQ(c.authentication.failure_reply_interval, seconds(1800));
}

TEST(ConfigTest, ShipperAuthenticationKeys) {
  // Given a shipper with its own method and certificates, ModeFor gives its method, the other
  // shipper the section's, and certificate paths resolve against the config folder.
  std::string text = std::string(kMinimalConfig) +
                     "[[shippers]]\nname = \"A\"\nsenders = [\"@a.example\"]\nsites = []\n"
                     "authentication = \"smime\"\ncertificates = [\"certs/a.pem\", \"/abs/b.pem\"]\n"
                     "[[shippers]]\nname = \"B\"\nsenders = [\"@b.example\"]\nsites = []\n"
                     "[authentication]\nmode = \"dkim\"\n";
  Config c;
  Status s = ParseConfig(text, "f.toml", "/etc/flexmail", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  const auto& shippers = c.referential.shippers();
  ASSERT_EQ(shippers.size(), 2u);
  EXPECT_EQ(ModeFor(c, shippers[0]), AuthMode::kSmime);
  EXPECT_EQ(ModeFor(c, shippers[1]), AuthMode::kDkim);
  EXPECT_EQ(shippers[0].certificates,
            (std::vector<std::string>{"/etc/flexmail/certs/a.pem", "/abs/b.pem"}));
}

TEST(ConfigTest, EmailChannelIsOptional) {
  // Given none of the email channel's sections, the file should load and every setting keep
  // its struct's default.
  Config c;
  Status s = ParseConfig(kMinimalConfig, "flexmail.toml", "/etc/flexmail", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Fields(c.mail), Fields(MailSettings{}));
  EXPECT_EQ(Fields(c.limits), Fields(LimitSettings{}));
  EXPECT_EQ(Fields(c.inbox), Fields(InboxSettings{}));
  EXPECT_EQ(Fields(c.outbox), Fields(OutboxSettings{}));
  EXPECT_EQ(Fields(c.smtp), Fields(SmtpSettings{}));
}

TEST(ConfigTest, EmailChannelKeysDefaultAsTheirStructs) {
  // Given each section with only the keys it requires, the absent keys should take the same
  // defaults as the structs declare.
  std::string text = std::string(kMinimalConfig) +
                     "[mail]\naddress = \"declarations@flexmail.example\"\n"
                     "[limits]\n"
                     "[inbox]\nmaildir = \"Maildir\"\n"
                     "[outbox]\n"
                     "[smtp]\nurl = \"smtp://relay.flexmail.example\"\nusername = \"u\"\n"
                     "password_file = \"smtp.pass\"\n"
                     "[authentication]\nmode = \"none\"\n";
  Config c;
  Status s = ParseConfig(text, "flexmail.toml", "", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.mail.domain, "flexmail.example");
  EXPECT_EQ(Fields(c.limits), Fields(LimitSettings{}));
  InboxSettings inbox;
  inbox.maildir = "Maildir";
  EXPECT_EQ(Fields(c.inbox), Fields(inbox));
  EXPECT_EQ(Fields(c.outbox), Fields(OutboxSettings{}));
  SmtpSettings smtp;
  smtp.url = "smtp://relay.flexmail.example";
  smtp.username = "u";
  smtp.password_file = "smtp.pass";
  EXPECT_EQ(Fields(c.smtp), Fields(smtp));
}

TEST(ConfigTest, MailDomainDefaultsToTheAddressDomain) {
  // Given mail.address alone, mail.domain should be the address's domain.
  std::string text =
      std::string(kMinimalConfig) + "[mail]\naddress = \"flexmail@ops.gas.example\"\n";
  Config c;
  ASSERT_TRUE(ParseConfig(text, "f.toml", "", &c).ok());
  EXPECT_EQ(c.mail.address, "flexmail@ops.gas.example");
  EXPECT_EQ(c.mail.domain, "ops.gas.example");
}

TEST(ConfigTest, SmtpWithoutAuthNeedsNoCredentials) {
  // Given [smtp] with require_auth = false and neither username nor password_file, the file
  // should load.
  std::string text = std::string(kMinimalConfig) +
                     "[smtp]\nurl = \"smtp://localhost:25\"\nrequire_auth = false\n"
                     "require_tls = false\n";
  Config c;
  Status s = ParseConfig(text, "f.toml", "", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_FALSE(c.smtp.require_auth);
  EXPECT_FALSE(c.smtp.require_tls);
  EXPECT_EQ(c.smtp.username, "");
  EXPECT_EQ(c.smtp.password_file, "");
}

TEST(ConfigTest, UrlForms) {
  // Given the forms of IMAP and SMTP URLs the transports accept, each should load as written.
  for (std::string imap :
       {"imaps://imap.example/INBOX", "imap://imap.example:143/INBOX",
        "imaps://[2001:db8::1]:993/INBOX", "imaps://10.0.0.2/Declarations/2026"}) {
    for (std::string smtp : {"smtps://smtp.example:465", "smtp://smtp.example:587", "smtp://[::1]",
                             "smtp://smtp.example/flexmail.example"}) {
      SCOPED_TRACE(imap + " " + smtp);
      std::string inbox = "[inbox]\nimap_url = \"" + imap + "\"\n";
      std::string relay = "[smtp]\nurl = \"" + smtp + "\"\n";
      std::string text = std::string(kMinimalConfig) +
                         "[mail]\naddress = \"a@flexmail.example\"\n" + inbox +
                         "username = \"u\"\npassword_file = \"imap.pass\"\n" + relay +
                         "username = \"u\"\npassword_file = \"smtp.pass\"\n"
                         "[authentication]\nmode = \"none\"\n";
      Config c;
      Status s = ParseConfig(text, "f.toml", "", &c);
      ASSERT_TRUE(s.ok()) << s.message();
      EXPECT_EQ(c.inbox.imap_url, imap);
      EXPECT_EQ(c.smtp.url, smtp);
    }
  }
}

TEST(ConfigTest, EmailPathsResolveAgainstTheConfigFolder) {
  // Given relative and absolute paths in [inbox], [outbox] and [smtp], the relative ones should
  // be taken from the config file's folder and the absolute ones kept; none of the files is
  // opened, so they need not exist.
  TempDir dir;
  std::string path =
      dir.Write("etc/flexmail.toml",
                std::string(kMinimalConfig) +
                    "[mail]\naddress = \"a@flexmail.example\"\n"
                    "[inbox]\nmaildir = \"../var/Maildir\"\n"
                    "[outbox]\ndirectory = \"spool/./outbox\"\n"
                    "[smtp]\nurl = \"smtps://smtp.example\"\nusername = \"u\"\n"
                    "password_file = \"/run/secrets/smtp.pass\"\nca_file = \"certs/ca.pem\"\n"
                    "[authentication]\nmode = \"dkim\"\ndkim_keys_file = \"dkim/keys\"\n");
  Config c;
  Status s = LoadConfig(path, &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.inbox.maildir, (dir.path() / "var/Maildir").string());
  EXPECT_EQ(c.outbox.directory, (dir.path() / "etc/spool/outbox").string());
  EXPECT_EQ(c.smtp.password_file, "/run/secrets/smtp.pass");
  EXPECT_EQ(c.smtp.ca_file, (dir.path() / "etc/certs/ca.pem").string());
  EXPECT_EQ(c.inbox.password_file, "");  // unset stays unset
  EXPECT_EQ(c.inbox.ca_file, "");
  EXPECT_EQ(c.authentication.dkim_keys_file, (dir.path() / "etc/dkim/keys").string());

  // And the IMAP inbox's files the same way.
  path = dir.Write("etc/imap.toml",
                   std::string(kMinimalConfig) +
                       "[mail]\naddress = \"a@flexmail.example\"\n"
                       "[inbox]\nimap_url = \"imaps://imap.example/INBOX\"\nusername = \"u\"\n"
                       "password_file = \"imap.pass\"\nca_file = \"/etc/ssl/ca.pem\"\n"
                       "[authentication]\nmode = \"none\"\n");
  s = LoadConfig(path, &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.inbox.password_file, (dir.path() / "etc/imap.pass").string());
  EXPECT_EQ(c.inbox.ca_file, "/etc/ssl/ca.pem");
  EXPECT_EQ(c.inbox.maildir, "");
  EXPECT_EQ(c.outbox.directory, "");
}

TEST(ConfigTest, RelativeEmailPathsStayRelativeWithoutAFolder) {
  // Given no base folder (ParseConfig's), relative paths should stay relative, normalized.
  std::string text = std::string(kMinimalConfig) + "[outbox]\ndirectory = \"spool//outbox/\"\n";
  Config c;
  ASSERT_TRUE(ParseConfig(text, "f.toml", "", &c).ok());
  EXPECT_EQ(c.outbox.directory, "spool/outbox/");
}

TEST(ConfigTest, AbsentKeysTakeTheirDefaults) {
  // Given only the keys that have no default, the documented defaults should apply.
  std::string text = std::string(kMinimalConfig) +
                     "[[contracts]]\ncode = \"GFQUIMP01\"\n"
                     "[[contracts.sites]]\nsite = \"LI0001\"\nqmax = 1000000\n"
                     "[[shippers]]\nname = \"ENGIE\"\nsenders = [\"@engie.example\"]\nsites = []\n";
  Config c;
  Status s = ParseConfig(text, "flexmail.toml", "", &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.database_path, "flexmail.db");
  const Referential& r = c.referential;
  EXPECT_EQ(r.settings().partial_flexibility_kwh_per_tranche, 800000);
  EXPECT_EQ(r.settings().indicator_delay, std::chrono::minutes(23));
  EXPECT_EQ(r.settings().unknown_indicator, Light::kRed);
  EXPECT_EQ(r.settings().max_days_ahead, 3);
  EXPECT_EQ(r.FindSite("LI0001")->tranches, 1);
  const ContractSite* cs = r.FindContractSite("GFQUIMP01", "LI0001");
  ASSERT_NE(cs, nullptr);
  EXPECT_EQ(cs->qmin, 0);
  EXPECT_EQ(cs->tolerance_pct, 0);
  ASSERT_EQ(r.shippers().size(), 1u);
  EXPECT_TRUE(r.shippers()[0].cc.empty());
}

TEST(ConfigTest, ContractsAndShippersAreOptional) {
  // Given neither [[contracts]] nor [[shippers]], the file should load with none.
  Config c;
  ASSERT_TRUE(ParseConfig(kMinimalConfig, "flexmail.toml", "", &c).ok());
  EXPECT_TRUE(c.referential.contracts().empty());
  EXPECT_TRUE(c.referential.shippers().empty());
}

TEST(ConfigTest, RuleSettingsAreRead) {
  // Given non-default rule settings, written as floats where a number is expected,
  // they should reach RuleSettings.
  std::string text = std::string(kMinimalConfig) +
                     "[rules]\npartial_flexibility_kwh_per_tranche = 750000.5\n"
                     "indicator_delay_minutes = 0\nunknown_indicator = \"GREEN\"\n"
                     "max_days_ahead = 1\n";
  Config c;
  ASSERT_TRUE(ParseConfig(text, "f.toml", "", &c).ok());
  EXPECT_EQ(c.referential.settings().partial_flexibility_kwh_per_tranche, 750000.5);
  EXPECT_EQ(c.referential.settings().indicator_delay, std::chrono::minutes(0));
  EXPECT_EQ(c.referential.settings().unknown_indicator, Light::kGreen);
  EXPECT_EQ(c.referential.settings().max_days_ahead, 1);
}

TEST(ConfigTest, WholeFloatsAreAcceptedAsIntegers) {
  // Given "tranches = 2.0", the site should have 2 tranches: a whole number is an integer.
  std::string text = std::string(kMinimalConfig) + "tranches = 2.0\n";
  Config c;
  ASSERT_TRUE(ParseConfig(text, "f.toml", "", &c).ok());
  EXPECT_EQ(c.referential.FindSite("LI0001")->tranches, 2);
}

TEST(ConfigTest, FailureLeavesTheOutputUntouched) {
  // Given a bad file, the Config passed in should keep what it held.
  Config c;
  c.path = "previous";
  EXPECT_FALSE(ParseConfig("[[meshes]]\n", "f.toml", "", &c).ok());
  EXPECT_EQ(c.path, "previous");
}

TEST(ConfigTest, DatabasePathResolvesAgainstTheConfigFolder) {
  // Given a relative database path, it should be taken from the config file's folder.
  TempDir dir;
  std::string path = dir.Write(
      "etc/flexmail.toml", std::string(kMinimalConfig) + "[database]\npath = \"../var/f.db\"\n");
  Config c;
  Status s = LoadConfig(path, &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.path, path);
  EXPECT_EQ(c.database_path, (dir.path() / "var/f.db").string());
}

TEST(ConfigTest, AbsoluteDatabasePathIsKept) {
  // Given an absolute database path, it should be used as written.
  std::string text = std::string(kMinimalConfig) + "[database]\npath = \"/var/lib/f.db\"\n";
  Config c;
  ASSERT_TRUE(ParseConfig(text, "f.toml", "/etc/flexmail", &c).ok());
  EXPECT_EQ(c.database_path, "/var/lib/f.db");
}

TEST(ConfigTest, DefaultDatabasePathSitsBesideTheConfig) {
  // Given no [database], the database should be flexmail.db beside the config file.
  TempDir dir;
  std::string path = dir.Write("flexmail.toml", kMinimalConfig);
  Config c;
  ASSERT_TRUE(LoadConfig(path, &c).ok());
  EXPECT_EQ(c.database_path, (dir.path() / "flexmail.db").string());
}

TEST(ConfigTest, MissingFileIsNamed) {
  // Given a path that does not exist, the error should name it.
  TempDir dir;
  std::string path = (dir.path() / "nope.toml").string();
  Config c;
  Status s = LoadConfig(path, &c);
  EXPECT_EQ(s.kind(), Status::Kind::kNotFound);
  EXPECT_EQ(s.message(), path + ": cannot read: No such file or directory");
}

TEST(ConfigTest, UnreadableFileIsNamed) {
  // Given a folder instead of a file, the error should name it and say why.
  TempDir dir;
  Config c;
  Status s = LoadConfig(dir.path().string(), &c);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_EQ(s.message(), dir.path().string() + ": cannot read: Is a directory");
}

TEST(ConfigTest, TomlErrorGivesLineAndColumn) {
  // Given a key written twice, which TOML forbids, the error should carry toml++'s
  // description and position.
  TempDir dir;
  std::string path = dir.Write("bad.toml", "[database]\npath = \"a.db\"\npath = \"b.db\"\n");
  Config c;
  Status s = LoadConfig(path, &c);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), path +
                             ":3:8: Error while parsing key-value pair: cannot redefine "
                             "existing string 'path'");
}

}  // namespace
}  // namespace flexmail
