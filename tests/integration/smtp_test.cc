// SmtpSender against the real Postfix of the mail stack (STARTTLS, AUTH
// through Dovecot), with deliveries read back over IMAP.
#include "mail/smtp.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/mailstack/mail_stack.h"
#include "tests/integration/transport_helpers.h"

namespace flexmail::test {
namespace {

// Dot-stuffing, a long line and an empty line: what SMTP could mangle.
const std::string kReply =
    "From: <ops@example.test>\r\n"
    "To: <ops@example.test>\r\n"
    "Subject: reply to your declaration\r\n"
    "Message-ID: <reply-1@flexmail.example.test>\r\n"
    "Date: Tue, 03 Mar 2026 10:00:00 +0100\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "Line one.\r\n"
    ".starts with a dot\r\n"
    "..two dots\r\n"
    "\r\n" +
    std::string(900, 'w') + "\r\n.\r\nend\r\n";

class SmtpTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()); }

  SmtpOptions Options(int port = 0) const {
    SmtpOptions o;
    o.url = "smtp://127.0.0.1:" + std::to_string(port ? port : stack_.smtp_port());
    o.username = std::string(kShipperUser);
    o.password = stack_.password(kShipperUser);
    o.ca_file = stack_.ca_file().string();
    o.connect_timeout = std::chrono::seconds(2);
    o.low_speed_timeout = std::chrono::seconds(5);
    return o;
  }
  SendResult SendToShipper(const SmtpOptions& o) {
    return SmtpSender(o).Send(stack_.address(kShipperUser), {stack_.address(kShipperUser)},
                              kReply);
  }
  // Nothing arrived: a delivery takes about 0.1 s; give it well over that.
  void ExpectNothingDelivered() {
    ASSERT_TRUE(stack_.FlushQueue());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_TRUE(UidsIn(stack_, kShipperUser, "INBOX").empty()) << stack_.LogTail();
  }
  std::string endpoint(int port) const { return "smtp://127.0.0.1:" + std::to_string(port); }

  MailStack stack_;
};

// A reply sent with STARTTLS and AUTH arrives in the shipper's mailbox byte for byte.
TEST_F(SmtpTest, SendsAndArrivesIntact) {
  const auto t0 = Clock::now();
  SendResult r = SendToShipper(Options());
  ASSERT_EQ(r.outcome, SendOutcome::kSent) << r.detail << stack_.LogTail();
  EXPECT_TRUE(r.detail.starts_with("250 2.0.0 Ok: queued as ")) << r.detail;
  std::vector<std::uint64_t> in = WaitForInbox(stack_, kShipperUser, 1);
  ASSERT_EQ(in.size(), 1u) << stack_.LogTail();
  std::cout << "[ smtp] send to arrival " << MsSince(t0) << " ms\n";
  const std::string got = MessageIn(stack_, kShipperUser, "INBOX", in[0]);
  // Postfix and Dovecot only prepend trace headers.
  EXPECT_TRUE(got.ends_with(kReply)) << got;
  EXPECT_NE(got.find("Received: from "), std::string::npos);
}

// Replies of a backlog share one connection (one TLS handshake, one AUTH),
// and each arrives.
TEST_F(SmtpTest, KeepsOneConnectionAcrossSends) {
  SmtpSender sender(Options());
  for (int i = 0; i < 5; ++i) {
    SendResult r = sender.Send(stack_.address(kShipperUser), {stack_.address(kShipperUser)},
                               kReply);
    ASSERT_EQ(r.outcome, SendOutcome::kSent) << i << ": " << r.detail << stack_.LogTail();
  }
  EXPECT_EQ(sender.connections_opened(), 1);
  EXPECT_EQ(WaitForInbox(stack_, kShipperUser, 5).size(), 5u) << stack_.LogTail();
}

// A kept connection the server dropped (Postfix restarted meanwhile) is
// replaced by a new one at once: the send succeeds, nothing is lost.
TEST_F(SmtpTest, ReconnectsWhenTheKeptConnectionWasDropped) {
  SmtpSender sender(Options());
  auto send = [&] {
    return sender.Send(stack_.address(kShipperUser), {stack_.address(kShipperUser)}, kReply);
  };
  ASSERT_EQ(send().outcome, SendOutcome::kSent);
  // Delivered before the stop: Postfix would deliver again a message it was
  // delivering when stopped.
  ASSERT_EQ(WaitForInbox(stack_, kShipperUser, 1).size(), 1u) << stack_.LogTail();
  ASSERT_TRUE(stack_.StopPostfix());
  ASSERT_TRUE(stack_.StartPostfix());
  SendResult r = send();
  EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.detail << stack_.LogTail();
  EXPECT_EQ(sender.connections_opened(), 2);
  EXPECT_EQ(WaitForInbox(stack_, kShipperUser, 2).size(), 2u) << stack_.LogTail();
}

// require_tls against the port without STARTTLS: refused before anything is sent.
TEST_F(SmtpTest, PlaintextPortIsRefusedWithRequireTls) {
  SendResult r = SendToShipper(Options(stack_.smtp_plain_port()));
  EXPECT_EQ(r.outcome, SendOutcome::kRelayUnusable);
  EXPECT_EQ(r.detail, "SMTP server " + endpoint(stack_.smtp_plain_port()) +
                          " does not offer STARTTLS; refusing plaintext");
  ExpectNothingDelivered();
}

// Without require_tls, the server that offers no AUTH still does not get the
// message: libcurl would have sent it unauthenticated.
TEST_F(SmtpTest, NoAuthOfferedMeansNothingSent) {
  SmtpOptions o = Options(stack_.smtp_plain_port());
  o.require_tls = false;
  SmtpSender sender(o);
  // Twice with one sender: a second transaction, whatever connection it
  // uses, is no more authenticated than the first.
  for (int i = 0; i < 2; ++i) {
    SendResult r = sender.Send(stack_.address(kShipperUser), {stack_.address(kShipperUser)},
                               kReply);
    EXPECT_EQ(r.outcome, SendOutcome::kRelayUnusable) << i;
    EXPECT_EQ(r.detail, "not sent: SMTP server " + endpoint(stack_.smtp_plain_port()) +
                            " did not authenticate user shipper (AUTH not offered); refusing "
                            "to send unauthenticated");
  }
  ExpectNothingDelivered();
}

// A refused password makes the relay unusable and quotes the server's refusal.
TEST_F(SmtpTest, WrongPasswordIsPermanent) {
  SmtpOptions o = Options();
  o.password = "not-the-password";
  SendResult r = SendToShipper(o);
  EXPECT_EQ(r.outcome, SendOutcome::kRelayUnusable);
  EXPECT_TRUE(r.detail.starts_with("SMTP login refused for user shipper at " +
                                   endpoint(stack_.smtp_port()) + ": 535 5.7.8 Error: "
                                   "authentication failed"))
      << r.detail;
  EXPECT_EQ(r.detail.find("not-the-password"), std::string::npos);
}

// The system CA bundle does not know the stack's CA: relay unusable, naming host and CA.
TEST_F(SmtpTest, UntrustedCertificateIsPermanent) {
  SmtpOptions o = Options();
  o.ca_file.clear();
  SendResult r = SendToShipper(o);
  EXPECT_EQ(r.outcome, SendOutcome::kRelayUnusable);
  EXPECT_EQ(r.detail, "TLS certificate of 127.0.0.1 not trusted (the system CA bundle): "
                      "SSL certificate problem: unable to get local issuer certificate");
}

// A stopped server is a transient failure; sending works again after a restart.
TEST_F(SmtpTest, ServerDownIsTransient) {
  ASSERT_TRUE(stack_.StopPostfix());
  SendResult r = SendToShipper(Options());
  EXPECT_EQ(r.outcome, SendOutcome::kTransient);
  EXPECT_TRUE(r.detail.starts_with("SMTP server " + endpoint(stack_.smtp_port()) +
                                   ": Failed to connect to 127.0.0.1 port "))
      << r.detail;
  ASSERT_TRUE(stack_.StartPostfix());
  r = SendToShipper(Options());
  EXPECT_EQ(r.outcome, SendOutcome::kSent) << r.detail;
}

// A recipient refused with 5xx is permanent, quotes the refusal, and nobody gets it.
TEST_F(SmtpTest, RefusedRecipientIsPermanent) {
  SendResult r = SmtpSender(Options()).Send(stack_.address(kShipperUser),
                                            {stack_.address(kShipperUser),
                                             "someone@elsewhere.invalid"},
                                            kReply);
  EXPECT_EQ(r.outcome, SendOutcome::kPermanent);
  EXPECT_EQ(r.detail, "550 5.7.1 <someone@elsewhere.invalid>: Recipient address rejected: "
                      "no delivery outside example.test from the test stack");
  ExpectNothingDelivered();
}

}  // namespace
}  // namespace flexmail::test
