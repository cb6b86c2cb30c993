// The reply to a shipper's email: a French text a person can read and
// resultats.json a program can parse (the object `submit --json` prints).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "daemon/engine.h"
#include "mail/authentication.h"
#include "mail/compose.h"
#include "mail/message.h"

namespace flexmail {

// "Re: <original> — 2 acceptés, 1 refusé" or "… — rejet technique".
std::string ReplySubject(const std::string& original, const DeclarationResult& r);
// The French text/plain body.
// `auth`: the sender-authentication verdict, said in the text when given.
std::string ReplyBody(const ParsedMessage& msg, const Verdict& v, const Referential& ref,
                      const AuthVerdict* auth = nullptr);
// The Message-IDs flexmail makes: "<KIND-NUMBER.INSTANCE@DOMAIN>", e.g.
// "<declaration-42.8f1c…(32 hex digits)@flexmail.example>". Deterministic:
// the same reply always has the same id (a retry re-sends the stored bytes;
// the outbox takes one reply per id). Unique beyond this ledger: INSTANCE
// is the ledger's instance id (Ledger::instance_id), so another ledger
// numbering its declarations from 1 again makes other ids, and mail
// systems that drop a Message-ID already seen do not drop ours.
// NUMBER is a row id, or a canary probe's random id.
// REQUIRES: `kind`, `number` and `instance` of letters, digits and '-'; `domain` a
// domain name (config's mail.domain): the id is then an RFC 5322 msg-id.
std::string OwnMessageId(std::string_view kind, std::string_view number,
                         const std::string& instance, const std::string& domain);
// The reply to declaration `declaration_id`.
std::string ReplyMessageId(std::int64_t declaration_id, const std::string& instance,
                           const std::string& domain);

struct ReplyEnvelope {
  OutgoingMessage message;
  std::vector<std::string> recipients;  // To + Cc, for the SMTP envelope
};

// What every answer shares: from flexmail to the sender of `msg`,
// threaded to it, dated `now`, marked automatic (RFC 3834).
ReplyEnvelope AnswerTo(const Config& config, const ParsedMessage& msg, Instant now);
// The copies the sender's shippers configured (cc), each once.
void AddShipperCopies(const Config& config, const ParsedMessage& msg, ReplyEnvelope* e);
// The signature that ends every answer's text ("-- \n…").
extern const char* const kSignature;

// A communication test's subject: "TEST" as a word, in any case
// ("[Martigues] Test de communication"; not "Attestation").
bool IsTestSubject(std::string_view subject);

// The acknowledgement of a communication test: when it was received, who
// it was proven to come from, and that no declaration was made. Its
// Message-ID names the stored message `message_row` (and `instance`, the
// ledger's instance id).
ReplyEnvelope BuildTestReply(const Config& config, const std::string& instance,
                             const ParsedMessage& msg, const AuthVerdict& auth,
                             Instant received_at, std::int64_t message_row, Instant now);

struct ReplyOptions {
  // The shipper's cc addresses too. A reply to a message that failed
  // authentication goes to its From only: the genuine shipper must learn
  // that mail in its name fails, nobody else need.
  bool copies = true;
  const AuthVerdict* authentication = nullptr;
};

// The whole reply. `instance` is the ledger's instance id (for the
// Message-ID); `json` is resultats.json; `now` becomes the Date.
ReplyEnvelope BuildReply(const Config& config, const std::string& instance,
                         const ParsedMessage& msg, const Verdict& v, const std::string& json,
                         Instant now, const ReplyOptions& options = {});

}  // namespace flexmail
