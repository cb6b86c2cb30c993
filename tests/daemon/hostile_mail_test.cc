// Hostile mail must not fill the disk nor the memory: a 400 MB message
// through the Maildir and through `ingest`, and a thousand oversized or
// stranger messages, with the real binary and a real ledger.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <utime.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/daemon/testbed.h"

namespace flexmail {
namespace {

namespace fs = std::filesystem;
using testing::At;
using testing::FixedClock;
using testing::RunBinary;
using testing::RunCliIn;
using testing::Testbed;
using testing::kMaildirConfig;
using Json = nlohmann::json;

constexpr std::uint64_t kMiB = 1024 * 1024;
// The bound for the release binary. AddressSanitizer's shadow
// memory and quarantine add some 10 MB to any process; under it the bound
// only has to show the message was never read whole (which costs 400 MB).
#ifdef __SANITIZE_ADDRESS__
constexpr std::uint64_t kMemoryBound = 200 * 1024 * 1024;
#else
constexpr std::uint64_t kMemoryBound = 100 * 1024 * 1024;
#endif


std::string Header(const std::string& from, const std::string& id) {
  return "From: " + from + "\r\nTo: declarations@flexmail.example\r\n"
         "Subject: [Quimper] Previsions SFM\r\nMessage-ID: <" + id + ">\r\n"
         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
}

// Writes a message of about `bytes` into `path` a line at a time: the test
// itself never holds it.
void WriteMessage(const fs::path& path, const std::string& header, std::uint64_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out << header;
  const std::string line(998, 'A');
  for (std::uint64_t n = header.size(); n < bytes; n += line.size() + 2) out << line << "\r\n";
}

// Puts `file` into the bed's Maildir new/ as received at `received`.
void Deliver(const Testbed& bed, const fs::path& file, const std::string& name,
             const char* received) {
  const fs::path maildir = bed.dir() + "/Maildir";
  for (const char* sub : {"new", "cur", "tmp"}) fs::create_directories(maildir / sub);
  const auto secs =
      std::chrono::duration_cast<std::chrono::seconds>(At(received).time_since_epoch()).count();
  struct utimbuf times{secs, secs};
  utime(file.c_str(), &times);
  fs::rename(file, maildir / "new" / name);
}

std::uint64_t LedgerBytes(const Testbed& bed) {
  std::uint64_t n = 0;
  for (const char* suffix : {"", "-wal"}) {
    const fs::path p = bed.database() + suffix;
    if (fs::exists(p)) n += fs::file_size(p);
  }
  return n;
}

// The largest resident set of the children waited for so far, in bytes.
std::uint64_t ChildrenPeakRss() {
  struct rusage u {};
  getrusage(RUSAGE_CHILDREN, &u);
  return static_cast<std::uint64_t>(u.ru_maxrss) * 1024;
}

TEST(HostileMail, A400MegabyteMessageCostsNeitherMemoryNorLedger) {
  Testbed maildir_bed(kMaildirConfig), cli_bed(kMaildirConfig);
  const fs::path big = maildir_bed.dir() + "/big.eml";
  WriteMessage(big, Header("ops@engie.example", "huge@engie.example"), 400 * kMiB);
  // The ledgers exist, empty, before.
  ASSERT_EQ(RunBinary({"--config", maildir_bed.config(), "status"}).exit_code, 3);
  ASSERT_EQ(RunBinary({"--config", cli_bed.config(), "status"}).exit_code, 3);
  const std::uint64_t maildir_before = LedgerBytes(maildir_bed);
  const std::uint64_t cli_before = LedgerBytes(cli_bed);

  auto r = RunBinary({"--config", cli_bed.config(), "ingest", big.string(), "--received-at",
                      "2026-12-02T15:00:00", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["outcome"], "REJECTED");
  EXPECT_EQ(j["errors"][0]["code"], "MESSAGE_TOO_LARGE");
  EXPECT_LT(ChildrenPeakRss(), kMemoryBound);
  EXPECT_LT(LedgerBytes(cli_bed) - cli_before, kMiB);

  Deliver(maildir_bed, big, "1.huge", "2026-12-02T15:00:00");
  r = RunBinary({"--config", maildir_bed.config(), "run", "--once"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 rejected"), std::string::npos) << r.out;
  EXPECT_LT(ChildrenPeakRss(), kMemoryBound) << "peak of every run so far";
  EXPECT_LT(LedgerBytes(maildir_bed) - maildir_before, kMiB);
  EXPECT_EQ(std::distance(fs::directory_iterator(maildir_bed.dir() + "/Maildir/.Rejected/cur"),
                          fs::directory_iterator()),
            1);
}

// A thousand messages, half from strangers, half too large from a known
// shipper: the ledger keeps their header sections only, the strangers'
// within the day's cap, and grows by a bounded amount; copies are still
// recognised.
TEST(HostileMail, AThousandOversizedOrStrangerMessagesAddABoundedAmount) {
  Testbed bed(std::string(kMaildirConfig) +
              "[limits]\nmax_message_bytes = 100000\nmax_csv_bytes = 100000\n"
              "max_ignored_bytes_per_day = 20000\n");
  FixedClock clock;
  clock.now = At("2026-12-03T18:00:00");
  std::string out, err;
  ASSERT_EQ(RunCliIn(bed, clock, {"status"}, &out, &err), 3) << err;
  const std::uint64_t before = LedgerBytes(bed);
  const fs::path tmp = bed.dir() + "/tmp.eml";
  for (int i = 0; i < 1000; ++i) {
    const bool stranger = i % 2 == 0;
    const std::string id = std::to_string(i) + "@x.example";
    WriteMessage(tmp, Header(stranger ? "someone@stranger.example" : "ops@engie.example", id),
                 stranger ? 50000 : 150000);
    Deliver(bed, tmp, std::to_string(i) + ".m", "2026-12-03T10:00:00");
  }
  // Two copies: a stranger's and an oversized one, same bytes again.
  for (int i : {0, 1}) {
    WriteMessage(tmp, Header(i == 0 ? "someone@stranger.example" : "ops@engie.example",
                             std::to_string(i) + "@x.example"),
                 i == 0 ? 50000 : 150000);
    Deliver(bed, tmp, "copy" + std::to_string(i) + ".m", "2026-12-03T10:00:01");
  }
  ASSERT_EQ(RunCliIn(bed, clock, {"run", "--once"}, &out, &err), 0) << err;
  EXPECT_NE(out.find("1002 processed (0 integrated, 500 rejected, 502 ignored)"),
            std::string::npos)
      << out;
  // 100 MB received; kept: 1002 rows with header sections (within the cap
  // for strangers), and the 500 rejection replies to the shipper (about
  // 3 KB each, resultats.json included). Measured: 3.1 MB with the WAL.
  std::string sizes;
  testing::Shell("sqlite3 " + bed.database() +
                     " \"SELECT raw_kept, count(*), sum(length(raw)), sum(length(body_text)) "
                     "FROM messages GROUP BY 1; SELECT count(*), sum(length(raw)) FROM outbox\"",
                 &sizes);
  EXPECT_LT(LedgerBytes(bed) - before, 5 * kMiB) << sizes;
  ASSERT_EQ(RunCliIn(bed, clock, {"status", "--json"}, &out, &err), 0) << err << out;
  Json status = Json::parse(out)["ignoredToday"];
  EXPECT_EQ(status["messages"], 502);
  EXPECT_LE(status["keptBytes"].get<int>(), 20000);
  EXPECT_GT(status["keptNothing"].get<int>(), 0);
  EXPECT_EQ(status["capBytes"], 20000);
  // The copies were recognised as such.
  ASSERT_EQ(RunCliIn(bed, clock, {"report", "--gas-day", "2026-12-03", "--json"}, &out, &err), 0);
  EXPECT_EQ(Json::parse(out)["declarations"].size(), 500u);  // no rejection made twice
}

// The same, end to end: the reply names the cut name with BAD_FILE_NAME.
TEST(HostileMail, AnOverlongCsvNameIsABadFileName) {
  Testbed bed("[mail]\naddress = \"declarations@flexmail.example\"\n");
  const std::string name = "Export_DECLARATIONS_CCG-UPLOAD-20261203_" + std::string(1500, 'x');
  const fs::path eml = bed.dir() + "/long.eml";
  std::ofstream(eml, std::ios::binary)
      << "From: ops@engie.example\r\nTo: declarations@flexmail.example\r\n"
         "Subject: [Quimper] Previsions SFM\r\nMessage-ID: <long@engie.example>\r\n"
         "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
         "--b\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\""
      << name << ".csv\"\r\n\r\nx;y\r\n--b--\r\n";
  auto r = RunBinary({"--config", bed.config(), "ingest", eml.string(), "--received-at",
                      "2026-12-02T15:00:00", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j["outcome"], "REJECTED");
  ASSERT_FALSE(j["errors"].empty()) << j;
  EXPECT_EQ(j["errors"][0]["code"], "BAD_FILE_NAME") << j;
  EXPECT_NE(j["errors"][0]["message"].get<std::string>().find(name.substr(0, 60)),
            std::string::npos)
      << j;
}

}  // namespace
}  // namespace flexmail
