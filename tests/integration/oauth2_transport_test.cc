// ImapMailbox and SmtpSender logging in with OAuth2 bearer tokens to the
// mail stack's token-only set-up (Dovecot's oauth2 passdb asks the test
// token service about each token; Postfix's SASL goes through Dovecot).
// Tokens come from the real ClientCredentialsSource, or from a scripted
// source when a test needs a given token at a given time.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <thread>

#include "mail/imap.h"
#include "mail/oauth2.h"
#include "mail/smtp.h"
#include "tests/integration/mailstack/mail_stack.h"
#include "tests/integration/transport_helpers.h"

namespace flexmail::test {
namespace {

using namespace std::chrono_literals;

// Hands out the given tokens in turn (the last one forever) and records
// what the transport told it.
class ScriptedTokens final : public TokenSource {
 public:
  explicit ScriptedTokens(std::deque<std::string> tokens) : tokens_(std::move(tokens)) {}
  Status Get(std::string* token) override {
    ++gets;
    if (!failure.ok()) return failure;
    *token = tokens_.front();
    return Status::Ok();
  }
  void Refused(const std::string& token) override {
    refused.push_back(token);
    if (tokens_.size() > 1) tokens_.pop_front();
  }
  Status failure;
  int gets = 0;
  std::vector<std::string> refused;

 private:
  std::deque<std::string> tokens_;
};

constexpr const char* kReply =
    "From: <declarations@example.test>\r\nTo: <ops@example.test>\r\n"
    "Subject: reply\r\nMessage-ID: <oauth2-reply@example.test>\r\n\r\nbody\r\n";

class OAuth2TransportTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.StartWithOAuth2()); }

  std::shared_ptr<CachingTokenSource> RealTokens() {
    OAuth2Options o;
    o.token_url = stack_.token_url();
    o.client_id = stack_.oauth2_client_id();
    o.scope = "mail";
    o.certificate_file = stack_.oauth2_client_cert().string();
    o.private_key_file = stack_.oauth2_client_key().string();
    o.ca_file = stack_.ca_file().string();
    std::shared_ptr<CachingTokenSource> source;
    Status s = MakeTokenSource(o, "", &source);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return source;
  }
  std::string FreshToken() {
    std::string token;
    EXPECT_TRUE(stack_.RequestTokenWithSecret(&token));
    return token;
  }
  ImapOptions Imap(std::shared_ptr<TokenSource> tokens, const std::string& mechanism = "") {
    ImapOptions o = ImapsOptions(stack_, kDaemonUser);
    o.password.clear();
    o.token_source = std::move(tokens);
    o.sasl_mechanism = mechanism;
    return o;
  }
  SmtpOptions Smtp(std::shared_ptr<TokenSource> tokens) {
    SmtpOptions o;
    o.url = stack_.smtp_url();
    o.username = std::string(kDaemonUser);
    o.token_source = std::move(tokens);
    o.ca_file = stack_.ca_file().string();
    o.connect_timeout = 2s;
    o.low_speed_timeout = 5s;
    return o;
  }
  SendResult Send(SmtpSender* sender) {
    return sender->Send(stack_.address(kDaemonUser), {stack_.address(kShipperUser)}, kReply);
  }
  TokenServiceStats Stats() {
    TokenServiceStats s;
    EXPECT_TRUE(stack_.TokenStats(&s));
    return s;
  }

  MailStack stack_;
};

TEST_F(OAuth2TransportTest, ImapLogsInWithEitherMechanism) {
  // Given a valid token, Open should log in whether the mechanism is left to the server's offer or forced to XOAUTH2 or OAUTHBEARER.
  auto tokens = RealTokens();
  for (const char* mechanism : {"", "XOAUTH2", "OAUTHBEARER", "oauthbearer"}) {
    ImapMailbox box(Imap(tokens, mechanism));
    std::uint64_t validity = 0;
    Status s = box.Open(&validity);
    EXPECT_TRUE(s.ok()) << mechanism << ": " << s.ToString() << stack_.LogTail();
    EXPECT_GT(validity, 0u);
  }
  EXPECT_EQ(tokens->requests(), 1u) << "one token for all four logins";
  EXPECT_GE(Stats().introspections_active, 4);
}

TEST_F(OAuth2TransportTest, ImapRefusesAnUnknownMechanism) {
  // Given sasl_mechanism PLAIN with a token, Open should refuse the configuration before connecting.
  ImapMailbox box(Imap(std::make_shared<ScriptedTokens>(std::deque<std::string>{"t"}), "PLAIN"));
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_NE(s.message().find("expected XOAUTH2 or OAUTHBEARER"), std::string::npos) << s.message();
}

TEST_F(OAuth2TransportTest, ImapRetriesOnceWithAFreshTokenWhenOneIsRefused) {
  // Given a revoked token then a good one, Open should tell the source, get the next token and log in.
  const std::string revoked = FreshToken();
  ASSERT_TRUE(stack_.RevokeAllTokens());
  auto tokens = std::make_shared<ScriptedTokens>(std::deque<std::string>{revoked, FreshToken()});
  ImapMailbox box(Imap(tokens));
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  EXPECT_TRUE(s.ok()) << s.ToString() << stack_.LogTail();
  EXPECT_EQ(tokens->refused, std::vector<std::string>{revoked});
}

TEST_F(OAuth2TransportTest, ImapTokenRefusedTwiceIsPermanentAndQuotesTheServer) {
  // Given a source whose every token is refused, Open should fail once (kPermanent), quoting Dovecot, without the token in the message.
  auto tokens = std::make_shared<ScriptedTokens>(std::deque<std::string>{"bogus-token-123"});
  ImapMailbox box(Imap(tokens));
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent) << s.ToString();
  EXPECT_NE(s.message().find("refused the OAuth2 token of user flexmail"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("AUTHENTICATIONFAILED"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("bogus-token-123"), std::string::npos);
  EXPECT_EQ(tokens->refused.size(), 1u) << "one more try, not a loop";
}

TEST_F(OAuth2TransportTest, ImapWaitsWhileNoTokenCanBeHad) {
  // Given a source that cannot reach its token service, Open should fail with the source's transient status and send nothing to the server.
  ASSERT_TRUE(stack_.SetTokenEndpointUp(false));
  auto tokens = RealTokens();
  ImapMailbox box(Imap(tokens));
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient) << s.ToString();
  EXPECT_NE(s.message().find("unreachable"), std::string::npos) << s.message();
  EXPECT_EQ(Stats().introspections, 0);
}

TEST_F(OAuth2TransportTest, KeptImapConnectionIsReplacedWhenTheTokenIsRenewed) {
  // Given tokens of 3 s, a mailbox kept open across a renewal should log in again with the new token (a new connection), and go on working.
  ASSERT_TRUE(stack_.SetTokenLifetime(3));
  auto tokens = RealTokens();
  ImapMailbox box(Imap(tokens));
  std::uint64_t validity = 0;
  ASSERT_TRUE(box.Open(&validity).ok());
  const int logins = Stats().introspections;
  std::this_thread::sleep_for(3s);  // past 80 % of the first token's life
  std::vector<MailboxEntry> list;
  Status s = box.Open(&validity);
  if (s.ok()) s = box.List(&list);
  EXPECT_TRUE(s.ok()) << s.ToString() << stack_.LogTail();
  EXPECT_EQ(tokens->requests(), 2u);
  EXPECT_EQ(Stats().introspections, logins + 1) << "one new login, with the new token";
}

TEST_F(OAuth2TransportTest, SmtpSendsWithATokenAndRetriesARefusedOne) {
  // Given a revoked token then a good one, Send should tell the source and deliver with the next token, authenticated.
  const std::string revoked = FreshToken();
  ASSERT_TRUE(stack_.RevokeAllTokens());
  auto tokens = std::make_shared<ScriptedTokens>(std::deque<std::string>{revoked, FreshToken()});
  SmtpSender sender(Smtp(tokens));
  SendResult r = Send(&sender);
  EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.detail << stack_.LogTail();
  EXPECT_EQ(tokens->refused, std::vector<std::string>{revoked});
  const auto deadline = Clock::now() + 30s;
  while (UidsIn(stack_, kShipperUser, "INBOX").empty() && Clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(UidsIn(stack_, kShipperUser, "INBOX").size(), 1u) << stack_.LogTail();
}

TEST_F(OAuth2TransportTest, SmtpTokenRefusedTwiceMakesTheRelayUnusable) {
  // Given tokens the server refuses, Send should give kRelayUnusable quoting Postfix, after one retry, and deliver nothing.
  auto tokens = std::make_shared<ScriptedTokens>(std::deque<std::string>{"bogus-1", "bogus-2"});
  SmtpSender sender(Smtp(tokens));
  SendResult r = Send(&sender);
  EXPECT_EQ(r.outcome, SendOutcome::kRelayUnusable) << r.detail;
  EXPECT_NE(r.detail.find("SMTP OAuth2 token refused for user flexmail"), std::string::npos)
      << r.detail;
  EXPECT_NE(r.detail.find("535"), std::string::npos) << r.detail;
  EXPECT_EQ(r.detail.find("bogus-"), std::string::npos);
  EXPECT_EQ(tokens->refused, std::vector<std::string>{"bogus-1"});
}

TEST_F(OAuth2TransportTest, SmtpWithoutATokenWaitsOrStops) {
  // Given a source failing transiently then permanently, Send should give kTransient then kRelayUnusable, carrying the source's message.
  auto tokens = std::make_shared<ScriptedTokens>(std::deque<std::string>{"t"});
  SmtpSender sender(Smtp(tokens));
  tokens->failure = Status::Transient("token service unreachable: connection refused");
  SendResult r = Send(&sender);
  EXPECT_EQ(r.outcome, SendOutcome::kTransient);
  EXPECT_NE(r.detail.find("no OAuth2 token for SMTP: token service unreachable"),
            std::string::npos)
      << r.detail;
  tokens->failure = Status::Permanent("invalid_client: check oauth2.client_id");
  r = Send(&sender);
  EXPECT_EQ(r.outcome, SendOutcome::kRelayUnusable);
  EXPECT_NE(r.detail.find("check oauth2.client_id"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace flexmail::test
