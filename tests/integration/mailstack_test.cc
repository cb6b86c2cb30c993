// Smoke test of the mail test stack: real Postfix and Dovecot on loopback,
// talked to with libcurl exactly as the daemon does (verified TLS, CA file).
#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/curl_result.h"
#include "tests/integration/curl_upload.h"
#include "tests/integration/mailstack/mail_stack.h"

namespace flexmail::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kArrivalTimeout = std::chrono::seconds(10);

// Common options; ca empty = the system's default CA bundle.
CURL* NewHandle(const std::string& url, const std::string& user,
                const std::string& password, const fs::path& ca,
                CurlResult* result, char* errbuf) {
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  if (!user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, password.c_str());
  }
  if (!ca.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &result->body);
  return h;
}

// IMAPS request: path after the host ("INBOX;UID=1"), optional custom command.
CurlResult Imaps(const MailStack& stack, std::string_view user,
                 const std::string& password, const std::string& path,
                 const std::string& custom = "", bool our_ca = true) {
  CurlResult r;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL* h = NewHandle(stack.imaps_url() + path, std::string(user), password,
                      our_ca ? stack.ca_file() : fs::path(), &r, errbuf);
  if (!custom.empty()) curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, custom.c_str());
  r.code = curl_easy_perform(h);
  return Finish(h, std::move(r), errbuf);
}

struct Mail {
  std::string from;
  std::vector<std::string> to;
  std::string data;
};

CurlResult SendSmtp(const MailStack& stack, int port, std::string_view user,
                    const std::string& password, const Mail& mail,
                    curl_usessl use_ssl = CURLUSESSL_ALL, bool our_ca = true) {
  CurlResult r;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL* h = NewHandle("smtp://127.0.0.1:" + std::to_string(port), std::string(user),
                      password, our_ca ? stack.ca_file() : fs::path(), &r, errbuf);
  curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(use_ssl));
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, ("<" + mail.from + ">").c_str());
  curl_slist* rcpt = nullptr;
  for (const auto& to : mail.to) rcpt = curl_slist_append(rcpt, ("<" + to + ">").c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  CurlUpload up{mail.data};
  curl_easy_setopt(h, CURLOPT_READFUNCTION, CurlUpload::Read);
  curl_easy_setopt(h, CURLOPT_READDATA, &up);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  r.code = curl_easy_perform(h);
  curl_slist_free_all(rcpt);
  return Finish(h, std::move(r), errbuf);
}

Mail ShipperMail(const MailStack& stack, const std::string& token) {
  const std::string from = stack.address(kShipperUser);
  const std::string to = stack.address(kDaemonUser);
  return Mail{from,
              {to},
              "From: Shipper Ops <" + from + ">\r\n"
              "To: <" + to + ">\r\n"
              "Subject: declaration " + token + "\r\n"
              "Message-ID: <" + token + "@example.test>\r\n"
              "Date: Tue, 03 Mar 2026 10:00:00 +0100\r\n"
              "MIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "\r\n"
              "token " + token + "\r\n"};
}

// Polls UID N of USER's INBOX over IMAPS until it answers with a message.
CurlResult WaitForUid(const MailStack& stack, std::string_view user, int uid,
                      Clock::duration* waited = nullptr) {
  const auto start = Clock::now();
  CurlResult r;
  while (Clock::now() - start < kArrivalTimeout) {
    r = Imaps(stack, user, stack.password(user), "INBOX;UID=" + std::to_string(uid));
    if (r.code == CURLE_OK && !r.body.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (waited) *waited = Clock::now() - start;
  return r;
}

// "STATUS INBOX (...)" answer fields.
long StatusField(const MailStack& stack, std::string_view user, const std::string& field) {
  CurlResult r = Imaps(stack, user, stack.password(user), "",
                       "STATUS INBOX (UIDVALIDITY UIDNEXT MESSAGES)");
  std::smatch m;
  if (r.code != CURLE_OK || !std::regex_search(r.body, m, std::regex(field + " (\\d+)"))) {
    ADD_FAILURE() << "STATUS INBOX: " << r << " body: " << r.body;
    return -1;
  }
  return std::stol(m[1]);
}

class MailStackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto t0 = Clock::now();
    ASSERT_TRUE(stack_.Start());
    start_ms_ = Ms(Clock::now() - t0);
    std::cout << "[ mailstack] start " << start_ms_ << " ms in " << stack_.dir() << "\n";
    RecordProperty("stack_start_ms", static_cast<int>(start_ms_));
  }
  // Every test also checks that Stop() really stops both servers.
  void TearDown() override {
    if (!stack_.started()) return;
    const int imaps = stack_.imaps_port();
    const int smtp = stack_.smtp_port();
    const auto t0 = Clock::now();
    ASSERT_TRUE(stack_.Stop());
    const long stop_ms = Ms(Clock::now() - t0);
    std::cout << "[ mailstack] stop " << stop_ms << " ms\n";
    RecordProperty("stack_stop_ms", static_cast<int>(stop_ms));
    EXPECT_TRUE(stack_.Stop()) << "a second Stop() must be a no-op";
    EXPECT_FALSE(stack_.started());
    EXPECT_FALSE(Listening(imaps)) << "IMAPS port " << imaps << " still answers";
    EXPECT_FALSE(Listening(smtp)) << "SMTP port " << smtp << " still answers";
  }

  static bool Listening(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
  }

  std::string Failure(const CurlResult& r) const {
    std::ostringstream os;
    os << r << stack_.LogTail();
    return os.str();
  }

  MailStack stack_;
  long start_ms_ = 0;
};

TEST_F(MailStackTest, SubmissionOverStartTlsArrivesInTheDaemonInboxOverImaps) {
  const Mail mail = ShipperMail(stack_, "smoke-1");
  const auto t0 = Clock::now();
  CurlResult sent = SendSmtp(stack_, stack_.smtp_port(), kShipperUser,
                             stack_.password(kShipperUser), mail);
  ASSERT_EQ(sent.code, CURLE_OK) << Failure(sent);

  CurlResult got = WaitForUid(stack_, kDaemonUser, 1);
  const long latency = Ms(Clock::now() - t0);
  ASSERT_EQ(got.code, CURLE_OK) << "nothing in the INBOX after "
                                << Ms(kArrivalTimeout) << " ms: " << Failure(got);
  std::cout << "[ mailstack] send->arrival " << latency << " ms\n";
  RecordProperty("send_to_arrival_ms", static_cast<int>(latency));
  EXPECT_NE(got.body.find("Subject: declaration smoke-1"), std::string::npos) << got.body;
  EXPECT_NE(got.body.find("token smoke-1"), std::string::npos) << got.body;
  // Delivered by Postfix (Received header), not dropped in the Maildir.
  EXPECT_NE(got.body.find("Received: from "), std::string::npos) << got.body;
  // Addressed to the public address, stored in the daemon's mailbox only.
  EXPECT_EQ(StatusField(stack_, kShipperUser, "MESSAGES"), 0);
}

TEST_F(MailStackTest, RequiringTlsFailsAgainstAServerWithoutStartTls) {
  CurlResult r = SendSmtp(stack_, stack_.smtp_plain_port(), kShipperUser,
                          stack_.password(kShipperUser), ShipperMail(stack_, "plain-1"));
  EXPECT_EQ(r.code, CURLE_USE_SSL_FAILED) << Failure(r);
  EXPECT_EQ(StatusField(stack_, kDaemonUser, "MESSAGES"), 0);
}

TEST_F(MailStackTest, AuthenticationIsOnlyOfferedAfterStartTls) {
  // Outside example.test: only an authenticated client gets past "Relay
  // access denied" (554), to the stack's no-outbound-delivery refusal (550).
  Mail out = ShipperMail(stack_, "relay-1");
  out.to = {"someone@elsewhere.invalid"};
  CurlResult tls = SendSmtp(stack_, stack_.smtp_port(), kShipperUser,
                            stack_.password(kShipperUser), out, CURLUSESSL_ALL);
  EXPECT_NE(tls.code, CURLE_OK);
  EXPECT_EQ(tls.response, 550) << Failure(tls);
  // Without TLS the server offers no AUTH and curl goes on unauthenticated.
  CurlResult plain = SendSmtp(stack_, stack_.smtp_port(), kShipperUser,
                              stack_.password(kShipperUser), out, CURLUSESSL_NONE);
  EXPECT_NE(plain.code, CURLE_OK);
  EXPECT_EQ(plain.response, 554) << Failure(plain);
}

TEST_F(MailStackTest, WrongPasswordIsRefusedOverImaps) {
  CurlResult r = Imaps(stack_, kDaemonUser, "not-the-password", "INBOX", "NOOP");
  EXPECT_EQ(r.code, CURLE_LOGIN_DENIED) << Failure(r);
  CurlResult ok = Imaps(stack_, kDaemonUser, stack_.password(kDaemonUser), "INBOX", "NOOP");
  EXPECT_EQ(ok.code, CURLE_OK) << Failure(ok);
}

TEST_F(MailStackTest, SystemCaBundleDoesNotTrustTheStackCertificate) {
  CurlResult imaps = Imaps(stack_, kDaemonUser, stack_.password(kDaemonUser), "INBOX",
                           "NOOP", /*our_ca=*/false);
  EXPECT_EQ(imaps.code, CURLE_PEER_FAILED_VERIFICATION) << Failure(imaps);
  CurlResult smtp = SendSmtp(stack_, stack_.smtp_port(), kShipperUser,
                             stack_.password(kShipperUser), ShipperMail(stack_, "ca-1"),
                             CURLUSESSL_ALL, /*our_ca=*/false);
  EXPECT_EQ(smtp.code, CURLE_PEER_FAILED_VERIFICATION) << Failure(smtp);
}

TEST_F(MailStackTest, SeedSetsInternalDateAndUidOrder) {
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, "Subject: first\n\nbody\n",
                              "2026-03-03 09:15:00 +0100"));
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, "Subject: second\n\nbody\n",
                              "2025-12-31 23:59:59 +0000"));
  CurlResult r = Imaps(stack_, kDaemonUser, stack_.password(kDaemonUser), "INBOX",
                       "UID FETCH 1:* (UID INTERNALDATE)");
  ASSERT_EQ(r.code, CURLE_OK) << Failure(r);
  EXPECT_NE(r.body.find("UID 1 INTERNALDATE \"03-Mar-2026 08:15:00 +0000\""),
            std::string::npos) << r.body;
  EXPECT_NE(r.body.find("UID 2 INTERNALDATE \"31-Dec-2025 23:59:59 +0000\""),
            std::string::npos) << r.body;
  CurlResult first = Imaps(stack_, kDaemonUser, stack_.password(kDaemonUser), "INBOX;UID=1");
  EXPECT_NE(first.body.find("Subject: first"), std::string::npos) << first.body;
  EXPECT_FALSE(stack_.SeedText("nobody-such", "x\n", "2026-01-01 00:00:00 +0000"));
  EXPECT_FALSE(stack_.SeedText(kDaemonUser, "x\n", "01/01/2026"));
}

TEST_F(MailStackTest, RecreateMailboxChangesUidValidityAndKeepsMessages) {
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, "Subject: a\n\na\n", "2026-01-01 10:00:00 +0000"));
  ASSERT_TRUE(stack_.SeedText(kDaemonUser, "Subject: b\n\nb\n", "2026-01-01 11:00:00 +0000"));
  const long before = StatusField(stack_, kDaemonUser, "UIDVALIDITY");
  ASSERT_GT(before, 0);
  std::uint32_t reported = 0;
  ASSERT_TRUE(stack_.RecreateMailbox(kDaemonUser, &reported));
  const long after = StatusField(stack_, kDaemonUser, "UIDVALIDITY");
  EXPECT_NE(after, before);
  EXPECT_EQ(after, static_cast<long>(reported));
  EXPECT_EQ(StatusField(stack_, kDaemonUser, "MESSAGES"), 2);
  // A client holding the old UIDVALIDITY is told it changed.
  CurlResult stale = Imaps(stack_, kDaemonUser, stack_.password(kDaemonUser),
                           "INBOX;UIDVALIDITY=" + std::to_string(before) + ";UID=1");
  EXPECT_NE(stale.code, CURLE_OK) << Failure(stale);
}

TEST_F(MailStackTest, ServersRestartOnTheSamePorts) {
  const int imaps = stack_.imaps_port();
  const int smtp = stack_.smtp_port();

  ASSERT_TRUE(stack_.StopDovecot());
  CurlResult down = Imaps(stack_, kDaemonUser, stack_.password(kDaemonUser), "INBOX", "NOOP");
  EXPECT_EQ(down.code, CURLE_COULDNT_CONNECT) << Failure(down);
  // SASL goes through Dovecot: submission is refused while it is away.
  CurlResult no_auth = SendSmtp(stack_, smtp, kShipperUser, stack_.password(kShipperUser),
                                ShipperMail(stack_, "no-auth-1"));
  EXPECT_NE(no_auth.code, CURLE_OK) << Failure(no_auth);
  // Inbound mail (the plain port, as from another MX) is queued meanwhile.
  CurlResult held = SendSmtp(stack_, stack_.smtp_plain_port(), "", "",
                             ShipperMail(stack_, "held-1"), CURLUSESSL_NONE);
  EXPECT_EQ(held.code, CURLE_OK) << Failure(held);
  ASSERT_TRUE(stack_.StartDovecot());
  EXPECT_EQ(stack_.imaps_port(), imaps);
  ASSERT_TRUE(stack_.FlushQueue());
  CurlResult arrived = WaitForUid(stack_, kDaemonUser, 1);
  EXPECT_EQ(arrived.code, CURLE_OK) << Failure(arrived);
  EXPECT_NE(arrived.body.find("token held-1"), std::string::npos) << arrived.body;

  ASSERT_TRUE(stack_.StopPostfix());
  CurlResult refused = SendSmtp(stack_, smtp, kShipperUser, stack_.password(kShipperUser),
                                ShipperMail(stack_, "down-1"));
  EXPECT_EQ(refused.code, CURLE_COULDNT_CONNECT) << Failure(refused);
  ASSERT_TRUE(stack_.StartPostfix());
  EXPECT_EQ(stack_.smtp_port(), smtp);
  CurlResult sent = SendSmtp(stack_, smtp, kShipperUser, stack_.password(kShipperUser),
                             ShipperMail(stack_, "up-1"));
  EXPECT_EQ(sent.code, CURLE_OK) << Failure(sent);
  CurlResult second = WaitForUid(stack_, kDaemonUser, 2);
  EXPECT_NE(second.body.find("token up-1"), std::string::npos) << Failure(second);
}

}  // namespace
}  // namespace flexmail::test
