#include <string>

#include "parser/lines.h"

namespace flexmail::parser {

std::string SeparatorNote(char sep) {
  return std::string(" (séparateur « ") + sep + " »)";
}

bool SplitLine(char* text, size_t len, FieldChecker* check, std::vector<Field>* fields) {
  SplitResult r = SplitFields(text, len, check->sep(), fields);
  if (r.error == SplitError::kNone) return true;
  std::string where = "champ " + std::to_string(r.error_field) + " : ";
  switch (r.error) {
    case SplitError::kNone:
      return true;
    case SplitError::kUnterminatedQuote:
      check->LineError(Code::BAD_FORMAT, r.error_field,
                       where + "guillemet ouvrant sans guillemet fermant, attendu un « \" » "
                               "avant la fin de la ligne");
      return false;
    case SplitError::kTextAfterQuote:
      check->LineError(Code::BAD_FORMAT, r.error_field,
                       where + "texte " + Found(r.trailing) +
                           " après le guillemet fermant, attendu « " + check->sep() +
                           " » ou la fin de la ligne");
      return false;
  }
  return false;
}

void ParseHeaderLine(char* text, size_t len, FieldChecker* check, std::vector<Field>* fields,
                     std::optional<GasDay>* header_day) {
  if (!SplitLine(text, len, check, fields)) return;
  DropTolerableTrailingField(fields, kHeaderFields);
  const std::vector<Field>& f = *fields;
  if (f.size() != kHeaderFields) {
    check->LineError(Code::BAD_FORMAT, 0,
                     "en-tête : " + Count(static_cast<long>(f.size()), "champ trouvé",
                                          "champs trouvés") +
                         ", 7 attendus" + SeparatorNote(check->sep()));
    return;
  }
  check->Token(1, f[0].text, "DECLARATIONS_CCG");
  check->Date(2, f[1].text);
  check->Time(3, f[2].text);
  check->Token(4, f[3].text, "UPLOAD");
  check->Token(5, f[4].text, "PROD");
  *header_day = check->Date(6, f[5].text);
  check->Date(7, f[6].text);
}

}  // namespace flexmail::parser
