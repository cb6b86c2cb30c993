#include "mail/maildir.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/transport/transport_test_util.h"

namespace flexmail {
namespace {

namespace fs = std::filesystem;
using test::Names;
using test::ReadFile;
using test::SetMtime;
using test::TempDir;
using test::WriteFile;

constexpr std::int64_t kT0 = 1772528400;  // 2026-03-03 09:00:00 UTC

class MaildirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(root() / sub);
  }
  fs::path root() const { return tmp_.path() / "Maildir"; }
  // A message file in new/ or cur/ with the given mtime.
  void Put(const std::string& sub, const std::string& file, const std::string& data,
           std::int64_t mtime, int millis = 0) {
    WriteFile(root() / sub / file, data);
    SetMtime(root() / sub / file, mtime, millis);
  }
  Status OpenIt(MaildirMailbox* box) {
    std::uint64_t validity = 99;
    Status s = box->Open(&validity);
    EXPECT_EQ(validity, 0u);
    return s;
  }
  // Opens and lists; a failure of either fails the test (and lists nothing).
  std::vector<MailboxEntry> OpenAndList(MaildirMailbox* box) {
    std::vector<MailboxEntry> list;
    Status s = OpenIt(box);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (s.ok()) s = box->List(&list);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return list;
  }

  TempDir tmp_;
};

// Messages come out by mtime, then by name; dot files and folders are not messages.
TEST_F(MaildirTest, ListsNewAndCurByMtimeThenName) {
  Put("new", "b.host", "B", kT0 + 60);
  Put("new", "a.host", "A", kT0 + 60);
  Put("cur", "c.host:2,S", "CC", kT0, 250);
  Put("new", ".hidden", "H", kT0 - 100);
  fs::create_directories(root() / "new" / "sub");
  MaildirMailbox box(root());
  std::vector<MailboxEntry> list = OpenAndList(&box);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].key, "c.host");
  EXPECT_EQ(list[0].order, 2u);
  EXPECT_EQ(list[0].size, 2u);
  EXPECT_EQ(FormatUtcIso(list[0].received_at), "2026-03-03T09:00:00.250Z");
  EXPECT_EQ(list[1].key, "a.host");
  EXPECT_EQ(list[1].order, 0u);
  EXPECT_EQ(list[2].key, "b.host");
  EXPECT_EQ(list[2].order, 1u);
  EXPECT_EQ(FormatUtcIso(list[2].received_at), "2026-03-03T09:01:00.000Z");
}

// The name is the absolute path, the same with or without a trailing slash.
TEST_F(MaildirTest, NameIsTheAbsolutePath) {
  EXPECT_EQ(MaildirMailbox(root()).name(), "maildir:" + root().string());
  EXPECT_EQ(MaildirMailbox(root().string() + "/").name(), "maildir:" + root().string());
}

// Open creates the three Maildir++ folders and refuses a directory that is not a Maildir.
TEST_F(MaildirTest, OpenCreatesFoldersOrRefuses) {
  MaildirMailbox box(root());
  ASSERT_TRUE(OpenIt(&box).ok());
  for (const char* folder : {".Processed", ".Rejected", ".Ignored"}) {
    EXPECT_EQ(Names(root() / folder),
              (std::vector<std::string>{"cur", "maildirfolder", "new", "tmp"}))
        << folder;
  }
  ASSERT_TRUE(OpenIt(&box).ok()) << "a second Open finds the folders in place";
  fs::remove(root() / "tmp");
  std::uint64_t v = 0;
  Status s = box.Open(&v);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_EQ(s.message(), "maildir:" + root().string() + " is not a Maildir: no tmp/ directory");
}

// Each folder receives its message, keeping the file name; the waiting set empties.
TEST_F(MaildirTest, FilesIntoTheThreeFolders) {
  Put("new", "1.p", "one", kT0);
  Put("new", "2.r", "two", kT0 + 1);
  Put("cur", "3.i:2,S", "three", kT0 + 2);
  MaildirMailbox box(root());
  std::vector<MailboxEntry> list = OpenAndList(&box);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_TRUE(box.File(list[0], Folder::kProcessed).ok());
  EXPECT_TRUE(box.File(list[1], Folder::kRejected).ok());
  EXPECT_TRUE(box.File(list[2], Folder::kIgnored).ok());
  EXPECT_EQ(ReadFile(root() / ".Processed/cur/1.p"), "one");
  EXPECT_EQ(ReadFile(root() / ".Rejected/cur/2.r"), "two");
  EXPECT_EQ(ReadFile(root() / ".Ignored/cur/3.i:2,S"), "three");
  ASSERT_TRUE(box.List(&list).ok());
  EXPECT_TRUE(list.empty());
}

// Filing a message already filed (or never there) succeeds and changes nothing.
TEST_F(MaildirTest, FilingIsIdempotent) {
  Put("new", "1.x", "one", kT0);
  MaildirMailbox box(root());
  std::vector<MailboxEntry> list = OpenAndList(&box);
  ASSERT_EQ(list.size(), 1u);
  ASSERT_TRUE(box.File(list[0], Folder::kProcessed).ok());
  Status again = box.File(list[0], Folder::kRejected);
  EXPECT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(Names(root() / ".Processed/cur"), std::vector<std::string>{"1.x"});
  EXPECT_TRUE(Names(root() / ".Rejected/cur").empty());
  MailboxEntry never{"never.there", 0, {}, 0};
  EXPECT_TRUE(box.File(never, Folder::kProcessed).ok());
}

// A message over the limit is refused; one at the limit is read byte for byte.
TEST_F(MaildirTest, FetchRefusesOversize) {
  const std::string data = "Subject: x\r\n\r\n" + std::string(86, 'y');
  ASSERT_EQ(data.size(), 100u);
  Put("new", "big", data, kT0);
  MaildirMailbox box(root());
  std::vector<MailboxEntry> list = OpenAndList(&box);
  ASSERT_EQ(list.size(), 1u);
  std::string raw = "untouched";
  Status s = box.Fetch(list[0], 99, &raw);
  EXPECT_EQ(s.kind(), Status::Kind::kInvalidInput);
  EXPECT_EQ(s.message(), (root() / "new/big").string() + " is larger than 99 bytes");
  EXPECT_EQ(raw, "untouched");
  ASSERT_TRUE(box.Fetch(list[0], 100, &raw).ok());
  EXPECT_EQ(raw, data);
}

// Of an oversized message only the header section is read, up to its blank line.
TEST_F(MaildirTest, FetchHeadersReadsTheHeaderSectionOnly) {
  const std::string data = "Subject: x\r\nFrom: <a@b.example>\r\n\r\n" + std::string(5000, 'y');
  Put("new", "big", data, kT0);
  MaildirMailbox box(root());
  std::vector<MailboxEntry> list = OpenAndList(&box);
  ASSERT_EQ(list.size(), 1u);
  std::string raw;
  ASSERT_TRUE(box.FetchHeaders(list[0], 1000, &raw).ok());
  EXPECT_EQ(raw, "Subject: x\r\nFrom: <a@b.example>\r\n\r\n");
}

// A symbolic link in new/ is listed but never read through; it can be filed away.
TEST_F(MaildirTest, FetchRefusesSymlink) {
  WriteFile(tmp_.path() / "secret", "not for mail");
  fs::create_symlink(tmp_.path() / "secret", root() / "new" / "evil");
  MaildirMailbox box(root());
  std::vector<MailboxEntry> list = OpenAndList(&box);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].key, "evil");
  std::string raw;
  Status s = box.Fetch(list[0], 1 << 20, &raw);
  EXPECT_EQ(s.kind(), Status::Kind::kPermanent);
  EXPECT_EQ(s.message(), (root() / "new/evil").string() + " is a symbolic link; not followed");
  EXPECT_TRUE(raw.empty());
  ASSERT_TRUE(box.File(list[0], Folder::kRejected).ok());
  EXPECT_TRUE(fs::is_symlink(root() / ".Rejected/cur/evil"));
  EXPECT_EQ(ReadFile(tmp_.path() / "secret"), "not for mail");
}

// A cur/ file's key drops the ":2,S" info; fetching and filing find it by that key.
TEST_F(MaildirTest, CurFilesWithInfo) {
  Put("cur", "1772528400.M1P2.host:2,S", "seen", kT0);
  MaildirMailbox box(root());
  std::vector<MailboxEntry> list = OpenAndList(&box);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].key, "1772528400.M1P2.host");
  std::string raw;
  ASSERT_TRUE(box.Fetch(list[0], 100, &raw).ok());
  EXPECT_EQ(raw, "seen");
  ASSERT_TRUE(box.File(list[0], Folder::kProcessed).ok());
  EXPECT_EQ(Names(root() / ".Processed/cur"),
            std::vector<std::string>{"1772528400.M1P2.host:2,S"});
}

// A message a mail reader moved from new/ to cur/ after List is still found by its key.
TEST_F(MaildirTest, FindsAMessageMovedToCurAfterList) {
  Put("new", "m1", "moved", kT0);
  MaildirMailbox box(root());
  std::vector<MailboxEntry> list = OpenAndList(&box);
  ASSERT_EQ(list.size(), 1u);
  fs::rename(root() / "new/m1", root() / "cur/m1:2,S");
  std::string raw;
  ASSERT_TRUE(box.Fetch(list[0], 100, &raw).ok());
  EXPECT_EQ(raw, "moved");
  ASSERT_TRUE(box.File(list[0], Folder::kProcessed).ok());
  EXPECT_EQ(Names(root() / ".Processed/cur"), std::vector<std::string>{"m1:2,S"});
}

// A message gone before Fetch is reported as not found.
TEST_F(MaildirTest, FetchOfAVanishedMessageIsNotFound) {
  Put("new", "gone", "x", kT0);
  MaildirMailbox box(root());
  std::vector<MailboxEntry> list = OpenAndList(&box);
  ASSERT_EQ(list.size(), 1u);
  fs::remove(root() / "new/gone");
  std::string raw;
  EXPECT_EQ(box.Fetch(list.at(0), 100, &raw).kind(), Status::Kind::kNotFound);
}

}  // namespace
}  // namespace flexmail
