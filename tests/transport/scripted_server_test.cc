// The transports against scripted loopback servers (not mail servers): the
// refusals and timeouts the real Dovecot and Postfix of the integration
// tests cannot be made to produce.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "mail/imap.h"
#include "mail/smtp.h"
#include "mail/transfer_abort.h"
#include "tests/transport/scripted_server.h"

namespace flexmail {
namespace {

using test::ScriptedServer;
using Clock = std::chrono::steady_clock;

constexpr char kPassword[] = "s3cret-pw-123";

std::string Tag(const std::string& line) { return line.substr(0, line.find(' ')); }

// An IMAP server that answers CAPABILITY without STARTTLS and BAD to the rest.
std::string PlaintextImap(const std::string& line) {
  const std::string tag = Tag(line);
  if (line.find("CAPABILITY") != std::string::npos) {
    return "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + " OK done\r\n";
  }
  if (line.find("LOGOUT") != std::string::npos) return "* BYE\r\n" + tag + " OK bye\r\n";
  return tag + " BAD what\r\n";
}

ImapOptions Imap(int port) {
  ImapOptions o;
  o.url = "imap://127.0.0.1:" + std::to_string(port) + "/INBOX";
  o.username = "flexmail";
  o.password = kPassword;
  o.connect_timeout = std::chrono::milliseconds(500);
  o.low_speed_timeout = std::chrono::seconds(1);
  return o;
}

SmtpOptions Smtp(int port) {
  SmtpOptions o;
  o.url = "smtp://127.0.0.1:" + std::to_string(port);
  o.username = "shipper";
  o.password = kPassword;
  o.require_tls = false;  // the scripted server has no TLS; AUTH is what is tested
  o.connect_timeout = std::chrono::milliseconds(500);
  o.low_speed_timeout = std::chrono::seconds(1);
  return o;
}

// An SMTP server without AUTH that accepts everything but the decisions given.
struct SmtpScript {
  std::string auth_reply;  // non-empty: AUTH PLAIN is offered and answered so
  std::string rcpt_reply = "250 2.1.5 ok\r\n";
  std::string data_reply = "250 2.0.0 queued\r\n";
  int farewell_at_mail = 0;  // > 0: the n-th MAIL gets 421, as from a server closing
  std::shared_ptr<bool> in_data = std::make_shared<bool>(false);
  std::shared_ptr<int> mails = std::make_shared<int>(0);
  std::shared_ptr<bool> in_auth = std::make_shared<bool>(false);
  std::string operator()(const std::string& line) const {
    if (*in_auth) {  // the credentials, after our 334
      *in_auth = false;
      return auth_reply;
    }
    if (*in_data) {
      if (line != ".") return "";
      *in_data = false;
      return data_reply;
    }
    if (line.starts_with("EHLO")) {
      return auth_reply.empty() ? "250-scripted\r\n250 8BITMIME\r\n"
                                : "250-scripted\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n";
    }
    if (line == "AUTH PLAIN") {  // curl sends the credentials on request
      *in_auth = true;
      return "334 \r\n";
    }
    if (line.starts_with("AUTH")) return auth_reply;
    if (line.starts_with("MAIL")) {
      return ++*mails == farewell_at_mail ? "421 4.4.2 scripted: timeout, closing\r\n"
                                          : "250 2.1.0 ok\r\n";
    }
    if (line.starts_with("RCPT")) return rcpt_reply;
    if (line.starts_with("DATA")) {
      *in_data = true;
      return "354 go on\r\n";
    }
    if (line.starts_with("QUIT")) return "221 2.0.0 bye\r\n";
    return "502 5.5.2 what\r\n";
  }
};

const std::string kMessage = "Subject: hello\r\n\r\nbody line\r\n";

// imap:// to a server without STARTTLS fails for good, before any credential is sent.
TEST(ScriptedServerTest, ImapWithoutStartTlsIsRefusedBeforeLogin) {
  ScriptedServer server("* OK IMAP4rev1 scripted\r\n", PlaintextImap);
  ImapMailbox box(Imap(server.port()));
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_EQ(s.message(), "IMAP server imap://127.0.0.1:" + std::to_string(server.port()) +
                             " does not offer STARTTLS; refusing plaintext");
  EXPECT_EQ(server.Transcript().find(kPassword), std::string::npos) << server.Transcript();
  EXPECT_EQ(server.Transcript().find("LOGIN"), std::string::npos) << server.Transcript();
}

// An IMAP server that accepts the connection and never speaks is given up on, transiently.
TEST(ScriptedServerTest, SilentImapServerTimesOut) {
  ScriptedServer server("", [](const std::string&) { return std::string(); });
  ImapMailbox box(Imap(server.port()));
  const auto t0 = Clock::now();
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient) << s.ToString();
  EXPECT_TRUE(s.message().starts_with("IMAP STATUS INBOX on imap://127.0.0.1:")) << s.message();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
}

// An IMAP server that logs us in and then never answers a command is given up on
// after the low-speed timeout, transiently.
TEST(ScriptedServerTest, ImapServerSilentAfterLoginTimesOut) {
  ScriptedServer server("* OK IMAP4rev1 scripted\r\n", [](const std::string& line) {
    const std::string tag = Tag(line);
    if (line.find("CAPABILITY") != std::string::npos) {
      return "* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\n" + tag + " OK done\r\n";
    }
    if (line.find("AUTHENTICATE") != std::string::npos) return tag + " OK logged in\r\n";
    return std::string();  // STATUS: silence
  });
  ImapOptions o = Imap(server.port());
  o.require_tls = false;  // the scripted server has no TLS
  ImapMailbox box(o);
  const auto t0 = Clock::now();
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  const auto waited = Clock::now() - t0;
  EXPECT_EQ(s.kind(), Status::Kind::kTransient) << s.ToString();
  EXPECT_NE(server.Transcript().find("STATUS INBOX"), std::string::npos) << server.Transcript();
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(5));
}

// Sets the transfer abort flag `after` from now, from another thread, as a
// stop signal would; clears it again when done with.
class AbortLater {
 public:
  explicit AbortLater(std::chrono::milliseconds after) {
    SetTransferAbortFlag(&stop_);
    thread_ = std::thread([this, after] {
      std::this_thread::sleep_for(after);
      stop_.store(true);
    });
  }
  ~AbortLater() {
    thread_.join();
    SetTransferAbortFlag(nullptr);
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A stop abandons a transfer waiting on a server gone silent after its
// greeting, long before the timeouts (30 s here), as a transient failure:
// SMTP and IMAP alike.
TEST(ScriptedServerTest, StopAbandonsTransfersWaitingOnASilentServer) {
  ScriptedServer smtp("220 scripted ESMTP\r\n", [](const std::string&) { return std::string(); });
  SmtpOptions so = Smtp(smtp.port());
  so.connect_timeout = std::chrono::seconds(30);
  so.low_speed_timeout = std::chrono::seconds(30);
  {
    AbortLater abort(std::chrono::milliseconds(300));
    const auto t0 = Clock::now();
    SendResult r = SmtpSender(so).Send("declarations@example.test", {"ops@example.test"},
                                       kMessage);
    EXPECT_EQ(r.outcome, SendOutcome::kTransient) << r.detail;
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5)) << r.detail;
  }
  ScriptedServer imap("* OK IMAP4rev1 scripted\r\n", [](const std::string&) {
    return std::string();
  });
  ImapOptions io = Imap(imap.port());
  io.require_tls = false;  // the scripted server has no TLS
  io.connect_timeout = std::chrono::seconds(30);
  io.low_speed_timeout = std::chrono::seconds(30);
  {
    AbortLater abort(std::chrono::milliseconds(300));
    const auto t0 = Clock::now();
    ImapMailbox box(io);
    std::uint64_t validity = 0;
    Status s = box.Open(&validity);
    EXPECT_EQ(s.kind(), Status::Kind::kTransient) << s.ToString();
    EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5)) << s.ToString();
  }
}

// An SMTP server that never speaks is given up on, transiently.
TEST(ScriptedServerTest, SilentSmtpServerTimesOut) {
  ScriptedServer server("", [](const std::string&) { return std::string(); });
  SmtpSender sender(Smtp(server.port()));
  const auto t0 = Clock::now();
  SendResult r = sender.Send("declarations@example.test", {"ops@example.test"}, kMessage);
  EXPECT_EQ(r.outcome, SendOutcome::kTransient) << r.detail;
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
}

// With require_auth, a server that offers no AUTH never receives the message itself.
TEST(ScriptedServerTest, SmtpWithoutAuthNeverGetsTheMessage) {
  ScriptedServer server("220 scripted ESMTP\r\n", SmtpScript{});
  SendResult r = SmtpSender(Smtp(server.port()))
                     .Send("declarations@example.test", {"ops@example.test"}, kMessage);
  EXPECT_EQ(r.outcome, SendOutcome::kRelayUnusable);
  EXPECT_EQ(r.detail, "not sent: SMTP server smtp://127.0.0.1:" + std::to_string(server.port()) +
                          " did not authenticate user shipper (AUTH not offered); refusing to "
                          "send unauthenticated");
  EXPECT_EQ(server.Transcript().find("body line"), std::string::npos) << server.Transcript();
}

// Without require_auth the same server gets the message (the option does what it says).
TEST(ScriptedServerTest, SmtpWithoutRequireAuthSends) {
  ScriptedServer server("220 scripted ESMTP\r\n", SmtpScript{});
  SmtpOptions o = Smtp(server.port());
  o.require_auth = false;
  SendResult r = SmtpSender(o).Send("", {"ops@example.test"}, kMessage);
  EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.detail;
  EXPECT_EQ(r.detail, "250 2.0.0 queued");
  EXPECT_NE(server.Transcript().find("MAIL FROM:<>"), std::string::npos);
  EXPECT_NE(server.Transcript().find("body line"), std::string::npos);
}

// A 4xx to RCPT is worth retrying; a 5xx after DATA is not. The detail is the reply.
TEST(ScriptedServerTest, SmtpRepliesDecideTheOutcome) {
  SmtpScript busy;
  busy.rcpt_reply = "450 4.2.1 <ops@example.test>: mailbox busy\r\n";
  ScriptedServer s1("220 scripted ESMTP\r\n", busy);
  SmtpOptions o1 = Smtp(s1.port());
  o1.require_auth = false;
  SendResult r1 = SmtpSender(o1).Send("a@example.test", {"ops@example.test"}, kMessage);
  EXPECT_EQ(r1.outcome, SendOutcome::kTransient);
  EXPECT_EQ(r1.detail, "450 4.2.1 <ops@example.test>: mailbox busy");

  SmtpScript refuse;
  refuse.data_reply = "554 5.6.0 \x1b[31mcontent\x07 refused\r\n";
  ScriptedServer s2("220 scripted ESMTP\r\n", refuse);
  SmtpOptions o2 = Smtp(s2.port());
  o2.require_auth = false;
  SendResult r2 = SmtpSender(o2).Send("a@example.test", {"ops@example.test"}, kMessage);
  EXPECT_EQ(r2.outcome, SendOutcome::kPermanent);
  EXPECT_EQ(r2.detail, "554 5.6.0 ?[31mcontent? refused") << "control characters neutralised";
}

// A login the server cannot check now (454) is retried later, not given up on.
TEST(ScriptedServerTest, SmtpTemporaryAuthFailureIsTransient) {
  SmtpScript script;
  script.auth_reply = "454 4.7.0 Temporary authentication failure\r\n";
  ScriptedServer server("220 scripted ESMTP\r\n", script);
  SendResult r = SmtpSender(Smtp(server.port()))
                     .Send("declarations@example.test", {"ops@example.test"}, kMessage);
  EXPECT_EQ(r.outcome, SendOutcome::kTransient);
  EXPECT_EQ(r.detail, "SMTP login temporarily refused for user shipper at smtp://127.0.0.1:" +
                          std::to_string(server.port()) +
                          ": 454 4.7.0 Temporary authentication failure");
}

// An IMAP login refused with [UNAVAILABLE] (the server's password check is down) is transient.
TEST(ScriptedServerTest, ImapLoginUnavailableIsTransient) {
  ScriptedServer server("* OK IMAP4rev1 scripted\r\n", [](const std::string& line) {
    const std::string tag = Tag(line);
    if (line.find("CAPABILITY") != std::string::npos) {
      return "* CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN\r\n" + tag + " OK done\r\n";
    }
    if (line.find("AUTHENTICATE") != std::string::npos) {
      return tag + " NO [UNAVAILABLE] Temporary authentication failure.\r\n";
    }
    return tag + " BAD what\r\n";
  });
  ImapOptions o = Imap(server.port());
  o.require_tls = false;  // the scripted server has no TLS
  ImapMailbox box(o);
  std::uint64_t validity = 0;
  Status s = box.Open(&validity);
  EXPECT_EQ(s.kind(), Status::Kind::kTransient);
  EXPECT_EQ(s.message(), "IMAP server imap://127.0.0.1:" + std::to_string(server.port()) +
                             " cannot log user flexmail in for now: NO [UNAVAILABLE] Temporary "
                             "authentication failure.");
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A relay that authenticates us; the n-th MAIL gets 421 when n > 0.
SmtpScript Authenticating(int farewell_at_mail = 0) {
  SmtpScript script;
  script.auth_reply = "235 2.7.0 Authentication successful\r\n";
  script.farewell_at_mail = farewell_at_mail;
  return script;
}

// Sends kMessage twice with one sender; returns what the server received.
std::string SendTwice(const ScriptedServer& server, SmtpSender* sender) {
  for (int i = 0; i < 2; ++i) {
    SendResult r = sender->Send("declarations@example.test", {"ops@example.test"}, kMessage);
    EXPECT_EQ(r.outcome, SendOutcome::kSent) << i << ": " << r.detail << server.Transcript();
  }
  return server.Transcript();
}

// A kept connection carries its authentication: the second message goes
// without a second AUTH, and is not refused as unauthenticated.
TEST(ScriptedServerTest, SmtpKeptConnectionStaysAuthenticated) {
  ScriptedServer server("220 scripted ESMTP\r\n", Authenticating());
  SmtpSender sender(Smtp(server.port()));
  const std::string transcript = SendTwice(server, &sender);
  EXPECT_EQ(sender.connections_opened(), 1);
  EXPECT_EQ(Count(transcript, "AUTH PLAIN"), 1) << transcript;
  EXPECT_EQ(Count(transcript, "body line"), 2) << transcript;
}

// A kept connection the server is closing (421 to MAIL) is replaced at once
// by a new, authenticated one: the message goes, nothing to retry later.
TEST(ScriptedServerTest, SmtpReplacesAKeptConnectionTheServerCloses) {
  ScriptedServer server("220 scripted ESMTP\r\n", Authenticating(2));
  SmtpSender sender(Smtp(server.port()));
  const std::string transcript = SendTwice(server, &sender);
  EXPECT_EQ(sender.connections_opened(), 2);
  EXPECT_EQ(Count(transcript, "AUTH PLAIN"), 2) << transcript;
  EXPECT_EQ(Count(transcript, "MAIL FROM"), 3) << transcript;
  EXPECT_EQ(Count(transcript, "body line"), 2) << transcript;
}

// A fresh connection answered 421 is not retried at once: later, by the outbox.
TEST(ScriptedServerTest, SmtpFarewellOnAFreshConnectionIsTransient) {
  ScriptedServer server("220 scripted ESMTP\r\n", Authenticating(1));
  SmtpSender sender(Smtp(server.port()));
  SendResult r = sender.Send("declarations@example.test", {"ops@example.test"}, kMessage);
  EXPECT_EQ(r.outcome, SendOutcome::kTransient) << r.detail;
  EXPECT_EQ(r.detail, "421 4.4.2 scripted: timeout, closing");
  EXPECT_EQ(Count(server.Transcript(), "MAIL FROM"), 1) << server.Transcript();
}

// Addresses that could inject commands are refused before connecting.
TEST(ScriptedServerTest, SmtpRefusesUnsafeAddresses) {
  SmtpOptions o = Smtp(1);  // nothing listens there: no connection is attempted
  SendResult r = SmtpSender(o).Send("a@example.test", {"x@example.test>\r\nRCPT TO:<y"}, kMessage);
  EXPECT_EQ(r.outcome, SendOutcome::kPermanent);
  EXPECT_EQ(r.detail, "not sent: unusable recipient address 'x@example.test>  RCPT TO:<y'");
  EXPECT_EQ(SmtpSender(o).Send("a@example.test", {}, kMessage).detail, "not sent: no recipients");
}

// Credentials in a URL are refused without echoing the URL.
TEST(ScriptedServerTest, UrlsWithCredentialsAreRefused) {
  ImapOptions io = Imap(1);
  io.url = "imaps://flexmail:" + std::string(kPassword) + "@127.0.0.1:993/INBOX";
  ImapMailbox box(io);
  std::uint64_t v = 0;
  Status s = box.Open(&v);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_EQ(s.message(), "IMAP url: the URL must not contain credentials (set username and "
                         "password instead) (expected imaps://host:port/INBOX)");
  SmtpOptions so = Smtp(1);
  so.url = "smtp://shipper:" + std::string(kPassword) + "@127.0.0.1:587";
  SendResult r = SmtpSender(so).Send("a@example.test", {"b@example.test"}, kMessage);
  EXPECT_EQ(r.outcome, SendOutcome::kRelayUnusable);
  EXPECT_EQ(r.detail.find(kPassword), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace flexmail
