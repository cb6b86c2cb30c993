// `flexmail annotate`: a dispatcher records what was confirmed by phone (or
// anything else worth keeping) on a declaration. Notes are never changed.
#include "daemon/commands.h"
#include "daemon/json_views.h"

namespace flexmail {
namespace {

constexpr size_t kMaxNoteBytes = 2000;
constexpr size_t kMaxNameBytes = 200;

}  // namespace

int CmdAnnotate(Context& c, const AnnotateArgs& a) {
  AnnotationRecord note;
  note.declaration_id = a.declaration_id;
  note.text = a.text;
  note.written_by = a.by;
  note.written_at = c.clock.Now();
  if (!CheckOperatorText(c, "--text", a.text, kMaxNoteBytes) ||
      !CheckOperatorText(c, "--by", a.by, kMaxNameBytes))
    return kExitUsage;
  Status s = c.ledger.Annotate(&note);
  if (s.kind() == Status::Kind::kNotFound) {
    c.err << "flexmail: declaration " << a.declaration_id << ": no such declaration\n";
    return kExitUsage;
  }
  if (!s.ok()) return Internal(c, s);
  if (a.json) {
    c.out << AnnotationsJson({note})[0].dump(2) << "\n";
  } else {
    c.out << "Note " << note.id << " on declaration " << note.declaration_id << ", "
          << FormatLocalIso(note.written_at) << ", by " << note.written_by << "\n";
  }
  return kExitOk;
}

}  // namespace flexmail
