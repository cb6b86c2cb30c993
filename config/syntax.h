// Syntax checks for the configuration's identifiers and mail addresses, in
// the shape cfg::Syntax expects: nullptr when fine, else the reason shown to
// the operator. Internal to config/.
#pragma once

#include <string_view>

namespace flexmail::cfg {

// "local@domain": no spaces or control characters, exactly one @, a
// non-empty local part, a domain of non-empty labels with at least one dot.
bool IsMailAddress(std::string_view s);
// "@domain" with the same domain rules: every address of that domain.
bool IsMailDomainPattern(std::string_view s);
// A URL with a password in it, "imaps://user:secret@host/": such a value is
// never quoted back in a message.
bool HasUrlPassword(std::string_view s);

const char* SiteIdSyntax(std::string_view s);        // LI0001
const char* MeshCodeSyntax(std::string_view s);      // ME0005
const char* ContractCodeSyntax(std::string_view s);  // GFQUIMP01
const char* AddressSyntax(std::string_view s);       // a cc
const char* SenderSyntax(std::string_view s);        // an address or "@domain"
const char* LightSyntax(std::string_view s);         // GREEN, RED or GREY
const char* DomainSyntax(std::string_view s);        // flexmail.example
const char* ImapUrlSyntax(std::string_view s);       // imaps://host[:port]/INBOX
const char* SmtpUrlSyntax(std::string_view s);       // smtps://host[:port]
const char* AuthModeSyntax(std::string_view s);      // dkim | authentication-results | ...
const char* NameserverSyntax(std::string_view s);    // 127.0.0.1 or 127.0.0.1:5353
const char* AuthservIdSyntax(std::string_view s);    // mx.operator.example, microsoft365
const char* PathSyntax(std::string_view s);          // a file name, not empty
const char* FolderSyntax(std::string_view s);        // Processed
const char* MailLoginSyntax(std::string_view s);     // password | oauth2
const char* SaslMechanismSyntax(std::string_view s); // XOAUTH2 | OAUTHBEARER
const char* TokenUrlSyntax(std::string_view s);      // https://host[:port]/path
const char* AssertionAlgorithmSyntax(std::string_view s);  // RS256 | PS256
const char* ListenSyntax(std::string_view s);        // 127.0.0.1:8025 or [::1]:8025

}  // namespace flexmail::cfg
