#include "rules/codes.h"

#include <array>
#include <cstdio>

namespace flexmail {
namespace {

struct CodeInfo {
  Code code;
  std::string_view name;
  std::string_view text;  // "%s" is replaced by the hours
};

// Texts of the contract (§13.3, §13.6) where it has one; the others are
// written in the same voice.
constexpr std::array kCodes = {
    CodeInfo{Code::NO_DECLARATION_FILE, "NO_DECLARATION_FILE",
             "Le courriel ne contient aucun fichier de déclaration (.csv)"},
    CodeInfo{Code::BAD_FILE_NAME, "BAD_FILE_NAME",
             "Le nom du fichier ne respecte pas le format "
             "Export_DECLARATIONS_CCG-UPLOAD-AAAAMMJJ_<horodate>.csv"},
    CodeInfo{Code::BAD_FORMAT, "BAD_FORMAT", "Le format du fichier n'est pas conforme"},
    CodeInfo{Code::UNKNOWN_HMS_SITE, "UNKNOWN_HMS_SITE", "Le site de ce programme est inconnu"},
    CodeInfo{Code::CONTRACT_NOT_AUTHORIZED_FOR_SITE, "CONTRACT_NOT_AUTHORIZED_FOR_SITE",
             "Le contrat de raccordement n'autorise pas la déclaration sur ce site"},
    CodeInfo{Code::SENDER_NOT_AUTHORIZED, "SENDER_NOT_AUTHORIZED",
             "L'expéditeur n'est pas autorisé à déclarer pour ce site"},
    CodeInfo{Code::HMS_PROFILE_ID_ALREADY_EXISTS, "HMS_PROFILE_ID_ALREADY_EXISTS",
             "L'id de ce programme existe déjà"},
    CodeInfo{Code::VERSION_NOT_INCREMENTED, "VERSION_NOT_INCREMENTED",
             "Le numéro de version du programme n'est pas incrémenté"},
    CodeInfo{Code::HOURS_NOT_BETWEEN_START_END, "HOURS_NOT_BETWEEN_START_END",
             "Programme traitant d'une JG différente de la JG indiquée"},
    CodeInfo{Code::PAST_GAS_DAY, "PAST_GAS_DAY", "Programme traitant d'une JG dans le passé"},
    CodeInfo{Code::GAS_DAY_TOO_FAR, "GAS_DAY_TOO_FAR",
             "Programme traitant d'une JG au-delà de l'horizon de déclaration"},
    CodeInfo{Code::BAD_NUMBER_QUANTITIES, "BAD_NUMBER_QUANTITIES",
             "Le programme n'a pas 24 valeurs"},
    CodeInfo{Code::BAD_QUANTITIES, "BAD_QUANTITIES",
             "Le programme contient des valeurs nulles pour les heures futures"},
    CodeInfo{Code::EXEDED_QMIN_QMAX, "EXEDED_QMIN_QMAX",
             "Pour les heures %s dépassement de la valeur [Qmin/Qmax]"},
    CodeInfo{Code::INVALID_QMIN_QMAX, "INVALID_QMIN_QMAX",
             "Le débit horaire minimal technique est supérieur au débit horaire maximal technique"},
    CodeInfo{Code::MESSAGE_TOO_LARGE, "MESSAGE_TOO_LARGE",
             "Le courriel dépasse la taille maximale acceptée"},
    CodeInfo{Code::TOO_MANY_ATTACHMENTS, "TOO_MANY_ATTACHMENTS",
             "Le courriel contient trop de pièces jointes"},
    CodeInfo{Code::ATTACHMENT_TOO_LARGE, "ATTACHMENT_TOO_LARGE",
             "Un fichier joint dépasse la taille maximale acceptée"},
    CodeInfo{Code::MIME_TOO_DEEP, "MIME_TOO_DEEP",
             "La structure MIME du courriel est trop profonde"},
    CodeInfo{Code::TOO_MANY_HEADER_LINES, "TOO_MANY_HEADER_LINES",
             "Le courriel contient trop de lignes d'en-tête"},
    CodeInfo{Code::MALFORMED_MESSAGE, "MALFORMED_MESSAGE", "Le courriel est mal formé"},
    CodeInfo{Code::SENDER_NOT_AUTHENTICATED, "SENDER_NOT_AUTHENTICATED",
             "L'expéditeur du courriel n'a pas pu être authentifié : aucune déclaration n'a "
             "été prise en compte"},
    CodeInfo{Code::HMS_PROFILE_NOT_RESPECT_Q0_DELAY, "HMS_PROFILE_NOT_RESPECT_Q0_DELAY",
             "Le programme ne respecte pas le délai de prévenance sur les heures %s. "
             "Indicateur de Flexibilité Q → Q- rouge"},
    CodeInfo{Code::HMS_PROFILE_NOT_RESPECT_QMAX_DELAY, "HMS_PROFILE_NOT_RESPECT_QMAX_DELAY",
             "Le programme ne respecte pas le délai de prévenance sur les heures %s. "
             "Indicateur de Flexibilité Q → Q+ rouge"},
    CodeInfo{Code::HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR, "HMS_PROFILE_NOT_RESPECT_GRAY_INDICATOR",
             "Le programme est rejeté dû à une pénurie de Flexibilité"},
    CodeInfo{Code::HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE,
             "HMS_PROFILE_NOT_RESPECT_FLEXIBILITY_TOLERANCE",
             "Le programme est rejeté car il ne respecte pas le volume de Flexibilité partielle "
             "accordé"},
    CodeInfo{Code::OUTSIDE_TECHNICAL_QMIN_QMAX, "OUTSIDE_TECHNICAL_QMIN_QMAX",
             "Pour les heures %s la valeur sort des débits techniques déclarés [Qmin/Qmax]"},
    CodeInfo{Code::SITE_LABEL_MISMATCH, "SITE_LABEL_MISMATCH",
             "Le nom du site diffère de celui du référentiel"},
    CodeInfo{Code::NONEXISTENT_HOUR_ZEROED, "NONEXISTENT_HOUR_ZEROED",
             "L'heure 02h00 n'existe pas ce jour (passage à l'heure d'été) : valeur remplacée "
             "par 0"},
    CodeInfo{Code::UNKNOWN_INDICATOR, "UNKNOWN_INDICATOR",
             "Aucun indicateur publié pour cette maille : état par défaut appliqué"},
    CodeInfo{Code::SUBJECT_MISMATCH, "SUBJECT_MISMATCH",
             "L'objet du courriel ne suit pas le format "
             "« [Nom du site] Prévisions SFM : jj/mm/aaaa – jj/mm/aaaa »"},
    CodeInfo{Code::PROCESSED_OUT_OF_ORDER, "PROCESSED_OUT_OF_ORDER",
             "Déclaration traitée après une autre reçue plus tard pour le même site et la "
             "même journée gazière : elle est jugée à l'instant de son traitement, sur "
             "l'état du moment"},
};

const CodeInfo& InfoOf(Code c) {
  for (const auto& info : kCodes) {
    if (info.code == c) return info;
  }
  return kCodes[2];  // unreachable: every Code has a row (checked by tests)
}

}  // namespace

std::string_view CodeName(Code c) { return InfoOf(c).name; }

bool ParseCode(std::string_view name, Code* out) {
  for (const auto& info : kCodes) {
    if (info.name == name) {
      *out = info.code;
      return true;
    }
  }
  return false;
}

std::string CodeText(Code c, std::string_view hours) {
  std::string text(InfoOf(c).text);
  auto pos = text.find("%s");
  if (pos != std::string::npos) text.replace(pos, 2, hours);
  return text;
}

std::string FormatSlotHours(const std::vector<int>& slots) {
  std::string out;
  for (int s : slots) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02dh00", (6 + s) % 24);
    if (!out.empty()) out += ", ";
    out += buf;
  }
  return out;
}

}  // namespace flexmail
