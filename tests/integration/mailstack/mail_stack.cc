#include "tests/integration/mailstack/mail_stack.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include <nlohmann/json.hpp>

extern char** environ;

namespace flexmail::test {
namespace {

namespace fs = std::filesystem;
using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

// No script command takes this long: its own waits are bounded at ~10 s.
constexpr auto kScriptTimeout = std::chrono::seconds(60);

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Tail(const fs::path& path, int lines) {
  std::string text = ReadFile(path);
  if (text.empty()) return {};
  std::size_t pos = text.size();
  if (text.back() == '\n') --pos;
  for (int n = 0; n < lines && pos > 0; ++n) {
    std::size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) {
      pos = 0;
      break;
    }
    pos = nl;
  }
  if (pos > 0) ++pos;
  return text.substr(pos);
}

std::string Unquote(std::string v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') &&
      v.back() == v.front()) {
    return v.substr(1, v.size() - 2);
  }
  return v;
}

}  // namespace

MailStack::~MailStack() {
  if (!started()) return;
  AssertionResult stopped = Stop();
  if (!stopped) ADD_FAILURE() << stopped.message();
}

fs::path MailStack::ScriptPath() {
  const fs::path rel = "tests/integration/mailstack/mailstack";
  if (const char* src = std::getenv("FLEXMAIL_SOURCE_DIR"); src && *src) {
    return fs::path(src) / rel;
  }
  return fs::path(FLEXMAIL_MAILSTACK_SOURCE_DIR) / rel;
}

AssertionResult MailStack::Run(const std::vector<std::string>& args,
                               std::string* output, bool owner,
                               const std::vector<std::string>& extra_env) {
  const fs::path script = ScriptPath();
  if (access(script.c_str(), R_OK) != 0) {
    return AssertionFailure() << "mail stack script not found: " << script
                              << " (" << std::strerror(errno)
                              << "; set FLEXMAIL_SOURCE_DIR)";
  }
  std::vector<std::string> argv_s = {"/bin/bash", script.string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Environment prepared before fork: the child only calls async-signal-safe
  // functions.
  std::vector<std::string> env_s;
  // What the stack is made of is the caller's choice, not the environment's.
  for (char** e = environ; *e; ++e) {
    const std::string_view var = *e;
    bool ours = false;
    for (std::string_view key : {"MAILSTACK_OWNER_PID=", "MAILSTACK_MILTERS=",
                                 "MAILSTACK_NAMESERVER=", "MAILSTACK_AUTHSERV_ID=",
                                 "MAILSTACK_OAUTH2=", "MAILSTACK_NO_IDLE=",
                                 "MAILSTACK_CERT_DAYS="}) {
      ours = ours || var.starts_with(key);
    }
    if (!ours) env_s.emplace_back(var);
  }
  if (owner) env_s.push_back("MAILSTACK_OWNER_PID=" + std::to_string(getpid()));
  env_s.insert(env_s.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return AssertionFailure() << "pipe: " << std::strerror(errno);
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return AssertionFailure() << "fork: " << std::strerror(errno);
  }
  if (pid == 0) {
    // The servers started by the script must not inherit the test's sockets.
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    close_range(3, ~0U, 0);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);

  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + kScriptTimeout;
  bool timed_out = false;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      timed_out = r == 0;
      break;
    }
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (output) *output = out;

  std::string cmd = "mailstack";
  for (const auto& a : args) cmd += " " + a;
  if (timed_out) {
    return AssertionFailure() << cmd << ": no answer after "
                              << kScriptTimeout.count() << " s\n" << out;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return AssertionFailure() << cmd << ": failed ("
                              << (WIFEXITED(status)
                                      ? "exit " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status)))
                              << ")\n" << out;
  }
  return AssertionSuccess() << out;
}

AssertionResult MailStack::LoadEnv() {
  std::ifstream in(dir_ / "env");
  if (!in) return AssertionFailure() << "cannot read " << (dir_ / "env");
  env_.clear();
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    env_[line.substr(0, eq)] = Unquote(line.substr(eq + 1));
  }
  for (const char* key : {"IMAP_PORT", "IMAPS_PORT", "LMTP_PORT", "SMTP_PORT",
                          "SMTP_PLAIN_PORT", "CA_FILE"}) {
    if (Env(key).empty()) {
      return AssertionFailure() << (dir_ / "env") << " has no " << key;
    }
  }
  if (oauth2()) {
    for (const char* key : {"TOKEN_URL", "TOKEN_PORT", "TOKEN_ADMIN_PORT", "OAUTH2_CLIENT_ID",
                            "OAUTH2_CLIENT_CERT", "OAUTH2_CLIENT_KEY",
                            "OAUTH2_CLIENT_SECRET_FILE", "OAUTH2_OTHER_CERT",
                            "OAUTH2_OTHER_KEY"}) {
      if (Env(key).empty()) {
        return AssertionFailure() << (dir_ / "env") << " has no " << key;
      }
    }
  }
  return AssertionSuccess();
}

AssertionResult MailStack::Start() { return StartIn({}); }

AssertionResult MailStack::StartWithMilters(std::string_view nameserver,
                                            std::string_view authserv_id) {
  return StartIn({"MAILSTACK_MILTERS=1", "MAILSTACK_NAMESERVER=" + std::string(nameserver),
                  "MAILSTACK_AUTHSERV_ID=" + std::string(authserv_id)});
}

AssertionResult MailStack::StartWithOAuth2() { return StartIn({"MAILSTACK_OAUTH2=1"}); }

AssertionResult MailStack::StartWithoutIdle() { return StartIn({"MAILSTACK_NO_IDLE=1"}); }
AssertionResult MailStack::StartWithCertificateDays(int days) {
  return StartIn({"MAILSTACK_CERT_DAYS=" + std::to_string(days)});
}

AssertionResult MailStack::StartIn(const std::vector<std::string>& extra_env) {
  if (started()) return AssertionFailure() << "mail stack already started in " << dir_;
  const char* tmp = std::getenv("TMPDIR");
  std::string templ =
      (fs::path(tmp && *tmp ? tmp : "/tmp") / "flexmail-mailstack-XXXXXX").string();
  if (!mkdtemp(templ.data())) {
    return AssertionFailure() << "mkdtemp " << templ << ": " << std::strerror(errno);
  }
  fs::path dir = templ;
  std::string out;
  AssertionResult r = Run({"start", dir.string()}, &out, /*owner=*/true, extra_env);
  if (!r) {
    return AssertionFailure() << "mail stack did not start (directory kept: "
                              << dir << ")\n" << r.message();
  }
  dir_ = dir;
  r = LoadEnv();
  if (!r) {
    Stop();
    return r;
  }
  return AssertionSuccess() << out;
}

AssertionResult MailStack::Stop() {
  if (!started()) return AssertionSuccess();
  AssertionResult r = Run({"stop", dir_.string()});
  if (!r) return r;  // keep dir_: the destructor tries again
  const char* keep = std::getenv("FLEXMAIL_KEEP_MAILSTACK");
  if (!(keep && std::string_view(keep) == "1")) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  dir_.clear();
  env_.clear();
  return AssertionSuccess();
}

namespace {
AssertionResult WithLogs(AssertionResult r, const MailStack& stack) {
  if (r) return r;
  return AssertionFailure() << r.message() << stack.LogTail();
}
}  // namespace

AssertionResult MailStack::StopDovecot() {
  if (!started()) return AssertionFailure() << "mail stack not started";
  AssertionResult r = Run({"stop-dovecot", dir_.string()});
  if (r) r = LoadEnv();
  return WithLogs(r, *this);
}

AssertionResult MailStack::StartDovecot() {
  if (!started()) return AssertionFailure() << "mail stack not started";
  AssertionResult r = Run({"start-dovecot", dir_.string()});
  if (r) r = LoadEnv();
  return WithLogs(r, *this);
}

int MailStack::EndDovecotLeftovers() const {
  std::istringstream conf(ReadFile(Env("DOVECOT_CONF")));
  std::string instance;
  for (std::string line; std::getline(conf, line);) {
    if (line.rfind("instance_name = ", 0) == 0) instance = line.substr(16);
  }
  if (instance.empty()) {
    ADD_FAILURE() << "no instance_name in " << Env("DOVECOT_CONF");
    return 0;
  }
  const std::string title = "dovecot-" + instance + "/";
  std::vector<pid_t> pids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (ReadFile(entry.path() / "cmdline").rfind(title, 0) == 0) {
      pids.push_back(static_cast<pid_t>(std::stol(name)));
    }
  }
  for (pid_t pid : pids) kill(pid, SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto any_alive = [&] {
    for (pid_t p : pids) {
      if (kill(p, 0) == 0) return true;
    }
    return false;
  };
  while (any_alive() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return static_cast<int>(pids.size());
}

AssertionResult MailStack::StopPostfix() {
  if (!started()) return AssertionFailure() << "mail stack not started";
  AssertionResult r = Run({"stop-postfix", dir_.string()});
  if (r) r = LoadEnv();
  return WithLogs(r, *this);
}

AssertionResult MailStack::StartPostfix() {
  if (!started()) return AssertionFailure() << "mail stack not started";
  AssertionResult r = Run({"start-postfix", dir_.string()});
  if (r) r = LoadEnv();
  return WithLogs(r, *this);
}

AssertionResult MailStack::StopTokenService() {
  if (!started()) return AssertionFailure() << "mail stack not started";
  AssertionResult r = Run({"stop-tokens", dir_.string()});
  if (r) r = LoadEnv();
  return WithLogs(r, *this);
}

AssertionResult MailStack::StartTokenService() {
  if (!started()) return AssertionFailure() << "mail stack not started";
  AssertionResult r = Run({"start-tokens", dir_.string()});
  if (r) r = LoadEnv();
  return WithLogs(r, *this);
}

AssertionResult MailStack::FlushQueue() {
  if (!started()) return AssertionFailure() << "mail stack not started";
  return WithLogs(Run({"flush", dir_.string()}), *this);
}

AssertionResult MailStack::Seed(std::string_view user, const fs::path& eml,
                                std::string_view internal_date) {
  if (!started()) return AssertionFailure() << "mail stack not started";
  return Run({"seed", dir_.string(), std::string(user), fs::absolute(eml).string(),
              std::string(internal_date)});
}

AssertionResult MailStack::SeedText(std::string_view user, std::string_view message,
                                    std::string_view internal_date) {
  if (!started()) return AssertionFailure() << "mail stack not started";
  const fs::path file = dir_ / ("seed-" + std::to_string(++seeded_) + ".eml");
  {
    std::ofstream out(file, std::ios::binary);
    out.write(message.data(), static_cast<std::streamsize>(message.size()));
    if (!out) return AssertionFailure() << "cannot write " << file;
  }
  AssertionResult r = Seed(user, file, internal_date);
  std::error_code ec;
  fs::remove(file, ec);
  return r;
}

AssertionResult MailStack::RecreateMailbox(std::string_view user,
                                           std::uint32_t* new_uidvalidity) {
  if (!started()) return AssertionFailure() << "mail stack not started";
  std::string out;
  AssertionResult r = Run({"recreate-mailbox", dir_.string(), std::string(user)}, &out);
  if (r) r = LoadEnv();
  if (!r) return WithLogs(r, *this);
  // Last line: "UIDVALIDITY OLD NEW".
  auto pos = out.rfind("UIDVALIDITY ");
  std::istringstream in(pos == std::string::npos ? "" : out.substr(pos + 12));
  std::uint64_t old_v = 0, new_v = 0;
  if (!(in >> old_v >> new_v) || new_v == old_v || new_v > 0xffffffffULL) {
    return AssertionFailure() << "unexpected answer from recreate-mailbox: " << out;
  }
  if (new_uidvalidity) *new_uidvalidity = static_cast<std::uint32_t>(new_v);
  return AssertionSuccess() << out;
}

std::string MailStack::Env(std::string_view key) const {
  auto it = env_.find(key);
  return it == env_.end() ? std::string() : it->second;
}

int MailStack::Port(std::string_view key) const {
  std::string v = Env(key);
  return v.empty() ? 0 : std::atoi(v.c_str());
}

std::string MailStack::password(std::string_view user) const {
  std::string file = Env("PASSWORD_FILE_" + std::string(user));
  return file.empty() ? std::string() : ReadFile(file);
}

std::string MailStack::address(std::string_view user) const {
  return Env("ADDRESS_" + std::string(user));
}

fs::path MailStack::maildir(std::string_view user) const {
  return Env("MAILDIR_" + std::string(user));
}

std::string MailStack::imaps_url() const {
  return "imaps://127.0.0.1:" + std::to_string(imaps_port()) + "/";
}

std::string MailStack::smtp_url() const {
  return "smtp://127.0.0.1:" + std::to_string(smtp_port());
}

std::string MailStack::LogTail(int lines) const {
  if (dir_.empty()) return {};
  std::string out;
  for (const fs::path& log :
       {dir_ / "dovecot/dovecot.log", dir_ / "dovecot/stdout.log",
        dir_ / "postfix/maillog", dir_ / "postfix/start.log",
        dir_ / "milters/opendkim.log", dir_ / "milters/opendmarc.log",
        dir_ / "oauth2/token_service.log", dir_ / "oauth2/stdout.log"}) {
    std::string tail = Tail(log, lines);
    if (tail.empty()) continue;
    out += "\n---- tail " + log.string() + "\n" + tail;
  }
  return out;
}

// ---------------------------------------------------------------- OAuth2

namespace {

// No admin request takes long: the service answers from memory.
constexpr long kHttpTimeoutMs = 10000;

std::size_t AppendTo(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct HttpAnswer {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string error;
};

// One bounded request: POST `body` (form or JSON) unless `get`.
HttpAnswer HttpRequest(const std::string& url, const std::string& body, bool get,
                       const std::string& content_type, const fs::path& ca) {
  HttpAnswer a;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL* h = curl_easy_init();
  if (!h) {
    a.code = CURLE_FAILED_INIT;
    a.error = "curl_easy_init failed";
    return a;
  }
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, kHttpTimeoutMs);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, kHttpTimeoutMs);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_PROXY, "");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, AppendTo);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &a.body);
  if (!ca.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, ca.c_str());
  curl_slist* headers = nullptr;
  if (!get) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  }
  a.code = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a.status);
  a.error = errbuf[0] ? errbuf : curl_easy_strerror(a.code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  return a;
}

std::string FormEscape(std::string_view v) {
  // libcurl's own escaping: all but RFC 3986 unreserved characters.
  char* escaped = curl_easy_escape(nullptr, v.data(), static_cast<int>(v.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  return out;
}

}  // namespace

std::string MailStack::oauth2_client_secret() const {
  const fs::path file = oauth2_client_secret_file();
  return file.empty() ? std::string() : ReadFile(file);
}

AssertionResult MailStack::TokenAdmin(std::string_view path, const std::string& body,
                                      bool get, std::string* answer) {
  if (!started()) return AssertionFailure() << "mail stack not started";
  if (!oauth2()) return AssertionFailure() << "mail stack started without OAuth2";
  const std::string url =
      "http://127.0.0.1:" + std::to_string(token_admin_port()) + std::string(path);
  HttpAnswer a = HttpRequest(url, body, get, "application/json", {});
  if (a.code != CURLE_OK || a.status != 200) {
    return AssertionFailure() << (get ? "GET " : "POST ") << url << ": curl " << a.code
                              << " (" << a.error << "), HTTP " << a.status << ": "
                              << a.body << LogTail();
  }
  if (answer) *answer = a.body;
  return AssertionSuccess();
}

AssertionResult MailStack::RequestTokenWithSecret(std::string* access_token,
                                                  std::string_view scope) {
  if (!started() || !oauth2()) {
    return AssertionFailure() << "mail stack not started with OAuth2";
  }
  const std::string body = "grant_type=client_credentials&client_id=" +
                           FormEscape(oauth2_client_id()) + "&client_secret=" +
                           FormEscape(oauth2_client_secret()) + "&scope=" + FormEscape(scope);
  HttpAnswer a =
      HttpRequest(token_url(), body, false, "application/x-www-form-urlencoded", ca_file());
  if (a.code != CURLE_OK || a.status != 200) {
    return AssertionFailure() << "POST " << token_url() << ": curl " << a.code << " ("
                              << a.error << "), HTTP " << a.status << ": " << a.body
                              << LogTail();
  }
  try {
    const auto j = nlohmann::json::parse(a.body);
    *access_token = j.at("access_token").get<std::string>();
    if (j.at("token_type").get<std::string>() != "Bearer" || access_token->empty()) {
      return AssertionFailure() << "unexpected token answer: " << a.body;
    }
  } catch (const nlohmann::json::exception& e) {
    return AssertionFailure() << "token answer is not what RFC 6749 says: " << e.what()
                              << ": " << a.body;
  }
  return AssertionSuccess();
}

AssertionResult MailStack::SetTokenLifetime(int seconds) {
  return TokenAdmin("/admin/ttl?seconds=" + std::to_string(seconds));
}

AssertionResult MailStack::RevokeAllTokens() { return TokenAdmin("/admin/revoke-all"); }

AssertionResult MailStack::SetTokenEndpointUp(bool up) {
  return TokenAdmin(std::string("/admin/token-endpoint?up=") + (up ? "1" : "0"));
}

AssertionResult MailStack::SetTokenEndpointFailure(int http_status) {
  return TokenAdmin("/admin/token-failure?status=" + std::to_string(http_status));
}

AssertionResult MailStack::SetTokenClockOffset(int seconds) {
  return TokenAdmin("/admin/clock-offset?seconds=" + std::to_string(seconds));
}

AssertionResult MailStack::RegisterOAuth2Client(const OAuth2Client& client) {
  nlohmann::json j = {{"client_id", client.client_id}, {"username", client.username}};
  if (!client.secret.empty()) j["secret"] = client.secret;
  if (!client.certificates.empty()) {
    j["certificates"] = nlohmann::json::array();
    for (const auto& c : client.certificates) j["certificates"].push_back(fs::absolute(c).string());
  }
  return TokenAdmin("/admin/clients", j.dump());
}

AssertionResult MailStack::TokenStats(TokenServiceStats* stats) {
  std::string body;
  AssertionResult r = TokenAdmin("/admin/stats", "", /*get=*/true, &body);
  if (!r) return r;
  try {
    const auto j = nlohmann::json::parse(body);
    TokenServiceStats s;
    s.token_requests = j.at("token_requests").get<int>();
    s.tokens_issued = j.at("tokens_issued").get<int>();
    s.token_refusals = j.at("token_refusals").get<int>();
    s.introspections = j.at("introspections").get<int>();
    s.introspections_active = j.at("introspections_active").get<int>();
    s.issued_with_secret = j.at("by_credential").at("secret").get<int>();
    s.issued_with_assertion = j.at("by_credential").at("assertion").get<int>();
    for (const auto& [error, n] : j.at("refusals_by_error").items()) {
      s.refusals_by_error[error] = n.get<int>();
    }
    s.last_refusal = j.at("last_refusal").get<std::string>();
    s.last_scope = j.at("last_scope").get<std::string>();
    s.token_endpoint_up = j.at("token_endpoint_up").get<bool>();
    *stats = std::move(s);
  } catch (const nlohmann::json::exception& e) {
    return AssertionFailure() << "token service stats: " << e.what() << ": " << body;
  }
  return AssertionSuccess();
}

}  // namespace flexmail::test
