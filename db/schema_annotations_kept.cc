// Migration 15: a note, or an override, cannot be replaced either. Its triggers refuse
// UPDATE and DELETE, but INSERT OR REPLACE on a note's id deletes the old
// row without firing delete triggers (SQLite fires them on REPLACE only
// with recursive_triggers on), so the note would be rewritten in place.
#include "db/schema.h"

namespace flexmail {
namespace {

constexpr std::string_view kAnnotationsKeptSql = R"sql(
CREATE TRIGGER annotations_never_replaced BEFORE INSERT ON annotations
WHEN EXISTS (SELECT 1 FROM annotations WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'a note is never replaced: add another');
END;
CREATE TRIGGER overrides_never_replaced BEFORE INSERT ON overrides
WHEN EXISTS (SELECT 1 FROM overrides WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'an override is never replaced: record a new one');
END;
)sql";

}  // namespace

std::string_view AnnotationsKeptSql() { return kAnnotationsKeptSql; }

}  // namespace flexmail
