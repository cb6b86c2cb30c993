#include "mail/imap_parse.h"

#include <gtest/gtest.h>

namespace flexmail::imap {
namespace {

using U = std::vector<std::uint64_t>;

// STATUS answers give UIDVALIDITY, UIDNEXT and MESSAGES in any order.
TEST(ImapParseTest, Status) {
  MailboxStatus st;
  ASSERT_TRUE(ParseStatus("* STATUS INBOX (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 1795892185)\r\n", &st));
  EXPECT_EQ(st.uidvalidity, 1795892185u);
  EXPECT_EQ(st.uidnext, 4u);
  EXPECT_EQ(st.messages, 3u);
  EXPECT_FALSE(ParseStatus("* STATUS INBOX (MESSAGES 3)\r\n", &st));
  EXPECT_FALSE(ParseStatus("* STATUS INBOX (UIDVALIDITY x)\r\n", &st));
  EXPECT_FALSE(ParseStatus("", &st));
}

// SEARCH and ESEARCH answers give the same sorted UIDs; empty answers are fine.
TEST(ImapParseTest, Search) {
  U uids;
  ASSERT_TRUE(ParseSearch("* SEARCH 3 1 2\r\n", 100, &uids));
  EXPECT_EQ(uids, (U{1, 2, 3}));
  uids.clear();
  ASSERT_TRUE(ParseSearch("* ESEARCH (TAG \"A004\") UID ALL 1:3,7,9:10\r\n", 100, &uids));
  EXPECT_EQ(uids, (U{1, 2, 3, 7, 9, 10}));
  uids.clear();
  EXPECT_TRUE(ParseSearch("* SEARCH\r\n", 100, &uids));
  EXPECT_TRUE(ParseSearch("* ESEARCH (TAG \"A9\") UID\r\n", 100, &uids));
  EXPECT_TRUE(uids.empty());
  EXPECT_FALSE(ParseSearch("* 3 EXISTS\r\n", 100, &uids)) << "no SEARCH line at all";
  EXPECT_FALSE(ParseSearch("* SEARCH 1 x\r\n", 100, &uids));
  uids.clear();
  EXPECT_FALSE(ParseSearch("* ESEARCH (TAG \"A4\") UID ALL 1:4294967295\r\n", 1000, &uids))
      << "a hostile range must not expand";
  uids.clear();
  EXPECT_FALSE(ParseSearch("* SEARCH 1 2 3\r\n", 2, &uids));
}

// Sequence sets: ranges, reversed ranges, and refusals.
TEST(ImapParseTest, SequenceSet) {
  U uids;
  ASSERT_TRUE(ParseSequenceSet("5:3,9", 10, &uids));
  EXPECT_EQ(uids, (U{3, 4, 5, 9}));
  for (const char* bad : {"", "0", "1:*", "1,,2", "a", "4294967296", "1:2:3"}) {
    U none;
    EXPECT_FALSE(ParseSequenceSet(bad, 10, &none)) << bad;
  }
}

// Batches hold at most N UIDs and write runs as ranges.
TEST(ImapParseTest, SequenceSets) {
  EXPECT_EQ(SequenceSets({1, 2, 3, 7, 9, 10}, 50), std::vector<std::string>{"1:3,7,9:10"});
  EXPECT_EQ(SequenceSets({1, 2, 3, 4, 5}, 2), (std::vector<std::string>{"1:2", "3:4", "5"}));
  EXPECT_TRUE(SequenceSets({}, 50).empty());
}

// INTERNALDATE is read with its offset and kept in UTC to the second.
TEST(ImapParseTest, InternalDate) {
  Instant t;
  ASSERT_TRUE(ParseInternalDate("03-Mar-2026 09:15:00 +0100", &t));
  EXPECT_EQ(FormatUtcIso(t), "2026-03-03T08:15:00.000Z");
  ASSERT_TRUE(ParseInternalDate(" 3-Mar-2026 08:15:00 +0000", &t));
  EXPECT_EQ(FormatUtcIso(t), "2026-03-03T08:15:00.000Z");
  ASSERT_TRUE(ParseInternalDate("31-Dec-2025 23:59:59 -0500", &t));
  EXPECT_EQ(FormatUtcIso(t), "2026-01-01T04:59:59.000Z");
  for (const char* bad : {"", "2026-03-03 09:15:00 +0100", "03-Foo-2026 09:15:00 +0100",
                          "03-Mar-2026 09:15:00", "03-Mar-2026 09:15:00 +0100 x",
                          // a sign without digits: date::parse negated an unset offset
                          "03-Mar-2026 09:15:00 -", "1-Dec-2012 23:59:59 -0 +0000",
                          "03-Mar-2026 9:15:00 +0100"}) {
    EXPECT_FALSE(ParseInternalDate(bad, &t)) << bad;
  }
}

// FETCH lines give UID, INTERNALDATE and size whatever their order and extra items.
TEST(ImapParseTest, FetchMeta) {
  FetchMeta m;
  ASSERT_TRUE(ParseFetchMeta(
      "* 2 FETCH (UID 7 INTERNALDATE \"02-Mar-2026 09:00:00 +0000\" RFC822.SIZE 23)", &m));
  EXPECT_EQ(m.uid, 7u);
  EXPECT_EQ(m.size, 23u);
  EXPECT_EQ(FormatUtcIso(m.internal_date), "2026-03-02T09:00:00.000Z");
  ASSERT_TRUE(ParseFetchMeta("* 1 FETCH (FLAGS (\\Seen \\Recent) RFC822.SIZE 5 "
                             "INTERNALDATE \" 1-Mar-2026 10:00:00 +0100\" UID 1)", &m));
  EXPECT_EQ(m.uid, 1u);
  EXPECT_EQ(m.size, 5u);
  EXPECT_FALSE(ParseFetchMeta("* 1 FETCH (FLAGS (\\Seen))", &m)) << "unsolicited flags";
  EXPECT_FALSE(ParseFetchMeta("* 1 FETCH (UID 1 RFC822.SIZE 5)", &m));
  EXPECT_FALSE(ParseFetchMeta("* 1 EXPUNGE", &m));
  EXPECT_FALSE(ParseFetchMeta("* 1 FETCH (UID 0 INTERNALDATE \"01-Mar-2026 10:00:00 +0100\" "
                              "RFC822.SIZE 5)", &m));
}

// Capabilities come from the last CAPABILITY line, upper-cased.
TEST(ImapParseTest, Capabilities) {
  EXPECT_EQ(ParseCapabilities("* CAPABILITY IMAP4rev1 UIDPLUS Move\r\n"),
            (std::vector<std::string>{"IMAP4REV1", "UIDPLUS", "MOVE"}));
  EXPECT_TRUE(ParseCapabilities("* OK hello\r\n").empty());
}

// LIST names may be atoms or quoted strings.
TEST(ImapParseTest, ListNames) {
  EXPECT_EQ(ParseListNames("* LIST (\\HasNoChildren) \".\" INBOX\r\n"
                           "* LIST (\\HasNoChildren) \".\" \"Two Words\"\r\n"
                           "* LIST (\\Noselect) NIL Processed\r\n"),
            (std::vector<std::string>{"INBOX", "Two Words", "Processed"}));
}

// COPYUID proves a move only for the UIDs in its source set.
TEST(ImapParseTest, CopyUid) {
  EXPECT_TRUE(CopyUidCovers("* OK [COPYUID 1795892186 1 1] Moved UIDs.", 1));
  EXPECT_TRUE(CopyUidCovers("A5 OK [COPYUID 38505 304,319:320 3956:3958] Done", 319));
  EXPECT_FALSE(CopyUidCovers("A5 OK [COPYUID 38505 304,319:320 3956:3958] Done", 305));
  EXPECT_FALSE(CopyUidCovers("A004 OK No messages found (0.001 + 0.000 secs).", 1));
}

// Response codes, tags and mailbox arguments.
TEST(ImapParseTest, SmallPieces) {
  EXPECT_TRUE(HasResponseCode("A2 NO [UNAVAILABLE] try later", "UNAVAILABLE"));
  EXPECT_TRUE(HasResponseCode("A2 NO [BADCHARSET UTF-8] x", "BADCHARSET"));
  EXPECT_FALSE(HasResponseCode("A2 NO [UNAVAILABLEX] x", "UNAVAILABLE"));
  EXPECT_EQ(WithoutTag("A004 NO [TRYCREATE] Mailbox doesn't exist"),
            "NO [TRYCREATE] Mailbox doesn't exist");
  EXPECT_EQ(WithoutTag("* BYE Logging out"), "* BYE Logging out");
  EXPECT_EQ(MailboxArgument("Processed"), "Processed");
  EXPECT_EQ(MailboxArgument("Two Words"), "\"Two Words\"");
  EXPECT_TRUE(IsPlainMailboxName("Archive.Processed"));
  for (const char* bad : {"", "a\"b", "a\\b", "caf\xC3\xA9", "A&B", "x*", "x%", "a\r\nb"}) {
    EXPECT_FALSE(IsPlainMailboxName(bad)) << bad;
  }
}

}  // namespace
}  // namespace flexmail::imap
