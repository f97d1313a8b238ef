#!/usr/bin/env python3
"""The recipient's overview through the web API (api-recipient.c, docs/api.md):
GET /api/recipient/overview (grants with deadlines and what is due, the
reminders 60, 30 and 7 days before a deadline and after it, repayment claims
with the agency's bankgiro and OCR references, payments received with the
day each was executed), and the personal calendar feed: made, read without a
session as text/calendar and parsed back, replaced, revoked.  Every refusal:
another organisation's overview, another user's feed, a wrong, missing,
replaced or revoked token, no CSRF token.

Uses the client and TAP output of test_api.py.  Prints TAP; exit status 1 if
anything failed.  Needs $BIDRAG and $BIDRAG_SRC; tests/cli/api-recipient.sh
names the database on the engine under test ($BIDRAG_TEST_DB).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_api as base  # noqa: E402

from test_api import SRC, PASSWORD, T, Client, cli  # noqa: E402

D0 = "S2020/09797"
D1 = "S2020/09796"
USERS = [("root", "admin", None), ("anna", "handlaggare", None), ("bertil", "attestant", None),
         ("rut", "revisor", None), ("olle", "mottagare", "01"), ("olof", "mottagare", "01"),
         ("eva", "mottagare", "23"), ("stina", "mottagare", "SKR")]


def check(name, r, status, *conds):
    """status, then each (text, fn(r)) condition; an error answer has a message."""
    problems = []
    if r.status != status:
        problems.append("status %d, expected %d: %s" % (r.status, status, r.short()))
    else:
        if status >= 400 and not (isinstance(r.json, dict) and r.json.get("error")):
            problems.append("an error without a message: " + r.short())
        for text, fn in conds:
            try:
                ok = fn(r)
            except Exception as e:  # noqa: BLE001
                ok = False
                text += " (%s)" % e
            if not ok:
                problems.append("not so: " + text)
    # and the answer as docs/openapi.json describes it (status, JSON schema)
    problems += ["openapi: " + p for p in r.problems]
    return T.ok(name, not problems, *problems)


def build_register(env):
    cli(env, "init")
    for name, role, org in USERS:
        cli(env, "user", "add", name, "--role", role, *(["--org", org] if org else []),
            *([] if name == "root" else ["--by", "root"]), stdin=PASSWORD + "\n")
    decisions = os.path.join(SRC, "examples", "decisions")
    cli(env, "decision", "import", os.path.join(decisions, "S2020-09797.json"), os.path.join(decisions, "S2020-09796.json"),
        "--by", "anna")
    cli(env, "payee", "import", os.path.join(SRC, "examples", "payees.csv"), "--user", "anna")
    cli(env, "org", "set", "KAMK", "--bankgiro", "5052-5781", "--by", "anna")
    cli(env, "pay", "plan", D0, "--date", "2021-02-15", "--by", "anna")
    ids = [l.split(",")[0] for l in cli(env, "pay", "list", "--state", "registered", "--format", "csv").splitlines()[1:]]
    cli(env, "pay", "attest", *ids, "--date", "2021-02-15", "--by", "bertil")
    cli(env, "pay", "export", "--batch", "B1", "--date", "2021-02-16", "--output", os.path.join(env["WORK"], "b1.xml"),
        "--by", "anna")
    cli(env, "repay", "claim", D0, "--part", "regioner", "--recipient", "01", "--amount", "100 000",
        "--date", "2021-06-01", "--by", "anna")


def ics_events(text):
    """The VEVENTs of an iCalendar text (RFC 5545: CRLF lines, folded lines
    go on after a space), each a dict of its properties' names and values."""
    lines = []
    for raw in text.split("\r\n"):
        if raw.startswith((" ", "\t")) and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    events, cur, outer = [], None, []
    for line in lines:
        name, _, value = line.partition(":")
        name = name.split(";")[0]
        if line == "BEGIN:VEVENT":
            cur = {}
        elif line == "END:VEVENT":
            events.append(cur)
            cur = None
        elif cur is not None:
            cur[name] = value.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")
        else:
            outer.append(line)
    return outer, events


def check_overview(C):
    olle, eva, anna = C["olle"], C["eva"], C["anna"]
    r = olle.get("/api/recipient/overview")
    check("a mottagare's overview: its own organisation's", r, 200,
          ("org 01, Region Stockholm", lambda r: r.json["org"] == "01" and "Stockholm" in r.json["org_name"]),
          ("amounts in öre", lambda r: r.json["amounts"] == "öre"),
          ("its grants of both decisions", lambda r: {g["dnr"] for g in r.json["grants"]} == {D0, D1}),
          ("a grant paid without requisition shows what was paid",
           lambda r: any(g["dnr"] == D0 and g["part"] == "regioner" and g["paid"] > 0 and not g["requisition"]
                         for g in r.json["grants"])),
          ("the claimed 100 000 kr is due for repayment",
           lambda r: sum(g["repayment_due"] for g in r.json["grants"]) == 10000000))
    ov = r.json or {}
    claims = (ov.get("repayment") or {}).get("claims", [])
    T.ok("the repayment: the agency's bankgiro", (ov.get("repayment") or {}).get("bankgiro") == "5052-5781", ov.get("repayment"))
    T.ok("... the claim with its OCR reference, amount, what is left and the letter's address",
         len(claims) == 1 and re.fullmatch(r"[0-9]+", claims[0]["ocr"]) and claims[0]["amount"] == 10000000
         and claims[0]["outstanding"] == 10000000 and claims[0]["state"] == "open"
         and claims[0]["letter"] == "/api/claim/letter?claim=%d" % claims[0]["number"], claims)
    pays = ov.get("payments", [])
    T.ok("payments received: Region Stockholm's, each with the day it was executed",
         len(pays) >= 1 and all(p["dnr"] == D0 and p["executed"] for p in pays), pays)
    status = anna.get("/api/status", params={"dnr": D0, "recipient": "01"})
    paid = sum(a["paid"] for a in status.json["accounts"]) if status.status == 200 else None
    T.ok("... adding up to what the status says was paid", paid == sum(p["amount"] for p in pays), paid, pays)
    T.ok("no text of the overview tells the recipient to run a command",
         "bidrag " not in r.text and "'bidrag" not in r.text, r.text[:2000])

    check("SKR's overview: the parts it requisitions, with their deadline and what is left to requisition",
          C["stina"].get("/api/recipient/overview", params={"as_of": "2021-06-01"}), 200,
          ("requisition parts of both decisions, due 2021-12-01, money to requisition",
           lambda r: {g["dnr"] for g in r.json["grants"] if g["requisition"] and g["requisition_deadline"] == "2021-12-01"
                      and g["requisition_due"] > 0} == {D0, D1}))
    r = olle.get("/api/recipient/overview", params={"org": "23"})
    check("a mottagare asking for another organisation's overview: 403", r, 403,
          ("it says whose it may see", lambda r: "only its own organisation" in r.json["error"]))
    check("... for its own by code: 200", olle.get("/api/recipient/overview", params={"org": "01"}), 200)
    check("eva (Jämtland) sees her own organisation", eva.get("/api/recipient/overview"), 200,
          ("org 23, no claims of Stockholm's", lambda r: r.json["org"] == "23" and r.json["repayment"]["claims"] == []))
    check("staff name the organisation", anna.get("/api/recipient/overview", params={"org": "01"}), 200,
          ("org 01", lambda r: r.json["org"] == "01"))
    check("staff without org: 400", anna.get("/api/recipient/overview"), 400,
          ("names the field", lambda r: r.json.get("field") == "org"))
    check("an unknown organisation: 404", anna.get("/api/recipient/overview", params={"org": "ZZ99"}), 404)
    check("a date that is none: 400", olle.get("/api/recipient/overview", params={"as_of": "2021-13-01"}), 400,
          ("names as_of", lambda r: r.json.get("field") == "as_of"))
    check("without a session: 401", Client(olle.base).get("/api/recipient/overview"), 401)

    # The reminders of SKR's requisition deadline 2021-12-01 (S2020/09796).
    def reminder(as_of):
        r = C["stina"].get("/api/recipient/overview", params={"as_of": as_of})
        rs = [d for d in r.json["reminders"] if d["dnr"] == D1 and d["kind"] == "requisition"] if r.status == 200 else []
        return rs[0]["reminder"] if rs else None, rs
    for as_of, want in [("2021-09-15", None), ("2021-10-05", 60), ("2021-11-10", 30), ("2021-11-24", 7),
                        ("2021-12-01", 7), ("2021-12-05", "after")]:
        got, rs = reminder(as_of)
        T.ok("as of %s the requisition deadline 2021-12-01 reminds: %s" % (as_of, want), got == want, rs)
    r = C["stina"].get("/api/recipient/overview", params={"as_of": "2021-12-05"})
    after = [d for d in r.json["reminders"] if d["reminder"] == "after"] if r.status == 200 else []
    T.ok("... after it, the reminder says the right has lapsed, in words to the recipient",
         after and all(d["overdue"] and "förfallit" in d["what"] for d in after if d["kind"] == "requisition"), after)


def check_feed(C):
    olle, olof, anna, rut = C["olle"], C["olof"], C["anna"], C["rut"]
    anon = Client(olle.base)
    check("the calendar: olle has no feed yet", olle.get("/api/recipient/calendar", params={"user": "olle"}), 200,
          ("feed false", lambda r: r.json["feed"] is False and r.json["created"] is None))
    check("... and may not ask about olof's: 403", olle.get("/api/recipient/calendar", params={"user": "olof"}), 403)
    check("... the user is named: 400 without", olle.get("/api/recipient/calendar"), 400)
    check("making a feed without the CSRF token: 403", olle.post("/api/recipient/calendar", {}, csrf=False), 403)
    check("a body field the route does not take: 400", olle.post("/api/recipient/calendar", {"user": "olof"}), 400)
    r = olle.post("/api/recipient/calendar", {})
    check("olle makes a feed: 201 with its address, shown this once", r, 201,
          ("a 64-hex token in the address",
           lambda r: re.fullmatch(r"[0-9a-f]{64}", r.json["token"]) and r.json["url"] == "/api/calendar.ics?token=" + r.json["token"]))
    token = r.json["token"] if r.status == 201 else ""
    check("... the calendar says a feed is in use, and since when", olle.get("/api/recipient/calendar", params={"user": "olle"}), 200,
          ("feed true, created", lambda r: r.json["feed"] is True and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r.json["created"])),
          ("the token is not shown again", lambda r: token not in r.text))
    f = anon.get("/api/calendar.ics", params={"token": token})
    T.ok("the feed is read without a session, as text/calendar", f.status == 200 and f.ctype == "text/calendar", f.short())
    outer, events = ics_events(f.text) if f.status == 200 else ([], [])
    T.ok("... a VCALENDAR (VERSION 2.0) whose lines end in CRLF",
         f.text.startswith("BEGIN:VCALENDAR\r\n") and "VERSION:2.0" in outer and f.text.rstrip("\r\n").endswith("END:VCALENDAR"),
         f.text[:300])
    kinds = {e.get("UID", "").split("-")[0] for e in events}
    T.ok("... with the organisation's own deadlines (requisition, report, repayment), each an all-day date",
         events and kinds <= {"requisition", "report", "repayment"} and {"report", "repayment"} <= kinds
         and all(re.fullmatch(r"\d{8}", e.get("DTSTART", "")) and e.get("SUMMARY") for e in events),
         kinds, events[:3])
    T.ok("... the claimed repayment among them, in words to the recipient",
         any(e["UID"].startswith("repayment-") and "100 000,00 kr ska återbetalas" in e.get("DESCRIPTION", "")
             for e in events), events)
    r = C["stina"].post("/api/recipient/calendar", {})
    skr = ics_events(anon.get("/api/calendar.ics", params={"token": r.json["token"]}).text)[1] if r.status == 201 else []
    T.ok("SKR's feed has its requisition deadline 2021-12-01 of %s" % D1,
         any(e.get("DTSTART") == "20211201" and D1 in e.get("SUMMARY", "") and e["UID"].startswith("requisition-")
             for e in skr), skr[:3])
    T.ok("... and no command for the recipient to run", "bidrag " not in f.text and "'bidrag" not in f.text)
    staff_events = []
    r = anna.post("/api/recipient/calendar", {})
    if check("staff may have a feed too (anna)", r, 201):
        g = anon.get("/api/calendar.ics", params={"token": r.json["token"]})
        staff_events = ics_events(g.text)[1] if g.status == 200 else []
    T.ok("... hers has every organisation's deadlines (more than olle's)", len(staff_events) > len(events),
         len(staff_events), len(events))

    check("a wrong token: 404 with a message", anon.get("/api/calendar.ics", params={"token": "0" * 64}), 404,
          ("it says the address is not a feed", lambda r: "no calendar feed" in r.json["error"]))
    check("a token of the wrong form: 404", anon.get("/api/calendar.ics", params={"token": "x' OR 1=1"}), 404)
    check("no token: 401 with a message", anon.get("/api/calendar.ics"), 401,
          ("it says the token is missing", lambda r: "token" in r.json["error"]))
    r = olle.post("/api/recipient/calendar", {})
    check("a new address for olle", r, 201)
    new = r.json["token"] if r.status == 201 else ""
    check("... the old one no longer works: 404", anon.get("/api/calendar.ics", params={"token": token}), 404)
    check("... the new one does", anon.get("/api/calendar.ics", params={"token": new}), 200)
    check("olof (the same organisation) cannot revoke olle's feed: he has none", olof.post("/api/recipient/calendar/revoke", {}), 404)
    check("... olle's still works", anon.get("/api/calendar.ics", params={"token": new}), 200)
    check("olle revokes his feed", olle.post("/api/recipient/calendar/revoke", {}), 200,
          ("revoked", lambda r: r.json["revoked"] is True))
    check("... it no longer works: 404", anon.get("/api/calendar.ics", params={"token": new}), 404,
          ("revoked or replaced", lambda r: "revoked" in r.json["error"]))
    check("... revoking again: 404, nothing to revoke", olle.post("/api/recipient/calendar/revoke", {}), 404)
    check("... the calendar says none is in use", olle.get("/api/recipient/calendar", params={"user": "olle"}), 200,
          ("feed false", lambda r: r.json["feed"] is False))
    entries = rut.get("/api/audit")
    text = entries.text if entries.status == 200 else ""
    T.ok("the audit log records the feeds made and revoked, never a token",
         "calendar.new" in text and "calendar.revoke" in text and token not in text and new not in text
         and entries.status == 200, entries.short()[:300])


def check_prefill(C):
    olle, eva, anna, rut = C["olle"], C["eva"], C["anna"], C["rut"]
    check("no register yet: GET /api/register/document is 404",
          olle.get("/api/register/document", params={"org": "01", "year": "2021"}), 404)
    r = olle.post("/api/register/prefill", {"year": 2021})
    check("olle prefills Region Stockholm's 2021 from the ledger: 201", r, 201,
          ("his own organisation, version 1, 2 grants from the ledger, both new",
           lambda r: (r.json["org"], r.json["version"], r.json["from_ledger"], r.json["added"], r.json["unchanged"]) == ("01", 1, 2, 2, False)))
    r = olle.get("/api/register/document", params={"org": "01", "year": "2021"})
    keys = [g["key"] for g in r.json["years"][0]["grants"]] if r.status == 200 and r.json else []
    check("... the year's document, with the grants marked by their key as the ledger's", r, 200,
          ("reskontra- keys of both decisions", lambda r: sorted(keys) == ["reskontra-s2020-09796-regioner", "reskontra-s2020-09797-regioner"]),
          ("the claim in the status", lambda r: any("Återkrävt 100 000,00 kr" in g.get("status", "") for g in r.json["years"][0]["grants"])))
    if r.status == 200:
        doc = r.json
        g = [g for g in doc["years"][0]["grants"] if g["key"] == "reskontra-s2020-09797-regioner"][0]
        g["dnr"] = "RS/195/2021"
        check("olle files his own diary number", olle.request("POST", "/api/register", doc), 201)
    r = anna.post("/api/register/prefill", {"org": "01", "year": 2021})
    check("anna prefills the same year again: nothing new, unchanged (200)", r, 200,
          ("unchanged version 2, both updated", lambda r: (r.json["version"], r.json["unchanged"], r.json["updated"]) == (2, True, 2)))
    r = olle.get("/api/register/document", params={"year": "2021"})
    check("... olle's diary number is kept", r, 200,
          ("RS/195/2021", lambda r: any(g.get("dnr") == "RS/195/2021" for g in r.json["years"][0]["grants"])))
    check("olle prefilling another organisation's: 403", olle.post("/api/register/prefill", {"org": "23", "year": 2021}), 403)
    check("eva reading Stockholm's document: 403", eva.get("/api/register/document", params={"org": "01", "year": "2021"}), 403)
    check("staff without org: 400", anna.post("/api/register/prefill", {"year": 2021}), 400,
          ("names org", lambda r: r.json.get("field") == "org"))
    check("a year that is none: 400", olle.post("/api/register/prefill", {"year": 1999}), 400,
          ("names year", lambda r: r.json.get("field") == "year"))
    check("a year as a string: 400", olle.post("/api/register/prefill", {"year": "2021"}), 400)
    check("an unknown organisation: 404", anna.post("/api/register/prefill", {"org": "Ingen alls", "year": 2021}), 404)
    check("the revisor may not prefill: 403", rut.post("/api/register/prefill", {"org": "01", "year": 2021}), 403)
    check("without the CSRF token: 403", olle.post("/api/register/prefill", {"year": 2021}, csrf=False), 403)


def main():
    # The client checks answers against docs/openapi.json as it goes, and
    # check() counts a problem it found as a failure.
    return base.run_api_test("recipient", USERS, lambda env, work: build_register(env), [
        ("the overview", lambda C, env, state: check_overview(C)),
        ("the calendar feed", lambda C, env, state: check_feed(C)),
        ("the register prefilled", lambda C, env, state: check_prefill(C))])


if __name__ == "__main__":
    sys.exit(main())
