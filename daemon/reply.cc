#include "daemon/reply.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "daemon/reply_text.h"
#include "mail/header.h"

namespace flexmail {
namespace {

std::string Plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n > 1 ? "s" : "");
}

void Counts(const DeclarationResult& r, int* accepted, int* refused) {
  *accepted = static_cast<int>(std::count_if(r.programmes.begin(), r.programmes.end(),
                                             [](const ProgrammeResult& p) { return p.accepted; }));
  *refused = static_cast<int>(r.programmes.size()) - *accepted;
}

std::string Summary(const DeclarationResult& r) {
  if (r.outcome != Outcome::kIntegrated) return "rejet technique";
  int accepted, refused;
  Counts(r, &accepted, &refused);
  std::string out;
  if (accepted) out = Plural(accepted, "accepté");
  if (refused) out += (out.empty() ? "" : ", ") + Plural(refused, "refusé");
  return out.empty() ? "aucun programme" : out;
}

std::string Location(const Diagnostic& d) {
  std::string out;
  if (!d.file.empty()) out += "fichier " + d.file;
  if (d.line) out += ", ligne " + std::to_string(d.line);
  if (d.field) out += ", champ " + std::to_string(d.field);
  return out.empty() ? "courriel" : out;
}

void WriteDiagnostics(std::ostream& os, const char* title, const std::vector<Diagnostic>& ds) {
  if (ds.empty()) return;
  os << title << " (" << ds.size() << ") :\n";
  int n = 0;
  for (const auto& d : ds) {
    os << "  " << ++n << ". " << Location(d) << " [" << CodeName(d.code) << "]\n"
       << "     " << d.message << "\n";
  }
  os << "\n";
}

void WriteProgramme(std::ostream& os, const ProgrammeResult& p, const Referential& ref) {
  const Mesh* mesh = ref.FindMesh(p.mesh);
  os << "Programme " << p.raw_id << "\n"
     << "  Site             : " << p.id.site << " " << p.site_label << " (maille " << p.mesh
     << (mesh ? " " + mesh->label : "") << ")\n"
     << "  Journée gazière  : " << p.id.day.French() << "\n"
     << "  Statut           : " << (p.accepted ? "ACCEPTÉ" : "REFUSÉ")
     << (p.superseded ? " (remplacé par une version supérieure de ce courriel)" : "") << "\n";
  for (const auto& v : p.violations) {
    os << "  Motif            : " << CodeText(v.code, FormatSlotHours(v.slots)) << " ["
       << CodeName(v.code) << "]\n";
    if (!v.detail.empty()) os << "  Cause            : " << v.detail << "\n";
    if (!v.slots.empty()) os << "  Heures           : " << FormatSlotHours(v.slots) << "\n";
  }
  const AppliedIndicators& ind = p.indicators;
  auto light = [](const AppliedLight& l) {
    return FrenchLight(l.status) + (l.known ? "" : " (aucune publication, valeur par défaut)");
  };
  os << "  Indicateurs appliqués : Q → Q- " << light(ind.q_minus) << ", Q → Q+ "
     << light(ind.q_plus) << ", flexibilité partielle " << light(ind.partial) << "\n\n";
}

void WriteReference(std::ostream& os, const SiteDay& key, const ReferenceHistory& h, Instant t,
                    const Referential& ref) {
  const ReferenceVersion* v = h.InForceAt(t);
  const Site* site = ref.FindSite(key.site);
  os << "Programme de référence " << key.day.Compact() << "-" << key.site << " ("
     << (site ? site->label : key.site) << ", journée gazière " << key.day.French() << ")";
  if (!v) {
    os << " : aucun programme accepté, référence nulle.\n\n";
    return;
  }
  os << ", en vigueur depuis le " << FrenchInstant(v->effective_at) << " (programme "
     << v->programme_id << ") :\n"
     << "  Heure   Quantité (kWh25)\n";
  for (int i = 0; i < kSlotsPerDay; ++i) {
    std::string q = FrenchQuantity(v->values[i]);
    os << "  " << FormatSlotHours({i}) << "   " << std::string(16 - std::min<size_t>(16, q.size()), ' ')
       << q << "\n";
  }
  os << "\n";
}

void WriteResult(std::ostream& os, const DeclarationResult& r) {
  if (r.outcome != Outcome::kIntegrated) {
    os << "Résultat : REJET TECHNIQUE. Aucun programme de ce courriel n'a été intégré.\n"
       << "Corrigez les erreurs ci-dessous puis renvoyez la déclaration complète : ni les\n"
       << "identifiants ni les numéros de version de ce courriel n'ont été consommés.\n\n";
    return;
  }
  int accepted, refused;
  Counts(r, &accepted, &refused);
  os << "Résultat : déclaration intégrée, " << Plural(accepted, "programme accepté") << ", "
     << Plural(refused, "programme refusé") << ".\n\n";
}

// The signature of every answer.
constexpr const char kSignatureText[] =
    "-- \n"
    "Message automatique de flexmail, canal courriel de secours des déclarations de\n"
    "programmes des sites fortement modulés. Merci de ne pas répondre à ce message.\n";

// How many ids References keeps: the thread's first and its latest ones.
constexpr size_t kMaxReferences = 20;

// Threading headers (RFC 5322 §3.6.4) from the original's ids, keeping
// only well-formed ones: a folded or forged Message-ID must carry no text
// into our headers. A header left with no id is omitted.
void Thread(const ParsedMessage& msg, OutgoingMessage* m) {
  std::vector<std::string> own = MessageIdTokens(msg.message_id, 1);
  std::vector<std::string> refs = MessageIdTokens(msg.references, 1000);
  if (refs.size() > kMaxReferences - 1)
    refs.erase(refs.begin() + 1, refs.end() - static_cast<long>(kMaxReferences - 2));
  if (!own.empty()) refs.push_back(own.front());
  m->in_reply_to = own.empty() ? "" : own.front();
  m->references.clear();
  for (const auto& id : refs) m->references += (m->references.empty() ? "" : " ") + id;
}

// One line on who the message was proven to come from.
void WriteAuthentication(std::ostream& os, const AuthVerdict& a) {
  os << "Authentification de l'expéditeur : ";
  switch (a.result) {
    case AuthResult::kPass: os << "réussie (" << a.method << " : " << a.detail << ")"; break;
    case AuthResult::kFail: os << "échouée (" << a.method << " : " << a.detail << ")"; break;
    case AuthResult::kTempError:
      os << "impossible pour l'instant (" << a.method << " : " << a.detail << ")";
      break;
    case AuthResult::kNone: os << "non demandée par la configuration de l'opérateur"; break;
  }
  os << ".\n\n";
}

}  // namespace

const char* const kSignature = kSignatureText;

std::string ReplySubject(const std::string& original, const DeclarationResult& r) {
  std::string base = original;
  bool has_re = base.size() >= 3 && (base[0] == 'R' || base[0] == 'r') &&
                (base[1] == 'E' || base[1] == 'e') && base[2] == ':';
  if (!has_re) base = "Re: " + base;
  return base + " — " + Summary(r);
}

std::string ReplyBody(const ParsedMessage& msg, const Verdict& v, const Referential& ref,
                      const AuthVerdict* auth) {
  const DeclarationResult& r = v.result;
  std::ostringstream os;
  os << "Bonjour,\n\n"
     << "Votre courriel « " << msg.subject << " » reçu le " << FrenchInstant(r.received_at)
     << " (heure de Paris) a été traité.\n\n";
  if (auth) WriteAuthentication(os, *auth);
  if (JudgedAt(r) != r.received_at) {
    // RULES §9: say plainly why the verdict is not of the reception instant.
    os << "Il a été traité après une déclaration reçue plus tard pour le même site et la même\n"
       << "journée gazière : il a donc été jugé à l'instant de son traitement, le "
       << FrenchInstant(JudgedAt(r)) << ",\nsur l'état du moment.\n\n";
  }
  WriteResult(os, r);
  for (const auto& p : r.programmes) WriteProgramme(os, p, ref);
  WriteDiagnostics(os, "Erreurs", r.errors);
  WriteDiagnostics(os, "Avertissements", r.warnings);
  for (const auto& key : v.touched) {
    auto it = v.after.find(key);
    WriteReference(os, key, it == v.after.end() ? ReferenceHistory() : it->second, JudgedAt(r),
                   ref);
  }
  os << "Le détail de ce traitement figure au format JSON dans la pièce jointe resultats.json.\n\n"
     << kSignatureText;
  return os.str();
}

std::string OwnMessageId(std::string_view kind, std::string_view number,
                         const std::string& instance, const std::string& domain) {
  return "<" + std::string(kind) + "-" + std::string(number) + "." + instance + "@" + domain + ">";
}

std::string ReplyMessageId(std::int64_t declaration_id, const std::string& instance,
                           const std::string& domain) {
  return OwnMessageId("declaration", std::to_string(declaration_id), instance, domain);
}

ReplyEnvelope AnswerTo(const Config& config, const ParsedMessage& msg, Instant now) {
  ReplyEnvelope e;
  OutgoingMessage& m = e.message;
  m.from = {config.mail.address, "flexmail"};
  m.to = {{msg.from_address, ""}};
  e.recipients.push_back(msg.from_address);
  Thread(msg, &m);
  m.date = std::chrono::time_point_cast<std::chrono::seconds>(now);
  m.date_offset_minutes = UtcOffsetMinutes(now);
  m.extra_headers = {{"Auto-Submitted", "auto-replied"}};
  return e;
}

void AddShipperCopies(const Config& config, const ParsedMessage& msg, ReplyEnvelope* e) {
  for (const Shipper* sh : config.referential.ShippersOf(msg.from_address)) {
    for (const auto& cc : sh->cc) {
      if (std::find(e->recipients.begin(), e->recipients.end(), cc) != e->recipients.end())
        continue;
      e->message.cc.push_back({cc, ""});
      e->recipients.push_back(cc);
    }
  }
}

ReplyEnvelope BuildReply(const Config& config, const std::string& instance,
                         const ParsedMessage& msg, const Verdict& v, const std::string& json,
                         Instant now, const ReplyOptions& options) {
  ReplyEnvelope e = AnswerTo(config, msg, now);
  OutgoingMessage& m = e.message;
  if (options.copies) AddShipperCopies(config, msg, &e);
  m.subject = ReplySubject(msg.subject, v.result);
  m.message_id = ReplyMessageId(v.declaration_id, instance, config.mail.domain);
  m.text = ReplyBody(msg, v, config.referential, options.authentication);
  m.attachments.push_back({"resultats.json", "application/json", json});
  return e;
}

bool IsTestSubject(std::string_view subject) {
  auto is_word_char = [](unsigned char c) { return std::isalnum(c) || c >= 0x80; };
  for (size_t i = 0; i + 4 <= subject.size(); ++i) {
    if (!EqualsIgnoreCase(subject.substr(i, 4), "test")) continue;
    bool starts = i == 0 || !is_word_char(static_cast<unsigned char>(subject[i - 1]));
    bool ends = i + 4 == subject.size() || !is_word_char(static_cast<unsigned char>(subject[i + 4]));
    if (starts && ends) return true;
  }
  return false;
}

ReplyEnvelope BuildTestReply(const Config& config, const std::string& instance,
                             const ParsedMessage& msg, const AuthVerdict& auth,
                             Instant received_at, std::int64_t message_row, Instant now) {
  ReplyEnvelope e = AnswerTo(config, msg, now);
  OutgoingMessage& m = e.message;
  const std::string base = msg.subject.empty() ? std::string("Test") : msg.subject;
  m.subject = "Re: " + base + " — test reçu";
  m.message_id = OwnMessageId("test", std::to_string(message_row), instance, config.mail.domain);
  std::ostringstream os;
  os << "Bonjour,\n\n"
     << "Votre courriel de test « " << msg.subject << " » reçu le " << FrenchInstant(received_at)
     << " (heure de Paris) est bien parvenu au canal courriel de secours.\n\n";
  WriteAuthentication(os, auth);
  os << "Il ne contenait pas de fichier de déclaration : aucune déclaration n'a été "
        "enregistrée.\n\n"
     << kSignatureText;
  m.text = os.str();
  return e;
}

}  // namespace flexmail
