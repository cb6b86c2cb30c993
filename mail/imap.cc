#include "mail/imap.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "mail/curl_util.h"
#include "mail/imap_parse.h"

namespace flexmail {
namespace {

// Ceiling on what one command may answer (message bodies are bounded by
// the caller's max_bytes instead).
constexpr std::size_t kMaxCommandReply = 1 << 20;

// Splits imap[s]://host[:port]/MAILBOX; returns an error text or "".
std::string ParseImapUrl(const std::string& url, std::string* scheme, std::string* authority,
                         std::string* host, std::string* mailbox) {
  ServerUrl parts;
  std::string error = ParseServerUrl(url, &parts);
  if (!error.empty()) return "IMAP url: " + error + " (expected imaps://host:port/INBOX)";
  if (parts.scheme != "imap" && parts.scheme != "imaps") {
    return "IMAP url must start with imaps:// or imap://";
  }
  *scheme = parts.scheme;
  *authority = parts.authority;
  *host = parts.host;
  std::string path = parts.path;
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  while (!path.empty() && path.back() == '/') path.pop_back();
  *mailbox = path.empty() ? "INBOX" : path;
  if (!imap::IsPlainMailboxName(*mailbox) || mailbox->find(';') != std::string::npos) {
    return "IMAP url names a mailbox we cannot use: " + PrintableText(*mailbox);
  }
  return "";
}

std::string CheckFolders(const ImapOptions& o, const std::string& mailbox) {
  for (const std::string* f : {&o.processed_folder, &o.rejected_folder, &o.ignored_folder,
                               &o.canary_folder}) {
    if (f == &o.canary_folder && f->empty()) continue;  // no canary
    if (!imap::IsPlainMailboxName(*f)) {
      return "IMAP folder name unusable: '" + PrintableText(*f) + "'";
    }
    if (*f == mailbox) return "IMAP folder " + *f + " is the mailbox being polled";
  }
  return "";
}

bool IsTaggedRefusal(std::string_view line) {
  std::string_view rest = imap::WithoutTag(line);
  return line.size() > rest.size() && (rest.starts_with("NO") || rest.starts_with("BAD"));
}

}  // namespace

ImapMailbox::ImapMailbox(ImapOptions options) : options_(std::move(options)) {
  config_error_ = ParseImapUrl(options_.url, &scheme_, &authority_, &host_, &mailbox_);
  if (config_error_.empty()) config_error_ = CheckFolders(options_, mailbox_);
  if (config_error_.empty() && options_.username.empty()) config_error_ = "IMAP username is empty";
  if (config_error_.empty()) config_error_ = CheckSaslMechanism(options_.sasl_mechanism, &mechanism_);
  if (config_error_.empty() && options_.metadata_batch == 0) {
    config_error_ = "IMAP metadata batch size must be at least 1";
  }
}

ImapMailbox::~ImapMailbox() = default;

std::string ImapMailbox::name() const {
  if (!config_error_.empty()) return "imap:(invalid url)";
  return scheme_ + "://" + authority_ + "/" + mailbox_;
}

void ImapMailbox::Close() {
  for (auto& uids : unfiled_) uids.clear();
  easy_.reset();  // curl says LOGOUT and closes the connection
  caps_.clear();
  folders_ready_ = false;
  validity_.reset();
}

// A connection kept from an earlier request may have died meanwhile (server
// restarted, idle timeout); the request is then tried once more, on a new
// connection. Our commands may be repeated: FETCH, SEARCH, STORE +FLAGS and
// EXPUNGE are idempotent, a repeated MOVE finds nothing and is then checked,
// a repeated COPY at worst leaves a second copy in the folder.
ImapMailbox::Reply ImapMailbox::Run(const std::string& url, const std::string& command,
                                    std::size_t max_body) {
  Reply reply = RunOnce(url, command, max_body);
  const bool lost = reply.code == CURLE_RECV_ERROR || reply.code == CURLE_SEND_ERROR ||
                    reply.code == CURLE_GOT_NOTHING;
  if (lost && reply.reused_connection) reply = RunOnce(url, command, max_body);
  if (RetryWithFreshToken(reply)) {
    options_.token_source->Refused(reply.token);
    reply = RunOnce(url, command, max_body);
  }
  return reply;
}

ImapMailbox::Reply ImapMailbox::RunOnce(const std::string& url, const std::string& command,
                                        std::size_t max_body) {
  Reply reply;
  if (!easy_) easy_ = std::make_unique<CurlEasy>();
  if (!easy_->ok()) {
    reply.code = CURLE_OUT_OF_MEMORY;
    return reply;
  }
  if (options_.token_source) {
    reply.token_status = options_.token_source->Get(&reply.token);
    if (!reply.token_status.ok()) {
      reply.code = CURLE_LOGIN_DENIED;
      return reply;
    }
  }
  CURL* h = easy_->get();
  easy_->Prepare({options_.ca_file, options_.connect_timeout, options_.low_speed_timeout,
                  options_.request_timeout});
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  if (!command.empty()) curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, command.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
  if (options_.token_source) {
    SetOAuth2Login(h, reply.token, mechanism_);
  } else {
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
  }
  if (scheme_ == "imap") {
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     static_cast<long>(options_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  }
  BoundedSink body(max_body);
  body.AttachBody(h);
  ReplyLines lines;
  lines.Attach(h);
  const CURLcode code = curl_easy_perform(h);
  reply.code = code;
  reply.reused_connection = !easy_->opened_connection();
  // A new connection may be to a server that offers other extensions.
  if (!reply.reused_connection) caps_.clear();
  if (!reply.reused_connection) NoteCertificate();
  reply.overflowed = body.overflowed();
  reply.body = std::move(body.data());
  reply.curl_error = CurlErrorText(code, easy_->error_text());
  const std::string* why = lines.FindRecent(IsTaggedRefusal);
  if (!why) why = lines.FindRecent([](std::string_view l) { return l.starts_with("* BYE"); });
  reply.refusal = PrintableText(imap::WithoutTag(why ? *why : lines.last()));
  reply.recent = lines.Recent();
  return reply;
}

void ImapMailbox::NoteCertificate() {
  ServerCertificate c{scheme_ + "://" + authority_, "", {}};
  if (easy_->LeafCertificate(&c.subject, &c.not_after)) certificate_ = std::move(c);
}

// The table of errors. kPermanent: nothing will change until someone
// changes the configuration or the server. kTransient: try again later.
//   67 login denied           kPermanent; kTransient with [UNAVAILABLE];
//                             (curl also says 67 for a refused SELECT)
//   64 no STARTTLS            kPermanent
//   35 58 60 77 83 TLS        kPermanent (handshake, certificate, CA file)
//   21 NO/BAD to a command    kTransient with [UNAVAILABLE] [INUSE] [LIMIT]
//                             [SERVERBUG] [OVERQUOTA], else kPermanent
//   78 UIDVALIDITY changed    kTransient: reopen (Fetch tells a gone UID apart)
//   1 3 4 URL, protocol       kPermanent
//   27 out of memory          kInternal
//   others: 6 7 28 52 55 56.. kTransient (resolution, connection, timeouts)
Status ImapMailbox::Failure(const Reply& r, const std::string& what) const {
  const std::string where = scheme_ + "://" + authority_;
  const auto code = static_cast<CURLcode>(r.code);
  switch (code) {
    case CURLE_LOGIN_DENIED:
      return LoginFailure(r);
    case CURLE_USE_SSL_FAILED:
      return Status::Permanent("IMAP server " + where +
                               " does not offer STARTTLS; refusing plaintext");
    case CURLE_QUOTE_ERROR:  // the server answered NO or BAD to our command
      return CommandRefused(r, what);
    case CURLE_REMOTE_FILE_NOT_FOUND:  // ";UIDVALIDITY=" no longer matches
      return Status::Transient("UIDVALIDITY of " + name() + " is no longer " +
                               std::to_string(validity_.value_or(0)) +
                               " (mailbox recreated): reopen it");
    case CURLE_WRITE_ERROR:
      if (r.overflowed) {
        return Status::Permanent("IMAP " + what + " on " + where + ": answer too large");
      }
      break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
      return Status::Permanent("IMAP url " + name() + " unusable: " + r.curl_error);
    case CURLE_OUT_OF_MEMORY:
      return Status::Internal("IMAP " + what + ": out of memory");
    default:
      break;
  }
  if (IsTlsTrustFailure(code)) {
    return Status::Permanent(DescribeTlsFailure(code, host_, options_.ca_file, r.curl_error));
  }
  return Status::Transient("IMAP " + what + " on " + where + " failed: " + r.curl_error);
}

bool ImapMailbox::RetryWithFreshToken(const Reply& r) const {
  return options_.token_source && r.token_status.ok() && r.code == CURLE_LOGIN_DENIED &&
         !r.curl_error.starts_with("Select failed") &&
         !imap::HasResponseCode(r.refusal, "UNAVAILABLE");
}

// curl reports a refused login and a refused SELECT with the same code.
Status ImapMailbox::LoginFailure(const Reply& r) const {
  if (!r.token_status.ok()) return r.token_status;
  const std::string where = scheme_ + "://" + authority_;
  const std::string server = r.refusal.empty() ? "" : ": " + r.refusal;
  if (imap::HasResponseCode(r.refusal, "UNAVAILABLE")) {
    return Status::Transient("IMAP server " + where + " cannot log user " +
                             PrintableText(options_.username) + " in for now" + server);
  }
  if (r.curl_error.starts_with("Select failed")) {
    return Status::Permanent("IMAP mailbox " + name() + " cannot be opened" + server);
  }
  if (options_.token_source) {
    // curl's own words when the server offers no OAuth2 mechanism.
    const std::string why = r.refusal.empty() ? ": " + r.curl_error : server;
    return Status::Permanent("IMAP server " + where + " refused the OAuth2 token of user " +
                             PrintableText(options_.username) + why);
  }
  return Status::Permanent("IMAP login refused for user " + PrintableText(options_.username) +
                           " at " + where + server);
}

Status ImapMailbox::CommandRefused(const Reply& r, const std::string& what) const {
  const std::string text = "IMAP server " + scheme_ + "://" + authority_ + " refused " + what +
                           ": " + r.refusal;
  for (const char* code : {"UNAVAILABLE", "INUSE", "LIMIT", "SERVERBUG", "OVERQUOTA"}) {
    if (imap::HasResponseCode(r.refusal, code)) return Status::Transient(text);
  }
  return Status::Permanent(text);
}

std::string ImapMailbox::MailboxUrl() const {
  return scheme_ + "://" + authority_ + "/" + PercentEncode(mailbox_) +
         ";UIDVALIDITY=" + std::to_string(validity_.value_or(0));
}

const std::string& ImapMailbox::FolderName(Folder folder) const {
  switch (folder) {
    case Folder::kProcessed: return options_.processed_folder;
    case Folder::kRejected: return options_.rejected_folder;
    case Folder::kIgnored: return options_.ignored_folder;
    case Folder::kCanary: return options_.canary_folder;
  }
  return options_.rejected_folder;
}

Status ImapMailbox::Open(std::uint64_t* validity) {
  if (!config_error_.empty()) return Status::Permanent(config_error_);
  validity_.reset();
  const std::string command =
      "STATUS " + imap::MailboxArgument(mailbox_) + " (UIDVALIDITY UIDNEXT MESSAGES)";
  Reply r = Run(scheme_ + "://" + authority_ + "/", command, kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, "STATUS " + mailbox_);
  imap::MailboxStatus status;
  if (!imap::ParseStatus(r.body, &status)) {
    return Status::Permanent("IMAP server " + name() + " answered STATUS without UIDVALIDITY: " +
                             PrintableText(r.body));
  }
  Status s = EnsureCapabilities();
  if (s.ok()) s = EnsureFolders();
  if (!s.ok()) return s;
  validity_ = status.uidvalidity;
  *validity = status.uidvalidity;
  // A mailbox kept selected across polls shows mail delivered since only
  // after the server has told us (EXISTS); NOOP asks it to, so this poll's
  // SEARCH sees that mail instead of the next one's.
  Reply noop = Run(MailboxUrl(), "NOOP", kMaxCommandReply);
  if (noop.code != CURLE_OK) return Failure(noop, "NOOP");
  return Status::Ok();
}

Status ImapMailbox::EnsureCapabilities() {
  if (!caps_.empty()) return Status::Ok();
  Reply r = Run(scheme_ + "://" + authority_ + "/", "CAPABILITY", kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, "CAPABILITY");
  caps_ = imap::ParseCapabilities(r.body);
  if (caps_.empty()) caps_.push_back("IMAP4REV1");  // known, if nothing else
  return Status::Ok();
}

bool ImapMailbox::Has(const std::string& capability) const {
  return std::find(caps_.begin(), caps_.end(), capability) != caps_.end();
}

Status ImapMailbox::EnsureFolders() {
  if (folders_ready_) return Status::Ok();
  for (Folder f : {Folder::kProcessed, Folder::kRejected, Folder::kIgnored, Folder::kCanary}) {
    if (FolderName(f).empty()) continue;  // no canary
    Status s = EnsureFolder(FolderName(f));
    if (!s.ok()) return s;
  }
  folders_ready_ = true;
  return Status::Ok();
}

Status ImapMailbox::EnsureFolder(const std::string& folder) {
  bool exists = false;
  Status s = FolderExists(folder, &exists);
  if (!s.ok() || exists) return s;
  Reply r = Run(scheme_ + "://" + authority_ + "/", "CREATE " + imap::MailboxArgument(folder),
                kMaxCommandReply);
  if (r.code == CURLE_OK) return Status::Ok();
  // Another client may have created it meanwhile; servers say so differently.
  if (FolderExists(folder, &exists).ok() && exists) return Status::Ok();
  return Failure(r, "CREATE " + folder);
}

Status ImapMailbox::FolderExists(const std::string& folder, bool* exists) {
  Reply r = Run(scheme_ + "://" + authority_ + "/",
                "LIST \"\" " + imap::MailboxArgument(folder), kMaxCommandReply);
  if (r.code != CURLE_OK) return Failure(r, "LIST " + folder);
  const auto names = imap::ParseListNames(r.body);
  *exists = std::find(names.begin(), names.end(), folder) != names.end();
  return Status::Ok();
}

}  // namespace flexmail
