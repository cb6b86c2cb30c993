// DKIM verification against messages signed at test time by dkimpy with
// keys made by openssl, the keys given through a key file and through a real
// DNS server (dnsmasq on 127.0.0.1).
#include "mail/dkim.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>

#include <gtest/gtest.h>

#include "tests/auth/dkim_fixture.h"

namespace flexmail {
namespace {

using Mutation = std::function<std::string(std::string)>;

constexpr std::string_view kMessage =
    "From: Ops <ops@engie.example>\n"
    "To: declarations@flex.example\n"
    "Subject: Declaration 2025-12-01\n"
    "Date: Mon, 01 Dec 2025 10:00:00 +0100\n"
    "Message-ID: <decl-1@engie.example>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain\n"
    "\n"
    "site;gas_day;kwh\n"
    "S1;2025-12-01;1000\n";

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  size_t at = s.find(from);
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

std::string WithFrom(std::string_view from) {
  return Replace(std::string(kMessage), "ops@engie.example", from);
}

// Keys, records and dnsmasq shared by every test of the suite.
class DkimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = std::make_unique<test::DkimWorld>();
    ASSERT_TRUE(world_->Init());
    ASSERT_TRUE(world_->AddKey("engie", "sel", "engie.example"));
    ASSERT_TRUE(world_->AddKey("other", "sel", "other.example"));
    ASSERT_TRUE(world_->AddKey("mail", "s2", "mail.engie.example"));
    // A signer's private key whose public half is published nowhere.
    ASSERT_TRUE(world_->AddKey("lost", "lost", "lost.invalid"));
    ASSERT_TRUE(world_->StartDns());
    psl_ = std::make_unique<PublicSuffixList>(
        *PublicSuffixList::Load(std::string(kDebianPublicSuffixList), &error_));
  }
  static void TearDownTestSuite() {
    psl_.reset();
    world_.reset();
  }
  void SetUp() override {
    // A set-up failure is a failure of every test, never a skip.
    if (world_ == nullptr || psl_ == nullptr) FAIL() << "suite set-up failed";
  }

  static DkimKeySource FileKeys() { return {world_->key_file(), {}, 2}; }
  static DkimKeySource DnsKeys() {
    return {"", {"127.0.0.1:" + std::to_string(world_->dns_port())}, 2};
  }

  static std::string Signed(const std::string& key, const std::string& sel,
                            const std::string& d, std::string_view message,
                            const std::vector<std::string>& extra = {}) {
    std::string out;
    EXPECT_TRUE(world_->Sign(key, sel, d, message, extra, &out));
    return out;
  }

  static inline std::unique_ptr<test::DkimWorld> world_;
  static inline std::unique_ptr<PublicSuffixList> psl_;
  static inline std::string error_;
};

struct SignCase {
  std::string name;
  std::string key, selector, d;  // the signer
  std::string from;              // the From address of the message
  std::vector<std::string> extra;
  Mutation after;  // applied to the signed message
  AuthResult want;
  std::string detail;  // a substring of the verdict's detail
};

std::vector<SignCase> SignCases() {
  auto same = [](std::string m) { return m; };
  return {
      {"genuine", "engie", "sel", "engie.example", "ops@engie.example", {}, same,
       AuthResult::kPass, "d=engie.example s=sel"},
      {"genuine_crlf", "engie", "sel", "engie.example", "ops@engie.example", {},
       [](std::string m) {
         std::string out;
         for (char c : m) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
         return out;
       },
       AuthResult::kPass, "d=engie.example s=sel"},
      {"tampered_body", "engie", "sel", "engie.example", "ops@engie.example", {},
       [](std::string m) { return Replace(m, "1000", "9000"); }, AuthResult::kFail,
       "body hash"},
      {"tampered_from", "engie", "sel", "engie.example", "ops@engie.example", {},
       [](std::string m) { return Replace(m, "<ops@engie.example>", "<boss@engie.example>"); },
       AuthResult::kFail, "d=engie.example s=sel"},
      {"other_domain", "other", "sel", "other.example", "ops@engie.example", {}, same,
       AuthResult::kFail, "d=other.example: not aligned with engie.example"},
      {"parent_domain", "engie", "sel", "engie.example", "ops@decl.engie.example", {}, same,
       AuthResult::kPass, "d=engie.example s=sel"},
      {"sibling_domain", "mail", "s2", "mail.engie.example", "ops@decl.engie.example", {},
       same, AuthResult::kPass, "d=mail.engie.example s=s2"},
      {"child_domain", "mail", "s2", "mail.engie.example", "ops@engie.example", {}, same,
       AuthResult::kPass, "d=mail.engie.example s=s2"},
      {"length_whole_body", "engie", "sel", "engie.example", "ops@engie.example",
       {"--length"}, same, AuthResult::kPass, "d=engie.example s=sel"},
      {"length_then_appended", "engie", "sel", "engie.example", "ops@engie.example",
       {"--length"}, [](std::string m) { return m + "S2;2025-12-01;5000\n"; },
       AuthResult::kFail, "l= signs"},
      {"expired", "engie", "sel", "engie.example", "ops@engie.example", {"--expired"}, same,
       AuthResult::kFail, "expired"},
      {"from_not_signed", "engie", "sel", "engie.example", "ops@engie.example",
       {"--headers", "to,subject,date"}, same, AuthResult::kFail,
       "header list missing required entries"},
      {"missing_key", "lost", "lost", "engie.example", "ops@engie.example", {}, same,
       AuthResult::kFail, "d=engie.example s=lost"},
      {"second_from_added", "engie", "sel", "engie.example", "ops@engie.example", {},
       [](std::string m) { return "From: boss@engie.example\n" + m; }, AuthResult::kFail,
       "2 From fields"},
  };
}

class DkimSigned : public DkimTest, public ::testing::WithParamInterface<bool> {};

TEST_P(DkimSigned, Table) {
  const DkimKeySource keys = GetParam() ? DnsKeys() : FileKeys();
  for (const SignCase& c : SignCases()) {
    SCOPED_TRACE(c.name);
    std::string message = c.after(Signed(c.key, c.selector, c.d, WithFrom(c.from), c.extra));
    AuthVerdict v = VerifyDkim(message, c.from, keys, *psl_);
    EXPECT_EQ(v.method, "dkim");
    EXPECT_EQ(AuthResultName(v.result), AuthResultName(c.want)) << v.detail;
    EXPECT_NE(v.detail.find(c.detail), std::string::npos) << v.detail;
  }
}

INSTANTIATE_TEST_SUITE_P(KeySource, DkimSigned, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Dns" : "KeyFile"; });

TEST_F(DkimTest, UnsignedFails) {
  AuthVerdict v = VerifyDkim(kMessage, "ops@engie.example", FileKeys(), *psl_);
  EXPECT_EQ(v.result, AuthResult::kFail);
  EXPECT_EQ(v.detail, "no DKIM signature");
}

TEST_F(DkimTest, DnsDownIsTemporary) {
  std::string message = Signed("engie", "sel", "engie.example", kMessage);
  // Nothing listens on the port: refused at once.
  DkimKeySource refused{"", {"127.0.0.1:" + std::to_string(test::FreeUdpPort())}, 1};
  AuthVerdict v = VerifyDkim(message, "ops@engie.example", refused, *psl_);
  EXPECT_EQ(v.result, AuthResult::kTempError) << v.detail;
  EXPECT_NE(v.detail.find("key lookup failed"), std::string::npos) << v.detail;
}

TEST_F(DkimTest, DnsSilentIsTemporaryWithinTimeout) {
  std::string message = Signed("engie", "sel", "engie.example", kMessage);
  // A socket that takes the query and never answers: the query times out.
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  DkimKeySource silent{"", {"127.0.0.1:" + std::to_string(ntohs(a.sin_port))}, 1};
  auto start = std::chrono::steady_clock::now();
  AuthVerdict v = VerifyDkim(message, "ops@engie.example", silent, *psl_);
  auto took = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_EQ(v.result, AuthResult::kTempError) << v.detail;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(DkimTest, BadNameserverIsTemporary) {
  std::string message = Signed("engie", "sel", "engie.example", kMessage);
  for (std::string ns : {"localhost", "::1", "127.0.0.1:0", "127.0.0.1:99999", "1.2.3.4:x"}) {
    AuthVerdict v = VerifyDkim(message, "ops@engie.example", {"", {ns}, 1}, *psl_);
    EXPECT_EQ(v.result, AuthResult::kTempError) << ns;
    EXPECT_EQ(v.detail, "DNS: nameserver is not IPv4[:port]") << ns;
  }
}

const std::string_view kGarbage[] = {
    "",
    ";;;;",
    "v=1",
    "v=1; d=engie.example",
    "v=1; a=rsa-sha256; d=engie.example; s=sel; h=from; bh=; b=",
    "v=1; a=rsa-sha256; d=engie.example; s=sel; h=from; bh=!!!; b=@@@",
    "v=1; a=bogus; c=x/y; d=engie.example; s=sel; h=from; bh=AAAA; b=AAAA",
    "v=1; a=rsa-sha256; d=engie.example; s=sel; h=from; l=-5; bh=AAAA; b=AAAA",
    "v=1; a=rsa-sha256; d=engie.example; s=sel; h=from; l=99999999999999999999; "
    "bh=AAAA; b=AAAA",
    "v=1; a=rsa-sha256; d=engie.example; s=sel; h=from; x=1; t=2; bh=AAAA; b=AAAA",
    "v=1; a=rsa-sha256; d=engie.example; s=../../etc/passwd; h=from; bh=AAAA; b=AAAA",
    "v=1; a=rsa-sha256; d=engie.example; s=sel\x01\x7f\xff; h=from; bh=AAAA; b=AAAA",
    "v=1; d=engie.example; d=other.example; s=sel; h=from; bh=AAAA; b=AAAA",
    "d=engie.example; =; ==; =x; x=; \r\n\t; b=\r\n \r\n ",
};

TEST_F(DkimTest, GarbageSignatureFailsWithoutCrash) {
  for (DkimKeySource keys : {FileKeys(), DnsKeys()}) {
    for (std::string_view g : kGarbage) {
      std::string message = "DKIM-Signature: " + std::string(g) + "\n" + std::string(kMessage);
      AuthVerdict v = VerifyDkim(message, "ops@engie.example", keys, *psl_);
      EXPECT_EQ(v.result, AuthResult::kFail)
          << (keys.key_file.empty() ? "dns " : "file ") << g << " -> " << v.detail;
      for (char c : v.detail) {
        EXPECT_TRUE(c >= 0x20 && c < 0x7F) << "unprintable detail for " << g;
      }
    }
  }
  std::string huge = "DKIM-Signature: v=1; d=engie.example; s=" + std::string(70000, 'a') +
                     "\n" + std::string(kMessage);
  EXPECT_EQ(VerifyDkim(huge, "ops@engie.example", FileKeys(), *psl_).result,
            AuthResult::kFail);
}

TEST_F(DkimTest, HostileMessagesFail) {
  const std::pair<std::string, std::string> cases[] = {
      {" continuation first\n" + std::string(kMessage), "continuation"},
      {"no colon here\n" + std::string(kMessage), "malformed header line"},
      {std::string(kMessage), "From address has no valid domain"},  // with From "ops"
  };
  EXPECT_EQ(VerifyDkim(cases[0].first, "ops@engie.example", FileKeys(), *psl_).result,
            AuthResult::kFail);
  EXPECT_EQ(VerifyDkim(cases[1].first, "ops@engie.example", FileKeys(), *psl_).detail,
            cases[1].second);
  EXPECT_EQ(VerifyDkim(cases[2].first, "ops", FileKeys(), *psl_).detail, cases[2].second);
  EXPECT_EQ(VerifyDkim("", "ops@engie.example", FileKeys(), *psl_).result, AuthResult::kFail);
  std::string many;
  for (int i = 0; i < 6000; ++i) many += "X-Junk: " + std::to_string(i) + "\n";
  EXPECT_EQ(VerifyDkim(many + std::string(kMessage), "ops@engie.example", FileKeys(), *psl_)
                .detail,
            "more than 5000 header fields");
}

// A thousand signatures: only five aligned ones are verified (five key
// look-ups at most), unaligned ones are never looked up.
TEST_F(DkimTest, ThousandSignaturesAreBounded) {
  std::string genuine = Signed("engie", "sel", "engie.example", kMessage);
  std::string forged, unaligned;
  for (int i = 0; i < 1000; ++i) {
    forged += "DKIM-Signature: v=1; a=rsa-sha256; d=engie.example; s=sel" +
              std::to_string(i) + "; h=from; bh=AAAA; b=AAAA\n";
    unaligned += "DKIM-Signature: v=1; a=rsa-sha256; d=spam" + std::to_string(i) +
                 ".example; s=sel; h=from; bh=AAAA; b=AAAA\n";
  }
  for (DkimKeySource keys : {FileKeys(), DnsKeys()}) {
    auto start = std::chrono::steady_clock::now();
    AuthVerdict v = VerifyDkim(forged + genuine, "ops@engie.example", keys, *psl_);
    EXPECT_EQ(v.result, AuthResult::kFail) << v.detail;
    EXPECT_LE(v.detail.size(), 400u);
    v = VerifyDkim(unaligned + genuine, "ops@engie.example", keys, *psl_);
    EXPECT_EQ(v.result, AuthResult::kPass) << v.detail;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  }
}

// Last of the suite (tests run in the order written): it stops dnsmasq.
TEST_F(DkimTest, ZzDnsStoppedIsTemporary) {
  std::string message = Signed("engie", "sel", "engie.example", kMessage);
  DkimKeySource keys = DnsKeys();
  ASSERT_EQ(VerifyDkim(message, "ops@engie.example", keys, *psl_).result, AuthResult::kPass);
  ASSERT_TRUE(world_->StopDns());
  AuthVerdict v = VerifyDkim(message, "ops@engie.example", keys, *psl_);
  EXPECT_EQ(v.result, AuthResult::kTempError) << v.detail;
}

}  // namespace
}  // namespace flexmail
