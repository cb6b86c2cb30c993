#include "mail/rfc2231.h"

#include <gtest/gtest.h>

#include <string>

namespace flexmail {
namespace {

// Parameters of a field value, as a compact "name=value|name=value" string.
std::string Params(std::string_view field, std::string* value = nullptr) {
  std::string v;
  std::vector<MimeParam> params;
  ParseMimeParams(field, &v, &params);
  if (value != nullptr) *value = v;
  std::string out;
  for (const MimeParam& p : params) out += (out.empty() ? "" : "|") + p.name + "=" + p.value;
  return out;
}

// Structured field values split into their value and parameters the way
// real clients write them, quoted or not.
TEST(Rfc2231Test, ParsesParameters) {
  std::string value;
  EXPECT_EQ(Params("text/csv; name=\"a;b.csv\"; charset=utf-8", &value), "name=a;b.csv|charset=utf-8");
  EXPECT_EQ(value, "text/csv");
  EXPECT_EQ(Params("TEXT/CSV; NAME=x.csv", &value), "name=x.csv");
  EXPECT_EQ(value, "text/csv");
  EXPECT_EQ(Params("attachment; filename=report (1).csv"), "filename=report (1).csv");
  EXPECT_EQ(Params("attachment; filename=\"a\\\"b\\\\c.csv\""), "filename=a\"b\\c.csv");
  EXPECT_EQ(Params("attachment; filename=\"C:\\Users\\x.csv\""), "filename=C:\\Users\\x.csv");
  EXPECT_EQ(Params("attachment; filename=\"abc"), "filename=abc");
  EXPECT_EQ(Params("attachment; filename=\"a.csv\"junk; size=3"), "filename=a.csv|size=3");
  EXPECT_EQ(Params("attachment;; flag; size = 3 ;"), "size=3");
  EXPECT_EQ(Params("multipart/mixed;\tboundary=\"----=_Part_1\""), "boundary=----=_Part_1");
}

struct NameCase {
  const char* what;
  std::string disposition;  // Content-Disposition value
  std::string type;         // Content-Type value
  std::string want;         // empty: no name found
  bool unknown_charset = false;
  bool problem = false;
};

ParamText Lookup(const NameCase& c) {
  std::string v;
  std::vector<MimeParam> d, t;
  ParseMimeParams(c.disposition, &v, &d);
  ParseMimeParams(c.type, &v, &t);
  return FindFileName(d, t);
}

// Every RFC 2231 form, the RFC 2047 quoted form and the lookup order give
// the expected file name.
TEST(Rfc2231Test, FindsFileNameTable) {
  const std::string many_segments = [] {
    std::string s = "attachment";
    for (int i = 0; i <= 100; ++i) s += "; filename*" + std::to_string(i) + "=x";
    return s + "; filename=\"plain.csv\"";
  }();
  const NameCase cases[] = {
      {"extended utf-8", "attachment; filename*=utf-8''Pr%C3%A9visions%20%C3%A9t%C3%A9.csv", "",
       "Prévisions été.csv"},
      {"extended with language", "attachment; filename*=iso-8859-1'fr'caf%E9.csv", "", "café.csv"},
      {"plain continuations", "attachment; filename*0=\"Export_\"; filename*1=\"x.csv\"", "", "Export_x.csv"},
      {"encoded continuations (mutt)",
       "attachment; filename*0*=iso-8859-1''Pr%E9visions%20; filename*1*=%E9t%E9.csv", "",
       "Prévisions été.csv"},
      {"encoded and plain segments mixed",
       "attachment; filename*0*=utf-8''%C3%A9t%C3%A9; filename*1=\" rapport.csv\"", "", "été rapport.csv"},
      {"segments out of order", "attachment; filename*1*=%A9.csv; filename*0*=utf-8''%C3", "", "é.csv"},
      {"gap keeps the segments before it", "attachment; filename*0=\"a\"; filename*2=\"c.csv\"", "", "a",
       false, true},
      {"leading-zero index is not a segment", "attachment; filename*00=\"x\"; filename*0=\"a.csv\"", "",
       "a.csv"},
      {"filename* beats filename", "attachment; filename*=utf-8''star.csv; filename=\"plain.csv\"", "",
       "star.csv"},
      {"quoted RFC 2047 (Outlook, Gmail)", "attachment; filename=\"=?utf-8?B?UHLDqXZpc2lvbnMuY3N2?=\"", "",
       "Prévisions.csv"},
      {"plain name", "attachment; filename=Export.csv", "", "Export.csv"},
      {"disposition beats content type", "attachment; filename=\"d.csv\"", "text/csv; name*=utf-8''t.csv",
       "d.csv"},
      {"content-type name*", "attachment", "text/csv; name*=utf-8''n%C3%A9.csv; name=\"x.csv\"", "né.csv"},
      {"content-type name, RFC 2047", "inline", "text/csv; name=\"=?utf-8?Q?n=C3=A9.csv?=\"", "né.csv"},
      {"unknown charset read as latin-1", "attachment; filename*=x-klingon''caf%E9.csv", "", "café.csv", true},
      {"empty charset", "attachment; filename*=''plain.csv", "", "plain.csv"},
      {"bad percent escapes kept", "attachment; filename*=utf-8''100%25%zz.csv", "", "100%%zz.csv"},
      {"no name at all", "attachment", "text/csv", ""},
      {"empty name", "attachment; filename=\"\"", "text/csv", ""},
      {"too many segments falls back", many_segments, "", "plain.csv", false, true},
      {"too long", "attachment; filename*=utf-8''" + std::string(1100, 'a'), "", "", false, true},
      {"too long plain", "attachment; filename=" + std::string(1100, 'a'), "", "", false, true},
  };
  for (const NameCase& c : cases) {
    ParamText r = Lookup(c);
    EXPECT_EQ(r.found, !c.want.empty()) << c.what;
    EXPECT_EQ(r.text, c.want) << c.what;
    EXPECT_EQ(r.unknown_charset, c.unknown_charset) << c.what;
    EXPECT_EQ(!r.problem.empty(), c.problem) << c.what << ": " << r.problem;
  }
}

// A refused value says why, in words an operator can act on.
TEST(Rfc2231Test, ProblemTextNamesTheCap) {
  std::string v;
  std::vector<MimeParam> d;
  std::string field = "attachment";
  for (int i = 0; i < 150; ++i) field += "; filename*" + std::to_string(i) + "*=a";
  ParseMimeParams(field, &v, &d);
  ParamText r = DecodeRfc2231(d, "filename");
  EXPECT_FALSE(r.found);
  EXPECT_EQ(r.problem, "paramètre filename* : plus de 100 segments");
}

}  // namespace
}  // namespace flexmail
