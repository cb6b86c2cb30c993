#!/usr/bin/env python3
"""Writes the demo's sample emails with Python's email package, as a shipper's
mail program would send them. The CSV attachments are the files of
../declarations. Run from anywhere; the .eml files are committed."""
import email.policy
import pathlib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
import datetime

here = pathlib.Path(__file__).resolve().parent
decl = here.parent / "declarations"
paris = datetime.timezone(datetime.timedelta(hours=1))


def message(name, sender, subject, when, files=(), body="Bonjour,\n\nVeuillez trouver ci-joint nos prévisions.\n\nCordialement,\nDesk gaz\n", extra=()):
    m = EmailMessage(policy=email.policy.SMTP)
    m["From"] = sender
    m["To"] = "declarations@flexmail.example"
    m["Subject"] = subject
    m["Date"] = format_datetime(when)
    m["Message-ID"] = f"<{name}@edf.example>"
    for k, v in extra:
        m[k] = v
    m.set_content(body)
    for f in files:
        m.add_attachment((decl / f).read_bytes(), maintype="text", subtype="csv", filename=f)
    (here / f"{name}.eml").write_bytes(m.as_bytes())


D = "Export_DECLARATIONS_CCG-UPLOAD-20261203_"
message("01-day-ahead", "Desk EDF <ops@edf.example>",
        "[Martigues] Prévisions SFM : 03/12/2026 – 03/12/2026",
        datetime.datetime(2026, 12, 2, 10, 0, tzinfo=paris), [D + "20261202100000.csv"])
message("02-intraday-accepted", "Desk EDF <ops@edf.example>",
        "[Martigues] Prévisions SFM : 03/12/2026 – 03/12/2026",
        datetime.datetime(2026, 12, 3, 12, 20, tzinfo=paris), [D + "20261203121500.csv"])
message("03-intraday-refused", "Desk EDF <ops@edf.example>",
        "RE: [Martigues] Prévisions SFM : 03/12/2026 - 03/12/2026",
        datetime.datetime(2026, 12, 3, 12, 40, tzinfo=paris), [D + "20261203123500.csv"])
message("04-malformed", "Desk EDF <ops@edf.example>",
        "Prévisions Martigues",
        datetime.datetime(2026, 12, 3, 12, 50, tzinfo=paris), [D + "20261203125000.csv"])
message("05-unknown-sender", "Someone <someone@unknown.example>",
        "[Martigues] Prévisions SFM : 03/12/2026 – 03/12/2026",
        datetime.datetime(2026, 12, 3, 13, 0, tzinfo=paris), [D + "20261203121500.csv"])
message("06-auto-reply", "Desk EDF <ops@edf.example>", "Absence du bureau",
        datetime.datetime(2026, 12, 3, 13, 5, tzinfo=paris),
        body="Je suis absent jusqu'au 7 décembre.\n",
        extra=[("Auto-Submitted", "auto-replied")])
