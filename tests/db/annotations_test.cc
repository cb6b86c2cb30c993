// People's notes on declarations (Ledger::Annotate, AnnotationsOf) and what
// migration 14 adds: the annotations table that refuses to change, its
// view, and the view of the messages' own texts.
#include <gtest/gtest.h>

#include "tests/db/mail_test_util.h"

namespace flexmail::testing {
namespace {

class AnnotationsTest : public LedgerTest {
 protected:
  std::int64_t Declared(Instant t, int version) {
    std::int64_t id = 0;
    Status s = SubmitResult(Integrated(t, {Programme("LI0002", D(), version)}), &id);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return id;
  }
  AnnotationRecord Note(std::int64_t declaration, const std::string& text, Instant at) {
    AnnotationRecord a{0, declaration, text, "J. Dupont", at};
    Status s = ledger_->Annotate(&a);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return a;
  }
};

// The error SQLite gives for `sql`, empty when it succeeds.
std::string ExecError(const RawDb& raw, const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(raw.get(), sql.c_str(), nullptr, nullptr, &message);
  std::string out = rc == SQLITE_OK ? "" : (message ? message : "error");
  sqlite3_free(message);
  return out;
}

TEST_F(AnnotationsTest, NotesAreReadBackInTheOrderWritten) {
  // Given two notes on one declaration and one on another, each declaration reads its own, in the order written, with who and when; its detail carries them too.
  const std::int64_t a = Declared(Utc(2026, 12, 3, 8), 1);
  const std::int64_t b = Declared(Utc(2026, 12, 3, 9), 2);
  const AnnotationRecord first = Note(a, "confirmé par téléphone avec M. X à 10h32",
                                      Utc(2026, 12, 3, 9, 32));
  Note(b, "autre déclaration", Utc(2026, 12, 3, 9, 40));
  const AnnotationRecord second = Note(a, "rappel prévu à 11h", Utc(2026, 12, 3, 9, 45));
  EXPECT_GT(first.id, 0);
  EXPECT_GT(second.id, first.id);
  std::vector<AnnotationRecord> notes;
  ASSERT_TRUE(ledger_->AnnotationsOf(a, &notes).ok());
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(notes[0].id, first.id);
  EXPECT_EQ(notes[0].declaration_id, a);
  EXPECT_EQ(notes[0].text, "confirmé par téléphone avec M. X à 10h32");
  EXPECT_EQ(notes[0].written_by, "J. Dupont");
  EXPECT_EQ(notes[0].written_at, Utc(2026, 12, 3, 9, 32));
  EXPECT_EQ(notes[1].text, "rappel prévu à 11h");
  bool found = false;
  DeclarationDetail detail;
  ASSERT_TRUE(ledger_->Declaration(a, &found, &detail).ok());
  ASSERT_TRUE(found);
  ASSERT_EQ(detail.annotations.size(), 2u);
  EXPECT_EQ(detail.annotations[1].id, second.id);
}

TEST_F(AnnotationsTest, AnUnknownDeclarationIsNotFoundAndNothingIsStored) {
  // Given no declaration 42, a note on it is kNotFound and the table stays empty.
  Declared(Utc(2026, 12, 3, 8), 1);
  AnnotationRecord a{0, 42, "x", "y", Utc(2026, 12, 3, 9)};
  EXPECT_EQ(ledger_->Annotate(&a).kind(), Status::Kind::kNotFound);
  EXPECT_EQ(a.id, 0);
  EXPECT_EQ(RawDb(path_).Count("annotations"), 0);
}

TEST_F(AnnotationsTest, TheLedgerRefusesToChangeOrDeleteANote) {
  // Given a stored note, whatever updates or deletes it through SQL is refused by the table's triggers, and the note stays as written.
  const std::int64_t id = Declared(Utc(2026, 12, 3, 8), 1);
  Note(id, "confirmé par téléphone", Utc(2026, 12, 3, 9));
  RawDb raw(path_);
  const struct {
    const char* sql;
    const char* error;
  } cases[] = {
      {"UPDATE annotations SET text = 'autre chose'", "a note is never changed: add another"},
      {"UPDATE annotations SET written_by = 'X'", "a note is never changed: add another"},
      {"UPDATE annotations SET written_at = '2026-12-03T08:00:00.000Z'",
       "a note is never changed: add another"},
      {"UPDATE annotations SET text = text", "a note is never changed: add another"},
      {"DELETE FROM annotations", "a note is never deleted: add another"},
      {"DELETE FROM annotations WHERE id = 1", "a note is never deleted: add another"},
      // REPLACE deletes without firing delete triggers: refused on insert.
      {"INSERT OR REPLACE INTO annotations SELECT * FROM annotations",
       "a note is never replaced: add another"},
      {"REPLACE INTO annotations (id, declaration_id, text, written_by, written_at, "
       "written_at_local) VALUES (1, 1, 'forgé', 'X', '2026-12-03T08:00:00.000Z', "
       "'2026-12-03T09:00:00.000+01:00')",
       "a note is never replaced: add another"},
  };
  for (const auto& c : cases) EXPECT_EQ(ExecError(raw, c.sql), c.error) << c.sql;
  EXPECT_EQ(raw.Rows("SELECT text, written_by, written_at FROM annotations"),
            (std::vector<std::vector<std::string>>{
                {"confirmé par téléphone", "J. Dupont", "2026-12-03T09:00:00.000Z"}}));
}

TEST(AnnotationsUpgrade, ALedgerOfVersion14KeepsItsNotesAndRefusesReplacingThem) {
  // Given a ledger of schema 14 (notes, no guard against REPLACE) holding a note, opening it migrates it: the note is kept and can no longer be replaced.
  TempDir dir;
  const std::string path = dir.File("v14.db");
  CreateLedgerAtVersion(path, 14);
  {
    RawDb raw(path);
    ASSERT_EQ(ExecError(raw,
                        "INSERT INTO declarations (id, received_at, received_at_local, sender, "
                        "source, outcome) VALUES (1, '2026-12-03T08:00:00.000Z', "
                        "'2026-12-03T09:00:00.000+01:00', 'ops@quimper.example', 'cli', "
                        "'INTEGRATED'); "
                        "INSERT INTO annotations (declaration_id, text, written_by, written_at, "
                        "written_at_local) VALUES (1, 'avant', 'J. Dupont', "
                        "'2026-12-03T09:00:00.000Z', '2026-12-03T10:00:00.000+01:00')"),
              "");
  }
  std::unique_ptr<Ledger> ledger;
  Status s = Ledger::Open(path, &ledger);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<AnnotationRecord> notes;
  ASSERT_TRUE(ledger->AnnotationsOf(1, &notes).ok());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].text, "avant");
  RawDb raw(path);
  EXPECT_EQ(ExecError(raw, "INSERT OR REPLACE INTO annotations SELECT * FROM annotations"),
            "a note is never replaced: add another");
}

TEST_F(AnnotationsTest, TheTableRefusesMalformedRows) {
  // Given rows written around the API, the table's checks refuse an empty text or name and instants not in the ledger's form.
  Declared(Utc(2026, 12, 3, 8), 1);
  RawDb raw(path_);
  const std::string head =
      "INSERT INTO annotations (declaration_id, text, written_by, written_at, written_at_local) "
      "VALUES ";
  const char* rows[] = {
      "(1, '', 'y', '2026-12-03T09:00:00.000Z', '2026-12-03T10:00:00.000+01:00')",
      "(1, 'x', '', '2026-12-03T09:00:00.000Z', '2026-12-03T10:00:00.000+01:00')",
      "(1, 'x', 'y', '2026-12-03 09:00', '2026-12-03T10:00:00.000+01:00')",
      "(1, 'x', 'y', '2026-12-03T09:00:00.000Z', '2026-12-03T10:00:00.000Z')",
  };
  for (const char* row : rows) {
    EXPECT_NE(ExecError(raw, head + row).find("CHECK constraint failed"), std::string::npos)
        << row;
  }
  EXPECT_EQ(raw.Count("annotations"), 0);
}

TEST_F(AnnotationsTest, ViewListsNotesByDeclarationThenAsWritten) {
  // Given notes written on two declarations in turn, v_annotations lists them by declaration, then in the order written, with the Paris time.
  const std::int64_t a = Declared(Utc(2026, 12, 3, 8), 1);
  const std::int64_t b = Declared(Utc(2026, 12, 3, 9), 2);
  Note(b, "sur b", Utc(2026, 12, 3, 9, 30));
  Note(a, "sur a", Utc(2026, 12, 3, 9, 31));
  Note(b, "encore b", Utc(2026, 12, 3, 9, 32));
  const std::string sa = std::to_string(a), sb = std::to_string(b);
  EXPECT_EQ(RawDb(path_).Rows("SELECT declaration, written, written_by, text FROM v_annotations"),
            (std::vector<std::vector<std::string>>{
                {sa, "2026-12-03T10:31:00.000+01:00", "J. Dupont", "sur a"},
                {sb, "2026-12-03T10:30:00.000+01:00", "J. Dupont", "sur b"},
                {sb, "2026-12-03T10:32:00.000+01:00", "J. Dupont", "encore b"}}));
}

TEST_F(AnnotationsTest, MessageTextsViewListsOnlyMessagesWithText) {
  // Given three messages, one without text, v_message_texts lists the two others in reception order, and the text reads back with the message.
  MessageRecord late = Message("3", "late", Utc(2026, 12, 3, 9));
  late.body_text = "Retour en service prévu le 12/03.";
  MessageRecord silent = Message("2", "silent", Utc(2026, 12, 3, 8));
  MessageRecord early = Message("1", "early", Utc(2026, 12, 3, 7));
  early.body_text = "Maintenance du 4 au 6.\n[… texte coupé à 64 Kio]";
  for (MessageRecord* m : {&late, &silent, &early}) {
    Status s = ledger_->RecordMessage(m);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(RawDb(path_).Rows("SELECT message, received, sender, text FROM v_message_texts"),
            (std::vector<std::vector<std::string>>{
                {std::to_string(early.id), "2026-12-03T08:00:00.000+01:00", "ops@quimper.example",
                 early.body_text},
                {std::to_string(late.id), "2026-12-03T10:00:00.000+01:00", "ops@quimper.example",
                 late.body_text}}));
  EXPECT_EQ(RawDb(path_).One("SELECT count(*) FROM messages WHERE body_text IS NULL"), "1");
}

}  // namespace
}  // namespace flexmail::testing
