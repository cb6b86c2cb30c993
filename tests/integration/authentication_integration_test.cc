// flexmail's authentication-results mode against fields written by real
// software: the mail stack's Postfix with OpenDKIM and OpenDMARC in verify
// mode as milters (configured as README "Postfix with OpenDKIM and OpenDMARC"
// says, header_checks included), their DNS (the shipper's DKIM key and its
// p=reject DMARC record) served by a dnsmasq the test starts. Declarations
// reach the stack's SMTP port as from another MX, and the real
// `flexmail run --once` reads them from the INBOX.
//
// SPF. OpenDMARC checks SPF itself (SPFSelfValidate, as in the README), and
// libspf2 passes every client in 127.0.0.0/8 ("localhost is always
// allowed"), which all of ours are. So every message here is sent with an
// envelope sender in another domain (bounces@relay.example): its spf=pass is
// not aligned with example.test, and the DMARC verdict rests on DKIM alone,
// as it would for a forger on the Internet.
#include <gtest/gtest.h>
#include <strings.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/auth/dkim_fixture.h"
#include "tests/integration/daemon_scenarios.h"

namespace flexmail::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAuthservId = "mx.example.test";
constexpr const char* kEnvelopeFrom = "bounces@relay.example";
constexpr const char* kShipperDomain = "example.test";

// Every Authentication-Results field of a header section, top to bottom,
// unfolded (CRLF + blanks become one space).
std::vector<std::string> AuthResultsFields(const std::string& header) {
  std::vector<std::string> fields;
  std::string current;
  bool in_field = false;
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find('\n', pos);
    if (end == std::string::npos) end = header.size();
    std::string line = header.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos = end + 1;
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      if (in_field) current += " " + line.substr(line.find_first_not_of(" \t"));
      continue;
    }
    if (in_field) fields.push_back(current);
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon == std::string::npos ? 0 : colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    in_field = colon != std::string::npos &&
               name.size() == 22 && strncasecmp(name.c_str(), "Authentication-Results", 22) == 0;
    current = in_field ? line.substr(line.find_first_not_of(" \t", colon + 1)) : "";
  }
  if (in_field) fields.push_back(current);
  return fields;
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string Joined(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += "\n  Authentication-Results: " + f;
  return out;
}

class MilterScenario : public DaemonScenario {
 protected:
  // The DNS server first (the milters ask it from their first message), on
  // port 53 of an address of its own: see the mailstack script for why.
  ::testing::AssertionResult StartStack() override {
    ::testing::AssertionResult r = world_.Init();
    if (r) r = world_.AddKey("shipper", "s2026", kShipperDomain);
    if (r) r = world_.AddKey("forger", "s1", "forger.example");
    if (!r) return r;
    world_.AddTxt(std::string("_dmarc.") + kShipperDomain, "v=DMARC1; p=reject");
    const std::string address = FreeLoopbackAddress(53);
    if (address.empty()) {
      return ::testing::AssertionFailure() << "no 127.x.y.z with port 53 free for the test DNS";
    }
    r = world_.StartDns(address, 53);
    if (!r) return r;
    return stack_.StartWithMilters(address, kAuthservId);
  }

  void SetUp() override {
    DaemonScenario::SetUp();
    if (HasFatalFailure()) return;
    DaemonConfig config = DaemonConfig::For(stack_);
    config.authentication = std::string("mode = \"authentication-results\"\nauthserv_id = \"") +
                            kAuthservId + "\"\n";
    Rewire(config);
  }

  std::string Sign(const std::string& key, const std::string& selector,
                   const std::string& domain, const std::string& message) {
    std::string out;
    ::testing::AssertionResult r = world_.Sign(key, selector, domain, message, {}, &out);
    EXPECT_TRUE(r);
    return out;
  }

  // Sends each message as another MX would (plaintext port, no AUTH), waits
  // for the daemon's INBOX to hold them all; returns the
  // Authentication-Results fields of each INBOX message, in UID order.
  std::vector<std::vector<std::string>> Deliver(const std::vector<std::string>& raws) {
    for (const auto& raw : raws) {
      SmtpOutcome sent = SendAsShipper(stack_, raw, /*submission=*/false, kEnvelopeFrom);
      EXPECT_EQ(sent.code, CURLE_OK) << sent.error << Logs();
    }
    MailboxView box(stack_, kDaemonUser);
    const long want = static_cast<long>(raws.size());
    EXPECT_TRUE(WaitUntil([&] { return box.Count("INBOX") >= want; }, 15s))
        << "not delivered" << Logs();
    std::vector<std::vector<std::string>> fields;
    for (std::uint64_t uid : box.Uids("INBOX")) {
      fields.push_back(AuthResultsFields(box.Header("INBOX", uid)));
    }
    return fields;
  }

  void RunOnce() {
    CommandResult r = bed_->Run({"run", "--once"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err << Logs();
  }

  // outcome, auth_method, auth_result, auth_detail of the message with this
  // Message-ID; the codes of its declaration's diagnostics.
  std::vector<std::string> Recorded(const std::string& id) {
    auto rows = ledger_->Rows(
        "SELECT outcome, auth_method, auth_result, auth_detail FROM messages "
        "WHERE message_id = '<" + id + ">'");
    if (!rows || rows->size() != 1) {
      ADD_FAILURE() << "message <" << id << "> recorded " << (rows ? rows->size() : 0)
                    << " times " << ledger_->last_error();
      return {};
    }
    return (*rows)[0];
  }
  std::vector<std::string> Codes(const std::string& id) {
    std::vector<std::string> codes;
    auto rows = ledger_->Rows(
        "SELECT d.code FROM messages m JOIN diagnostics d ON d.declaration_id = m.declaration_id "
        "WHERE m.message_id = '<" + id + ">' ORDER BY d.ordinal");
    if (rows) {
      for (const auto& row : *rows) codes.push_back(row[0]);
    }
    return codes;
  }

  DkimWorld world_;
};

// Given a declaration DKIM-signed by the shipper's own domain, OpenDKIM
// writes dkim=pass and OpenDMARC, above it, dmarc=pass for example.test;
// flexmail trusts that topmost field and integrates the declaration.
TEST_F(MilterScenario, DeclarationSignedByTheShippersDomainIsIntegrated) {
  const GasDay day = GasDay::FromToday(10);
  const std::string id = "signed-" + day.Compact() + "@example.test";
  const std::string raw = Sign("shipper", "s2026", kShipperDomain, ShipperEmail({id, day, 1}));
  ASSERT_FALSE(raw.empty());

  auto fields = Deliver({raw});
  ASSERT_EQ(fields.size(), 1u);
  const std::vector<std::string>& ar = fields[0];
  // Topmost: OpenDMARC's verdict; then its own SPF result (the unaligned
  // envelope domain); lowest: OpenDKIM's.
  ASSERT_EQ(ar.size(), 3u) << Joined(ar);
  EXPECT_EQ(ar[0], std::string(kAuthservId) +
                       "; dmarc=pass (p=reject dis=none) header.from=example.test")
      << Joined(ar);
  EXPECT_EQ(ar[1], std::string(kAuthservId) + "; spf=pass smtp.mailfrom=relay.example")
      << Joined(ar);
  EXPECT_TRUE(ar[2].starts_with(std::string(kAuthservId) + "; dkim=pass")) << Joined(ar);
  EXPECT_TRUE(Contains(ar[2], "header.d=example.test")) << Joined(ar);

  RunOnce();
  std::vector<std::string> rec = Recorded(id);
  ASSERT_EQ(rec.size(), 4u);
  EXPECT_EQ(rec[0], "INTEGRATED");
  EXPECT_EQ(rec[1], "authentication-results");
  EXPECT_EQ(rec[2], "pass") << rec[3];
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM programmes WHERE status = 'ACCEPTED' AND "
                           "hms_profile_id = '" + day.Compact() + "-LI0001-GFQUIMP01-1'"),
            1);
  EXPECT_TRUE(Codes(id).empty()) << ::testing::PrintToString(Codes(id));
  auto outbox = CliJson({"outbox", "list", "--json"});
  ASSERT_EQ(outbox["replies"].size(), 1u) << outbox.dump(2);
  EXPECT_EQ(outbox["replies"][0]["state"], "SENT") << outbox.dump(2);
  ExpectFolders(0, 1, 0, 0);
}

// Given the same declaration under a forged From, unsigned or signed by
// another domain (dkim=pass, but for forger.example), OpenDMARC writes
// dmarc=fail; flexmail refuses both with SENDER_NOT_AUTHENTICATED and stores
// no programme.
TEST_F(MilterScenario, ForgedFromIsRejected) {
  const GasDay day = GasDay::FromToday(10);
  const std::string unsigned_id = "unsigned-" + day.Compact() + "@example.test";
  const std::string other_id = "other-" + day.Compact() + "@example.test";
  const std::string other =
      Sign("forger", "s1", "forger.example", ShipperEmail({other_id, day, 2}));
  ASSERT_FALSE(other.empty());

  auto fields = Deliver({ShipperEmail({unsigned_id, day, 1}), other});
  ASSERT_EQ(fields.size(), 2u);
  for (const auto& ar : fields) {
    ASSERT_FALSE(ar.empty());
    EXPECT_EQ(ar[0], std::string(kAuthservId) +
                         "; dmarc=fail (p=reject dis=none) header.from=example.test")
        << Joined(ar);
  }
  // OpenDKIM vouches for the other domain's signature, lowest.
  EXPECT_TRUE(Contains(fields[1].back(), "dkim=pass")) << Joined(fields[1]);
  EXPECT_TRUE(Contains(fields[1].back(), "header.d=forger.example")) << Joined(fields[1]);

  RunOnce();
  for (const std::string& id : {unsigned_id, other_id}) {
    SCOPED_TRACE(id);
    std::vector<std::string> rec = Recorded(id);
    ASSERT_EQ(rec.size(), 4u);
    EXPECT_EQ(rec[0], "REJECTED");
    EXPECT_EQ(rec[1], "authentication-results");
    EXPECT_EQ(rec[2], "fail");
    EXPECT_TRUE(Contains(rec[3], "dmarc=fail")) << rec[3];
    EXPECT_EQ(Codes(id), std::vector<std::string>{"SENDER_NOT_AUTHENTICATED"});
  }
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM programmes"), 0);
  ExpectFolders(0, 0, 2, 0);
}

// Given a forged message that brings its own fields under our authserv-id
// (dmarc=pass for the From, and dkim=pass that OpenDMARC would believe),
// Postfix's header_checks remove them before the milters run: the delivered
// copy carries only the milters' fields, dmarc=fail on top, and flexmail
// refuses it.
TEST_F(MilterScenario, ForgedAuthenticationResultsAreStrippedAndRejected) {
  const GasDay day = GasDay::FromToday(10);
  const std::string id = "forged-ar-" + day.Compact() + "@example.test";
  const std::string forged =
      std::string("Authentication-Results: ") + kAuthservId +
      "; dmarc=pass (p=reject dis=none) header.from=example.test\r\n"
      "Authentication-Results: " + kAuthservId +
      ";\r\n\tdkim=pass header.d=example.test header.i=@example.test header.s=s2026\r\n"
      "Authentication-Results: (relayed) " + kAuthservId +
      "; dmarc=pass header.from=example.test\r\n"
      "Authentication-Results : " + kAuthservId + "; dmarc=pass header.from=example.test\r\n";
  const std::string raw = forged + ShipperEmail({id, day, 1});

  auto fields = Deliver({raw});
  ASSERT_EQ(fields.size(), 1u);
  const std::vector<std::string>& ar = fields[0];
  EXPECT_EQ(ar, (std::vector<std::string>{
                    std::string(kAuthservId) +
                        "; dmarc=fail (p=reject dis=none) header.from=example.test",
                    std::string(kAuthservId) + "; spf=pass smtp.mailfrom=relay.example"}))
      << "the delivered copy:" << Joined(ar);

  RunOnce();
  std::vector<std::string> rec = Recorded(id);
  ASSERT_EQ(rec.size(), 4u);
  EXPECT_EQ(rec[0], "REJECTED");
  EXPECT_EQ(rec[2], "fail");
  EXPECT_TRUE(Contains(rec[3], "dmarc=fail")) << rec[3];
  EXPECT_EQ(Codes(id), std::vector<std::string>{"SENDER_NOT_AUTHENTICATED"});
  EXPECT_EQ(ledger_->Count("SELECT count(*) FROM programmes"), 0);
  ExpectFolders(0, 0, 1, 0);
}

}  // namespace
}  // namespace flexmail::test
