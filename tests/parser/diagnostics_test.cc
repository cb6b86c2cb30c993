// Every BAD_FORMAT and BAD_NUMBER_QUANTITIES case, with its exact located
// French text ("LINE:FIELD:CODE:message").
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "parser/csv.h"
#include "tests/parser/parser_test_util.h"

namespace flexmail::testing {
namespace {

using Strings = std::vector<std::string>;

std::string HeaderWith(int field, const std::string& value) {
  Fields h = HeaderFields();
  h[field - 1] = value;
  return Lines({Join(h), Join(ProgrammeFields())});
}

std::string ProgrammeWith(int field, const std::string& value, char sep = ';') {
  Fields h = HeaderFields(), p = ProgrammeFields();
  p[field - 1] = value;
  return Lines({Join(h, sep), Join(p, sep)});
}

std::string ProgrammeWithCount(size_t n) {
  Fields p = ProgrammeFields();
  p.resize(n, "100");
  return Lines({Join(HeaderFields()), Join(p)});
}

struct DiagCase {
  const char* name;
  std::string bytes;
  Strings expected;
};

// Test lists and failures name the case, not its bytes.
void PrintTo(const DiagCase& c, std::ostream* os) { *os << c.name; }

const char kNumber[] = "attendu un nombre décimal positif ou nul";

std::string ValueAt12(const std::string& found) {
  return std::string("2:12:BAD_FORMAT:champ 12 (valeur horaire 07h00) : ") + kNumber +
         ", trouvé « " + found + " »";
}

std::string GroupsAt12(const std::string& found) {
  return "2:12:BAD_FORMAT:champ 12 (valeur horaire 07h00) : attendu des milliers séparés par une "
         "espace insécable (U+00A0 ou U+202F), par groupes de 3 chiffres, trouvé « " +
         found + " »";
}

std::vector<DiagCase> HeaderCases() {
  const std::string date = "attendu une date JJ/MM/AAAA valide, trouvé ";
  const std::string time = "attendu une heure HHMMSS suivie de 0 à 5 chiffres, trouvé ";
  return {
      {"header_token_1", HeaderWith(1, "DECLARATION_CCG"),
       {"1:1:BAD_FORMAT:champ 1 (type de fichier) : attendu « DECLARATIONS_CCG », trouvé « "
        "DECLARATION_CCG »"}},
      {"header_date_2_invalid", HeaderWith(2, "31/02/2026"),
       {"1:2:BAD_FORMAT:champ 2 (date de création) : " + date + "« 31/02/2026 »"}},
      {"header_date_2_iso", HeaderWith(2, "2026-12-02"),
       {"1:2:BAD_FORMAT:champ 2 (date de création) : " + date + "« 2026-12-02 »"}},
      {"header_date_2_short", HeaderWith(2, "2/12/2026"),
       {"1:2:BAD_FORMAT:champ 2 (date de création) : " + date + "« 2/12/2026 »"}},
      {"header_time_3_short", HeaderWith(3, "15300"),
       {"1:3:BAD_FORMAT:champ 3 (heure de création) : " + time + "« 15300 »"}},
      {"header_time_3_hour_24", HeaderWith(3, "240000"),
       {"1:3:BAD_FORMAT:champ 3 (heure de création) : " + time + "« 240000 »"}},
      {"header_time_3_six_fraction_digits", HeaderWith(3, "153000123456"),
       {"1:3:BAD_FORMAT:champ 3 (heure de création) : " + time + "« 153000123456 »"}},
      {"header_time_3_colons", HeaderWith(3, "15:30:00"),
       {"1:3:BAD_FORMAT:champ 3 (heure de création) : " + time + "« 15:30:00 »"}},
      {"header_token_4", HeaderWith(4, "DOWNLOAD"),
       {"1:4:BAD_FORMAT:champ 4 (type d'envoi) : attendu « UPLOAD », trouvé « DOWNLOAD »"}},
      {"header_token_5", HeaderWith(5, "TEST"),
       {"1:5:BAD_FORMAT:champ 5 (environnement) : attendu « PROD », trouvé « TEST »"}},
      {"header_gas_day_6", HeaderWith(6, "03/13/2026"),
       {"1:6:BAD_FORMAT:champ 6 (jour gazier) : " + date + "« 03/13/2026 »"}},
      {"header_date_7_empty", HeaderWith(7, ""),
       {"1:7:BAD_FORMAT:champ 7 (seconde date) : " + date + "un champ vide"}},
      {"header_6_fields", Lines({Join([] {
                                   Fields h = HeaderFields();
                                   h.pop_back();
                                   return h;
                                 }()),
                                 Join(ProgrammeFields())}),
       {"1:0:BAD_FORMAT:en-tête : 6 champs trouvés, 7 attendus (séparateur « ; »)"}},
      {"header_8_fields", Lines({Join(HeaderFields()) + ";x", Join(ProgrammeFields())}),
       {"1:0:BAD_FORMAT:en-tête : 8 champs trouvés, 7 attendus (séparateur « ; »)"}},
      {"header_1_field", Lines({"DECLARATIONS_CCG", Join(ProgrammeFields())}),
       {"1:0:BAD_FORMAT:en-tête : 1 champ trouvé, 7 attendus (séparateur « ; »)"}},
      {"header_missing",
       Lines({Join(ProgrammeFields(1)), Join(ProgrammeFields(2))}),
       {"1:0:BAD_FORMAT:en-tête : 34 champs trouvés, 7 attendus (séparateur « ; »)"}},
  };
}

std::vector<DiagCase> ProgrammeCases() {
  const std::string date = "attendu une date JJ/MM/AAAA valide, trouvé ";
  const std::string time = "attendu une heure HHMMSS suivie de 0 à 5 chiffres, trouvé ";
  return {
      {"id_too_short", ProgrammeWith(1, "20261203-LI0001"),
       {"2:1:BAD_FORMAT:champ 1 (identifiant du programme) : attendu un identifiant "
        "AAAAMMJJ-LIxxxx-<contrat>-<version>, trouvé « 20261203-LI0001 »"}},
      {"id_version_zero", ProgrammeWith(1, "20261203-LI0001-GFQUIMP01-0"),
       {"2:1:BAD_FORMAT:champ 1 (identifiant du programme) : attendu un numéro de version "
        "entier positif en fin d'identifiant, trouvé « 20261203-LI0001-GFQUIMP01-0 »"}},
      {"id_empty", ProgrammeWith(1, ""),
       {"2:1:BAD_FORMAT:champ 1 (identifiant du programme) : attendu un identifiant "
        "AAAAMMJJ-LIxxxx-<contrat>-<version>, trouvé un champ vide"}},
      {"gas_day_2", ProgrammeWith(2, "3/12/2026"),
       {"2:2:BAD_FORMAT:champ 2 (jour gazier) : " + date + "« 3/12/2026 »"}},
      {"site_3_short", ProgrammeWith(3, "LI001"),
       {"2:3:BAD_FORMAT:champ 3 (code du site) : attendu un code site LI suivi de 4 chiffres, "
        "trouvé « LI001 »"}},
      {"site_3_lowercase", ProgrammeWith(3, "li0001"),
       {"2:3:BAD_FORMAT:champ 3 (code du site) : attendu un code site LI suivi de 4 chiffres, "
        "trouvé « li0001 »"}},
      {"date_5", ProgrammeWith(5, "32/12/2026"),
       {"2:5:BAD_FORMAT:champ 5 (date de création) : " + date + "« 32/12/2026 »"}},
      {"time_6", ProgrammeWith(6, "156000"),
       {"2:6:BAD_FORMAT:champ 6 (heure de création) : " + time + "« 156000 »"}},
      {"date_7", ProgrammeWith(7, "x"),
       {"2:7:BAD_FORMAT:champ 7 (seconde date de création) : " + date + "« x »"}},
      {"time_8", ProgrammeWith(8, ""),
       {"2:8:BAD_FORMAT:champ 8 (seconde heure de création) : " + time + "un champ vide"}},
      {"qmin_9_empty", ProgrammeWith(9, ""),
       {std::string("2:9:BAD_FORMAT:champ 9 (débit horaire minimal technique) : ") + kNumber +
        ", trouvé un champ vide"}},
      {"qmax_10_text", ProgrammeWith(10, "max"),
       {std::string("2:10:BAD_FORMAT:champ 10 (débit horaire maximal technique) : ") + kNumber +
        ", trouvé « max »"}},
      {"qmin_9_negative", ProgrammeWith(9, "-1"),
       {"2:9:BAD_FORMAT:champ 9 (débit horaire minimal technique) : valeur négative interdite, "
        "attendu un nombre positif ou nul, trouvé « -1 »"}},
      {"value_letters", ProgrammeWith(12, "12a"), {ValueAt12("12a")}},
      {"value_nan", ProgrammeWith(12, "NaN"), {ValueAt12("NaN")}},
      {"value_inf", ProgrammeWith(12, "inf"), {ValueAt12("inf")}},
      {"value_exponent_without_digits", ProgrammeWith(12, "1e"), {ValueAt12("1e")}},
      {"value_exponent_alone", ProgrammeWith(12, "e5"), {ValueAt12("e5")}},
      {"value_exponent_decimal_comma_in_comma_file", ProgrammeWith(12, "\"1,5E+05\"", ','),
       {"2:12:BAD_FORMAT:champ 12 (valeur horaire 07h00) : attendu un nombre décimal positif ou "
        "nul, avec « . » comme séparateur décimal, trouvé « 1,5E+05 »"}},
      {"value_exponent_overflow", ProgrammeWith(12, "1e999"),
       {"2:12:BAD_FORMAT:champ 12 (valeur horaire 07h00) : nombre trop grand, attendu un nombre "
        "inférieur à 1 000 000 000 000 kWh, trouvé « 1e999 »"}},
      {"value_negative_exponent_form", ProgrammeWith(12, "-1,5E+02"),
       {"2:12:BAD_FORMAT:champ 12 (valeur horaire 07h00) : valeur négative interdite, attendu "
        "un nombre positif ou nul, trouvé « -1,5E+02 »"}},
      {"value_plus_sign", ProgrammeWith(12, "+5"), {ValueAt12("+5")}},
      {"value_plus_alone", ProgrammeWith(12, "+"), {ValueAt12("+")}},
      {"value_thousands_space", ProgrammeWith(12, "1 000"), {GroupsAt12("1 000")}},
      {"value_thousands_nbsp_misgrouped", ProgrammeWith(12, "12\xC2\xA0" "34"),
       {GroupsAt12("12\xC2\xA0" "34")}},
      {"value_thousands_narrow_nbsp_four_digits", ProgrammeWith(12, "1234\xE2\x80\xAF" "567"),
       {GroupsAt12("1234\xE2\x80\xAF" "567")}},
      {"value_thousands_in_fraction", ProgrammeWith(12, "0,123\xC2\xA0" "456"),
       {GroupsAt12("0,123\xC2\xA0" "456")}},
      {"value_thousands_and_comma", ProgrammeWith(12, "1.000,5"), {ValueAt12("1.000,5")}},
      {"value_leading_mark", ProgrammeWith(12, ".5"), {ValueAt12(".5")}},
      {"value_quoted_with_spaces", ProgrammeWith(12, "\" 5\""), {ValueAt12(" 5")}},
      {"value_hex", ProgrammeWith(12, "0x10"), {ValueAt12("0x10")}},
      {"value_negative", ProgrammeWith(12, "-5"),
       {"2:12:BAD_FORMAT:champ 12 (valeur horaire 07h00) : valeur négative interdite, attendu "
        "un nombre positif ou nul, trouvé « -5 »"}},
      {"value_negative_decimal_comma", ProgrammeWith(11, "-2,5"),
       {"2:11:BAD_FORMAT:champ 11 (valeur horaire 06h00) : valeur négative interdite, attendu "
        "un nombre positif ou nul, trouvé « -2,5 »"}},
      {"value_comma_in_comma_file", ProgrammeWith(34, "\"1,5\"", ','),
       {"2:34:BAD_FORMAT:champ 34 (valeur horaire 05h00) : attendu un nombre décimal positif ou "
        "nul, avec « . » comme séparateur décimal, trouvé « 1,5 »"}},
      {"value_too_large", ProgrammeWith(12, "1" + std::string(400, '0')),
       {"2:12:BAD_FORMAT:champ 12 (valeur horaire 07h00) : nombre trop grand, attendu un nombre "
        "inférieur à 1 000 000 000 000 kWh, trouvé « 1" + std::string(39, '0') + "… »"}},
      {"value_long_text_truncated", ProgrammeWith(20, std::string(50, 'x')),
       {std::string("2:20:BAD_FORMAT:champ 20 (valeur horaire 15h00) : ") + kNumber +
        ", trouvé « " + std::string(40, 'x') + "… »"}},
      {"value_control_characters_replaced", ProgrammeWith(12, "\"1\x1B[31m\r2\""),
       {ValueAt12("1?[31m?2")}},
      {"value_bidi_override_replaced", ProgrammeWith(12, "1\xE2\x80\xAE" "2"), {ValueAt12("1?2")}},
      {"unterminated_quote", ProgrammeWith(4, "\"Quimper"),
       {"2:4:BAD_FORMAT:champ 4 : guillemet ouvrant sans guillemet fermant, attendu un « \" » "
        "avant la fin de la ligne"}},
      {"unterminated_quote_after_doubled", ProgrammeWith(4, "\"Quim\"\"per"),
       {"2:4:BAD_FORMAT:champ 4 : guillemet ouvrant sans guillemet fermant, attendu un « \" » "
        "avant la fin de la ligne"}},
      {"text_after_closing_quote", ProgrammeWith(4, "\"Quimper\" x"),
       {"2:4:BAD_FORMAT:champ 4 : texte « x » après le guillemet fermant, attendu « ; » ou la "
        "fin de la ligne"}},
      {"text_after_closing_quote_comma_file", ProgrammeWith(4, "\"Quimper\"x", ','),
       {"2:4:BAD_FORMAT:champ 4 : texte « x » après le guillemet fermant, attendu « , » ou la "
        "fin de la ligne"}},
      {"several_errors_one_line",
       Lines({Join(HeaderFields()),
              Join([] {
                Fields p = ProgrammeFields();
                p[2] = "XX";
                p[10] = "a";
                p[33] = "-1";
                return p;
              }())}),
       {"2:3:BAD_FORMAT:champ 3 (code du site) : attendu un code site LI suivi de 4 chiffres, "
        "trouvé « XX »",
        std::string("2:11:BAD_FORMAT:champ 11 (valeur horaire 06h00) : ") + kNumber +
            ", trouvé « a »",
        "2:34:BAD_FORMAT:champ 34 (valeur horaire 05h00) : valeur négative interdite, attendu "
        "un nombre positif ou nul, trouvé « -1 »"}},
  };
}

std::vector<DiagCase> CountCases() {
  return {
      {"fields_1", Lines({Join(HeaderFields()), "garbage"}),
       {"2:0:BAD_FORMAT:ligne de programme : 1 champ trouvé, 34 attendus (séparateur « ; »)"}},
      {"fields_10", ProgrammeWithCount(10),
       {"2:0:BAD_FORMAT:ligne de programme : 10 champs trouvés, 34 attendus (séparateur « ; »)"}},
      {"fields_34_in_comma_file_read_with_semicolon",
       Lines({Join(HeaderFields()), Join(ProgrammeFields(), ',')}),
       {"2:0:BAD_FORMAT:ligne de programme : 1 champ trouvé, 34 attendus (séparateur « ; »)"}},
      {"fields_11", ProgrammeWithCount(11),
       {"2:0:BAD_NUMBER_QUANTITIES:ligne de programme : 1 valeur horaire trouvée, 24 attendues"}},
      {"fields_33", ProgrammeWithCount(33),
       {"2:0:BAD_NUMBER_QUANTITIES:ligne de programme : 23 valeurs horaires trouvées, 24 "
        "attendues"}},
      {"fields_35", ProgrammeWithCount(35),
       {"2:0:BAD_NUMBER_QUANTITIES:ligne de programme : 25 valeurs horaires trouvées, 24 "
        "attendues"}},
      {"fields_36", ProgrammeWithCount(36),
       {"2:0:BAD_NUMBER_QUANTITIES:ligne de programme : 26 valeurs horaires trouvées, 24 "
        "attendues"}},
      {"fields_35_by_two_trailing_separators",
       Lines({Join(HeaderFields()), Join(ProgrammeFields()) + ";;"}),
       {"2:0:BAD_NUMBER_QUANTITIES:ligne de programme : 25 valeurs horaires trouvées, 24 "
        "attendues"}},
      {"fields_35_with_bad_extra_value",
       Lines({Join(HeaderFields()), Join(ProgrammeFields()) + ";x"}),
       {"2:0:BAD_NUMBER_QUANTITIES:ligne de programme : 25 valeurs horaires trouvées, 24 "
        "attendues",
        std::string("2:35:BAD_FORMAT:champ 35 (valeur horaire en trop n°25) : ") + kNumber +
            ", trouvé « x »"}},
  };
}

std::vector<DiagCase> FileCases() {
  const std::string h = Join(HeaderFields()), p = Join(ProgrammeFields());
  return {
      {"empty_file", "",
       {"0:0:BAD_FORMAT:fichier vide, attendu l'en-tête DECLARATIONS_CCG puis au moins une ligne "
        "de programme"}},
      {"only_blank_lines", "\n \r\n\t\n",
       {"0:0:BAD_FORMAT:fichier vide, attendu l'en-tête DECLARATIONS_CCG puis au moins une ligne "
        "de programme"}},
      {"only_bom", "\xEF\xBB\xBF",
       {"0:0:BAD_FORMAT:fichier vide, attendu l'en-tête DECLARATIONS_CCG puis au moins une ligne "
        "de programme"}},
      {"header_only", Lines({h}),
       {"0:0:BAD_FORMAT:aucune ligne de programme après l'en-tête, attendu au moins une ligne de "
        "34 champs"}},
      {"header_then_blank_lines", Lines({h, "", ";;;"}),
       {"0:0:BAD_FORMAT:aucune ligne de programme après l'en-tête, attendu au moins une ligne de "
        "34 champs"}},
      {"blank_middle_line", Lines({h, p, "", Join(ProgrammeFields(2))}),
       {"3:0:BAD_FORMAT:ligne vide suivie d'autres lignes, attendu une ligne de programme"}},
      {"blank_line_after_header", Lines({h, " ", p}),
       {"2:0:BAD_FORMAT:ligne vide suivie d'autres lignes, attendu une ligne de programme"}},
      {"two_blank_middle_lines_crlf", Lines({h, p, "", ";", p}, "\r\n"),
       {"3:0:BAD_FORMAT:ligne vide suivie d'autres lignes, attendu une ligne de programme",
        "4:0:BAD_FORMAT:ligne vide suivie d'autres lignes, attendu une ligne de programme"}},
      {"blank_first_line", Lines({"", h, p}),
       {"1:0:BAD_FORMAT:ligne vide en début de fichier, attendu l'en-tête DECLARATIONS_CCG"}},
      {"line_too_long", Lines({h, p + ";" + std::string(20000, ' ')}),
       {"2:0:BAD_FORMAT:ligne trop longue : " + std::to_string(p.size() + 20001) +
        " octets, au plus 16384 attendus"}},
      {"nul_byte", Lines({h, std::string("2026\0", 5) + p}),
       {"2:0:BAD_FORMAT:octet nul (0x00) en colonne 5, attendu du texte UTF-8 ou Windows-1252 : "
        "fichier non lu"}},
      {"nul_byte_column_counts_characters", Lines({h, "\xC3\xA9\xC3\xA9" + std::string(1, '\0')}),
       {"2:0:BAD_FORMAT:octet nul (0x00) en colonne 3, attendu du texte UTF-8 ou Windows-1252 : "
        "fichier non lu"}},
      {"utf16_le", std::string("\xFF\xFE" "D\0E\0", 6),
       {"0:0:BAD_FORMAT:fichier encodé en UTF-16, attendu UTF-8 ou Windows-1252 : fichier non "
        "lu"}},
      {"utf16_be", std::string("\xFE\xFF\0D\0E", 6),
       {"0:0:BAD_FORMAT:fichier encodé en UTF-16, attendu UTF-8 ou Windows-1252 : fichier non "
        "lu"}},
  };
}

class DiagnosticTest : public ::testing::TestWithParam<DiagCase> {};

// Given a file with one kind of defect, the parser reports exactly the
// expected located diagnostics, all naming the attachment.
TEST_P(DiagnosticTest, ReportsExactText) {
  const DiagCase& c = GetParam();
  ParsedDeclaration p = Parse(c.bytes);
  EXPECT_EQ(Diags(p), c.expected);
  for (const auto& d : p.diagnostics) {
    EXPECT_EQ(d.file, kGoodName);
    EXPECT_EQ(d.severity, Severity::kError);
  }
  EXPECT_EQ(p.files.size(), 1u);
}

auto CaseName = [](const auto& info) { return std::string(info.param.name); };

INSTANTIATE_TEST_SUITE_P(Header, DiagnosticTest, ::testing::ValuesIn(HeaderCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(Programme, DiagnosticTest, ::testing::ValuesIn(ProgrammeCases()),
                         CaseName);
INSTANTIATE_TEST_SUITE_P(Counts, DiagnosticTest, ::testing::ValuesIn(CountCases()), CaseName);
INSTANTIATE_TEST_SUITE_P(File, DiagnosticTest, ::testing::ValuesIn(FileCases()), CaseName);

}  // namespace
}  // namespace flexmail::testing
