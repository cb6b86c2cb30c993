// The "authentication-results" method: which field is believed, what it must
// say, RFC 8601 syntax, Microsoft 365's form, and hostile headers.
#include "mail/auth_results.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <random>
#include <sstream>
#include <string>

#include "mail/auth_results_parse.h"

namespace flexmail {
namespace {

constexpr std::string_view kOurs = "mx.operator.example";
constexpr std::string_view kFrom = "ops@engie.example";
const std::string kRest =
    "From: Ops <ops@engie.example>\nTo: declarations@flexmail.example\nSubject: J\n\nbody\n";

std::string ReadFixture(const std::string& name) {
  const char* src = std::getenv("FLEXMAIL_SOURCE_DIR");
  std::string path = std::string(src != nullptr && *src ? src : FLEXMAIL_SOURCE_DIR_DEFAULT) +
                     "/tests/auth/fixtures/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string ToCrlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

// Runs the check and the < 1 s guard every hostile input must meet.
AuthVerdict CheckTimed(const std::string& raw, std::string_view id, std::string_view from) {
  auto start = std::chrono::steady_clock::now();
  AuthVerdict v = CheckAuthenticationResults(raw, id, from);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(v.method, "authentication-results");
  return v;
}

struct Case {
  const char* name;
  std::string fields;  // header fields above kRest, LF line ends
  std::string_view authserv_id;
  std::string_view from;
  AuthResult want;
  const char* detail_has;  // a part of the expected detail
};

const std::string kPass = "Authentication-Results: mx.operator.example; dmarc=pass (p=reject dis=none) "
                          "header.from=engie.example\n";
const std::string kFailField = "Authentication-Results: mx.operator.example; dmarc=fail (p=reject dis=reject) "
                               "header.from=engie.example\n";
const std::string kMs = "Authentication-Results: spf=pass (sender IP is 192.0.2.25)\n"
                        " smtp.mailfrom=engie.example; dkim=pass (signature was verified)\n"
                        " header.d=engie.example;dmarc=pass action=none\n"
                        " header.from=engie.example;compauth=pass reason=100\n";
constexpr std::string_view kMsId = kMicrosoft365AuthservId;
constexpr AuthResult P = AuthResult::kPass, F = AuthResult::kFail, T = AuthResult::kTempError;

const Case kCases[] = {
    // Which field counts.
    {"GenuinePass", kPass, kOurs, kFrom, P, "dmarc=pass header.from=engie.example (mx.operator.example)"},
    {"DmarcFail", kFailField, kOurs, kFrom, F, "dmarc=fail header.from=engie.example"},
    {"DmarcNone",
     "Authentication-Results: mx.operator.example; dmarc=none (p=none dis=none) header.from=engie.example\n",
     kOurs, kFrom, F, "dmarc=none"},
    {"DmarcTempError", "Authentication-Results: mx.operator.example; dmarc=temperror header.from=engie.example\n",
     kOurs, kFrom, T, "dmarc=temperror"},
    {"DmarcPermError", "Authentication-Results: mx.operator.example; dmarc=permerror header.from=engie.example\n",
     kOurs, kFrom, F, "dmarc=permerror"},
    {"HeaderFromOtherDomain",
     "Authentication-Results: mx.operator.example; dmarc=pass header.from=evil.example\n", kOurs, kFrom, F,
     "pas le domaine du From, engie.example"},
    {"HeaderFromSubdomain",
     "Authentication-Results: mx.operator.example; dmarc=pass header.from=mail.engie.example\n", kOurs, kFrom,
     F, "header.from=mail.engie.example"},
    {"HeaderFromParentDomain", kPass, kOurs, "ops@mail.engie.example", F, "pas le domaine du From"},
    {"ForgedLowerCopyOfOursIgnored", kFailField + kPass, kOurs, kFrom, F, "dmarc=fail"},
    {"OtherAuthservIdOnlyIsNotOurs",
     "Authentication-Results: mx.evil.example; dmarc=pass header.from=engie.example\n", kOurs, kFrom, F,
     "aucun champ Authentication-Results de mx.operator.example"},
    {"OtherAuthservIdAboveOursIgnored",
     "Authentication-Results: mx.evil.example; dmarc=fail header.from=engie.example\n" + kPass, kOurs, kFrom,
     P, "dmarc=pass"},
    {"FirstOfOursWins", kPass + kFailField, kOurs, kFrom, P, "dmarc=pass"},
    {"AuthservIdIsNotAPrefixMatch",
     "Authentication-Results: mx.operator.example.evil.example; dmarc=pass header.from=engie.example\n"
     "Authentication-Results: evil-mx.operator.example; dmarc=pass header.from=engie.example\n",
     kOurs, kFrom, F, "aucun champ"},
    {"AuthservIdWithJobIdIsNotOurs",
     "Authentication-Results: mx.operator.example/4Q1bC22hZxz9sTl; dmarc=pass header.from=engie.example\n",
     kOurs, kFrom, F, "aucun champ"},
    {"MicrosoftFormIsNotOurs", kMs, kOurs, kFrom, F, "aucun champ"},
    {"ArcAuthenticationResultsIsNotIt",
     "ARC-Authentication-Results: i=1; mx.operator.example; dmarc=pass header.from=engie.example\n", kOurs,
     kFrom, F, "aucun champ"},
    {"FieldInBodyNotRead", "X-A: b\n\nAuthentication-Results: mx.operator.example; dmarc=pass "
                           "header.from=engie.example\n",
     kOurs, kFrom, F, "aucun champ"},
    {"EmptyHeaderSection", "\n", kOurs, kFrom, F, "aucun champ"},
    // What the field must say.
    {"NoneResult", "Authentication-Results: mx.operator.example 1; none\n", kOurs, kFrom, F,
     "aucun résultat dmarc"},
    {"DkimOnlyOnTop",
     "Authentication-Results: mx.operator.example; dkim=pass header.d=engie.example\n" + kPass, kOurs, kFrom,
     F, "aucun résultat dmarc"},
    {"TwoDmarcResults",
     "Authentication-Results: mx.operator.example; dmarc=fail header.from=evil.example; dmarc=pass "
     "header.from=engie.example\n",
     kOurs, kFrom, F, "plusieurs résultats dmarc"},
    {"PassWithoutHeaderFrom", "Authentication-Results: mx.operator.example; dmarc=pass\n", kOurs, kFrom, F,
     "sans header.from unique"},
    {"PassWithTwoHeaderFrom",
     "Authentication-Results: mx.operator.example; dmarc=pass header.from=engie.example "
     "header.from=evil.example\n",
     kOurs, kFrom, F, "sans header.from unique"},
    {"PassInsideCommentIsAComment",
     "Authentication-Results: mx.operator.example; dmarc=fail (x; dmarc=pass header.from=engie.example) "
     "header.from=engie.example\n",
     kOurs, kFrom, F, "dmarc=fail"},
    {"UnparsableTopmostOfOurs", "Authentication-Results: mx.operator.example; dmarc\n" + kPass, kOurs, kFrom, F,
     "illisible"},
    {"UnreadableFieldAboveOurs", "Authentication-Results: (unclosed mx.evil.example; x=y\n" + kPass, kOurs,
     kFrom, F, "commentaire non fermé"},
    {"UnknownVersion", "Authentication-Results: mx.operator.example 2; dmarc=pass header.from=engie.example\n",
     kOurs, kFrom, F, "version 2 inconnue"},
    {"NoSemicolonAfterId", "Authentication-Results: mx.operator.example dmarc=pass header.from=engie.example\n",
     kOurs, kFrom, F, "illisible"},
    {"FromWithoutDomain", kPass, kOurs, "ops", F, "adresse From sans domaine"},
    {"NoAuthservIdConfigured", kPass, "", kFrom, F, "non configuré"},
    // RFC 8601 syntax.
    {"VersionNumber", "Authentication-Results: mx.operator.example 1; dmarc=pass header.from=engie.example\n",
     kOurs, kFrom, P, "dmarc=pass"},
    {"CommentsAndFoldingEverywhere",
     "Authentication-Results: (ours (really)) mx.operator.example (id)\n"
     "\t1 (version) ; (a) dkim (m) = (r) pass\n"
     "  (2048-bit key; unprotected) header.d=engie.example ;\n"
     "\tdmarc (m) = (r) pass (p=reject\n"
     "\t dis=none) reason = \"all good\" header (a) . (b) from (c) = (d) engie.example (e) ;\n",
     kOurs, kFrom, P, "dmarc=pass"},
    {"QuotedValues",
     "Authentication-Results: \"mx.operator.example\"; dmarc=pass header.from=\"engie.example\"\n", kOurs,
     kFrom, P, "dmarc=pass"},
    {"QuotedStringWithEscapes",
     "Authentication-Results: mx.operator.example; dmarc=pass reason=\"a \\\"b\\\" (c); d\" "
     "header.from=engie.example\n",
     kOurs, kFrom, P, "dmarc=pass"},
    {"Uppercase", "AUTHENTICATION-RESULTS: MX.Operator.EXAMPLE; DMARC=PASS HEADER.FROM=ENGIE.Example\n", kOurs,
     "Ops@Engie.EXAMPLE", P, "header.from=engie.example"},
    {"ConfiguredIdUppercaseAndTrailingDot", kPass, "MX.OPERATOR.EXAMPLE.", kFrom, P, "dmarc=pass"},
    {"MethodVersion", "Authentication-Results: mx.operator.example; dmarc/1=pass header.from=engie.example\n",
     kOurs, kFrom, P, "dmarc=pass"},
    {"PolicyPropertiesAndTrailingSemicolons",
     "Authentication-Results: mx.operator.example; spf=pass smtp.mailfrom=ops@engie.example;; "
     "dmarc=pass policy.dmarc=reject header.from=engie.example;\n",
     kOurs, kFrom, P, "dmarc=pass"},
    {"NoBlankAroundSemicolons",
     "Authentication-Results:mx.operator.example;spf=pass smtp.mailfrom=engie.example;dmarc=pass "
     "header.from=engie.example\n",
     kOurs, kFrom, P, "dmarc=pass"},
    {"ObsoleteBlankBeforeColon",
     "Authentication-Results : mx.operator.example; dmarc=pass header.from=engie.example\n", kOurs, kFrom, P,
     "dmarc=pass"},
    {"ControlCharacterInOurs",
     std::string("Authentication-Results: mx.operator.example; dmarc=pass\x01 header.from=engie.example\n"),
     kOurs, kFrom, F, "caractère de contrôle"},
    // Microsoft 365.
    {"MicrosoftPass", kMs, kMsId, kFrom, P, "dmarc=pass header.from=engie.example compauth=pass (microsoft365)"},
    {"MicrosoftIdUppercase", kMs, "Microsoft365", kFrom, P, "dmarc=pass"},
    {"MicrosoftCompauthFail",
     "Authentication-Results: spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=engie.example; dkim=pass\n"
     " (signature was verified) header.d=engie.example;dmarc=pass action=none\n"
     " header.from=engie.example;compauth=fail reason=601\n",
     kMsId, kFrom, F, "compauth=fail reason=601"},
    {"MicrosoftCompauthSoftfail",
     "Authentication-Results: dmarc=pass action=none header.from=engie.example;compauth=softfail reason=201\n",
     kMsId, kFrom, F, "compauth=softfail"},
    {"MicrosoftCompauthNone",
     "Authentication-Results: dmarc=pass action=none header.from=engie.example;compauth=none reason=905\n",
     kMsId, kFrom, F, "compauth=none"},
    {"MicrosoftWithoutCompauth", "Authentication-Results: dmarc=pass action=none header.from=engie.example\n",
     kMsId, kFrom, P, "dmarc=pass header.from=engie.example (microsoft365)"},
    {"MicrosoftBestGuessPass",
     "Authentication-Results: spf=pass (sender IP is 192.0.2.25) smtp.mailfrom=engie.example; dkim=none\n"
     " (message not signed) header.d=none;dmarc=bestguesspass action=none\n"
     " header.from=engie.example;compauth=pass reason=109\n",
     kMsId, kFrom, F, "dmarc=bestguesspass"},
    {"MicrosoftFailAboveSpoofedIdPass",
     "Authentication-Results: dmarc=fail action=oreject header.from=engie.example;compauth=fail reason=000\n"
     "Authentication-Results: mx.operator.example; dmarc=pass header.from=engie.example\n",
     kMsId, kFrom, F, "dmarc=fail"},
    {"MicrosoftPassAboveSpoofedIdFail", kMs + kFailField, kMsId, kFrom, P, "dmarc=pass"},
    {"MicrosoftSpoofedIdAboveIgnored",
     "Authentication-Results: mx.evil.example; dmarc=pass header.from=engie.example\n"
     "Authentication-Results: dmarc=fail action=none header.from=engie.example;compauth=fail reason=000\n",
     kMsId, kFrom, F, "dmarc=fail"},
    {"MicrosoftOnlySpoofedIdFields", kPass, kMsId, kFrom, F, "aucun champ Authentication-Results de microsoft365"},
    {"MicrosoftLowerCopyIgnored",
     "Authentication-Results: dmarc=none action=none header.from=engie.example;compauth=fail reason=001\n" + kMs,
     kMsId, kFrom, F, "dmarc=none"},
};

// Test listings and failures name the case, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class AuthResultsTable : public ::testing::TestWithParam<Case> {};

TEST_P(AuthResultsTable, Verdict) {
  const Case& c = GetParam();
  for (const std::string& raw : {c.fields + kRest, ToCrlf(c.fields + kRest)}) {
    AuthVerdict v = CheckTimed(raw, c.authserv_id, c.from);
    EXPECT_EQ(AuthResultName(v.result), AuthResultName(c.want)) << v.detail;
    EXPECT_NE(v.detail.find(c.detail_has), std::string::npos) << v.detail;
  }
}

INSTANTIATE_TEST_SUITE_P(AuthResults, AuthResultsTable, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

// Messages in the layouts of the real programs (fixtures/README.md).
struct FixtureCase {
  const char* name;
  const char* file;
  std::string_view authserv_id;
  AuthResult want;
  const char* detail_has;
};

const FixtureCase kFixtures[] = {
    {"OpenDmarcPass", "postfix-opendkim-opendmarc.eml", kOurs, P,
     "dmarc=pass header.from=engie.example (mx.operator.example)"},
    {"OpenDmarcOtherAuthservId", "postfix-opendkim-opendmarc.eml", "mx2.operator.example", F, "aucun champ"},
    {"OpenDmarcReadAsMicrosoft", "postfix-opendkim-opendmarc.eml", kMsId, F, "aucun champ"},
    {"Microsoft365Pass", "microsoft365-exchange-online.eml", kMsId, P,
     "dmarc=pass header.from=engie.example compauth=pass (microsoft365)"},
    {"Microsoft365ReadAsOurs", "microsoft365-exchange-online.eml", kOurs, F, "aucun champ"},
};

void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.name; }

class AuthResultsFixture : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(AuthResultsFixture, Verdict) {
  const FixtureCase& c = GetParam();
  std::string raw = ReadFixture(c.file);
  for (const std::string& m : {raw, ToCrlf(raw)}) {
    AuthVerdict v = CheckTimed(m, c.authserv_id, kFrom);
    EXPECT_EQ(AuthResultName(v.result), AuthResultName(c.want)) << v.detail;
    EXPECT_NE(v.detail.find(c.detail_has), std::string::npos) << v.detail;
  }
}

INSTANTIATE_TEST_SUITE_P(AuthResults, AuthResultsFixture, ::testing::ValuesIn(kFixtures),
                         [](const ::testing::TestParamInfo<FixtureCase>& i) { return std::string(i.param.name); });

// A forger's copy of our field, below ours in the real layout, changes
// nothing. (Above ours it would be believed: that our MTA prepends its field
// and strips incoming copies is what makes the topmost one ours; README.)
TEST(AuthResults, ForgedCopyInFixtureLayout) {
  std::string raw = ReadFixture("postfix-opendkim-opendmarc.eml");
  const std::string fail_dmarc = "dmarc=fail (p=reject dis=reject) header.from=engie.example";
  std::string forged = "Authentication-Results: mx.operator.example; dmarc=pass header.from=engie.example\n";
  size_t dkim_sig = raw.find("DKIM-Signature:");
  ASSERT_NE(dkim_sig, std::string::npos);
  std::string with_forged_below = raw;
  with_forged_below.insert(dkim_sig, forged);
  const std::string pass_dmarc = "dmarc=pass (p=reject dis=none) header.from=engie.example";
  size_t ours = with_forged_below.find(pass_dmarc);
  ASSERT_NE(ours, std::string::npos);
  with_forged_below.replace(ours, pass_dmarc.size(), fail_dmarc);
  AuthVerdict v = CheckTimed(with_forged_below, kOurs, kFrom);
  EXPECT_EQ(v.result, AuthResult::kFail) << v.detail;
  EXPECT_NE(v.detail.find("dmarc=fail"), std::string::npos) << v.detail;
}

// Hostile headers: bounded work, a failure, no crash.
std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(AuthResultsHostile, TenThousandForeignFieldsAboveOurs) {
  std::string raw =
      Repeat("Authentication-Results: mx.evil.example; dmarc=pass header.from=engie.example\n", 10000) + kPass +
      kRest;
  AuthVerdict v = CheckTimed(raw, kOurs, kFrom);
  EXPECT_EQ(v.result, AuthResult::kFail);
  EXPECT_NE(v.detail.find("plus de 100 champs"), std::string::npos) << v.detail;
}

TEST(AuthResultsHostile, TenThousandCopiesBelowOurs) {
  std::string raw = kFailField + Repeat(kPass, 10000) + kRest;
  AuthVerdict v = CheckTimed(raw, kOurs, kFrom);
  EXPECT_EQ(v.result, AuthResult::kFail);
  EXPECT_NE(v.detail.find("dmarc=fail"), std::string::npos) << v.detail;
  v = CheckTimed(kPass + Repeat(kFailField, 10000) + kRest, kOurs, kFrom);
  EXPECT_EQ(v.result, AuthResult::kPass) << v.detail;
}

TEST(AuthResultsHostile, TenThousandMicrosoftFields) {
  AuthVerdict v = CheckTimed(Repeat(kMs, 10000) + kRest, kMsId, kFrom);
  EXPECT_EQ(v.result, AuthResult::kPass) << v.detail;
}

TEST(AuthResultsHostile, OneMegabyteField) {
  std::string big(1024 * 1024, 'a');
  // Ours, one line: cut by the header byte bound, so never half-read.
  std::string raw = "Authentication-Results: mx.operator.example; dmarc=pass header.from=engie.example x.y=" +
                    big + "\n" + kRest;
  EXPECT_EQ(CheckTimed(raw, kOurs, kFrom).result, AuthResult::kFail);
  // Ours, folded into 16 384 lines: stopped by the line bound.
  std::string folded = "Authentication-Results: mx.operator.example; dmarc=pass header.from=engie.example\n" +
                       Repeat(" x.y=" + std::string(58, 'a') + "\n", 16384) + kRest;
  EXPECT_EQ(CheckTimed(folded, kOurs, kFrom).result, AuthResult::kFail);
  // Someone else's, a big comment, above ours.
  raw = "Authentication-Results: mx.evil.example (" + big + "); dmarc=pass\n" + kPass + kRest;
  EXPECT_EQ(CheckTimed(raw, kOurs, kFrom).result, AuthResult::kFail);
  // Ours, within the header bound but over the field bound.
  raw = "Authentication-Results: mx.operator.example; dmarc=pass header.from=engie.example x.y=" +
        std::string(100 * 1024, 'a') + "\n" + kRest;
  AuthVerdict v = CheckTimed(raw, kOurs, kFrom);
  EXPECT_EQ(v.result, AuthResult::kFail);
  EXPECT_NE(v.detail.find("octets"), std::string::npos) << v.detail;
}

TEST(AuthResultsHostile, TenThousandNestedParentheses) {
  std::string open(10000, '('), close(10000, ')');
  const std::string cases[] = {
      "Authentication-Results: " + open + close + " mx.operator.example; dmarc=pass header.from=engie.example\n",
      "Authentication-Results: mx.operator.example; dmarc=pass " + open + close + " header.from=engie.example\n",
      "Authentication-Results: mx.operator.example; dmarc=pass header.from=engie.example " + open + "\n",
      "Authentication-Results: mx.operator.example; dmarc=pass header.from=engie.example " + close + "\n",
      "Authentication-Results: " + Repeat("(\\", 10000) + "\n" + kPass,
  };
  for (const std::string& fields : cases) {
    AuthVerdict v = CheckTimed(fields + kRest, kOurs, kFrom);
    EXPECT_EQ(v.result, AuthResult::kFail) << v.detail;
  }
  AuthVerdict v = CheckTimed(cases[1] + kRest, kOurs, kFrom);
  EXPECT_NE(v.detail.find("imbriqués trop profondément"), std::string::npos) << v.detail;
}

// Random bytes and random damage to a real field: never a crash, never a
// pass unless the field still says so.
TEST(AuthResultsHostile, RandomBytes) {
  std::mt19937 rng(8601);
  const std::string alphabet = "();=\"\\. \t\r\n@/abcdDMARCpass1\x01\xff";
  for (int i = 0; i < 2000; ++i) {
    std::string field = kPass;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      size_t at = 24 + rng() % (field.size() - 24);
      field[at] = alphabet[rng() % alphabet.size()];
    }
    AuthVerdict v = CheckAuthenticationResults(field + kRest, kOurs, kFrom);
    if (v.result == AuthResult::kPass) {
      EXPECT_NE(field.find("pass"), std::string::npos) << field;
      EXPECT_NE(field.find("engie.example"), std::string::npos) << field;
    }
    std::string noise;
    for (int k = 0; k < 200; ++k) noise.push_back(static_cast<char>(rng() & 0xFF));
    CheckAuthenticationResults("Authentication-Results: " + noise + "\n" + kRest, kOurs, kFrom);
    CheckAuthenticationResults("Authentication-Results: " + noise, kMsId, kFrom);
  }
}

// The parser on its own: what a resinfo holds.
TEST(AuthResultsParse, MicrosoftField) {
  AuthResField f;
  std::string error;
  ASSERT_TRUE(ParseAuthResults("spf=pass (sender IP is 192.0.2.25) smtp.mailfrom=contoso.com; dkim=pass "
                               "(signature was verified) header.d=contoso.com;dmarc=pass action=none "
                               "header.from=contoso.com;compauth=pass reason=100",
                               &f, &error))
      << error;
  EXPECT_FALSE(f.has_authserv_id);
  ASSERT_EQ(f.results.size(), 4u);
  EXPECT_EQ(f.results[2].method, "dmarc");
  std::string from;
  EXPECT_TRUE(f.results[2].UniqueProperty("header.from", &from));
  EXPECT_EQ(from, "contoso.com");
  EXPECT_EQ(f.results[3].method, "compauth");
  EXPECT_EQ(f.results[3].reason, "100");
}

TEST(AuthResultsParse, OpenDkimField) {
  AuthResField f;
  std::string error;
  ASSERT_TRUE(ParseAuthResults("mx.operator.example;\r\n\tdkim=pass (2048-bit key; unprotected) "
                               "header.d=engie.example header.i=@engie.example header.a=rsa-sha256 "
                               "header.s=s2026 header.b=Xr8p+/vK;\r\n\tdkim-atps=neutral",
                               &f, &error))
      << error;
  EXPECT_EQ(f.authserv_id, "mx.operator.example");
  ASSERT_EQ(f.results.size(), 2u);
  std::string b;
  EXPECT_TRUE(f.results[0].UniqueProperty("header.b", &b));
  EXPECT_EQ(b, "Xr8p+/vK");
  EXPECT_EQ(f.results[1].method, "dkim-atps");
  EXPECT_EQ(f.results[1].result, "neutral");
}

}  // namespace
}  // namespace flexmail
