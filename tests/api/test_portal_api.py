#!/usr/bin/env python3
"""The recipient's filing through the web API (api-portal.c, docs/portal.md):
authorised representatives kept by the agency and by the organisation's
firmatecknare; requisitions, financial reports and activity reports drafted,
signed (the PDF rendered, the password asked again) and submitted; the
handläggare's review (accept, return for completion).  Every refusal of
issue 14: a mottagare acting for another organisation, an unsigned
submission, a signer whose authority has expired or who is no
representative, a wrong password at signing, a requisition of a part paid
without requisition or after its deadline; a late report is accepted and
marked late.  Real server, real database (SQLite or PostgreSQL:
$BIDRAG_TEST_DB).  Prints TAP; exit status 1 if anything failed.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_api as base  # noqa: E402

from test_api import SRC, PASSWORD, T, expect, is_error, cli  # noqa: E402

D0 = "S2020/09797"
D1 = "S2026/00001"
TODAY = subprocess.run(["date", "+%F"], capture_output=True, text=True).stdout.strip()
USERS = [("root", "admin", None), ("anna", "handlaggare", None), ("bertil", "attestant", None),
         ("rut", "revisor", None), ("eva", "mottagare", "23"), ("olle", "mottagare", "01"),
         ("stina", "mottagare", "SKR"), ("kalle", "mottagare", "SKR"), ("sven", "mottagare", "SKR")]
PDF = b"%PDF-1.4\n% styrelsens beslut om firmateckning\n%%EOF\n"


def b64(data):
    return base64.b64encode(data).decode("ascii")


def test_decision(work):
    """S2020/09797 as a decision of today: its requisition deadline in 2099, and a
    part that asks for activity reports (verksamhetsrapporter)."""
    with open(os.path.join(SRC, "examples", "decisions", "S2020-09797.json"), encoding="utf-8") as f:
        d = json.load(f)
    d["dnr"] = D1
    for p in d["parts"]:
        if p["id"] == "skr":
            p["payment"]["deadline"] = "2099-12-01"
            p["repayment_deadline"] = p["report_deadline"] = "2100-03-31"
        if p["id"] == "regioner":
            p["report"] = "ekonomisk redovisning och verksamhetsrapport"
    path = os.path.join(work, "S2026-00001.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False)
    return path


def build_register(env, work):
    cli(env, "init")
    cli(env, "user", "add", "root", "--role", "admin", stdin=PASSWORD + "\n")
    for name, role, org in USERS[1:]:
        cli(env, "user", "add", name, "--role", role, *(["--org", org] if org else []), "--by", "root",
            stdin=PASSWORD + "\n")
    cli(env, "decision", "import", os.path.join(SRC, "examples", "decisions", "S2020-09797.json"), test_decision(work),
        "--by", "anna")
    cli(env, "payee", "import", os.path.join(SRC, "examples", "payees.csv"), "--user", "anna")


def add_sig(c, org, user, kind="firmatecknare", valid_from="2020-01-01", valid_to=None, data=PDF, name="firmateckning.pdf"):
    body = {"org": org, "user": user, "kind": kind, "valid_from": valid_from, "evidence_name": name,
            "evidence_data": b64(data)}
    if valid_to:
        body["valid_to"] = valid_to
    return c.post("/api/signatories", body)


def check_signatories(C):
    anna, eva, olle = C["anna"], C["eva"], C["olle"]
    r = add_sig(anna, "23", "eva")
    expect("the handläggare adds eva as firmatecknare of 23: 201", r, 201)
    r = add_sig(anna, "SKR", "stina")
    expect("the handläggare adds stina as firmatecknare of SKR: 201", r, 201)
    r = add_sig(anna, "SKR", "kalle", kind="ombud", valid_from="2020-01-01", valid_to="2021-12-31")
    expect("kalle, ombud of SKR until 2021-12-31: 201", r, 201)
    r = add_sig(anna, "23", "olle")
    expect("a user of another organisation cannot sign for 23: 400", r, 400, *is_error(r, pattern="not a mottagare of 23"))
    r = add_sig(anna, "23", "anna")
    expect("a handläggare is no representative of an organisation: 400", r, 400, *is_error(r, pattern="not a mottagare"))
    r = add_sig(anna, "23", "eva", data=b"hello")
    expect("the authority's document must be a PDF: 400", r, 400, *is_error(r, pattern="not a PDF"))
    r = add_sig(anna, "23", "eva", kind="vd")
    expect("a kind other than firmatecknare or ombud: 400", r, 400, *is_error(r, pattern="firmatecknare or ombud"))
    r = add_sig(eva, "01", "olle")
    expect("a mottagare acting for another organisation (signatories): 403", r, 403, *is_error(r, pattern="own organisation"))
    r = add_sig(olle, "01", "olle")
    expect("a mottagare who is not a firmatecknare of its organisation cannot keep its list: 403", r, 403,
           *is_error(r, pattern="firmatecknare"))
    r = eva.get("/api/signatories")
    expect("eva sees 23's representatives only, and may keep them (its firmatecknare)", r, 200,
           ("only 23", lambda r: {g["org"] for g in r.json["signatories"]} == {"23"}),
           ("may_keep", lambda r: r.json["may_keep"] is True))
    r = anna.get("/api/signatories", params={"org": "SKR"})
    expect("kalle's authority has expired: valid false", r, 200,
           ("kalle not valid", lambda r: [g["valid"] for g in r.json["signatories"] if g["user"] == "kalle"] == [False]),
           ("stina valid", lambda r: [g["valid"] for g in r.json["signatories"] if g["user"] == "stina"] == [True]))
    sid = [g["id"] for g in r.json["signatories"] if g["user"] == "stina"][0]
    r = anna.get("/api/signatories/evidence", params={"id": sid})
    T.ok("the authority's document comes back byte for byte, as application/pdf", r.status == 200 and r.raw == PDF
         and (r.header("Content-Type") or "").startswith("application/pdf"), r.short())
    r = eva.get("/api/signatories/evidence", params={"id": sid})
    expect("eva cannot fetch SKR's authority: 404", r, 404, *is_error(r))


def draft(c, **body):
    return c.post("/api/submissions", body)


def sign(c, id, password=PASSWORD):
    return c.post("/api/submissions/sign", {"id": id, "password": password})


def events(anna, id):
    r = anna.get("/api/events")
    return [e for e in r.json["events"] if e["id"] == id]


def check_requisition(C):
    anna, eva, stina, kalle, sven = C["anna"], C["eva"], C["stina"], C["kalle"], C["sven"]
    r = draft(eva, kind="requisition", dnr=D1, part="regioner", amount=100000)
    expect("a requisition of a part paid without requisition: 400", r, 400,
           *is_error(r, pattern="paid without requisition"))
    r = draft(stina, kind="requisition", dnr=D0, part="skr", amount=100000)
    expect("a requisition after the deadline (S2020/09797, 1 December 2021): 400", r, 400,
           *is_error(r, pattern="after the deadline"))
    r = draft(eva, kind="requisition", dnr=D1, part="skr", amount=100000, org="SKR")
    expect("a mottagare filing for another organisation: 403", r, 403, *is_error(r, pattern="own organisation"))
    r = eva.get("/api/portal/parts")
    expect("eva's parts: the requisition is offered for none of 23's (all paid without requisition)", r, 200,
           ("none offered", lambda r: not any(p["can_requisition"] for p in r.json["parts"])),
           ("the activity report is asked in S2026/00001 regioner",
            lambda r: [p["activity_asked"] for p in r.json["parts"] if p["dnr"] == D1 and p["part"] == "regioner"] == [True]))
    r = stina.get("/api/portal/parts")
    expect("stina's parts: S2026/00001 skr is offered, S2020/09797 skr (deadline passed) is not", r, 200,
           ("offered", lambda r: {(p["dnr"], p["can_requisition"]) for p in r.json["parts"]} == {(D1, True), (D0, False)}),
           ("the requisition deadline named as the recipient's overview names it (requisition_deadline)",
            lambda r: [p["requisition_deadline"] for p in r.json["parts"] if p["dnr"] == D1 and p["part"] == "skr"] == ["2099-12-01"]
            and all("deadline" not in p for p in r.json["parts"])))
    r = draft(stina, kind="requisition", dnr=D1, part="skr", amount=500000000, comments="Första rekvisitionen.")
    expect("stina drafts a requisition of 5 000 000 kr: 201, a draft", r, 201,
           ("draft", lambda r: r.json["state"] == "draft"))
    rid = r.json["id"]
    r = eva.get("/api/submission", params={"id": rid})
    expect("eva cannot see SKR's requisition: 404", r, 404, *is_error(r))
    r = eva.post("/api/submissions/sign", {"id": rid, "password": PASSWORD})
    expect("eva cannot sign SKR's requisition: 404", r, 404, *is_error(r))
    r = anna.post("/api/submissions/accept", {"id": rid})
    expect("an unsigned submission cannot be accepted: 409", r, 409, *is_error(r, pattern="only a submitted one"))
    r = stina.get("/api/submissions/document", params={"id": rid})
    expect("an unsigned submission has no signed document: 404", r, 404, *is_error(r, pattern="not signed"))
    r = sign(stina, rid, "wrong password!!")
    expect("a wrong password at signing: 403, nothing signed", r, 403, *is_error(r, field="password", pattern="could not identify"))
    r = stina.get("/api/submission", params={"id": rid})
    T.ok("after the wrong password the requisition is still a draft, no event", r.json["state"] == "draft"
         and not events(anna, "portal-requisition-%d" % rid), r.short())
    r = draft(kalle, kind="requisition", dnr=D1, part="skr", amount=100000)
    kid = r.json["id"]
    r = sign(kalle, kid)
    expect("a signer whose authority has expired (kalle, ombud until 2021-12-31): 403", r, 403,
           *is_error(r, pattern="not an authorised representative"))
    r = sign(sven, kid)
    expect("a user of the organisation who is no representative cannot sign: 404 (not his draft? no: 403)", r, (403,),
           *is_error(r, pattern="not an authorised representative"))
    r = stina.get("/api/submissions/preview", params={"id": rid})
    T.ok("the preview is a PDF", r.status == 200 and r.raw.startswith(b"%PDF-"), r.short())
    r = sign(stina, rid)
    expect("stina signs the requisition with her password: submitted", r, 200,
           ("submitted", lambda r: r.json["state"] == "submitted"),
           ("signed by stina", lambda r: r.json["signed_by"] == "stina" and r.json["sign_method"] == "password"),
           ("the authority", lambda r: r.json["authority"]["kind"] == "firmatecknare"
            and r.json["authority"]["document"] == "firmateckning.pdf"),
           ("signature text", lambda r: r.json["signature"].startswith("signerad av stina, firmatecknare enligt firmateckning.pdf")))
    sha = r.json["document_sha256"]
    d = stina.get("/api/submissions/document", params={"id": rid})
    T.ok("the signed document is a PDF whose SHA-256 is the one recorded", d.status == 200 and d.raw.startswith(b"%PDF-")
         and hashlib.sha256(d.raw).hexdigest() == sha, d.short())
    ev = events(anna, "portal-requisition-%d" % rid)
    T.ok("the ledger recorded the requisition (5 000 000 kr, SKR, skr)", len(ev) == 1 and ev[0]["kind"] == "requisition"
         and ev[0]["amount"] == 500000000 and ev[0]["recipient"] == "SKR", ev)
    r = sign(stina, rid)
    expect("a submitted requisition cannot be signed again: 409", r, 409, *is_error(r))
    r = anna.get("/api/submissions", params={"state": "submitted"})
    expect("the handläggare's list shows it with signer and authority", r, 200,
           ("listed", lambda r: [s["signed_by"] for s in r.json["submissions"] if s["id"] == rid] == ["stina"]))
    r = anna.post("/api/submissions/accept", {"id": rid})
    expect("the handläggare accepts the requisition", r, 200, ("accepted", lambda r: r.json["state"] == "accepted"))
    return rid, sha


def pay_23(C):
    anna, bertil = C["anna"], C["bertil"]
    r = anna.post("/api/events", [{"id": "portal-pay-23", "kind": "payment", "date": "2021-02-15", "dnr": D0,
                                   "part": "regioner", "recipient": "23", "amount": "2 722 993"}])
    expect("a payment to 23 (S2020/09797 regioner)", r, 201)
    r = bertil.post("/api/events", [{"id": "portal-att-23", "kind": "attest", "date": "2021-02-15", "ref": "portal-pay-23"}])
    expect("attested by another person", r, 201)
    r = anna.post("/api/batches", {"batch": "2021-02-16", "date": "2021-02-16", "format": "pain001"})
    expect("and paid (a batch)", r, 201)


def check_reports(C):
    anna, eva, olle = C["anna"], C["eva"], C["olle"]
    r = draft(eva, kind="activity-report", dnr=D0, part="regioner", comments="Vi har gjort mycket.")
    expect("an activity report where the decision asks for none: 400", r, 400, *is_error(r, pattern="does not ask for activity"))
    r = draft(eva, kind="financial-report", dnr=D0, part="regioner", amount=262299300, unused=10000000,
              comments="10 000 kr användes inte.")
    expect("eva drafts a financial report: used 2 622 993 kr, unused 100 000 kr", r, 201)
    fid = r.json["id"]
    r = eva.post("/api/submissions/attach", {"id": fid, "name": "bokslut.pdf", "data": b64(b"%PDF-1.4\n% bokslut\n%%EOF\n")})
    expect("a PDF attached", r, 201)
    r = eva.post("/api/submissions/attach", {"id": fid, "name": "bokslut.txt", "data": b64(b"text")})
    expect("an attachment that is not a PDF: 400", r, 400, *is_error(r, pattern="not a PDF"))
    r = olle.post("/api/submissions/attach", {"id": fid, "name": "x.pdf", "data": b64(PDF)})
    expect("olle cannot attach to 23's report: 404", r, 404, *is_error(r))
    r = sign(eva, fid)
    expect("eva signs: submitted, marked late (after 31 March 2022)", r, 200,
           ("submitted", lambda r: r.json["state"] == "submitted"), ("late", lambda r: r.json["late"] is True))
    r = anna.post("/api/submissions/return", {"id": fid})
    expect("a return needs a message: 400", r, 400, *is_error(r, field="note"))
    r = anna.post("/api/submissions/return", {"id": fid, "note": "Bifoga revisorns intyg."})
    expect("the handläggare asks for completion: returned with the message", r, 200,
           ("returned", lambda r: r.json["state"] == "returned" and r.json["review_note"] == "Bifoga revisorns intyg."))
    r = eva.post("/api/submissions/amend", {"id": fid, "amount": 262299300, "unused": 10000000,
                                            "comments": "Med revisorns intyg."})
    expect("eva amends the returned report", r, 200)
    r = eva.post("/api/submissions/attach", {"id": fid, "name": "intyg.pdf", "data": b64(b"%PDF-1.4\n% intyg\n%%EOF\n")})
    expect("and attaches the certificate", r, 201)
    r = sign(eva, fid)
    expect("and signs again: submitted", r, 200, ("submitted", lambda r: r.json["state"] == "submitted"))
    r = anna.post("/api/submissions/accept", {"id": fid})
    expect("the handläggare accepts the late report: accepted, still marked late", r, 200,
           ("accepted", lambda r: r.json["state"] == "accepted"), ("late", lambda r: r.json["late"] is True))
    ev = events(anna, "portal-report-%d" % fid)
    T.ok("the ledger recorded the report with 100 000 kr unused", len(ev) == 1 and ev[0]["kind"] == "report", ev)
    r = anna.get("/api/status", params={"dnr": D0, "recipient": "23"})
    acc = [a for a in r.json.get("accounts", []) if a["part"] == "regioner"] if r.status == 200 else []
    T.ok("the status marks 23's report late too (dated the day it was signed)", len(acc) == 1 and acc[0].get("late") is True
         and acc[0].get("report_date") == TODAY, acc or r.short())
    r = draft(eva, kind="activity-report", dnr=D1, part="regioner", comments="Verksamheten 2021: tre vårdförlopp.")
    expect("eva drafts an activity report where the decision asks for one", r, 201)
    aid = r.json["id"]
    r = sign(eva, aid)
    expect("signed and submitted", r, 200, ("submitted", lambda r: r.json["state"] == "submitted"))
    r = anna.post("/api/submissions/accept", {"id": aid})
    expect("accepted", r, 200, ("accepted", lambda r: r.json["state"] == "accepted"))
    return fid


def check_audit(C, rid, sha):
    r = C["rut"].get("/api/audit")
    entries = r.json.get("entries", []) if r.status == 200 else []
    sig = [e for e in entries if e.get("action") == "submission.sign" and e.get("object") == "submission %d" % rid]
    T.ok("the audit log records the signature: SHA-256, signer and authority", len(sig) == 1
         and sha in json.dumps(sig[0]) and "firmatecknare" in json.dumps(sig[0]), sig or r.short())
    acts = {e.get("action") for e in entries}
    T.ok("the audit log has every act", {"signatory.add", "submission.draft", "submission.attach", "submission.sign",
                                          "submission.return", "submission.accept"} <= acts, sorted(acts))


def check_sign_throttle(C, rid):
    """Signing asks the password by the login's own check (access_login):
    a wrong one is counted as a failed login of the user name and of the
    address, and after too many the signer waits as one logging in does
    (429, Retry-After), before any password is checked.  Last, since the
    address's wait holds every user from 127.0.0.1 back a while."""
    seen = []
    for _ in range(10):
        r = sign(C["stina"], rid, "wrong password!!")
        seen.append(r.status)
        if r.status != 403:
            break
    T.ok("wrong passwords at signing count as failed logins: 403 each, then 429 with Retry-After",
         len(seen) >= 2 and seen[-1] == 429 and set(seen[:-1]) == {403} and
         (r.header("Retry-After") or "").isdigit() and "too many failed attempts" in (r.json or {}).get("error", ""),
         seen, r.short())


def main():
    # Every answer is checked against docs/openapi.json as it comes (expect()).
    return base.run_api_test("portal", USERS, build_register, [
        ("the representatives", lambda C, env, state: check_signatories(C)),
        ("the requisition", lambda C, env, state: state.update(req=check_requisition(C))),
        ("the payment", lambda C, env, state: pay_23(C)),
        ("the reports", lambda C, env, state: check_reports(C)),
        ("the audit log", lambda C, env, state: check_audit(C, *state["req"])),
        ("the throttle of signing", lambda C, env, state: check_sign_throttle(C, state["req"][0]))])


if __name__ == "__main__":
    sys.exit(main())
