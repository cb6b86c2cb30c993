#include "daemon/cli.h"

#include <functional>
#include <memory>

#include <CLI/CLI.hpp>

#include "daemon/commands.h"
#include "daemon/wiring.h"

namespace flexmail {

namespace {

constexpr const char* kTimeHelp =
    "ISO 8601 time, with an offset or Z, or without one meaning Europe/Paris local time";

// The command chosen on the command line, run once the config is loaded.
using Action = std::function<int(Context&)>;

void AddDeclare(CLI::App& app, const char* name, bool store, DeclareArgs* a, Action* act) {
  auto* cmd = app.add_subcommand(name, store ? "Process and store one declaration"
                                             : "Process one declaration, store nothing");
  cmd->add_option("files", a->files, "The declaration's CSV files")->required();
  cmd->add_option("--sender", a->sender, "Sender address")->required();
  cmd->add_option(store ? "--received-at" : "--at", a->at, std::string("Reception: ") + kTimeHelp);
  cmd->add_option("--processed-at", a->processed_at,
                  std::string("Processing, when out of reception order (default: the reception "
                              "given, else now): ") + kTimeHelp);
  cmd->add_flag("--json", a->json, "Print one JSON object");
  a->store = store;
  cmd->callback([a, act] { *act = [a](Context& c) { return CmdDeclare(c, *a); }; });
}

void AddIndicators(CLI::App& app, PublishArgs* p, ShowIndicatorsArgs* s, Action* act) {
  auto* ind = app.add_subcommand("indicators", "Publish or show flexibility indicators");
  ind->require_subcommand(1);
  auto* pub = ind->add_subcommand("publish", "Record an indicator publication");
  pub->add_option("--mesh", p->mesh, "Mesh code (ME0005)")->required();
  pub->add_option("--indicator", p->indicator, "Q_MINUS|Q_PLUS|PARTIAL")->required();
  pub->add_option("--status", p->status, "GREEN|RED|GREY")->required();
  pub->add_option("--at", p->at, std::string("Publication: ") + kTimeHelp)->required();
  pub->callback([p, act] { *act = [p](Context& c) { return CmdPublish(c, *p); }; });
  auto* show = ind->add_subcommand("show", "Current and next indicators per site");
  show->add_option("--mesh", s->mesh, "Only the sites of this mesh");
  show->add_option("--at", s->at, std::string("Instant (default now): ") + kTimeHelp);
  show->add_flag("--json", s->json, "Print JSON (siteIndicators)");
  show->callback([s, act] { *act = [s](Context& c) { return CmdShowIndicators(c, *s); }; });
}

void AddShortage(CLI::App& app, ShortageArgs* a, Action* act) {
  auto* sh = app.add_subcommand("shortage", "Flexibility shortage");
  sh->require_subcommand(1);
  auto* decl = sh->add_subcommand("declare", "Declare a shortage for a gas day");
  decl->add_option("--gas-day", a->gas_day, "YYYY-MM-DD")->required();
  decl->add_option("--mesh", a->mesh, "Only this mesh (default: every mesh)");
  decl->add_option("--at", a->at, std::string("Declaration: ") + kTimeHelp)->required();
  decl->callback([a, act] { *act = [a](Context& c) { return CmdShortage(c, *a); }; });
  auto* cancel = sh->add_subcommand(
      "cancel", "End the shortage of a gas day: programmes received from --at on are judged "
                "normally");
  cancel->add_option("--gas-day", a->gas_day, "YYYY-MM-DD")->required();
  cancel->add_option("--mesh", a->mesh, "Only this mesh (default: every mesh)");
  cancel->add_option("--at", a->at, std::string("End: ") + kTimeHelp)->required();
  cancel->callback([a, act] {
    a->cancel = true;
    *act = [a](Context& c) { return CmdShortage(c, *a); };
  });
}

void AddAnnotate(CLI::App& app, AnnotateArgs* a, Action* act) {
  auto* cmd = app.add_subcommand("annotate", "Add a note to a declaration (never changed after)");
  cmd->add_option("declaration", a->declaration_id, "The declaration's id (see report)")
      ->required();
  cmd->add_option("--text", a->text, "The note, e.g. what was confirmed by phone")->required();
  cmd->add_option("--by", a->by, "Who writes it")->required();
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a, act] { *act = [a](Context& c) { return CmdAnnotate(c, *a); }; });
}

void AddOverride(CLI::App& app, OverrideArgs* a, Action* act) {
  auto* cmd = app.add_subcommand(
      "override", "Record the dispatcher's decision on an integrated programme, answer the "
                  "shipper");
  cmd->add_option("programme", a->programme_id, "The programme's id (hmsProfileId)")->required();
  cmd->add_option("--status", a->status, "ACCEPTED|REFUSED")->required();
  cmd->add_option("--reason", a->reason, "Why, told to the shipper")->required();
  cmd->add_option("--by", a->by, "Who decided")->required();
  cmd->add_option("--at", a->at,
                  std::string("From when it acts on the reference (default now): ") + kTimeHelp);
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a, act] { *act = [a](Context& c) { return CmdOverride(c, *a); }; });
}

void AddSiteDay(CLI::App& app, const char* name, const char* help, bool with_at, SiteDayArgs* a,
                std::function<int(Context&, const SiteDayArgs&)> run, Action* act) {
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("--site", a->site, "Site id (LI0001)")->required();
  cmd->add_option("--gas-day", a->gas_day, "YYYY-MM-DD")->required();
  if (with_at) cmd->add_option("--at", a->at, std::string("Instant (default now): ") + kTimeHelp);
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a, act, run] { *act = [a, run](Context& c) { return run(c, *a); }; });
}

void AddMail(CLI::App& app, IngestArgs* in, RunArgs* run, OutboxArgs* list, OutboxArgs* show,
             Action* act) {
  auto* ingest = app.add_subcommand("ingest", "Process one raw email as if received then");
  ingest->add_option("message", in->file, "The message (.eml, RFC 5322)")->required();
  ingest->add_option("--received-at", in->at, std::string("Reception: ") + kTimeHelp);
  ingest->add_option("--processed-at", in->processed_at,
                     std::string("Processing, when out of reception order (default: the "
                                 "reception given, else now): ") + kTimeHelp);
  ingest->add_flag("--json", in->json, "Print one JSON object");
  ingest->callback([in, act] { *act = [in](Context& c) { return CmdIngest(c, *in); }; });
  auto* r = app.add_subcommand("run", "Poll the inbox and send the replies");
  r->add_flag("--once", run->once, "One pass over the inbox and the outbox, then exit");
  r->callback([run, act] { *act = [run](Context& c) { return CmdRun(c, *run); }; });
  auto* outbox = app.add_subcommand("outbox", "The replies to send or sent");
  outbox->require_subcommand(1);
  auto* ls = outbox->add_subcommand("list", "Every reply with its state");
  ls->add_flag("--json", list->json, "Print JSON");
  ls->callback([list, act] { *act = [list](Context& c) { return CmdOutboxList(c, *list); }; });
  auto* sh = outbox->add_subcommand("show", "Print one reply as sent (raw MIME)");
  sh->add_option("id", show->id, "Reply id (see outbox list)")->required();
  sh->callback([show, act] { *act = [show](Context& c) { return CmdOutboxShow(c, *show); }; });
}

void AddOps(CLI::App& app, StatusArgs* st, ReportArgs* rep, Action* act) {
  auto* status = app.add_subcommand(
      "status", "Health of the daemon (exit 3 when unhealthy, for monitoring checks)");
  status->add_flag("--json", st->json, "Print JSON");
  status->callback([st, act] { *act = [st](Context& c) { return CmdStatus(c, *st); }; });
  auto* report = app.add_subcommand("report", "Every declaration and programme of a gas day");
  report->add_option("--gas-day", rep->gas_day, "YYYY-MM-DD")->required();
  report->add_flag("--json", rep->json, "Print JSON");
  report->callback([rep, act] { *act = [rep](Context& c) { return CmdReport(c, *rep); }; });
}

int RunAction(const std::string& config_path, const Action& action, std::ostream& out,
              std::ostream& err, const Clock& clock) {
  Config config;
  if (!LoadConfigOrSay(config_path, err, &config)) return kExitUsage;
  std::unique_ptr<Ledger> ledger;
  Status s = OpenLedger(config, &ledger);
  if (!s.ok()) {
    err << "flexmail: database " << config.database_path << ": " << s.ToString() << "\n";
    return kExitInternal;
  }
  Context c{config, *ledger, out, err, clock};
  return action(c);
}

// The commands that open no Ledger, run with the configuration's path.
struct Standalone {
  CLI::App* serve = nullptr;
  CLI::App* backup = nullptr;
  CLI::App* check_ledger = nullptr;
  ServeArgs serve_args;
  BackupArgs backup_args;
  CheckLedgerArgs check_args;
};

void AddStandalone(CLI::App& app, Standalone* st) {
  st->serve =
      app.add_subcommand("serve", "The read-only web console alone, until SIGTERM or SIGINT");
  st->serve->add_option("--listen", st->serve_args.listen, "ADDR:PORT (default: [http] listen)");
  st->serve->add_option("--database", st->serve_args.database,
                        "Ledger file (default: the configured one)");
  st->backup = app.add_subcommand(
      "backup", "Copy the ledger to FILE, consistent while the daemon runs (replaced atomically)");
  st->backup->add_option("file", st->backup_args.file, "The copy")->required();
  st->check_ledger = app.add_subcommand(
      "check-ledger", "Integrity, foreign keys and schema version of the ledger file "
                      "(exit 3 when damaged, for monitoring checks)");
  st->check_ledger->add_option("--database", st->check_args.database,
                               "Ledger file, e.g. a backup (default: the configured one)");
}

// The chosen standalone command's exit code, or -1 when none was chosen.
int RunStandalone(const Standalone& st, const std::string& config_path, std::ostream& out,
                  std::ostream& err, const Clock& clock) {
  if (st.serve->parsed()) return CmdServe(config_path, st.serve_args, out, err, clock);
  if (st.backup->parsed()) return CmdBackup(config_path, st.backup_args, out, err);
  if (st.check_ledger->parsed()) return CmdCheckLedger(config_path, st.check_args, out, err);
  return -1;
}

}  // namespace

bool LoadConfigOrSay(const std::string& config_path, std::ostream& err, Config* config) {
  Status s = LoadConfig(config_path, config);
  if (!s.ok()) err << "flexmail: " << s.message() << "\n";
  return s.ok();
}

int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const Clock& clock) {
  CLI::App app{"flexmail: the email channel of intraday flexibility declarations"};
  app.set_version_flag("--version", "flexmail 0.1.0");
  std::string config_path = "/etc/flexmail/flexmail.toml";
  app.add_option("--config", config_path, "Configuration file")->capture_default_str();
  app.require_subcommand(1);
  Action action;
  DeclareArgs submit, check;
  PublishArgs publish;
  ShowIndicatorsArgs show;
  ShortageArgs shortage;
  OverrideArgs override_args;
  AnnotateArgs annotate;
  SiteDayArgs reference, programs;
  IngestArgs ingest;
  RunArgs run;
  OutboxArgs outbox_list, outbox_show;
  StatusArgs status;
  ReportArgs report;
  Standalone standalone;
  AddStandalone(app, &standalone);
  AddDeclare(app, "submit", true, &submit, &action);
  AddDeclare(app, "check", false, &check, &action);
  AddIndicators(app, &publish, &show, &action);
  AddShortage(app, &shortage, &action);
  AddOverride(app, &override_args, &action);
  AddAnnotate(app, &annotate, &action);
  AddSiteDay(app, "reference", "The reference programme in force (rebuiltHmsProfile)", true,
             &reference, CmdReference, &action);
  AddSiteDay(app, "programs", "Every programme of a site and gas day (hmsProfile)", false,
             &programs, CmdPrograms, &action);
  AddMail(app, &ingest, &run, &outbox_list, &outbox_show, &action);
  AddOps(app, &status, &report, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitUsage;
  }
  const int code = RunStandalone(standalone, config_path, out, err, clock);
  if (code >= 0) return code;
  return RunAction(config_path, action, out, err, clock);
}

}  // namespace flexmail
