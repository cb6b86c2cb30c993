// What monitoring reads and records: counts for the metrics textfile, and
// the mail servers' certificates for `flexmail status` (table
// tls_certificates, migration 10). Small queries, no raw bytes read.
#include "db/codec.h"
#include "db/ledger.h"

namespace flexmail {

using sql::Statement;

Status Ledger::CountMessagesByOutcome(std::map<std::string, std::int64_t>* out) {
  Statement st;
  Status s = Statement::Prepare(db_, "SELECT outcome, count(*) FROM messages GROUP BY outcome",
                                &st);
  out->clear();
  if (!s.ok()) return s;
  return st.ForEach([&] {
    (*out)[st.Text(0)] = st.Int(1);
    return Status::Ok();
  });
}

Status Ledger::OldestPendingReply(bool* found, Instant* created_at,
                                  std::int64_t* declaration_id) {
  Statement st;
  Status s = Statement::Prepare(db_,
      "SELECT created_at, declaration_id FROM outbox WHERE state = 'PENDING' "
      "ORDER BY created_at, id LIMIT 1", &st);
  *found = false;
  if (!s.ok()) return s;
  return st.ForEach([&] {
    *found = true;
    if (declaration_id) *declaration_id = st.Int(1);
    return store::ReadInstant("outbox.created_at", st.Text(0), created_at);
  });
}

Status Ledger::CountRepliesByState(std::map<std::string, int>* out) {
  Statement st;
  Status s = Statement::Prepare(db_, "SELECT state, count(*) FROM outbox GROUP BY state", &st);
  out->clear();
  if (!s.ok()) return s;
  return st.ForEach([&] {
    (*out)[st.Text(0)] = static_cast<int>(st.Int(1));
    return Status::Ok();
  });
}

Status Ledger::RecordServerCertificate(const ServerCertificateRecord& c) {
  if (c.endpoint.empty()) return Status::InvalidInput("server certificate without an endpoint");
  Statement st;
  Status s = Statement::Prepare(db_,
      "INSERT INTO tls_certificates (endpoint, subject, not_after, not_after_local, seen_at, "
      "seen_at_local) VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (endpoint) DO UPDATE SET subject = excluded.subject, "
      "not_after = excluded.not_after, not_after_local = excluded.not_after_local, "
      "seen_at = excluded.seen_at, seen_at_local = excluded.seen_at_local", &st);
  if (!s.ok()) return s;
  return st.BindAll(c.endpoint, c.subject, FormatUtcIso(c.not_after), FormatLocalIso(c.not_after),
                    FormatUtcIso(c.seen_at), FormatLocalIso(c.seen_at)).Run();
}

Status Ledger::ServerCertificates(std::vector<ServerCertificateRecord>* out) {
  Statement st;
  Status s = Statement::Prepare(db_,
      "SELECT endpoint, subject, not_after, seen_at FROM tls_certificates ORDER BY endpoint", &st);
  out->clear();
  if (!s.ok()) return s;
  return st.ForEach([&] {
    ServerCertificateRecord c;
    c.endpoint = st.Text(0);
    c.subject = st.Text(1);
    Status r = store::ReadInstant("tls_certificates.not_after", st.Text(2), &c.not_after);
    if (r.ok()) r = store::ReadInstant("tls_certificates.seen_at", st.Text(3), &c.seen_at);
    if (r.ok()) out->push_back(std::move(c));
    return r;
  });
}

Status Ledger::DeclarationContents(std::int64_t id, std::vector<std::string>* files,
                                   std::vector<std::pair<std::string, std::string>>* site_days) {
  files->clear();
  site_days->clear();
  Statement names, days;
  Status s = Statement::Prepare(
      db_, "SELECT name FROM declaration_files WHERE declaration_id = ? ORDER BY ordinal", &names);
  if (s.ok())
    s = Statement::Prepare(db_,
                           "SELECT DISTINCT site, gas_day FROM programmes WHERE declaration_id = ? "
                           "ORDER BY site, gas_day",
                           &days);
  if (s.ok()) s = names.BindAll(id).ForEach([&] {
    files->push_back(names.Text(0));
    return Status::Ok();
  });
  if (s.ok()) s = days.BindAll(id).ForEach([&] {
    site_days->emplace_back(days.Text(0), days.Text(1));
    return Status::Ok();
  });
  return s;
}

}  // namespace flexmail
