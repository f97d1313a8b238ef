#!/usr/bin/env python3
"""bench/pg.py BIDRAG PG_BARE REPORT: ledger ingestion into PostgreSQL.

Run by `bench/run pg` (see bench/README.md), which builds BIDRAG
(build-release/bidrag) and PG_BARE (bench/pg-bare.c, cc ... -lpq).

On a throwaway server of its own (tests/pg-server: initdb in $TMPDIR, a Unix
socket only, fsync on, synchronous_commit on, the default) it times, in the
same run:

1. one writer: `bidrag events import` of a batch of 1 000 requisitions (a
   new process each: connect, schema check, one SERIALIZABLE transaction)
   beside bench/pg-bare inserting the same 1 000 ledger_event rows into a
   table of the same shape (the same columns, keys, checks and indexes;
   no foreign keys, no triggers) in one transaction, also a new process per
   batch; A B A B, the pairs' ratios and their median;
2. eight writers: eight processes at once, each importing its own batches
   one after the other, against eight pg-bare processes doing the same;
   rounds A B A B, the events per second of each and the ratio.

Each writer's events go to its own accounts (writer w takes every 8th
kommun from w), so the 8-writer figure is not a test of contention on one
account but of what the register shares: the event sequence and the audit
chain.  A batch refused for a serialisation failure that bidrag's own
bounded retry did not get past (exit status 3 with 'could not serialize' or
'deadlock') is imported again, as a client would, and counted.

It fails (exit 1) if a batch cannot be recorded, if the books do not verify
(`bidrag ledger verify`, `bidrag audit verify`), or if either side does not
hold exactly the rows sent.  The goal (within 1.5x of the bare loop) is
reported, not failed.

Environment: BENCH_PG_PAIRS=20 (one-writer pairs), BENCH_PG_ROUNDS=3
(eight-writer rounds), BENCH_PG_PER_WRITER=5 (batches per writer per round),
BENCH_PG_WRITERS=8, BENCH_PG_BATCH=1000, BENCH_PG_KEEP=1 (keep the server;
its directory is printed).
"""
import datetime
import hashlib
import json
import os
import pwd
import platform
import random
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import web  # noqa: E402  (the synthetic decision of the web benchmark)

GOAL = 1.5


def env_int(name, default):
    v = os.environ.get(name)
    return int(v) if v else default


PAIRS = env_int("BENCH_PG_PAIRS", 20)
ROUNDS = env_int("BENCH_PG_ROUNDS", 3)
PER_WRITER = env_int("BENCH_PG_PER_WRITER", 5)
WRITERS = env_int("BENCH_PG_WRITERS", 8)
BATCH = env_int("BENCH_PG_BATCH", 1000)
# A client's retries of a batch refused for a serialisation failure, with a
# jittered backoff: with 8 writers, 20 were not always enough (2026-12-03).
ATTEMPTS = 200


class Abort(Exception):
    pass


def say(msg):
    print("== " + msg, file=sys.stderr, flush=True)


def run(cmd, env=None, check=True, stdin=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, input=stdin)
    if check and p.returncode != 0:
        raise Abort("failed (exit %d): %s\n%s%s" % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p


# ---- the server's CPU time: the postmaster and its children, live and gone ----
def ticks(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    # fields after the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return int(f[1]), int(f[11]) + int(f[12]), int(f[13]) + int(f[14])


def server_ticks(postmaster):
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            ppid, own, children = ticks(int(d))
        except (OSError, IndexError, ValueError):
            continue
        if int(d) == postmaster:
            total += own + children
        elif ppid == postmaster:
            total += own
    return total


HZ = os.sysconf("SC_CLK_TCK")


class Bench:
    def __init__(self, bidrag, bare, pgdir):
        self.bidrag, self.bare, self.pgdir = bidrag, bare, pgdir
        host = os.path.join(pgdir, "run")
        self.pgenv = dict(os.environ, PGHOST=host, PGUSER="bidrag_test", PGDATABASE="postgres")
        self.db = "postgresql://bidrag_test@/bench?host=" + host
        self.baredb = "postgresql://bidrag_test@/bare?host=" + host
        self.env = dict(os.environ, BIDRAG_DB=self.db)
        self.env.pop("BIDRAG_USER", None)
        self.postmaster = int(open(os.path.join(pgdir, "data", "postmaster.pid")).readline())
        self.files = os.path.join(pgdir, "batches")
        os.makedirs(self.files, exist_ok=True)
        self.n = 0
        self.sent = 0
        self.retries = 0
        self.today = datetime.date.today().isoformat()
        self.recorded = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def psql(self, db, sql):
        return run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql], env=self.pgenv).stdout

    def setup(self):
        run(["createdb", "bench"], env=self.pgenv)
        run(["createdb", "bare"], env=self.pgenv)
        run([self.bidrag, "init"], env=self.env)
        # Every change from the command line is a user's: root (the first,
        # an admin) adds bench and maps the OS account running the benchmark
        # to it, as a scheduled import job's account would be, so that the
        # imports are timed without a password check.
        pw = "bench-password-1234"
        run([self.bidrag, "user", "add", "root", "--role", "admin"], env=self.env, stdin=pw + "\n")
        admin = dict(self.env, BIDRAG_PASSWORD=pw)
        run([self.bidrag, "user", "add", "bench", "--role", "handlaggare", "--by", "root"], env=admin,
            stdin=pw + "\n")
        run([self.bidrag, "user", "map", "bench", "--os-account", pwd.getpwuid(os.getuid()).pw_name,
             "--by", "root"], env=admin)
        synth = os.path.join(self.pgdir, "bench-decision.json")
        with open(synth, "w") as f:
            json.dump(web.synthetic_decision(datetime.date.today()), f, ensure_ascii=False)
        run([self.bidrag, "decision", "import", synth], env=self.env)
        self.kommuner = [k["code"] for k in json.loads(run([self.bidrag, "recipients", "kommuner", "--format",
                                                             "json"]).stdout)]
        ids = dict(l.split("|") for l in self.psql(self.db, "SELECT code, id FROM org").split())
        self.org_id = {k: int(ids[k]) for k in self.kommuner}
        self.part_id = int(self.psql(self.db, "SELECT p.id FROM part p JOIN decision d ON d.id = p.decision_id "
                                              "WHERE d.dnr = '%s'" % web.DNR).strip())
        # ledger_event's shape (src/store/migrations/0002-ledger.sql, as PostgreSQL expands it):
        # columns, keys, checks, indexes; no foreign keys (part and org are
        # not there), no triggers.
        self.psql(self.baredb, """
CREATE TABLE bare_event (
  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE, digest text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL CHECK (kind = 'payment' OR kind = 'attest' OR kind = 'execute'
    OR kind = 'requisition' OR kind = 'lapse' OR kind = 'repay-claim' OR kind = 'repay-receive'
    OR kind = 'report' OR kind = 'correction'),
  part_id bigint NOT NULL, org_id bigint NOT NULL, amount bigint NOT NULL CHECK (amount >= 0),
  from_bucket text COLLATE "C", to_bucket text COLLATE "C", date text COLLATE "C" NOT NULL,
  actor text COLLATE "C" NOT NULL, ref_seq bigint REFERENCES bare_event(seq), batch text COLLATE "C",
  detail text COLLATE "C", recorded text COLLATE "C" NOT NULL);
CREATE INDEX bare_event_ref ON bare_event(ref_seq) WHERE ref_seq IS NOT NULL;
CREATE INDEX bare_event_batch ON bare_event(batch) WHERE batch IS NOT NULL;""")

    def batch(self, tag, writer=None):
        """A batch of requisitions of 100 kr as the two files: bidrag's JSON,
        pg-bare's rows.  writer: only that writer's accounts."""
        accounts = self.kommuner if writer is None else self.kommuner[writer::WRITERS]
        events, rows = [], []
        for _ in range(BATCH):
            eid = "%s-%d" % (tag, self.n)
            k = accounts[self.n % len(accounts)]
            events.append({"id": eid, "kind": "requisition", "dnr": web.DNR, "part": "kommuner",
                           "recipient": k, "amount": "100", "date": self.today, "by": "bench"})
            rows.append("\t".join([eid, hashlib.sha256(eid.encode()).hexdigest(), "requisition",
                                   str(self.part_id), str(self.org_id[k]), "10000", "avail", "requisitioned",
                                   self.today, "bench", tag, "\\N", self.recorded]))
            self.n += 1
        js, tsv = os.path.join(self.files, tag + ".json"), os.path.join(self.files, tag + ".tsv")
        with open(js, "w") as f:
            json.dump(events, f)
        with open(tsv, "w") as f:
            f.write("\n".join(rows) + "\n")
        return js, tsv

    def import_batch(self, js):
        """bidrag events import, again after a serialisation failure."""
        for attempt in range(ATTEMPTS):
            p = subprocess.run([self.bidrag, "events", "import", js, "--quiet"], env=self.env,
                               capture_output=True, text=True)
            if p.returncode == 0:
                return
            if "serializ" in p.stderr or "deadlock" in p.stderr or "concurrent" in p.stderr:
                self.retries += 1
                time.sleep(random.uniform(0, min(0.5, 0.02 * (attempt + 1))))
                continue
            raise Abort("bidrag events import %s: exit %d: %s" % (js, p.returncode, p.stderr.strip()))
        raise Abort("bidrag events import %s: still a serialisation failure after %d attempts" % (js, ATTEMPTS))

    def bare_batch(self, tsv):
        run([self.bare, self.baredb, tsv])

    def timed(self, fn):
        s0, t0 = server_ticks(self.postmaster), time.perf_counter()
        fn()
        t1, s1 = time.perf_counter(), server_ticks(self.postmaster)
        return t1 - t0, (s1 - s0) / HZ

    def one_writer(self):
        say("one writer: %d pairs (and 2 not counted) of a %d-event batch, bidrag then bare" % (PAIRS, BATCH))
        a, b = [], []
        for i in range(PAIRS + 2):
            js, tsv = self.batch("one%d" % i)
            ta = self.timed(lambda: self.import_batch(js))
            tb = self.timed(lambda: self.bare_batch(tsv))
            self.sent += BATCH
            if i >= 2:
                a.append(ta)
                b.append(tb)
        return a, b

    def writers(self, fn, files):
        errors = []

        def work(mine):
            try:
                for f in mine:
                    fn(f)
            except Exception as e:  # noqa: BLE001  (reported below)
                errors.append(e)

        threads = [threading.Thread(target=work, args=(files[w],)) for w in range(WRITERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0] if isinstance(errors[0], Abort) else Abort(str(errors[0]))

    def many_writers(self):
        say("%d writers: %d rounds of %d batches each, bidrag then bare" % (WRITERS, ROUNDS, PER_WRITER))
        a, b = [], []
        for r in range(ROUNDS):
            js = [[] for _ in range(WRITERS)]
            tsv = [[] for _ in range(WRITERS)]
            for w in range(WRITERS):
                for k in range(PER_WRITER):
                    j, t = self.batch("w%dr%dk%d" % (w, r, k), writer=w)
                    js[w].append(j)
                    tsv[w].append(t)
            before = self.retries
            ta = self.timed(lambda: self.writers(self.import_batch, js))
            tb = self.timed(lambda: self.writers(self.bare_batch, tsv))
            self.sent += WRITERS * PER_WRITER * BATCH
            a.append(ta + (self.retries - before,))
            b.append(tb)
        return a, b

    def check(self):
        say("checking the books")
        v = run([self.bidrag, "ledger", "verify"], env=self.env).stdout.strip()
        au = run([self.bidrag, "audit", "verify"], env=self.env).stdout.strip()
        n_a = int(self.psql(self.db, "SELECT count(*) FROM ledger_event").strip())
        n_b = int(self.psql(self.baredb, "SELECT count(*) FROM bare_event").strip())
        if n_a != self.sent or n_b != self.sent:
            raise Abort("%d events sent; bidrag holds %d, the bare table %d" % (self.sent, n_a, n_b))
        return v, au


def fmt_ms(x):
    return "%.1f" % (x * 1000)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    bidrag, bare, report = sys.argv[1:]
    start = run([os.path.join(ROOT, "tests", "pg-server"), "start"])
    pgdir = start.stdout.strip()
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        b = Bench(bidrag, bare, pgdir)
        b.setup()
        one_a, one_b = b.one_writer()
        many_a, many_b = b.many_writers()
        verify, audit = b.check()
        server_version = b.psql(b.db, "SHOW server_version").strip()
        settings = b.psql(b.db, "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings "
                                "WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', "
                                "'shared_buffers', 'full_page_writes')").strip()
    except Abort as e:
        print("bench/pg.py: FAILED: %s" % e, file=sys.stderr)
        if not os.environ.get("BENCH_PG_KEEP"):
            run([os.path.join(ROOT, "tests", "pg-server"), "stop", pgdir], check=False)
        return 1
    fs = run(["df", "-PT", pgdir]).stdout.splitlines()[1].split()
    if os.environ.get("BENCH_PG_KEEP"):
        say("server kept: %s (tests/pg-server stop %s)" % (pgdir, pgdir))
    else:
        run([os.path.join(ROOT, "tests", "pg-server"), "stop", pgdir], check=False)

    L = []
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")) / 1048576
    L.append("bidrag PostgreSQL ingestion benchmark, %s" % started.strftime("%Y-%m-%d %H:%M UTC"))
    L.append("machine: %d cores (nproc), %s, %.1f GiB RAM, Debian %s, kernel %s" % (
        os.cpu_count(), cpu, mem, open("/etc/debian_version").read().strip(), platform.release()))
    L.append("server:  PostgreSQL %s (tests/pg-server: Unix socket), data on %s (%s); %s" % (
        server_version, fs[1], fs[0], settings))
    L.append("binary:  %s; bare: %s (libpq, one prepared INSERT per row)" % (bidrag, bare))
    L.append("batches: %d requisitions each, one transaction each; every batch a new process on both sides" % BATCH)
    L.append("")
    ratios = [x[0] / y[0] for x, y in zip(one_a, one_b)]
    ma, mb = statistics.median(x[0] for x in one_a), statistics.median(y[0] for y in one_b)
    L.append("one writer, %d pairs (A = bidrag events import, B = pg-bare), wall per batch:" % PAIRS)
    L.append("                       median ms   min ms   max ms   server cpu ms (median)")
    for name, xs in (("bidrag events import", one_a), ("pg-bare", one_b)):
        w = [x[0] for x in xs]
        L.append("  %-20s %9s %8s %8s   %s" % (name, fmt_ms(statistics.median(w)), fmt_ms(min(w)), fmt_ms(max(w)),
                                                 fmt_ms(statistics.median(x[1] for x in xs))))
    one_ratio = statistics.median(ratios)
    L.append("  ratio A/B per pair: median %.2f, min %.2f, max %.2f" % (one_ratio, min(ratios), max(ratios)))
    L.append("")
    per_round = WRITERS * PER_WRITER * BATCH
    L.append("%d writers, %d rounds of %d batches each (%d events a round), events/s:" % (
        WRITERS, ROUNDS, WRITERS * PER_WRITER, per_round))
    eva = [per_round / x[0] for x in many_a]
    evb = [per_round / y[0] for y in many_b]
    L.append("  bidrag events import  %s   (batches imported again after a serialisation failure: %s)" % (
        ", ".join("%.0f" % e for e in eva), ", ".join(str(x[2]) for x in many_a)))
    L.append("  pg-bare               %s" % ", ".join("%.0f" % e for e in evb))
    many_ratios = [x[0] / y[0] for x, y in zip(many_a, many_b)]
    many_ratio = statistics.median(many_ratios)
    L.append("  ratio A/B (wall) per round: %s; median %.2f" % (", ".join("%.2f" % r for r in many_ratios), many_ratio))
    L.append("  server cpu per round, s: bidrag %s; bare %s" % (
        ", ".join("%.1f" % x[1] for x in many_a), ", ".join("%.1f" % y[1] for y in many_b)))
    L.append("")
    L.append("checks:  %d events sent, held exactly once by both; bidrag ledger verify: %s; audit verify: %s" % (
        b.sent, verify.splitlines()[0][:60], audit.splitlines()[0][:40]))
    L.append("")
    L.append("goal: within %.1fx of the bare loop" % GOAL)
    L.append("  one writer:   %.2fx  -> %s" % (one_ratio, "met" if one_ratio <= GOAL else "MISSED"))
    L.append("  %d writers:    %.2fx  -> %s" % (WRITERS, many_ratio, "met" if many_ratio <= GOAL else "MISSED"))
    text = "\n".join(L) + "\n"
    sys.stdout.write(text)
    with open(report, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
