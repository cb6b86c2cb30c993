#include "daemon/override_reply.h"

#include <sstream>

#include "daemon/reply_text.h"

namespace flexmail {
namespace {

// From which hour the override acts on the reference: the whole day before
// D 06:00, else the current slot at its instant (RULES §6).
std::string FromWhen(const StoredProgramme& p, const OverrideRecord& o) {
  const GasDay day = p.result.id.day;
  if (o.effective_at < GasDayStart(day)) return "pour toute la journée gazière";
  const AbsSlot c = CurrentSlotOf(o.effective_at);
  const AbsSlot first = AbsSlotOf(day, 0);
  if (c - first >= kSlotsPerDay) return "sur aucune heure (la journée gazière est terminée)";
  return "à partir de " + FormatSlotHours({static_cast<int>(c - first)});
}

void WriteEffect(std::ostream& os, const StoredProgramme& p, const OverrideRecord& o,
                 bool reference_moved) {
  if (!reference_moved) {
    os << "Le programme de référence n'en est pas modifié : ce programme n'y figurait plus.\n\n";
  } else if (o.accepted) {
    os << "Le programme de référence reprend les valeurs de ce programme " << FromWhen(p, o)
       << ".\n\n";
  } else {
    os << "Le programme de référence reprend " << FromWhen(p, o)
       << " les valeurs en vigueur sans ce programme.\n\n";
  }
}

}  // namespace

const char* FrenchStatus(bool accepted) { return accepted ? "ACCEPTÉ" : "REFUSÉ"; }

ReplyEnvelope BuildOverrideReply(const Config& config, const std::string& instance,
                                 const ParsedMessage& msg, const StoredProgramme& p,
                                 const OverrideRecord& o, bool reference_moved, Instant now) {
  ReplyEnvelope e = AnswerTo(config, msg, now);
  AddShipperCopies(config, msg, &e);
  OutgoingMessage& m = e.message;
  const std::string base = msg.subject.empty() ? std::string("Déclaration") : msg.subject;
  m.subject = "Re: " + base + " — programme " + p.result.raw_id + " " + FrenchStatus(o.accepted) +
              " après révision";
  m.message_id = OwnMessageId("override", std::to_string(o.id), instance, config.mail.domain);
  std::ostringstream os;
  os << "Bonjour,\n\n"
     << "Le gestionnaire de réseau a révisé le statut d'un programme de votre courriel « "
     << msg.subject << " »\nreçu le " << FrenchInstant(p.received_at) << " (heure de Paris).\n\n"
     << "Programme " << p.result.raw_id << "\n"
     << "  Site             : " << p.result.id.site << " " << p.result.site_label << "\n"
     << "  Journée gazière  : " << p.result.id.day.French() << "\n"
     << "  Statut précédent : " << FrenchStatus(!o.accepted) << "\n"
     << "  Nouveau statut   : " << FrenchStatus(o.accepted) << "\n"
     << "  Depuis le        : " << FrenchInstant(o.effective_at) << " (heure de Paris)\n"
     << "  Motif            : " << o.reason << "\n"
     << "  Décision de      : " << o.decided_by << "\n\n";
  WriteEffect(os, p, o, reference_moved);
  os << "Les déclarations reçues à partir de cet instant sont jugées sur ce programme de\n"
     << "référence. Les réponses déjà données ne sont pas modifiées.\n\n"
     << kSignature;
  m.text = os.str();
  return e;
}

}  // namespace flexmail
