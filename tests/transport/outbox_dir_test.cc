#include "mail/outbox_dir.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/transport/transport_test_util.h"

namespace flexmail {
namespace {

namespace fs = std::filesystem;
using test::Names;
using test::ReadFile;
using test::TempDir;
using test::WriteFile;

const std::string kRaw = "From: <declarations@example.test>\r\nSubject: re\r\n\r\nok\r\n";

// Each message becomes its own complete .eml file and no temporary file is left.
TEST(DirectorySenderTest, WritesEachMessageAtomically) {
  TempDir dir;
  DirectorySender sender(dir.path());
  SendResult a = sender.Send("declarations@example.test", {"ops@example.test"}, kRaw);
  SendResult b = sender.Send("declarations@example.test", {"ops@example.test"}, kRaw + "x");
  ASSERT_EQ(a.outcome, SendOutcome::kSent) << a.detail;
  ASSERT_EQ(b.outcome, SendOutcome::kSent) << b.detail;
  const std::vector<std::string> names = Names(dir.path());
  ASSERT_EQ(names.size(), 2u);
  for (const std::string& n : names) {
    EXPECT_TRUE(n.ends_with(".eml")) << n;
    EXPECT_FALSE(n.starts_with(".")) << n;
  }
  EXPECT_EQ(ReadFile(dir.path() / names[0]).substr(0, kRaw.size()), kRaw);
  EXPECT_EQ(a.detail.rfind("written to " + dir.path().string() + "/", 0), 0u) << a.detail;
}

// A reply written twice under its own name is one file holding the last version.
TEST(DirectorySenderTest, SameBaseNameOverwrites) {
  TempDir dir;
  DirectorySender sender(dir.path());
  const std::string name = DirectorySender::BaseNameFor("<reply-1@flexmail.example.test>");
  ASSERT_EQ(sender.SendAs(name, kRaw).outcome, SendOutcome::kSent);
  ASSERT_EQ(sender.SendAs(name, "second\r\n").outcome, SendOutcome::kSent);
  EXPECT_EQ(Names(dir.path()), std::vector<std::string>{"reply-1@flexmail.example.test.eml"});
  EXPECT_EQ(ReadFile(dir.path() / "reply-1@flexmail.example.test.eml"), "second\r\n");
}

// A message sent twice (a retry after a crash) stays one file, named after
// its Message-ID.
TEST(DirectorySenderTest, SendByMessageIdIsIdempotent) {
  TempDir dir;
  DirectorySender sender(dir.path());
  const std::string raw =
      "From: <declarations@example.test>\r\nMessage-ID: <declaration-7.flexmail@example.test>"
      "\r\n\r\nok\r\n";
  ASSERT_EQ(sender.Send("", {"ops@example.test"}, raw).outcome, SendOutcome::kSent);
  ASSERT_EQ(sender.Send("", {"ops@example.test"}, raw).outcome, SendOutcome::kSent);
  EXPECT_EQ(Names(dir.path()),
            std::vector<std::string>{"declaration-7.flexmail@example.test.eml"});
  EXPECT_EQ(ReadFile(dir.path() / "declaration-7.flexmail@example.test.eml"), raw);
}

// Message-IDs become plain file names: no directory, no hidden file, bounded.
TEST(DirectorySenderTest, BaseNameFor) {
  EXPECT_EQ(DirectorySender::BaseNameFor("<abc.1@example.test>"), "abc.1@example.test");
  EXPECT_EQ(DirectorySender::BaseNameFor("<../../etc/passwd>"), "_.._etc_passwd");
  EXPECT_EQ(DirectorySender::BaseNameFor("<a b\r\n\"c\">"), "a_b___c_");
  EXPECT_EQ(DirectorySender::BaseNameFor("..."), "");
  EXPECT_EQ(DirectorySender::BaseNameFor(std::string(400, 'x')).size(), 150u);
}

// Names that are not plain file names are refused for good.
TEST(DirectorySenderTest, RefusesUnsafeBaseNames) {
  TempDir dir;
  DirectorySender sender(dir.path());
  for (const char* bad : {"", ".hidden", "../escape", "a/b", "sp ace"}) {
    SendResult r = sender.SendAs(bad, kRaw);
    EXPECT_EQ(r.outcome, SendOutcome::kPermanent) << bad;
  }
  EXPECT_TRUE(Names(dir.path()).empty());
}

// A missing outbox directory is a transient failure that names it and the reason.
TEST(DirectorySenderTest, MissingDirectoryIsTransient) {
  TempDir dir;
  DirectorySender sender(dir.path() / "absent");
  SendResult r = sender.SendAs("r1", kRaw);
  EXPECT_EQ(r.outcome, SendOutcome::kTransient);
  EXPECT_EQ(r.detail, "cannot write " + (dir.path() / "absent").string() + "/.tmp-r1." +
                          std::to_string(::getpid()) + ": No such file or directory");
}

// A file where the directory should be is a transient failure too (root ignores
// permission bits, so this is how the tests make the outbox unwritable).
TEST(DirectorySenderTest, UnwritableDirectoryIsTransient) {
  TempDir dir;
  WriteFile(dir.path() / "plainfile", "x");
  DirectorySender sender(dir.path() / "plainfile");
  SendResult r = sender.Send("", {"ops@example.test"}, kRaw);
  EXPECT_EQ(r.outcome, SendOutcome::kTransient);
  EXPECT_TRUE(r.detail.ends_with(": Not a directory")) << r.detail;
  EXPECT_EQ(Names(dir.path()), std::vector<std::string>{"plainfile"});
}

}  // namespace
}  // namespace flexmail
