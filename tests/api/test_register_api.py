#!/usr/bin/env python3
"""Filing a recipient's register through the web API (POST /api/register,
api-register.c) as the browser's editor files it (register.js): a year
prefilled from the ledger, the recipient's breakdown (rows and sub-rows)
and usage account added and stored as a new version; and every refusal of
such a document answering 400 with `field` set to the path of what was
refused in the document sent ("years[0].grants[0].lines[1].amount"), so
that the browser shows the message beside that field, with nothing stored:
an amount that is no amount (a line's, a sub-line's, a usage entry's, an
account's available), a missing title, a line with neither amount nor
lines, a purpose the account does not have, a cost group its purpose does
not have, two usage accounts for one year, a typed sum that disagrees;
a document that points nowhere in particular (a grant in no summary row of
a year with a summary) has no field.  A recipient keeps the ledger's
grants as the ledger gave them (title, decision, grantor_dnr, amount,
status; none left out; no key of its own that marks the ledger's).

Uses the client and TAP output of test_api.py.  Prints TAP; exit status 1
if anything failed.  Needs $BIDRAG and $BIDRAG_SRC; tests/cli/api-register.sh
names the database on the engine under test ($BIDRAG_TEST_DB).
"""
import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_api as base  # noqa: E402

from test_api import PASSWORD, SRC, cli, expect, is_error  # noqa: E402

D0 = "S2020/09797"
USERS = [("root", "admin", None), ("anna", "handlaggare", None), ("bertil", "attestant", None),
         ("eva", "mottagare", "23"), ("olle", "mottagare", "01")]


def build_register(env):
    cli(env, "init")
    for name, role, org in USERS:
        cli(env, "user", "add", name, "--role", role, *(["--org", org] if org else []),
            *([] if name == "root" else ["--by", "root"]), stdin=PASSWORD + "\n")
    decisions = os.path.join(SRC, "examples", "decisions")
    cli(env, "decision", "import", os.path.join(decisions, "S2020-09797.json"), "--by", "anna")
    cli(env, "payee", "import", os.path.join(SRC, "examples", "payees.csv"), "--user", "anna")
    cli(env, "pay", "plan", D0, "--date", "2021-02-15", "--by", "anna")
    ids = [l.split(",")[0] for l in cli(env, "pay", "list", "--state", "registered", "--format", "csv").splitlines()[1:]]
    cli(env, "pay", "attest", *ids, "--date", "2021-02-15", "--by", "bertil")
    cli(env, "pay", "export", "--batch", "B1", "--date", "2021-02-16", "--output", os.path.join(env["WORK"], "b1.xml"), "--by", "anna")


def version(c):
    r = c.get("/api/register")
    return max([v["version"] for v in r.json["registers"] if v["org"] == "23" and v["year"] == 2021] or [0])


def check_filing(C):
    eva, anna = C["eva"], C["anna"]
    r = eva.post("/api/register/prefill", {"year": 2021})
    expect("eva prefills 2021 from the ledger", r, (200, 201), ("a grant from the ledger", lambda r: r.json["from_ledger"] >= 1))
    r = eva.get("/api/register/document", params={"org": "23", "year": "2021"})
    expect("the document of 2021", r, 200)
    doc = r.json
    grants = doc["years"][0]["grants"]
    j = next(i for i, g in enumerate(grants) if g["key"].startswith("reskontra-"))
    g = grants[j]
    g["lines"] = [{"key": "nara-vard", "title": "Nära vård", "amount": "1 500 000"},
                  {"key": "psykisk-halsa", "title": "Psykisk hälsa",
                   "lines": [{"key": "barn", "title": "Barn och unga", "amount": "700 000"},
                             {"key": "vuxna", "title": "Vuxna", "amount": 300000}]}]
    g["usage"] = [{"year": 2021, "available": "2 000 000",
                   "purposes": [{"name": "Kompetensutveckling", "cost_groups": ["arvoden", "lokalhyra"]}],
                   "entries": [{"purpose": "Kompetensutveckling", "cost_group": "arvoden", "amount": "25 000",
                                "comment": "Utbildningsdag"}]}]
    v0 = version(eva)
    r = eva.post("/api/register", doc)
    expect("her breakdown and usage filed: a new version", r, 201,
           ("2021, version %d" % (v0 + 1), lambda r: r.json["stored"] == [{"year": 2021, "version": v0 + 1, "unchanged": False}]))
    r = eva.get("/api/register/document", params={"org": "23", "year": "2021"})
    sg = r.json["years"][0]["grants"][j]
    expect("the stored document has them as whole kronor", r, 200,
           ("lines", lambda r: [(l["key"], l.get("amount")) for l in sg["lines"]] == [("nara-vard", 1500000), ("psykisk-halsa", None)]),
           ("sub-lines", lambda r: [l["amount"] for l in sg["lines"][1]["lines"]] == [700000, 300000]),
           ("usage", lambda r: sg["usage"][0]["available"] == 2000000 and sg["usage"][0]["entries"][0]["amount"] == 25000))
    v1 = version(eva)
    p = "years[0].grants[%d]" % j

    def refused(name, change, field, pattern):
        bad = copy.deepcopy(doc)
        change(bad["years"][0]["grants"][j], bad["years"][0])
        r = eva.post("/api/register", bad)
        expect(name + ": 400, field " + (field or "none") + ", nothing stored", r, 400,
               *is_error(r, pattern=pattern), ("field %r" % field, lambda r: r.json.get("field") == field),
               ("nothing stored", lambda r: version(anna) == v1))

    def setl(path, key, value):
        def change(g, y):
            o = g
            for k in path:
                o = o[k]
            if value is None:
                o.pop(key, None)
            else:
                o[key] = value
        return change

    refused("a line's amount that is no amount", setl(["lines", 0], "amount", "femtio kronor"),
            p + ".lines[0].amount", "femtio kronor")
    refused("a sub-line's amount in öre", setl(["lines", 1, "lines", 1], "amount", "300 000,50"),
            p + ".lines[1].lines[1].amount", "300 000,50")
    refused("a fractional JSON number", setl(["lines", 1, "lines", 0], "amount", 700000.5),
            p + ".lines[1].lines[0].amount", "fractional")
    refused("a negative amount", setl(["lines", 0], "amount", -5), p + ".lines[0].amount", "negative")
    refused("a line without a title", setl(["lines", 0], "title", None), p + ".lines[0].title", "missing")
    refused("a line with neither amount nor lines", setl(["lines", 0], "amount", None),
            p + ".lines[0]", "neither an amount nor lines")
    refused("a sub-line with neither amount nor lines", setl(["lines", 1, "lines", 1], "amount", None),
            p + ".lines[1].lines[1]", "neither an amount nor lines")
    refused("two lines of one key", setl(["lines", 1], "key", "nara-vard"), p, "used twice")
    refused("an entry's amount that is no amount", setl(["usage", 0, "entries", 0], "amount", "tjugo"),
            p + ".usage[0].entries[0].amount", "tjugo")
    refused("an account's available that is none", setl(["usage", 0], "available", "x"),
            p + ".usage[0].available", "'x'")
    refused("an entry for a purpose the account does not have", setl(["usage", 0, "entries", 0], "purpose", "Okänt"),
            p + ".usage[0].entries[0]", "unknown purpose 'Okänt'")
    refused("an entry of a cost group its purpose does not have", setl(["usage", 0, "entries", 0], "cost_group", "resor"),
            p + ".usage[0].entries[0]", "unknown cost group 'resor'")

    def two_accounts(g, y):
        g["usage"].append(copy.deepcopy(g["usage"][0]))
    refused("two usage accounts for one year", two_accounts, p, "two usage accounts for 2021")
    refused("a typed sum of the lines that disagrees", setl([], "lines_total", "2 400 000"),
            p + ".lines_total", "typed as 2 400 000")

    def unplaced(g, y):
        y["summary"] = [{"key": "annat", "label": "Annat", "members": []}]
    refused("a year with a summary that counts no grant", unplaced, "years[0]", "in no summary row")

    def own_grant(g, y):
        y["grants"].append({"key": "eget", "title": "Eget bidrag", "amount": "12,5 kr"})
    refused("a grant of her own with an amount in öre", own_grant, "years[0].grants[%d].amount" % len(grants), "12,5")
    # The ledger's grants are the ledger's: a recipient keeps them as they
    # were prefilled (the handläggare's filing is not held to this).
    refused("the amount of a grant from the ledger changed by the recipient", setl([], "amount", 1),
            p + ".amount", "from the ledger")
    refused("the title of a grant from the ledger changed by the recipient", setl([], "title", "Annat"),
            p + ".title", "from the ledger")
    refused("the status of a grant from the ledger left out by the recipient", setl([], "status", None),
            p + ".status", "from the ledger")

    def ledger_key(g, y):
        y["grants"].append({"key": "reskontra-s2099-1-regioner", "title": "Påhittat", "amount": 5})
    refused("a grant of her own under a key that marks the ledger's", ledger_key,
            "years[0].grants[%d].key" % len(grants), "marks a grant from the ledger")

    def left_out(g, y):
        del y["grants"][j]
    refused("a grant from the ledger left out", left_out, "years[0].grants", "is left out")
    r = eva.post("/api/register", dict(doc, format="bidrag-register/2"))
    expect("a document of another format: 400, field format", r, 400, *is_error(r, field="format"))


def main():
    return base.run_api_test("register", USERS, lambda env, work: build_register(env),
                             [("filing", lambda C, env, state: check_filing(C))])


if __name__ == "__main__":
    sys.exit(main())
