#!/usr/bin/env python3
"""pg-concurrency.py: eight writers on one PostgreSQL register, then a check
against a model built only from the decision files and the event journal.

Called by tests/cli/pg-concurrency.sh, which builds the register and starts
the servers.  Usage:
  pg-concurrency.py BIDRAG DB SECONDS SEED OUTDIR URL...

Writers 0, 2, 4, 6 use the web API (alternating between the URLs), 1, 3, 5, 7
the command line.  Each does, for SECONDS, random requisitions, payments,
attestations, corrections, repayment claims and receipts, and payment exports,
with ids of its own (w<k>-<n>).  A refusal by the ledger (beyond the
allocation, already attested, four eyes, ...) is expected; an answer that says
the database was busy, or no answer, is sent again with the same ids: the
event ids make that safe, and the check below proves it.  Each writer writes
what it saw as JSON to OUTDIR/w<k>.json.

Then, with no writer left, it prints TAP lines for the checks and '# ' lines
with the counts.  Exit status 0 whether or not a check failed (the TAP says).
"""
import csv
import io
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

D0 = "S2020/09797"
DATE = "2021-03-01"  # inside the payment window of seed 000's parts
PASSWORD = "correct horse battery staple"
HANDLAGGARE = ["anna", "bjorn"]
ATTESTANTS = ["bertil", "cecilia"]


def ore(text):
    """'1234.50' (kronor) -> 123450 öre, without floating point."""
    neg = text.startswith("-")
    t = text.lstrip("-")
    kr, _, frac = t.partition(".")
    v = int(kr) * 100 + int((frac + "00")[:2])
    return -v if neg else v


def kr_text(v):
    return "%d,%02d" % (v // 100, v % 100)


class Busy(Exception):
    pass


class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.sessions = {}

    def login(self, name):
        status, body, headers = self.raw("POST", "/api/login", {"name": name, "password": PASSWORD}, None)
        if status != 200:
            raise RuntimeError("login %s: %d %s" % (name, status, body))
        cookie = headers.get("Set-Cookie", "").split(";")[0]
        self.sessions[name] = (cookie, body["csrf"])

    def raw(self, method, path, body, who):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if who:
            cookie, csrf = self.sessions[who]
            req.add_header("Cookie", cookie)
            req.add_header("X-CSRF-Token", csrf)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, json.loads(r.read() or b"null"), r.headers
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text), e.headers
            except ValueError:
                return e.code, {"error": text.decode(errors="replace")}, e.headers

    def call(self, method, path, body, who):
        try:
            status, answer, _ = self.raw(method, path, body, who)
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            raise Busy("no answer: %s" % e)
        msg = json.dumps(answer)
        if status == 503 or re.search(r"busy|serializ|serialis|deadlock", msg):
            raise Busy(msg)
        if status >= 500 or status in (401, 403, 405, 415):
            UNEXPECTED.append("%s %s: %d %s" % (method, path, status, msg[:300]))
        return status, answer


UNEXPECTED = []  # this writer's answers that are neither a success nor a refusal


def cli_run(bidrag, db, args, stdin=None):
    p = subprocess.run([bidrag, *args, "--db", db], input=stdin, capture_output=True, text=True)
    if p.returncode != 0 and re.search(r"busy|serializ|serialis|deadlock|went away", p.stderr):
        raise Busy(p.stderr.strip())
    if p.returncode < 0 or p.returncode > 2 or re.search(r"Sanitizer|runtime error", p.stderr):
        UNEXPECTED.append("bidrag %s: exit %d: %s" % (" ".join(args[:2]), p.returncode, p.stderr.strip()[:300]))
    return p.returncode, p.stdout, p.stderr


def worker(k, bidrag, db, urls, seconds, seed, outdir):
    rnd = random.Random(seed * 100 + k)
    use_api = k % 2 == 0
    api = Api(urls[(k // 2) % len(urls)]) if use_api else None
    me = HANDLAGGARE[k % 2 if not use_api else (k // 2) % 2]
    att = ATTESTANTS[(k // 2) % 2]
    if api:
        api.login(me)
        api.login(att)
    log = {"worker": k, "via": "api" if use_api else "cli", "acked": [], "refused": 0, "retried": 0,
           "batches": {}, "ops": {}}
    accounts = []  # (part, recipient name) of seed 000
    with open(os.path.join(os.environ["BIDRAG_SRC"], "examples", "decisions", "S2020-09797.json")) as f:
        dec = json.load(f)
    for p in dec["parts"]:
        for a in p.get("allocation", []):
            accounts.append((p["id"], a["recipient"], a["amount"] * 100))
    accounts.append(("skr", "SKR", 15000000 * 100))
    n = 0

    def next_id():
        nonlocal n
        n += 1
        return "w%d-%d" % (k, n)

    def payments(state):
        if api:
            st, ans = api.call("GET", "/api/payments?state=" + state, None, me)
            return [(p["id"], p["dnr"], p["part"], p["recipient"], p["amount"]) for p in ans.get("payments", [])]
        rc, out, err = cli_run(bidrag, db, ["pay", "list", "--state", state, "--format", "csv"])
        rows = []
        for r in csv.DictReader(io.StringIO(out)):
            rows.append((r["id"], None, None, None, ore(r["amount"])))
        return rows

    def record(events):
        """One batch of events: True recorded, False refused; Busy on busy."""
        if api:
            who = att if events[0]["kind"] == "attest" else me
            body = [{k2: v for k2, v in e.items() if k2 != "by"} for e in events]
            st, ans = api.call("POST", "/api/events", body, who)
            return st in (200, 201)
        path = os.path.join(outdir, "ev-%d.json" % k)
        with open(path, "w") as f:
            json.dump(events, f)
        who = att if events[0]["kind"] == "attest" else me  # the events' "by": the user who records them
        rc, out, err = cli_run(bidrag, db, ["events", "import", path, "--quiet", "--by", who])
        return rc == 0

    def export():
        batch = "b-%d-%d" % (k, n)
        if api:
            st, ans = api.call("POST", "/api/batches", {"batch": batch, "date": DATE, "format": "pain001"}, me)
            ok = st in (200, 201)
        else:
            out = os.path.join(outdir, "%s.xml" % batch)
            rc, o, e = cli_run(bidrag, db, ["pay", "export", "--batch", batch, "--format", "pain001", "--date", DATE,
                                             "--output", out, "--by", me])
            ok = rc == 0
            if not ok:
                log.setdefault("export_refusals", []).append(e.strip()[:200])
        if ok:
            log["batches"][batch] = log["batches"].get(batch, 0) + 1
        return ok

    end = time.time() + seconds
    while time.time() < end:
        # the command line's writers are slower (a process and a connection
        # an operation): they export more often, so that both export
        op = rnd.choices(["payment", "attest", "correction", "requisition", "export", "claim", "receive"],
                         [35, 25, 8, 8, 6 if use_api else 15, 10, 8])[0]
        events = None
        try:
            if op == "payment":
                part, rec, alloc = rnd.choice(accounts)
                amount = rnd.randint(1, max(1, alloc // 4))
                events = [{"id": next_id(), "kind": "payment", "dnr": D0, "part": part, "recipient": rec,
                           "amount": kr_text(amount), "date": DATE, "by": me}]
            elif op == "requisition":
                amount = rnd.randint(1, 6000000 * 100)
                events = [{"id": next_id(), "kind": "requisition", "dnr": D0, "part": "skr", "recipient": "SKR",
                           "amount": kr_text(amount), "date": DATE, "by": me, "signed_by": "Anders Knape"}]
            elif op in ("attest", "correction"):
                queue = payments("registered")
                if not queue:
                    continue
                pid = rnd.choice(queue)[0]
                if op == "attest":
                    # sometimes the queue's first: writers race for the same payment
                    if rnd.random() < 0.3:
                        pid = queue[0][0]
                    events = [{"id": next_id(), "kind": "attest", "ref": pid, "date": DATE, "by": att}]
                else:
                    events = [{"id": next_id(), "kind": "correction", "ref": pid, "date": DATE, "by": me,
                               "reason": "concurrency test"}]
            elif op in ("claim", "receive"):
                paid = payments("executed")
                if not paid:
                    continue
                pid, _, _, _, amount = rnd.choice(paid)
                # the account is the payment's: the journal knows it; the CLI's
                # list gives names, so claims go by the payment's account via
                # the API's codes or by the decision's names found below
                acct = account_of.get(pid)
                if acct is None:
                    continue
                events = [{"id": next_id(), "kind": "repay-claim" if op == "claim" else "repay-receive",
                           "dnr": D0, "part": acct[0], "recipient": acct[1],
                           "amount": kr_text(rnd.randint(1, max(1, amount // 3))), "date": DATE, "by": me}]
            if op == "export":
                tries = 0
                while True:
                    try:
                        export()
                        break
                    except Busy:
                        log["retried"] += 1
                        tries += 1
                        if tries > 20:
                            raise
                        time.sleep(0.05 * tries)
                log["ops"][op] = log["ops"].get(op, 0) + 1
                continue
            tries = 0
            while True:
                try:
                    ok = record(events)
                    break
                except Busy:
                    log["retried"] += 1
                    tries += 1
                    if tries > 20:
                        raise
                    time.sleep(0.05 * tries)
            log["ops"][op] = log["ops"].get(op, 0) + 1
            if ok:
                log["acked"] += [e["id"] for e in events]
                if op == "payment":
                    account_of[events[0]["id"]] = (events[0]["part"], events[0]["recipient"])
            else:
                log["refused"] += 1
        except Busy as e:
            log.setdefault("gave_up", []).append(str(e)[:300])
    log["unexpected"] = UNEXPECTED
    with open(os.path.join(outdir, "w%d.json" % k), "w") as f:
        json.dump(log, f)


account_of = {}  # payment id -> (part, recipient), for this writer's own payments


def tap(ok, name, *diag):
    tap.n += 1
    print("%s - %s" % ("ok" if ok else "not ok", name), flush=True)
    if not ok:
        for d in diag[:20]:
            print("#   %s" % d)
    return ok


tap.n = 0


def check(bidrag, db, outdir, writers, urls):
    logs = []
    for k in range(writers):
        with open(os.path.join(outdir, "w%d.json" % k)) as f:
            logs.append(json.load(f))
    events = json.loads(subprocess.run([bidrag, "events", "list", "--format", "json", "--db", db],
                                       capture_output=True, text=True, check=True).stdout)
    acked = [i for lg in logs for i in lg["acked"]]
    ops = {}
    for lg in logs:
        for o, c in lg["ops"].items():
            ops[o] = ops.get(o, 0) + c
    print("# writers: %s" % ", ".join("w%d %s" % (lg["worker"], lg["via"]) for lg in logs))
    print("# operations: %s" % ", ".join("%s %d" % kv for kv in sorted(ops.items())))
    print("# events recorded: %d (acknowledged to the writers: %d)" % (len(events), len(acked)))
    print("# refused by the ledger: %d" % sum(lg["refused"] for lg in logs))
    for via in ("api", "cli"):
        print("# exports through the %s: %d tried, %d written" % (
            "web API" if via == "api" else "command line",
            sum(lg["ops"].get("export", 0) for lg in logs if lg["via"] == via),
            sum(len(lg["batches"]) for lg in logs if lg["via"] == via)))
    why = sorted({m for lg in logs for m in lg.get("export_refusals", [])})
    for m in why[:5]:
        print("# an export from the command line refused: %s" % m)
    print("# sent again after a busy answer or none: %d" % sum(lg["retried"] for lg in logs))
    gave_up = [g for lg in logs for g in lg.get("gave_up", [])]
    tap(not gave_up, "no writer gave up on a busy database", *gave_up)
    odd = [u for lg in logs for u in lg.get("unexpected", [])]
    tap(not odd, "every answer was a success or a refusal (no 5xx, no lost session, no crash or sanitizer report)",
        *odd)
    tap(len(events) > 200, "the writers recorded events (%d)" % len(events))
    ids = [e["id"] for e in events]
    dup = sorted({i for i in ids if ids.count(i) > 1}) if len(ids) != len(set(ids)) else []
    tap(not dup, "no event id is in the journal twice", *dup)
    seqs = [e["seq"] for e in events]
    tap(seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "journal sequence numbers are unique and ordered")
    have = set(ids)
    missing = [i for i in acked if i not in have]
    tap(not missing, "every acknowledged event is in the journal (%d)" % len(acked), *missing)
    tap(len(acked) == len(set(acked)), "no event was acknowledged twice")

    # The model: the allocations from the decision file, every event's move
    # from its kind (not from the journal's from/to), the buckets never below
    # zero and always adding up to the allocation.
    with open(os.path.join(os.environ["BIDRAG_SRC"], "examples", "decisions", "S2020-09797.json")) as f:
        dec = json.load(f)
    status = json.loads(subprocess.run([bidrag, "status", D0, "--format", "json", "--db", db],
                                       capture_output=True, text=True, check=True).stdout)
    orgs = subprocess.run([bidrag, "org", "list", "--format", "csv", "--db", db],
                          capture_output=True, text=True, check=True).stdout
    code_to_name = {r["code"]: r["name"] for r in csv.DictReader(io.StringIO(orgs))}
    alloc = {}
    mode = {}
    part_amount = {}
    for p in dec["parts"]:
        mode[p["id"]] = p["payment"]["mode"]
        part_amount[p["id"]] = p["amount"] * 100
        allocs = p.get("allocation") or [{"recipient": "Sveriges Kommuner och Regioner", "amount": p["amount"]}]
        for a in allocs:
            alloc[(D0, p["id"], a["recipient"])] = a["amount"] * 100
    buckets = {acct: {"avail": v, "requisitioned": 0, "registered": 0, "attested": 0, "paid": 0, "lapsed": 0,
                      "claimed": 0, "repaid": 0} for acct, v in alloc.items()}
    by_id = {}
    moves = {}
    executed = {}
    where = {}  # payment id -> the bucket it is in (None: corrected)
    attested_by = {}
    problems = []
    for e in events:
        acct = (e["dnr"], e["part"], code_to_name.get(e["recipient"], e["recipient"]))
        if acct not in buckets:
            problems.append("event %s on an account no decision allocates: %s" % (e["id"], acct))
            continue
        amt = ore(e["amount"])
        kind = e["kind"]
        if kind == "requisition":
            mv = ("avail", "requisitioned")
        elif kind == "payment":
            mv = ("requisitioned" if mode[e["part"]] == "requisition" else "avail", "registered")
        elif kind == "attest":
            mv = (where.get(e["ref"], "registered"), "attested")
            reg = by_id.get(e["ref"])
            if reg and reg["by"].lower() == e["by"].lower():
                problems.append("payment %s attested by its registrar %s" % (e["ref"], e["by"]))
            attested_by[e["ref"]] = e["id"]
            amt = ore(by_id[e["ref"]]["amount"]) if e["ref"] in by_id else amt
        elif kind == "execute":
            mv = ("attested", "paid")
            if e["ref"] in executed:
                problems.append("payment %s executed twice (batches %s and %s)" %
                                (e["ref"], executed[e["ref"]], e["batch"]))
            if e["ref"] not in attested_by:
                problems.append("payment %s executed unattested" % e["ref"])
            executed[e["ref"]] = e["batch"]
        elif kind == "correction":
            # reverses the event: a payment from wherever it has got to
            orig = moves.get(e["ref"])
            if not orig:
                problems.append("correction %s of an unknown event %s" % (e["id"], e["ref"]))
                continue
            mv = (where.get(e["ref"], orig[1]), orig[0])
            amt = orig[2]
            if by_id[e["ref"]]["kind"] == "payment":
                attested_by.pop(e["ref"], None)
                where[e["ref"]] = None
        elif kind == "repay-claim":
            mv = ("paid", "claimed")
        elif kind == "repay-receive":
            mv = ("claimed", "repaid")
        elif kind == "lapse":
            mv = ("avail", "lapsed")
        else:
            problems.append("event %s of an unexpected kind %s" % (e["id"], kind))
            continue
        if (e["from"], e["to"]) != mv and kind != "repay-claim":
            problems.append("event %s (%s) moves %s>%s, the model %s>%s" % (e["id"], kind, e["from"], e["to"], *mv))
        b = buckets[acct]
        b[mv[0]] -= amt
        b[mv[1]] += amt
        if b[mv[0]] < 0:
            problems.append("after %s (%s) %s's %s is below zero: %d öre" % (e["id"], kind, acct, mv[0], b[mv[0]]))
        by_id[e["id"]] = e
        moves[e["id"]] = (mv[0], mv[1], amt)
        if kind == "payment":
            where[e["id"]] = "registered"
        elif kind in ("attest", "execute"):
            where[e["ref"]] = mv[1]
    for acct, b in buckets.items():
        if sum(b.values()) != alloc[acct]:
            problems.append("%s: the buckets add up to %d, the allocation is %d" % (acct, sum(b.values()), alloc[acct]))
        out = b["paid"] + b["claimed"] + b["repaid"]
        if out > alloc[acct]:
            problems.append("%s paid %d öre beyond its allocation of %d" % (acct, out - alloc[acct], alloc[acct]))
    part_paid = {}
    for acct, b in buckets.items():
        part_paid[acct[1]] = part_paid.get(acct[1], 0) + b["paid"] + b["claimed"] + b["repaid"] + b["attested"] + b["registered"]
    for part, v in part_paid.items():
        if v > part_amount[part]:
            problems.append("part %s: %d öre paid or in process, beyond its decided %d" % (part, v, part_amount[part]))
    tap(not problems, "the model from the journal: no account paid beyond its allocation, no part beyond its "
        "decided amount, no payment executed twice or unattested, four eyes kept", *problems)
    # The model's paid per account against the register's own status.
    diff = []
    for r in status:
        acct = (r["dnr"], r["part"], r["recipient"])
        if acct in buckets:
            b = buckets[acct]
            for col, want in (("paid", b["paid"] + b["claimed"] + b["repaid"]), ("claimed", b["claimed"]),
                              ("repaid", b["repaid"]), ("in_process", b["registered"] + b["attested"])):
                if ore(r[col]) != want and not (col == "paid" and ore(r[col]) == b["paid"]):
                    diff.append("%s: status says %s %s, the model %s" % (acct, col, r[col], kr_text(want)))
        else:
            diff.append("%s: in status, not in the decision" % (acct,))
    tap(not diff and len(status) == len(buckets), "status agrees with the model, account by account", *diff)
    npaid = sum(1 for e in events if e["kind"] == "execute")
    print("# payments executed: %d in %d batches; paid in all %s kr" %
          (npaid, len({e["batch"] for e in events if e["kind"] == "execute"}),
           kr_text(sum(b["paid"] + b["claimed"] + b["repaid"] for b in buckets.values()))))
    # The web API's batch files, as the server stored them.
    api = Api(urls[0])
    api.login("anna")
    for lg in logs:
        if lg["via"] == "api":
            for b in lg["batches"]:
                req = urllib.request.Request("%s/api/batch/file?batch=%s&format=pain001" % (api.base, b))
                req.add_header("Cookie", api.sessions["anna"][0])
                with urllib.request.urlopen(req, timeout=60) as r, open(os.path.join(outdir, b + ".xml"), "wb") as f:
                    f.write(r.read())
    # Every batch file: each holds exactly the
    # payments the journal executed in its batch (so, with no payment
    # executed twice, no payment is in two files).
    per_batch = {}
    for e in events:
        if e["kind"] == "execute":
            per_batch[e["batch"]] = per_batch.get(e["batch"], 0) + 1
    wrong = []
    nfiles = 0
    for f in sorted(os.listdir(outdir)):
        if f.endswith(".xml"):
            nfiles += 1
            with open(os.path.join(outdir, f)) as fh:
                n = len(re.findall(r"<CdtTrfTxInf>", fh.read()))
            if n != per_batch.get(f[:-4], 0):
                wrong.append("%s: %d payments, the journal executed %d in it" % (f, n, per_batch.get(f[:-4], 0)))
    exported = {b for lg in logs for b in lg["batches"]}
    unknown = sorted(exported - set(per_batch))
    tap(not wrong and not unknown and nfiles == len(per_batch),
        "each batch file (the command line's and the server's) holds the payments the journal executed in its batch, no more (%d files, %d batches)" %
        (nfiles, len(per_batch)), *(wrong + ["batch %s exported but executes nothing" % b for b in unknown]))


def main():
    bidrag, db, seconds, seed, outdir = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    urls = sys.argv[6:]
    writers = 8
    procs = [multiprocessing.Process(target=worker, args=(k, bidrag, db, urls, seconds, seed, outdir))
             for k in range(writers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    bad = [k for k, p in enumerate(procs) if p.exitcode != 0]
    tap(not bad, "every writer ran to the end", *["writer %d exited %s" % (k, procs[k].exitcode) for k in bad])
    if bad:
        return
    check(bidrag, db, outdir, writers, urls)


if __name__ == "__main__":
    main()
