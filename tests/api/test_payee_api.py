#!/usr/bin/env python3
"""Payees' accounts through the web API (api-payee.c, docs/api.md): the list
and one payee, a file of payees imported (CSV and .xlsx, all or nothing), a
change of account proposed with the evidence (a text or a file, the file
fetched back byte for byte), approved by another person and never by its
proposer, rejected; every role refused where it may not; the attestation
queue showing the account and the Kontobyte flag; the audit log.

Uses the machinery of test_api.py (the client, the TAP output, the checks
against docs/openapi.json): every JSON answer is validated against the
schema the document gives.  Prints TAP; exit status 1 if anything failed.
Needs $BIDRAG and $BIDRAG_SRC; tests/cli/api-payee.sh names the database on
the engine under test ($BIDRAG_TEST_DB).
"""
import base64
import io
import json
import os
import re
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_api as base  # noqa: E402

from test_api import SRC, PASSWORD, T, Client, expect, is_error, cli  # noqa: E402

D0 = "S2020/09797"
TODAY = subprocess.run(["date", "+%F"], capture_output=True, text=True).stdout.strip()
ROUTES = [  # method, path, the roles that may
    ("GET", "/api/payees", {"handlaggare", "attestant", "revisor", "admin"}),
    ("GET", "/api/payee", {"handlaggare", "attestant", "revisor", "admin"}),
    ("POST", "/api/payees/import", {"handlaggare"}),
    ("POST", "/api/payee-changes", {"handlaggare"}),
    ("GET", "/api/payee-changes/evidence", {"handlaggare", "attestant", "revisor", "admin"}),
    ("POST", "/api/payee-changes/approve", {"attestant"}),
    ("POST", "/api/payee-changes/reject", {"handlaggare", "attestant"}),
]
USERS = [("root", "admin", None), ("anna", "handlaggare", None), ("bjorn", "handlaggare", None),
         ("bertil", "attestant", None), ("cecilia", "attestant", None), ("rut", "revisor", None),
         ("eva", "mottagare", "23")]
HEADER = "organisationsnummer,namn,bankgiro,plusgiro,IBAN,BIC,betalningsreferens\n"
LETTER = b"%PDF-1.4\n% Region Uppsala: please pay to our new account\n\x00\xff\x10binary\n%%EOF\n"


def b64(data):
    return base64.b64encode(data if isinstance(data, bytes) else data.encode("utf-8")).decode("ascii")


def xlsx(rows):
    """A workbook whose first sheet holds rows (lists of texts), as inline strings."""
    def col(c):
        s, c = "", c + 1
        while c:
            c, r = divmod(c - 1, 26)
            s = chr(65 + r) + s
        return s
    NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
    data = "".join('<row r="%d">%s</row>' % (r, "".join(
        '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (col(c), r, v) for c, v in enumerate(row) if v))
        for r, row in enumerate(rows, 1))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % (PKG, REL))
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook %s xmlns:r="%s"><sheets><sheet name="Mottagare" sheetId="1" r:id="rId1"/></sheets></workbook>' % (NS, REL))
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' % (PKG, REL))
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, data))
    return buf.getvalue()


def build_register(env):
    cli(env, "init")
    # every change from the command line is a registered user's (--by, the
    # password from $BIDRAG_PASSWORD): root, the first user, an admin, adds the rest
    for name, role, org in USERS:
        cli(env, "user", "add", name, "--role", role, *(["--org", org] if org else []),
            *([] if name == "root" else ["--by", "root"]), stdin=PASSWORD + "\n")
    decisions = os.path.join(SRC, "examples", "decisions")
    cli(env, "decision", "import", *sorted(os.path.join(decisions, f) for f in os.listdir(decisions) if f.endswith(".json")),
        "--by", "anna")


def audit(rut):
    r = rut.get("/api/audit")
    return r.json["entries"] if r.status == 200 else []


def payees_of(c):
    r = c.get("/api/payees")
    return {p["org"]: p for p in r.json["payees"]} if r.status == 200 else {}


def check_roles(C):
    rep = {"handlaggare": C["anna"], "attestant": C["bertil"], "revisor": C["rut"], "mottagare": C["eva"],
           "admin": C["root"]}
    anon = Client(C["anna"].base)
    for method, path, roles in ROUTES:
        body = {} if method == "POST" else None
        r = anon.request(method, path, body, csrf=False)
        expect("without a session %s %s is 401" % (method, path), r, 401, *is_error(r))
        for role, c in rep.items():
            if role in roles:
                continue
            r = c.request(method, path, body)
            expect("%s may not %s %s: 403" % (role, method, path), r, 403, *is_error(r, pattern="may not"))
        if method == "POST":
            r = C["anna" if "handlaggare" in roles else "bertil"].request(method, path, {}, csrf=False)
            expect("%s %s without the CSRF token: 403" % (method, path), r, 403, *is_error(r, pattern="X-CSRF-Token"))


def check_import(C, env):
    anna, rut = C["anna"], C["rut"]
    r = anna.get("/api/payees")
    expect("GET /api/payees on a register without payees: none, no change", r, 200,
           ("empty", lambda r: r.json["payees"] == [] and r.json["changes"] == []),
           ("as of today", lambda r: r.json["as_of"] == TODAY))
    n_audit = len(audit(rut))
    with open(os.path.join(SRC, "examples", "payees.csv"), encoding="utf-8") as f:
        example = f.read()
    bad = [
        ("a bankgiro with a wrong check digit: file, row, column and the digit expected",
         "bad.csv", HEADER + "232100-0016,Region Stockholm,5728-3904,,,,\n",
         r"^bad\.csv, row 2, column C \(bankgiro\): invalid bankgiro '5728-3904': wrong check digit \(expected 5\); nothing was imported$"),
        ("an IBAN failing mod 97", "iban.csv", HEADER + "232100-0016,Region Stockholm,,,SE45 5000 0000 0583 9825 7467,ESSESESS,\n",
         r"iban\.csv, row 2, column E \(IBAN\): invalid IBAN 'SE45 5000 0000 0583 9825 7467': wrong check digits \(expected 18\)"),
        ("an error on the last row of a good file: nothing of the 34 rows before it is imported", "last.csv",
         example + "232100-0230,Region Norrbotten,5728-3904,,,,\n",
         r"last\.csv, row 35, column C \(bankgiro\): invalid bankgiro '5728-3904'.*nothing was imported"),
        ("an unknown column", "unknown.csv", "orgnr;namn;bankgiro;konto\n232100-0016;Region Stockholm;5728-3905;x\n",
         r"unknown\.csv, row 1, column D: unknown column 'konto'"),
        ("an Excel workbook: a wrong check digit names the sheet's row and column", "bad.xlsx",
         xlsx([["Namn", "Orgnr", "Bankgiro"], ["Region Uppsala", "232100-0024", "9000-0035"],
               ["Region Sörmland", "232100-0032", "9000-0042"]]),
         r"bad\.xlsx, row 3, column C \(Bankgiro\): invalid bankgiro '9000-0042': wrong check digit \(expected 3\)"),
        ("a damaged workbook", "broken.xlsx", b"PK\x03\x04 not a zip", r"broken\.xlsx: not an Excel workbook"),
        ("a file of only a header", "header.csv", HEADER, r"header\.csv: no payees: only the header row"),
    ]
    for name, fname, data, pattern in bad:
        r = anna.post("/api/payees/import", {"name": fname, "data": b64(data)})
        expect("import refused, 400: " + name, r, 400, *is_error(r, field="data", pattern=pattern))
    r = anna.post("/api/payees/import", {"name": "x.csv", "data": "not*base64"})
    expect("import: data that is not base64 is 400 (field data)", r, 400, *is_error(r, field="data", pattern="not base64"))
    r = anna.post("/api/payees/import", {"name": "x.csv", "data": ""})
    expect("import: an empty file is 400 (field data)", r, 400, *is_error(r, field="data", pattern="empty"))
    r = anna.post("/api/payees/import", {"data": b64(example)})
    expect("import: no name is 400 (field name)", r, 400, *is_error(r, field="name"))
    r = anna.post("/api/payees/import", {"name": "a\x01b.csv", "data": b64(example)})
    expect("import: a name with a control character is 400 (field name)", r, 400, *is_error(r, field="name"))
    r = anna.post("/api/payees/import", {"name": "p.csv", "data": b64(example), "user": "bertil"})
    expect("import: an unknown field is 400 naming it", r, 400,
           *is_error(r, field="user", pattern=r"unknown field 'user' \(expected name, data\)"))
    r = anna.post("/api/payees/import", {"name": "p.csv", "data": 12})
    expect("import: data that is not a string is 400", r, 400, *is_error(r, field="data"))
    T.ok("... none of the refused imports registered a payee", payees_of(anna) == {}, payees_of(anna))
    T.ok("... nor left an entry in the audit log", len(audit(rut)) == n_audit, "%d entries, %d before" % (len(audit(rut)), n_audit))

    r = anna.post("/api/payees/import", {"name": "/home/anna/payees.csv", "data": b64(example)})
    expect("POST /api/payees/import examples/payees.csv: 201, 25 payees added", r, 201,
           ("25 added", lambda r: (r.json["payees"], r.json["added"], r.json["unchanged"], r.json["proposed"]) == (25, 25, 0, 0)),
           ("csv", lambda r: r.json["kind"] == "csv"),
           ("the name without its folder", lambda r: r.json["file"] == "payees.csv"),
           ("Region Stockholm matched by name: row 10, org 01, bankgiro 9000-0019",
            lambda r: {"where": "payees.csv, row 10", "org": "01", "outcome": "added",
                       "account": {"kind": "bankgiro", "number": "9000-0019", "bic": None}}.items()
            <= [x for x in r.json["rows"] if x["org"] == "01"][0].items()),
           ("SKR's IBAN with its BIC", lambda r: [x["account"] for x in r.json["rows"] if x["org"] == "SKR"] ==
            [{"kind": "IBAN", "number": "SE6250000000000000000315", "bic": "ESSESESS"}]))
    n_audit = len(audit(rut))
    r = anna.post("/api/payees/import", {"name": "payees.csv", "data": b64(example)})
    expect("the same file again: 200, all 25 unchanged", r, 200,
           ("25 unchanged", lambda r: (r.json["added"], r.json["unchanged"]) == (0, 25)))
    T.ok("... and no entry in the audit log: importing it again is no act", len(audit(rut)) == n_audit)
    cli_list = json.loads(cli(env, "payee", "list", "--format", "json"))
    r = C["rut"].get("/api/payees")
    expect("GET /api/payees (revisor): the 25 payees as 'bidrag payee list' gives them", r, 200,
           ("the same payees, accounts and references",
            lambda r: [(p["org"], p["account"], p["reference"]) for p in r.json["payees"]] ==
            [(p["org"], p["account"], p["reference"]) for p in cli_list["payees"]]),
           ("by anna, from payees.csv", lambda r: all(p["by"] == "anna" and p["source"].startswith("payees.csv, row ") for p in r.json["payees"])),
           ("none changed, none flagged", lambda r: all(p["account_changed"] is None and not p["account_recent"] for p in r.json["payees"])))

    # Another account for a payee, in a workbook: proposed, not changed.
    wb = xlsx([["Organisationsnummer", "Namn", "Bankgiro"], ["232100-0016", "Region Stockholm", "5728-3905"]])
    r = anna.post("/api/payees/import", {"name": "nytt-konto.xlsx", "data": b64(wb)})
    expect("a workbook with another account for 01: 201, the change is proposed, not made", r, 201,
           ("xlsx", lambda r: r.json["kind"] == "xlsx"),
           ("proposed, paid to the old account until approved",
            lambda r: r.json["proposed"] == 1 and r.json["rows"][0]["outcome"] == "proposed" and
            r.json["rows"][0]["was"] == "bankgiro 9000-0019" and r.json["rows"][0]["change"] >= 1))
    change01 = r.json["rows"][0]["change"] if r.status == 201 else None
    r = anna.post("/api/payees/import", {"name": "nytt-konto.xlsx", "data": b64(wb)})
    expect("... the same workbook again: 200, the change is pending, not proposed twice", r, 200,
           ("pending", lambda r: r.json["pending"] == 1 and r.json["rows"][0]["change"] == change01))
    p = payees_of(anna)
    T.ok("... 01 still has its old account, with a change pending",
         p.get("01", {}).get("account", {}).get("number") == "9000-0019" and p["01"]["pending_changes"] == 1, p.get("01"))
    return change01


def check_propose(C, env):
    anna, bertil = C["anna"], C["bertil"]
    iban = "SE45 5000 0000 0583 9825 7466"
    good = {"org": "03", "iban": iban, "bic": "ESSESESS", "evidence_name": "C:\\brev\\uppsala.pdf",
            "evidence_data": b64(LETTER)}
    before = payees_of(anna)
    refused = [
        ("an IBAN failing mod 97", dict(good, iban="SE45 5000 0000 0583 9825 7467"), 400, "iban", "wrong check digits"),
        ("an IBAN without a BIC", {k: v for k, v in good.items() if k != "bic"}, 400, "bic", "BIC"),
        ("a BIC of another country", dict(good, bic="DEUTDEFF"), 400, "bic", "of a bank in DE"),
        ("a bankgiro with a wrong check digit", {"org": "03", "bankgiro": "5728-3904", "evidence": "brev"}, 400, "bankgiro", "wrong check digit"),
        ("two accounts", {"org": "03", "bankgiro": "5728-3905", "plusgiro": "3 70 20-5", "evidence": "brev"}, 400, "plusgiro", "one account"),
        ("no account", {"org": "03", "evidence": "brev"}, 400, "bankgiro", "the new account is missing"),
        ("no evidence", {"org": "03", "bankgiro": "5728-3905"}, 400, "evidence", "evidence: missing"),
        ("evidence of blanks only", {"org": "03", "bankgiro": "5728-3905", "evidence": "  "}, 400, "evidence", "evidence: missing"),
        ("a text and a file", dict(good, evidence="brev"), 400, "evidence", "not both"),
        ("a file without its name", {k: v for k, v in good.items() if k != "evidence_name"}, 400, "evidence_name", "missing"),
        ("a file that is not base64", dict(good, evidence_data="%%%"), 400, "evidence_data", "not base64"),
        ("no organisation", {k: v for k, v in good.items() if k != "org"}, 400, "org", "missing"),
        ("an unknown organisation", dict(good, org="Ingenstans kommun"), 404, "org", None),
        ("the account it has already", {"org": "03", "bankgiro": "9000-0035", "evidence": "brev"}, 400, "org",
         "03's account is bankgiro 9000-0035 already: nothing to change"),
        ("a change of 01 while one is open", {"org": "01", "bankgiro": "5050-1055", "evidence": "brev"}, 400, "org",
         r"a change of 01's account is proposed already \(change \d+\)"),
    ]
    n_audit = len(audit(C["rut"]))
    for name, body, status, fld, pattern in refused:
        r = anna.post("/api/payee-changes", body)
        expect("propose refused, %d (field %s): %s" % (status, fld, name), r, status, *is_error(r, field=fld, pattern=pattern))
    T.ok("... none of them proposed anything or left an audit entry",
         payees_of(anna) == before and len(audit(C["rut"])) == n_audit)

    r = anna.post("/api/payee-changes", good)
    expect("POST /api/payee-changes: anna proposes an IBAN for 03 with the signed letter: 201", r, 201,
           ("change, org 03, the IBAN in canonical form, proposed by anna",
            lambda r: (r.json["org"], r.json["name"], r.json["account"], r.json["state"], r.json["proposed_by"]) ==
            ("03", "Region Uppsala", {"kind": "IBAN", "number": "SE4550000000058398257466", "bic": "ESSESESS"}, "proposed", "anna")))
    change03 = r.json["change"] if r.status == 201 else None
    r = anna.post("/api/payee-changes", {"org": "Region Västmanland", "plusgiro": "3 70 20-5",
                                          "evidence": "Brev från regionens ekonomichef 2026-11-30", "reference": "RV-1"})
    expect("... and a plusgiro for 19 (by name) with a text as evidence: 201", r, 201,
           ("org 19, plusgiro, the reference", lambda r: (r.json["org"], r.json["account"]["kind"], r.json["reference"]) == ("19", "plusgiro", "RV-1")))
    change19 = r.json["change"] if r.status == 201 else None
    p = payees_of(anna)
    T.ok("until approved, 03 and 19 keep their accounts",
         p["03"]["account"]["number"] == "9000-0035" and p["19"]["account"]["kind"] == "bankgiro", p.get("03"), p.get("19"))

    r = C["rut"].get("/api/payees")
    ch = {c["change"]: c for c in r.json["changes"]} if r.status == 200 else {}
    expect("GET /api/payees lists the three open changes with their evidence", r, 200,
           ("three", lambda r: len(r.json["changes"]) == 3),
           ("03's: the file's name, its SHA-256 and where to fetch it",
            lambda r: (ch[change03]["evidence"], ch[change03]["evidence_sha256"], ch[change03]["evidence_file"]) ==
            ("uppsala.pdf", __import__("hashlib").sha256(LETTER).hexdigest(), "/api/payee-changes/evidence?change=%d" % change03)),
           ("19's: the text, no file", lambda r: ch[change19]["evidence"].startswith("Brev från") and ch[change19]["evidence_file"] is None))
    r = bertil.get("/api/payee-changes/evidence", params={"change": str(change03)})
    expect("GET /api/payee-changes/evidence: the letter byte for byte, as an attachment of no type", r, 200,
           ("the same bytes", lambda r: r.raw == LETTER),
           ("octet-stream", lambda r: r.ctype == "application/octet-stream"),
           ("attachment under its name", lambda r: r.header("Content-Disposition") == 'attachment; filename="uppsala.pdf"'))
    r = bertil.get("/api/payee-changes/evidence", params={"change": str(change19)})
    expect("... a change whose evidence is a text has no file: 404 (field change)", r, 404, *is_error(r, field="change"))
    r = bertil.get("/api/payee-changes/evidence", params={"change": "x"})
    expect("... a change that is no number: 400 (field change)", r, 400, *is_error(r, field="change"))
    r = bertil.get("/api/payee-changes/evidence", params={"change": "99999"})
    expect("... no such change: 404", r, 404, *is_error(r, field="change"))
    return change03, change19


def check_decide(C, env, change01, change03, change19):
    anna, bertil, cecilia, rut = C["anna"], C["bertil"], C["cecilia"], C["rut"]
    # A change proposed on the command line under bertil's name: four eyes
    # by user name, whoever proposed it and where.
    out = cli(env, "payee", "propose", "04", "--bankgiro", "5050-1055", "--evidence", "telefonsamtal", "--user", "bertil")
    m = re.search(r"proposed change (\d+)", out)
    change04 = int(m.group(1)) if m else None
    n_audit = len(audit(rut))
    before = payees_of(anna)
    r = bertil.post("/api/payee-changes/approve", {"change": change04})
    expect("four eyes: bertil cannot approve the change he proposed (on the command line): 400 (field change)", r, 400,
           *is_error(r, field="change", pattern="four eyes: bertil proposed change %d of 04's account and cannot also approve it" % change04))
    r = anna.post("/api/payee-changes/approve", {"change": change03})
    expect("a handläggare may not approve (anna, the proposer, least of all): 403", r, 403, *is_error(r, pattern="may not"))
    for body, fld, pattern in (({}, "change", "change: expected"), ({"change": "3"}, "change", "expected"),
                               ({"change": 0}, "change", "expected"), ({"change": 3, "by": "cecilia"}, "by", "unknown field 'by'")):
        r = bertil.post("/api/payee-changes/approve", body)
        expect("approve %s: 400 (field %s)" % (json.dumps(body), fld), r, 400, *is_error(r, field=fld, pattern=pattern))
    r = bertil.post("/api/payee-changes/approve", {"change": 99999})
    expect("approve an unknown change: 404 (field change)", r, 404, *is_error(r, field="change"))
    T.ok("... none of the refusals changed an account or left an audit entry",
         payees_of(anna) == before and len(audit(rut)) == n_audit)

    r = cecilia.post("/api/payee-changes/approve", {"change": change04})
    expect("another attestant approves bertil's change: 200", r, 200,
           ("approved by cecilia, proposed by bertil", lambda r: (r.json["state"], r.json["decided_by"], r.json["proposed_by"], r.json["decided_on"]) ==
            ("approved", "cecilia", "bertil", TODAY)))
    r = bertil.post("/api/payee-changes/approve", {"change": change03})
    expect("bertil approves anna's change of 03: 200, the IBAN takes effect", r, 200,
           ("approved", lambda r: r.json["state"] == "approved" and r.json["decided_by"] == "bertil"))
    r = cecilia.post("/api/payee-changes/approve", {"change": change03})
    expect("... a change is approved once: 400", r, 400,
           *is_error(r, field="change", pattern="change %d of 03's account was approved by bertil on %s already" % (change03, TODAY)))
    r = cecilia.post("/api/payee-changes/reject", {"change": change03})
    expect("... nor rejected after: 400", r, 400, *is_error(r, field="change", pattern="approved by bertil"))
    r = anna.post("/api/payee-changes/reject", {"change": change01})
    expect("a handläggare rejects (withdraws) the import's change of 01: 200", r, 200,
           ("rejected by anna", lambda r: (r.json["state"], r.json["decided_by"]) == ("rejected", "anna")))
    r = rut.post("/api/payee-changes/reject", {"change": change19})
    expect("a revisor may not reject: 403", r, 403, *is_error(r, pattern="may not"))
    r = anna.post("/api/payee-changes/reject", {"change": 99999})
    expect("reject an unknown change: 404", r, 404, *is_error(r, field="change"))

    p = payees_of(anna)
    T.ok("the register: 03's IBAN (version 2, changed today, flagged), 04's new bankgiro, 01 and 19 unchanged",
         p["03"]["account"] == {"kind": "IBAN", "number": "SE4550000000058398257466", "bic": "ESSESESS"} and
         p["03"]["version"] == 2 and p["03"]["how"] == "change" and p["03"]["account_changed"] == TODAY and
         p["03"]["account_recent"] is True and p["04"]["account"]["number"] == "5050-1055" and
         p["01"]["account"]["number"] == "9000-0019" and p["01"]["pending_changes"] == 0 and
         p["19"]["pending_changes"] == 1, p["03"], p["04"], p["01"])
    r = rut.get("/api/payee", params={"org": "232100-0024"})
    expect("GET /api/payee?org=ORGNR: 03's versions and the change", r, 200,
           ("org 03, registered", lambda r: (r.json["org"], r.json["registered"]) == ("03", True)),
           ("two versions, the second by change by bertil",
            lambda r: [(v["version"], v["how"], v["by"], v["change"]) for v in r.json["versions"]] ==
            [(1, "import", "anna", None), (2, "change", "bertil", change03)]),
           ("the change, approved, with its evidence file", lambda r: [(c["change"], c["state"], c["evidence_file"] is not None) for c in r.json["changes"]] ==
            [(change03, "approved", True)]),
           ("the account now and the flag", lambda r: r.json["account"]["kind"] == "IBAN" and r.json["account_recent"] is True))
    r = rut.get("/api/payee", params={"org": "Region Stockholm"})
    expect("GET /api/payee?org=NAME: 01 with its rejected change", r, 200,
           ("one version, a rejected change", lambda r: len(r.json["versions"]) == 1 and [c["state"] for c in r.json["changes"]] == ["rejected"]))
    r = rut.get("/api/payee", params={"org": "0114"})
    expect("GET /api/payee of an organisation without an account in the register: registered false", r, 200,
           ("not registered", lambda r: r.json["registered"] is False and r.json["account"] is None and r.json["versions"] == []))
    r = rut.get("/api/payee", params={"org": "Ingenstans"})
    expect("GET /api/payee of no organisation: 404 (field org)", r, 404, *is_error(r, field="org"))
    r = rut.get("/api/payee")
    expect("GET /api/payee without org: 400 (field org)", r, 400, *is_error(r, field="org"))
    return change04


def check_queue(C, env):
    """The attestation queue: the account each payment goes to, and the flag."""
    cli(env, "pay", "plan", D0, "--date", "2021-02-15", "--by", "anna")
    r = C["bertil"].get("/api/payments")
    pays = {p["recipient"]: p for p in r.json["payments"]} if r.status == 200 else {}
    expect("GET /api/payments: the payment to 03 goes to the approved IBAN with its BIC, flagged (Kontobyte)", r, 200,
           ("03: IBAN and BIC, no bankgiro, changed today, flagged",
            lambda r: (pays["03"]["iban"], pays["03"]["bic"], pays["03"]["bankgiro"], pays["03"]["account_changed"], pays["03"]["account_recent"]) ==
            ("SE4550000000058398257466", "ESSESESS", None, TODAY, True)),
           ("04: the new bankgiro, flagged", lambda r: (pays["04"]["bankgiro"], pays["04"]["account_recent"]) == ("5050-1055", True)),
           ("01: the old bankgiro (its change was rejected), not flagged",
            lambda r: (pays["01"]["bankgiro"], pays["01"]["account_changed"], pays["01"]["account_recent"]) == ("9000-0019", None, False)))


def check_audit(C, change01, change03, change04):
    entries = audit(C["rut"])

    def has(actor, action, obj=None):
        return any(e["actor"] == actor and e["action"] == action and (obj is None or e["object"] == obj) for e in entries)
    for text, good in [
        ("anna's import of payees.csv (payee.import) and its payees (payee.add)", has("anna", "payee.import", "payees.csv") and has("anna", "payee.add", "03")),
        ("the workbook's proposal, by anna", has("anna", "payee.propose", "change %d" % change01)),
        ("anna's proposal of 03's IBAN", has("anna", "payee.propose", "change %d" % change03)),
        ("bertil's approval of 03", has("bertil", "payee.approve", "03")),
        ("cecilia's approval of 04", has("cecilia", "payee.approve", "04")),
        ("anna's rejection of 01's change", has("anna", "payee.reject", "change %d" % change01)),
        ("no approval by bertil of 04", not has("bertil", "payee.approve", "04")),
    ]:
        T.ok("the audit log: " + text, good)
    prop = [e for e in entries if e["action"] == "payee.propose" and e["object"] == "change %d" % change03]
    T.ok("the audit log: the proposal keeps the evidence file's name and SHA-256",
         prop and json.loads(prop[0]["after"]).get("evidence_sha256") == __import__("hashlib").sha256(LETTER).hexdigest(), prop)
    r = C["rut"].post("/api/audit/verify", {})
    expect("the audit log verifies", r, 200, ("ok", lambda r: r.json["ok"] is True))


def check_routes(C, env, state):
    routes = base.route_table()
    for method, path, roles in ROUTES:
        T.ok("src/web/routes.c: %s %s for %s" % (method, path, ", ".join(sorted(roles))),
             routes.get((method, path)) == roles, routes.get((method, path)))
        op = base.SPEC.operation(method, path)
        T.ok("docs/openapi.json documents %s %s with those roles" % (method, path),
             op is not None and set(op.get("x-bidrag-roles", [])) == roles)


def main():
    return base.run_api_test("payee", USERS, lambda env, work: build_register(env), [
        ("the routes", check_routes),
        ("the roles", lambda C, env, state: check_roles(C)),
        ("the import", lambda C, env, state: state.update(change01=check_import(C, env))),
        ("the proposals", lambda C, env, state: state.update(zip(("change03", "change19"), check_propose(C, env)))),
        ("the decisions", lambda C, env, state: state.update(
            change04=check_decide(C, env, state["change01"], state["change03"], state["change19"]))),
        ("the queue", lambda C, env, state: check_queue(C, env)),
        ("the audit log", lambda C, env, state: check_audit(C, state["change01"], state["change03"], state["change04"]))])


if __name__ == "__main__":
    sys.exit(main())
