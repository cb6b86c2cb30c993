// Cost of sender authentication for one declaration email (~5 KiB: a
// quoted-printable text part and one base64 CSV of one programme line, 24
// hourly values for LI0001), on one core:
//   - BM_DkimVerify: VerifyDkim, RSA 2048 rsa-sha256 relaxed/relaxed, the
//     public key read from a key file (no DNS);
//   - BM_AuthResults: CheckAuthenticationResults on the MTA's
//     OpenDMARC-style field;
//   - BM_SmimeVerify: VerifySmime, detached `openssl cms -sign` signature by a
//     pinned self-signed P-256 certificate;
//   - BM_DkimVerifyParseJudge: what the intake does for a DKIM-signed
//     declaration, without the commit. Target: <= 2 ms per declaration.
//
// Keys, certificate and signatures are made once at start-up by the real
// tools (openssl, dkimpy through Debian's /usr/bin/python3 and
// tests/auth/dkim_sign.py) in a temporary directory removed at exit. When a
// tool is missing every benchmark fails with the reason: nothing is skipped
// silently.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "bench/bench_data.h"
#include "daemon/engine.h"
#include "mail/auth_results.h"
#include "mail/dkim.h"
#include "mail/message.h"
#include "mail/org_domain.h"
#include "mail/safe_name.h"
#include "mail/smime.h"
#include "mail/transfer_encoding.h"

namespace flexmail::bench {
namespace {

constexpr const char* kFrom = "ops@engie.example";
constexpr const char* kAuthservId = "mx.operator.example";

std::string ToCrlf(const std::string& s) {
  std::string out;
  out.reserve(s.size() + s.size() / 40);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) out.push_back('\r');
    out.push_back(s[i]);
  }
  return out;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool WriteFile(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

std::string Quote(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// The entity a shipper's mail client writes under the message's header:
// multipart/mixed with the covering text and the declaration file.
std::string DeclarationEntity() {
  const std::string text =
      "Bonjour,\n"
      "\n"
      "Veuillez trouver ci-joint notre programme de consommation pour la journée\n"
      "gazière du 03/12/2026, site LI0001 (Quimper), contrat GFQUIMP01.\n"
      "\n"
      "Les quantités horaires sont exprimées en kWh (PCS 25 °C) ; elles tiennent\n"
      "compte de l'arrêt de la ligne 2 prévu de 6 h à 9 h et de la reprise\n"
      "progressive de la cogénération en fin de matinée.\n"
      "\n"
      "Merci de nous confirmer la bonne intégration de ce programme. En cas de\n"
      "rejet, notre permanence d'exploitation reste joignable 24 h/24 au\n"
      "+33 2 98 00 00 00.\n"
      "\n"
      "Bien cordialement,\n"
      "\n"
      "--\n"
      "Équipe Opérations Gaz – Programmation\n"
      "ENGIE — Direction Exploitation Ouest\n"
      "1 place de la Résistance, 29000 Quimper\n"
      "Tél. : +33 2 98 00 00 00 | ops@engie.example\n"
      "\n"
      "Pensez à l'environnement avant d'imprimer ce courriel.\n"
      "\n"
      "Ce message et toutes les pièces jointes (ci-après le « message ») sont\n"
      "établis à l'intention exclusive de ses destinataires et sont\n"
      "confidentiels. Si vous recevez ce message par erreur, merci de le\n"
      "détruire et d'en avertir immédiatement l'expéditeur. Toute utilisation\n"
      "de ce message non conforme à sa destination, toute diffusion ou toute\n"
      "publication, totale ou partielle, est interdite, sauf autorisation\n"
      "expresse. L'internet ne permettant pas d'assurer l'intégrité de ce\n"
      "message, l'expéditeur décline toute responsabilité au titre de ce\n"
      "message, dans l'hypothèse où il aurait été modifié.\n"
      "\n"
      "This message and any attachments (the \"message\") are confidential and\n"
      "intended solely for the addressees. Any unauthorised use or\n"
      "dissemination is prohibited. If you are not the intended recipient,\n"
      "please notify the sender immediately and delete this message. The\n"
      "internet can not guarantee the integrity of this message; the sender\n"
      "shall not be liable for the message if altered.\n";
  const std::string csv = DeclarationCsv(1);
  const std::string boundary = "_004_PAXPR10MB5520B3C1E2F4A7D9E0C8E6B1PAXPR10MB5520eurp_";
  return "Content-Type: multipart/mixed;\r\n\tboundary=\"" + boundary + "\"\r\n"
         "\r\n"
         "--" + boundary + "\r\n"
         "Content-Type: text/plain; charset=\"utf-8\"\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n"
         "\r\n" +
         EncodeQuotedPrintable(text) + "\r\n"
         "--" + boundary + "\r\n"
         "Content-Type: text/csv; name=\"" + std::string(kFileName) + "\"\r\n"
         "Content-Description: " + std::string(kFileName) + "\r\n"
         "Content-Disposition: attachment;\r\n"
         "\tfilename=\"" + std::string(kFileName) + "\"; size=" + std::to_string(csv.size()) + ";\r\n"
         "\tcreation-date=\"Wed, 02 Dec 2026 14:58:41 GMT\";\r\n"
         "\tmodification-date=\"Wed, 02 Dec 2026 14:58:41 GMT\"\r\n"
         "Content-Transfer-Encoding: base64\r\n"
         "\r\n" +
         EncodeBase64(csv) +
         "\r\n--" + boundary + "--\r\n";
}

// The header as the sender's system wrote it (what DKIM signs).
const std::string kOriginHeader =
    "From: =?utf-8?Q?=C3=89quipe_Op=C3=A9rations_Gaz_ENGIE?= <ops@engie.example>\r\n"
    "To: declarations@flexmail.example\r\n"
    "Subject: [Quimper] Previsions SFM : 03/12/2026 - 03/12/2026\r\n"
    "Thread-Topic: [Quimper] Previsions SFM : 03/12/2026 - 03/12/2026\r\n"
    "Thread-Index: AdtkP3q5m0v2cXgNT1yI8r3u6pJw4Q==\r\n"
    "Date: Wed, 2 Dec 2026 14:59:02 +0000\r\n"
    "Message-ID: <PAXPR10MB5520B3C1E2F4A7D9E0C8E6B1@PAXPR10MB5520.eurprd10.prod.engie.example>\r\n"
    "Accept-Language: fr-FR, en-US\r\n"
    "Content-Language: fr-FR\r\n"
    "X-MS-Has-Attach: yes\r\n"
    "X-MS-TNEF-Correlator:\r\n"
    "X-Mailer: Microsoft Outlook 16.0\r\n"
    "MIME-Version: 1.0\r\n";

// Added in transit, above the signature.
const std::string kTransportHeader =
    "Return-Path: <ops@engie.example>\r\n"
    "Delivered-To: declarations@flexmail.example\r\n"
    "Received: from mx.operator.example (localhost [127.0.0.1])\r\n"
    "\tby imap.operator.example (Postfix) with LMTP id 4Rk2Lq1Vb8z9sXw\r\n"
    "\tfor <declarations@flexmail.example>; Wed, 2 Dec 2026 15:59:04 +0100 (CET)\r\n"
    "Received: from mail-eopbgr150071.outbound.engie.example (mail-eopbgr150071.outbound.engie.example\r\n"
    "\t[198.51.100.71]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n"
    "\tkey-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\r\n"
    "\t(No client certificate requested)\r\n"
    "\tby mx.operator.example (Postfix) with ESMTPS id 4Rk2Lq0Tg3z9sXv\r\n"
    "\tfor <declarations@flexmail.example>; Wed, 2 Dec 2026 15:59:03 +0100 (CET)\r\n"
    "Received: from PAXPR10MB5520.eurprd10.prod.engie.example (2603:10a6:102:1e5::9)\r\n"
    "\tby PAXPR10MB5521.eurprd10.prod.engie.example with HTTPS; Wed, 2 Dec 2026\r\n"
    "\t14:59:02 +0000\r\n";

// What the operator's OpenDKIM and OpenDMARC milters prepend (DMARC last,
// so topmost).
const std::string kAuthResultsHeader =
    "Authentication-Results: mx.operator.example; dmarc=pass (p=reject dis=none)\r\n"
    "\theader.from=engie.example\r\n"
    "Authentication-Results: mx.operator.example;\r\n"
    "\tdkim=pass (2048-bit key; unprotected) header.d=engie.example\r\n"
    "\theader.i=@engie.example header.a=rsa-sha256 header.s=sel1 header.b=Xq3v9LkA\r\n"
    "Authentication-Results: mx.operator.example; spf=pass (sender SPF authorized)\r\n"
    "\tsmtp.mailfrom=ops@engie.example\r\n";

// Whatever every benchmark needs, made once.
struct World {
  std::string error;  // set when the set-up failed: every benchmark reports it
  std::filesystem::path dir;
  std::string dkim_message;      // transport header + DKIM-Signature + origin
  std::string results_message;   // Authentication-Results + transport + origin
  std::string smime_message;     // transport + origin header + signed entity
  std::string key_file;
  std::optional<PublicSuffixList> psl;
  SmimeTrust trust;
  Instant smime_at{};            // within the certificate's validity
  Instant received_at{};         // of the declaration (2026-12-02 15:00 UTC)
  std::unique_ptr<Config> config;
  std::unique_ptr<Ledger> ledger;

  ~World() {
    ledger.reset();
    if (!dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }

  // Runs a shell command; what it does not redirect itself goes to dir/log.
  // False with `error` when it fails.
  bool Run(const std::string& what, const std::string& command) {
    const std::filesystem::path log = dir / "log";
    const int rc = std::system(("(" + command + ") >>" + Quote(log) + " 2>&1").c_str());
    if (rc == 0) return true;
    error = what + " failed (" + command + "): " + ReadFile(log);
    return false;
  }

  void SetUp() {
    char tmpl[] = "/tmp/flexmail-authbench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      error = "mkdtemp failed";
      return;
    }
    dir = tmpl;
    const char* src = std::getenv("FLEXMAIL_SOURCE_DIR");
    const std::filesystem::path source = src != nullptr ? src : FLEXMAIL_SOURCE_DIR_DEFAULT;
    const std::filesystem::path signer = source / "tests/auth/dkim_sign.py";
    if (!std::filesystem::exists(signer)) {
      error = signer.string() + " not found (set FLEXMAIL_SOURCE_DIR)";
      return;
    }
    if (!Run("openssl", "openssl version") ||
        !Run("python3-dkim", "/usr/bin/python3 -c 'import dkim'")) {
      return;
    }

    const std::string origin = kOriginHeader + DeclarationEntity();

    // DKIM: a 2048-bit key, its record in a key file, the message signed.
    const std::filesystem::path pem = dir / "dkim.pem", der = dir / "dkim.der";
    if (!Run("openssl genrsa", "openssl genrsa -out " + Quote(pem) + " 2048") ||
        !Run("openssl pkey", "openssl pkey -in " + Quote(pem) + " -pubout -outform DER -out " +
                                 Quote(der)) ||
        !Run("openssl base64", "openssl base64 -A -in " + Quote(der) + " -out " +
                                   Quote(dir / "dkim.b64"))) {
      return;
    }
    std::string b64 = ReadFile(dir / "dkim.b64");
    while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r')) b64.pop_back();
    key_file = (dir / "keys.txt").string();
    if (!WriteFile(key_file, "sel1._domainkey.engie.example v=DKIM1;k=rsa;p=" + b64 + "\n") ||
        !WriteFile(dir / "origin.eml", origin)) {
      error = "cannot write into " + dir.string();
      return;
    }
    if (!Run("dkim_sign.py",
             "/usr/bin/python3 " + Quote(signer) + " " + Quote(pem) +
                 " sel1 engie.example --canonicalize relaxed/relaxed"
                 " --headers from,to,subject,date,message-id,mime-version,content-type"
                 " <" + Quote(dir / "origin.eml") + " >" + Quote(dir / "dkim.eml"))) {
      return;
    }
    // dkimpy folds its field with bare LF; the MTA delivers CRLF.
    dkim_message = kTransportHeader + ToCrlf(ReadFile(dir / "dkim.eml"));
    std::string e;
    psl = PublicSuffixList::Load(std::string(kDebianPublicSuffixList), &e);
    if (!psl) {
      error = "Public Suffix List: " + e;
      return;
    }

    results_message = kAuthResultsHeader + kTransportHeader + origin;

    // S/MIME: a pinned self-signed P-256 certificate, as the tests' "pinned"
    // identity (valid from now on), signing the entity (detached).
    const std::filesystem::path crt = dir / "smime.crt", key = dir / "smime.key";
    if (!Run("openssl req",
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256"
             " -days 1095 -subj '/O=ENGIE/CN=ops@engie.example' -keyout " + Quote(key) +
                 " -out " + Quote(crt) +
                 " -addext 'basicConstraints=critical,CA:FALSE'"
                 " -addext 'keyUsage=critical,digitalSignature,nonRepudiation'"
                 " -addext 'extendedKeyUsage=emailProtection'"
                 " -addext 'subjectKeyIdentifier=hash'") ||
        !WriteFile(dir / "entity.eml", DeclarationEntity()) ||
        !Run("openssl cms", "openssl cms -sign -md sha256 -in " + Quote(dir / "entity.eml") +
                                " -signer " + Quote(crt) + " -inkey " + Quote(key) + " -out " +
                                Quote(dir / "smime.eml"))) {
      if (error.empty()) error = "cannot write into " + dir.string();
      return;
    }
    // The origin header without its MIME fields: cms writes its own.
    std::string head = kOriginHeader;
    head.erase(head.find("MIME-Version: 1.0\r\n"));
    smime_message = kTransportHeader + head + ToCrlf(ReadFile(dir / "smime.eml"));
    trust.pem_certificates.push_back(ReadFile(crt));
    smime_at = std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());

    // The judge: the engine on a real (empty) ledger in the directory.
    std::string err;
    ParseInstant("2026-12-02T15:00:00Z", &received_at, &err);
    config = std::make_unique<Config>();
    config->database_path = (dir / "flexmail.db").string();
    config->referential = QuimperReferential();
    if (!Ledger::Open(config->database_path, &ledger).ok()) {
      error = "cannot open the ledger " + config->database_path;
      return;
    }
  }
};

World* world = nullptr;

bool Ready(benchmark::State& state) {
  if (world == nullptr || !world->error.empty()) {
    state.SkipWithError(world == nullptr ? "no set-up" : world->error.c_str());
    return false;
  }
  return true;
}

void Report(benchmark::State& state, size_t message_bytes) {
  state.SetItemsProcessed(state.iterations());
  state.counters["message_bytes"] = static_cast<double>(message_bytes);
}

void BM_DkimVerify(benchmark::State& state) {
  if (!Ready(state)) return;
  const std::string& raw = world->dkim_message;
  DkimKeySource keys;
  keys.key_file = world->key_file;
  if (AuthVerdict v = VerifyDkim(raw, kFrom, keys, *world->psl); v.result != AuthResult::kPass) {
    state.SkipWithError(("dkim did not pass: " + v.detail).c_str());
    return;
  }
  for (auto _ : state) {
    AuthVerdict v = VerifyDkim(raw, kFrom, keys, *world->psl);
    if (v.result != AuthResult::kPass) {
      state.SkipWithError("dkim did not pass");
      break;
    }
    benchmark::DoNotOptimize(v);
  }
  Report(state, raw.size());
}
BENCHMARK(BM_DkimVerify)->Unit(benchmark::kMicrosecond);

void BM_AuthResults(benchmark::State& state) {
  if (!Ready(state)) return;
  const std::string& raw = world->results_message;
  for (auto _ : state) {
    AuthVerdict v = CheckAuthenticationResults(raw, kAuthservId, kFrom);
    if (v.result != AuthResult::kPass) {
      state.SkipWithError(("authentication-results did not pass: " + v.detail).c_str());
      break;
    }
    benchmark::DoNotOptimize(v);
  }
  Report(state, raw.size());
}
BENCHMARK(BM_AuthResults)->Unit(benchmark::kMicrosecond);

void BM_SmimeVerify(benchmark::State& state) {
  if (!Ready(state)) return;
  const std::string& raw = world->smime_message;
  for (auto _ : state) {
    std::string entity;
    AuthVerdict v = VerifySmime(raw, world->trust, kFrom, world->smime_at, &entity);
    if (v.result != AuthResult::kPass) {
      state.SkipWithError(("smime did not pass: " + v.detail).c_str());
      break;
    }
    benchmark::DoNotOptimize(entity);
  }
  Report(state, raw.size());
}
BENCHMARK(BM_SmimeVerify)->Unit(benchmark::kMicrosecond);

// In the intake's order: parse the message (its From), verify DKIM, then
// judge the CSV through Engine::Process as the intake does, but with
// store=false: the same parse, ledger snapshot and rules, without the commit
// (BM_DurableSubmit measures that). Target: <= 2 ms.
void BM_DkimVerifyParseJudge(benchmark::State& state) {
  if (!Ready(state)) return;
  const std::string& raw = world->dkim_message;
  DkimKeySource keys;
  keys.key_file = world->key_file;
  const MailLimits limits;
  Engine engine(*world->config, world->ledger.get());
  ProcessOptions options;
  options.store = false;
  for (auto _ : state) {
    ParsedMessage m;
    if (!ParseMessage(raw, limits, &m).ok() || m.limit || m.csv_attachments.size() != 1) {
      state.SkipWithError("message not parsed");
      break;
    }
    AuthVerdict auth = VerifyDkim(raw, m.from_address, keys, *world->psl);
    if (auth.result != AuthResult::kPass) {
      state.SkipWithError(("dkim did not pass: " + auth.detail).c_str());
      break;
    }
    DeclarationEnvelope env;
    env.sender = m.from_address;
    env.received_at = world->received_at;
    env.source = "imap";
    for (const auto& a : m.csv_attachments)
      env.files.push_back({SafeFileName(a.filename), a.content});
    Verdict v;
    if (!engine.Process(env, options, &v).ok() || v.result.outcome != Outcome::kIntegrated) {
      state.SkipWithError("declaration not integrated");
      break;
    }
    benchmark::DoNotOptimize(v);
  }
  Report(state, raw.size());
}
BENCHMARK(BM_DkimVerifyParseJudge)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace flexmail::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  flexmail::bench::World world;
  world.SetUp();
  if (!world.error.empty()) std::fprintf(stderr, "auth_bench set-up: %s\n", world.error.c_str());
  flexmail::bench::world = &world;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  flexmail::bench::world = nullptr;
  return world.error.empty() ? 0 : 1;
}
