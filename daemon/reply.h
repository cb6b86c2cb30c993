// The reply to a shipper's email: a French text a person can read and
// resultats.json a program can parse (the object `submit --json` prints).
#pragma once

#include <string>
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
// The reply's Message-ID: deterministic, from the declaration id and the
// configured domain, so a reply rebuilt after a crash is the same message.
std::string ReplyMessageId(std::int64_t declaration_id, const std::string& domain);

struct ReplyEnvelope {
  OutgoingMessage message;
  std::vector<std::string> recipients;  // To + Cc, for the SMTP envelope
};

// A communication test's subject: "TEST" as a word, in any case
// ("[Martigues] Test de communication"; not "Attestation").
bool IsTestSubject(std::string_view subject);

// The acknowledgement of a communication test: when it was received, who
// it was proven to come from, and that no declaration was made. Its
// Message-ID names the stored message `message_row`.
ReplyEnvelope BuildTestReply(const Config& config, const ParsedMessage& msg,
                             const AuthVerdict& auth, Instant received_at,
                             std::int64_t message_row, Instant now);

struct ReplyOptions {
  // The shipper's cc addresses too. A reply to a message that failed
  // authentication goes to its From only: the genuine shipper must learn
  // that mail in its name fails, nobody else need.
  bool copies = true;
  const AuthVerdict* authentication = nullptr;
};

// The whole reply. `json` is resultats.json; `now` becomes the Date.
ReplyEnvelope BuildReply(const Config& config, const ParsedMessage& msg, const Verdict& v,
                         const std::string& json, Instant now, const ReplyOptions& options = {});

}  // namespace flexmail
