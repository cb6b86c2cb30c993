// Builders for the email channel's records in the ledger tests: messages
// from an IMAP inbox, replies and polls, with bytes that a text-only path
// would damage (CRLF, NUL, 8-bit).
#pragma once

#include <gtest/gtest.h>

#include "db/sha256.h"
#include "tests/db/ledger_test_util.h"

namespace flexmail::testing {

using namespace std::string_literals;

// A raw message with CRLF line ends, a NUL and Latin-1 bytes.
inline std::string RawMessage(const std::string& tag) {
  return "Message-ID: <"s + tag + "@quimper.example>\r\n" +
         "Subject: Programme\r\n\r\nd\xe9" "claration\x00\xff\r\n"s + tag + "\r\n";
}

// The message at UID `key` of INBOX (UIDVALIDITY 7), ignored, without its
// declaration.
inline MessageRecord Message(const std::string& key, const std::string& tag, Instant at) {
  MessageRecord m;
  m.mailbox = "INBOX";
  m.validity = 7;
  m.mailbox_key = key;
  m.message_id = "<" + tag + "@quimper.example>";
  m.raw = RawMessage(tag);
  m.sha256 = Sha256Hex(m.raw);
  m.sender = "ops@quimper.example";
  m.subject = "Programme du 3 décembre";
  m.received_at = at;
  m.source = "imap";
  m.outcome = Outcome::kIgnored;
  m.reason = "unknown sender";
  m.folder = "Ignored";
  return m;
}

// A pending reply to declaration `declaration_id`, due at `at`.
inline OutboxItem ReplyItem(std::int64_t declaration_id, const std::string& tag, Instant at) {
  OutboxItem r;
  r.declaration_id = declaration_id;
  r.message_id = "<" + tag + "@flexmail.example>";
  r.from = "flexmail@grt.example";
  r.recipients = {"ops@quimper.example", "chef,@quimper.example"};
  r.raw = "From: flexmail@grt.example\r\nSubject: =?UTF-8?Q?R=C3=A9ponse?=\r\n\r\n"
          "r\xc3\xa9ponse "s + tag + "\r\n\x00\x80\xff\r\n"s;
  r.created_at = at;
  r.next_attempt_at = at;
  return r;
}

inline PollRecord Poll(Instant started, bool ok, int waiting = 0, int processed = 0) {
  PollRecord p;
  p.started_at = started;
  p.finished_at = started + std::chrono::milliseconds(1250);
  p.ok = ok;
  p.error = ok ? "" : "imap: connection refused";
  p.messages_waiting = waiting;
  p.messages_processed = processed;
  return p;
}

inline void ExpectSameMessage(const MessageRecord& got, const MessageRecord& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.mailbox, want.mailbox);
  EXPECT_EQ(got.validity, want.validity);
  EXPECT_EQ(got.mailbox_key, want.mailbox_key);
  EXPECT_EQ(got.message_id, want.message_id);
  EXPECT_EQ(got.sha256, want.sha256);
  EXPECT_EQ(got.sender, want.sender);
  EXPECT_EQ(got.subject, want.subject);
  EXPECT_EQ(got.received_at, want.received_at);
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.raw, want.raw);
  EXPECT_EQ(got.outcome, want.outcome);
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(got.folder, want.folder);
  EXPECT_EQ(got.declaration_id, want.declaration_id);
  EXPECT_EQ(got.duplicate_of, want.duplicate_of);
  EXPECT_EQ(got.declaration_key, want.declaration_key);
}

inline void ExpectSameReply(const OutboxItem& got, const OutboxItem& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.declaration_id, want.declaration_id);
  EXPECT_EQ(got.message_id, want.message_id);
  EXPECT_EQ(got.from, want.from);
  EXPECT_EQ(got.recipients, want.recipients);
  EXPECT_EQ(got.raw, want.raw);
  EXPECT_EQ(got.state, want.state);
  EXPECT_EQ(got.attempts, want.attempts);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.next_attempt_at, want.next_attempt_at);
  EXPECT_EQ(got.sent_at, want.sent_at);
  EXPECT_EQ(got.last_error, want.last_error);
  EXPECT_EQ(got.failed_at, want.failed_at);
}

inline void ExpectSamePoll(const PollRecord& got, const PollRecord& want) {
  EXPECT_EQ(got.started_at, want.started_at);
  EXPECT_EQ(got.finished_at, want.finished_at);
  EXPECT_EQ(got.ok, want.ok);
  EXPECT_EQ(got.error, want.error);
  EXPECT_EQ(got.messages_waiting, want.messages_waiting);
  EXPECT_EQ(got.messages_processed, want.messages_processed);
}

}  // namespace flexmail::testing
