#!/usr/bin/env python3
"""The web benchmark: `bidrag serve` under wrk, and POST /api/events batches.

    bench/web.py BIDRAG [REPORT]      (bench/run web builds BIDRAG and calls this)

Makes a fresh register in a temporary directory (the four seed decisions and
a generated one paying 290 000 000 kr to the 290 kommuner after requisition),
a revisor and a handläggare, and starts `BIDRAG serve --threads 2 --listen
127.0.0.1:0 --ready-file F` on it.  Then, in this order:

1. POST /api/events as the handläggare: batches of 1 000 requisitions of
   100 kr (fresh ids every batch, rotating over the 290 kommuner), each beside
   a 1-event batch, timed from the client (request sent to answer read) on
   one kept-alive connection; then the last 1 000-event batch again (a retry:
   every event already recorded).
2. `BIDRAG events import FILE.json` of the same kind of 1 000-event batch,
   fresh ids each time, timed as a whole process (wall), with the server
   still running.
3. wrk against GET /api/decision/annex (S2020/09797 bilaga-1, JSON),
   GET /api/deadlines, and the two baselines GET /app.css (a static asset)
   and GET /api/me (a session check), with the revisor's session cookie;
   the endpoints take turns, REPEAT rounds, and the round with the median
   requests/s is reported.  The two targets are also run with a query
   argument that changes on every request (&nocache=N, which the handlers
   ignore), so that the server's GET cache never answers: the cost of the
   handler itself.
4. Beside nginx (the issue's peer): a second `BIDRAG serve --threads 1` on
   the same register, and Debian's nginx (one worker, no master, no daemon,
   its own configuration, pid, log and temporary files under the temporary
   directory, on 127.0.0.1, as the user running the benchmark) serving the
   bytes bidrag answers for the annex (fetched once, written to a file, with
   the same Content-Type and the same security headers) at the same path.
   wrk -t1 with the same settings against each, taking turns (A B A B, PEER
   rounds); each server pinned to CPU 1 and wrk to CPU 0 where taskset can;
   the medians of requests/s and p99, and their ratio.
5. SIGTERM to the server (it must exit 0), then `bidrag ledger verify`,
   `bidrag audit verify`, and the requisitioned total from `bidrag status`,
   which must equal what was sent.

Exit status 1 if anything is wrong: a non-2xx answer, a wrk socket error, a
batch not recorded whole, a failed command, the books not balancing.  A
missed target is reported, not failed.

Environment (all optional):
  BENCH_WEB_DURATION=10     seconds per wrk run
  BENCH_WEB_WARMUP=2        seconds of an unreported wrk run per endpoint first
  BENCH_WEB_CONNECTIONS=32  wrk -c
  BENCH_WEB_WRK_THREADS=2   wrk -t
  BENCH_WEB_THREADS=2       bidrag serve --threads
  BENCH_WEB_REPEAT=3        wrk rounds; the median round (by requests/s) is reported
  BENCH_WEB_BATCHES=20      POSTs of each size, and CLI imports
  BENCH_WEB_BATCH=1000      events per large batch
  BENCH_WEB_PEER=5          rounds of bidrag --threads 1 and nginx, taking turns (0: no nginx)
  BENCH_WEB_PEER_CONNECTIONS=32  wrk -c against each of the two (wrk -t1)
  BENCH_WEB_NGINX=nginx     the nginx to run
  BENCH_WEB_DIR=DIR         where the temporary directory goes (default $TMPDIR, else /tmp)
  BENCH_WEB_KEEP=1          keep it (the database, the server's log, the batch files)
"""

import datetime
import http.client
import json
import os
import pwd
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PASSWORD = "a-long-password"
DNR = "BENCH/WEB-1"
ANNEX = "/api/decision/annex?dnr=S2020/09797&annex=bilaga-1"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Targets (the issue): GETs at >= 20 000 requests/s with p99 < 10 ms; a POST
# of 1 000 events in < 100 ms.
TARGET_RPS = 20000
TARGET_P99_MS = 10.0
TARGET_POST_MS = 100.0


def env_int(name, default):
    v = os.environ.get(name)
    return int(v) if v else default


DURATION = env_int("BENCH_WEB_DURATION", 10)
WARMUP = env_int("BENCH_WEB_WARMUP", 2)
CONNS = env_int("BENCH_WEB_CONNECTIONS", 32)
WRK_THREADS = env_int("BENCH_WEB_WRK_THREADS", 2)
SERVER_THREADS = env_int("BENCH_WEB_THREADS", 2)
REPEAT = env_int("BENCH_WEB_REPEAT", 3)
BATCHES = env_int("BENCH_WEB_BATCHES", 20)
BATCH = env_int("BENCH_WEB_BATCH", 1000)
PEER = env_int("BENCH_WEB_PEER", 5)
PEER_CONNS = env_int("BENCH_WEB_PEER_CONNECTIONS", 32)
NGINX = os.environ.get("BENCH_WEB_NGINX") or "nginx"
# The goal beside nginx: >= 0.8 of its requests/s, p99 <= 5 ms.
TARGET_PEER_RATIO = 0.8
TARGET_PEER_P99_MS = 5.0

problems = []


def say(msg):
    print("== " + msg, file=sys.stderr, flush=True)


def fail(msg):
    print("bench/web.py: " + msg, file=sys.stderr, flush=True)
    problems.append(msg)


class Abort(Exception):
    pass


def run(cmd, stdin=None, check=True):
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise Abort("failed (exit %d): %s\n%s%s" % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p


# ---- the register ---------------------------------------------------------------
def synthetic_decision(today):
    """290 000 000 kr to the kommuner, 1 000 000 kr each (equal shares), paid
    after requisition with a deadline 30 days from today: so that the
    deadlines listing (60 days ahead by default) carries it with all 290
    accounts outstanding, and requisitions dated today are on time."""
    year = today.year
    return {
        "format": "bidrag-decision/1",
        "dnr": DNR,
        "date": (today - datetime.timedelta(days=30)).isoformat(),
        "title": "Benchmark: 290 000 000 kronor till kommunerna efter rekvisition",
        "total": 290000000,
        "appropriations": [{
            "id": "1", "budget_year": year, "utgiftsomrade": 9,
            "utgiftsomrade_name": "Hälsovård, sjukvård och social omsorg",
            "anslag": "1:6", "anslag_name": "Bidrag till folkhälsa och sjukvård",
            "post": 99, "post_name": "Benchmark",
        }],
        "parts": [{
            "id": "kommuner", "title": "Medel till kommunerna", "amount": 290000000,
            "funding": [{"appropriation": "1", "amount": 290000000}],
            "recipients": "kommuner", "rule": {"method": "equal"},
            "payment": {"mode": "requisition",
                        "deadline": (today + datetime.timedelta(days=30)).isoformat(), "lapses": True},
        }],
    }


class Events:
    """Requisitions of 100 kr (or payments of 1 kr), fresh ids, rotating over the kommuner."""

    def __init__(self, kommuner, date):
        self.kommuner, self.date, self.n, self.sent = kommuner, date, 0, 0

    def batch(self, tag, size, by=None, kind="requisition"):
        out = []
        for _ in range(size):
            e = {"id": "%s-%d" % (tag, self.n), "kind": kind, "dnr": DNR, "part": "kommuner",
                 "recipient": self.kommuner[self.n % len(self.kommuner)],
                 "amount": "100" if kind == "requisition" else "1", "date": self.date}
            if by:
                e["by"] = by
            out.append(e)
            self.n += 1
        return out


# ---- HTTP ---------------------------------------------------------------------
class Client:
    def __init__(self, host, port):
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookie = self.csrf = None

    def request(self, method, path, body=None, headers=None):
        """(status, body bytes, seconds from sending to the whole answer read)"""
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = "bidrag_session=" + self.cookie
        if body is not None:
            h["Content-Type"] = "application/json"
            if self.csrf:
                h["X-CSRF-Token"] = self.csrf
        t0 = time.perf_counter()
        self.conn.request(method, path, body=body, headers=h)
        resp = self.conn.getresponse()
        data = resp.read()
        t1 = time.perf_counter()
        self.last_headers = resp.getheaders()
        return resp.status, data, t1 - t0

    def login(self, name):
        st, data, _ = self.request("POST", "/api/login", json.dumps({"name": name, "password": PASSWORD}).encode())
        if st != 200:
            raise Abort("login %s: HTTP %d: %s" % (name, st, data[:300]))
        self.csrf = json.loads(data)["csrf"]
        for k, v in self.last_headers:
            m = re.match(r"bidrag_session=([0-9a-f]{64})", v) if k.lower() == "set-cookie" else None
            if m:
                self.cookie = m.group(1)
        if not self.cookie:
            raise Abort("login %s: no bidrag_session cookie in the answer" % name)


# ---- wrk ------------------------------------------------------------------------
NOCACHE_LUA = r"""
-- A query argument that changes on every request, unique across wrk's threads,
-- so that no answer comes from the server's GET cache.
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
end
local n = 0
function request()
  n = n + 1
  local sep = "?"
  if string.find(wrk.path, "?", 1, true) then sep = "&" end
  return wrk.format(nil, wrk.path .. sep .. "nocache=" .. tid .. "-" .. n)
end
"""


def ms(s):
    m = re.match(r"([\d.]+)(us|ms|s)$", s)
    if not m:
        raise Abort("cannot read wrk's latency '%s'" % s)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)


def busy_ticks():
    """The whole machine's busy time (all cores) in clock ticks, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v[:3]) + sum(v[5:8])  # user nice system, irq softirq steal (not idle, iowait)


def children_cpu():
    """User + system seconds of the finished children (wrk)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def wrk(url, cookie, duration, server_pid, script=None, threads=None, conns=None, pin=()):
    cmd = list(pin) + ["wrk", "-t%d" % (threads or WRK_THREADS), "-c%d" % (conns or CONNS), "-d%ds" % duration,
                       "--latency", "-H", "Cookie: bidrag_session=" + cookie]
    if script:
        cmd += ["-s", script]
    cmd.append(url)
    c0, b0, w0 = cpu_ticks(server_pid), busy_ticks(), children_cpu()
    out = run(cmd).stdout
    c1, b1, w1 = cpu_ticks(server_pid), busy_ticks(), children_cpu()
    r = {"cmd": cmd, "out": out}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    r["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    r["p99"] = ms(m.group(1)) if m else float("nan")
    m = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    r["p50"] = ms(m.group(1)) if m else float("nan")
    m = re.search(r"(\d+) requests in", out)
    r["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    r["sockerr"] = sum(map(int, m.groups())) if m else 0
    m = re.search(r"Transfer/sec:\s+(\S+)", out)
    r["transfer"] = m.group(1) if m else "?"
    tick = os.sysconf("SC_CLK_TCK")
    r["cpu_us"] = (c1 - c0) / tick / r["requests"] * 1e6 if r["requests"] else float("nan")
    # What else ran meanwhile: the machine's busy time less the server's and wrk's,
    # as a share of all cores over the run (this machine may be shared).
    m = re.search(r"requests in ([\d.]+)(us|ms|s|m)", out)
    secs = ms(m.group(1) + m.group(2)) / 1000 if m and m.group(2) != "m" else duration
    other = (b1 - b0 - (c1 - c0)) / tick - (w1 - w0)
    r["other"] = max(0.0, other / (secs * nproc()) * 100)
    if r["requests"] == 0:
        fail("wrk made no requests: %s\n%s" % (" ".join(cmd), out))
    if r["non2xx"]:
        fail("%d non-2xx answers from %s" % (r["non2xx"], url))
    if r["sockerr"]:
        fail("wrk socket errors (%s) on %s" % (m.group(0), url))
    return r


# ---- beside nginx ---------------------------------------------------------------------
# Response headers bidrag sends that nginx is given too (add_header), so that
# both answers carry the same headers but for Server, Date and the like.
PEER_HEADERS = ("Cache-Control", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
                "Content-Security-Policy")


def start_serve(bidrag, db, tmp, name, threads, pin=()):
    """`bidrag serve --threads N` on a free port: (process, host, port)."""
    ready = os.path.join(tmp, name + ".ready")
    log = open(os.path.join(tmp, name + ".log"), "w")
    server = subprocess.Popen(list(pin) + [bidrag, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads",
                                           str(threads), "--ready-file", ready], stdout=log, stderr=log)
    for _ in range(200):
        if os.path.exists(ready) and open(ready).read().endswith("\n"):
            break
        if server.poll() is not None:
            raise Abort("bidrag serve exited with %d (see %s)" % (server.returncode, log.name))
        time.sleep(0.05)
    else:
        server.kill()
        raise Abort("bidrag serve did not write %s within 10 s" % ready)
    m = re.match(r"http://([\d.]+):(\d+)/?$", open(ready).read().strip())
    return server, m.group(1), int(m.group(2))


def free_port():
    import socket
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return so.getsockname()[1]


def nginx_conf(tmp, port, body_file, ctype, headers):
    d = os.path.join(tmp, "nginx")
    q = lambda v: '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')
    adds = "".join("      add_header %s %s always;\n" % (k, q(v)) for k, v in headers)
    return """# bench/web.py: nginx beside bidrag serve, one worker, in the foreground
worker_processes 1;
daemon off;
master_process off;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(d)s/tmp/body;
  proxy_temp_path %(d)s/tmp/proxy;
  fastcgi_temp_path %(d)s/tmp/fastcgi;
  uwsgi_temp_path %(d)s/tmp/uwsgi;
  scgi_temp_path %(d)s/tmp/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 75s;
  server_tokens off;
  server {
    listen 127.0.0.1:%(port)d;
    location = /api/decision/annex {
      default_type %(ctype)s;
      alias %(body)s;
%(adds)s    }
  }
}
""" % {"d": d, "port": port, "ctype": q(ctype), "body": body_file, "adds": adds}


def start_nginx(tmp, port, body_file, ctype, headers, pin=()):
    d = os.path.join(tmp, "nginx")
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(nginx_conf(tmp, port, body_file, ctype, headers))
    exe = shutil.which(NGINX) or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    if not exe:
        raise Abort("no nginx (install the Debian package nginx-light; bench/run does as root), or set BENCH_WEB_PEER=0")
    t = run([exe, "-t", "-p", d, "-e", os.path.join(d, "error.log"), "-c", conf], check=False)
    if t.returncode != 0:
        raise Abort("nginx -t refuses %s:\n%s%s" % (conf, t.stdout, t.stderr))
    log = open(os.path.join(d, "stderr.log"), "w")
    proc = subprocess.Popen(list(pin) + [exe, "-p", d, "-e", os.path.join(d, "error.log"), "-c", conf],
                            stdout=log, stderr=log)
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/")
            c.getresponse().read()
            c.close()
            return proc, exe
        except OSError:
            if proc.poll() is not None:
                raise Abort("nginx exited with %d (see %s)" % (proc.returncode, d))
            time.sleep(0.05)
    proc.kill()
    raise Abort("nginx did not answer on 127.0.0.1:%d within 10 s" % port)


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def peer_run(bidrag, db, tmp, cookie):
    """bidrag serve --threads 1 beside nginx serving the same annex bytes:
    (report lines, summary dict)."""
    pins = {}
    if nproc() >= 2 and shutil.which("taskset") and subprocess.run(["taskset", "-c", "1", "true"]).returncode == 0:
        pins = {"server": ("taskset", "-c", "1"), "wrk": ("taskset", "-c", "0")}
    one, host, port = start_serve(bidrag, db, tmp, "serve1", 1, pins.get("server", ()))
    ngx = None
    try:
        c = Client(host, port)
        c.cookie = cookie
        st, body, _ = c.request("GET", ANNEX)
        hdrs = dict((k.lower(), v) for k, v in c.last_headers)
        if st != 200 or len(json.loads(body)) != 21:
            raise Abort("GET %s on serve --threads 1: HTTP %d: %s" % (ANNEX, st, body[:300]))
        ctype = hdrs.get("content-type", "")
        body_file = os.path.join(tmp, "annex-bilaga-1.json")
        with open(body_file, "wb") as f:
            f.write(body)
        same = [(k, hdrs[k.lower()]) for k in PEER_HEADERS if k.lower() in hdrs]
        nport = free_port()
        ngx, exe = start_nginx(tmp, nport, body_file, ctype, same, pins.get("server", ()))
        n = Client("127.0.0.1", nport)
        nst, nbody, _ = n.request("GET", ANNEX)
        nh = dict((k.lower(), v) for k, v in n.last_headers)
        if nst != 200 or nbody != body or nh.get("content-type") != ctype:
            raise Abort("nginx does not answer %s with the same bytes (HTTP %d, %s, %d bytes, %d expected)"
                        % (ANNEX, nst, nh.get("content-type"), len(nbody), len(body)))
        hbytes = {"bidrag": len("".join("%s: %s\r\n" % kv for kv in c.last_headers)),
                  "nginx": len("".join("%s: %s\r\n" % kv for kv in n.last_headers))}
        urls = {"bidrag": "http://%s:%d%s" % (host, port, ANNEX), "nginx": "http://127.0.0.1:%d%s" % (nport, ANNEX)}
        pids = {"bidrag": one.pid, "nginx": ngx.pid}
        w = lambda who, secs: wrk(urls[who], cookie, secs, pids[who], threads=1, conns=PEER_CONNS,
                                  pin=pins.get("wrk", ()))
        if WARMUP > 0:
            say("beside nginx: warm-up, %d s each" % WARMUP)
            for who in ("bidrag", "nginx"):
                w(who, WARMUP)
        runs = {"bidrag": [], "nginx": []}
        for rnd in range(PEER):
            for who in ("bidrag", "nginx"):
                say("beside nginx, round %d of %d: %s" % (rnd + 1, PEER, who))
                runs[who].append(w(who, DURATION))
        nver = run([exe, "-v"], check=False).stderr.strip().split("/")[-1]
    finally:
        stop(ngx)
        stop(one)
    med = {who: {"rps": statistics.median(r["rps"] for r in rs), "p99": statistics.median(r["p99"] for r in rs),
                 "cpu_us": statistics.median(r["cpu_us"] for r in rs), "other": max(r["other"] for r in rs)}
           for who, rs in runs.items()}
    ratio = med["bidrag"]["rps"] / med["nginx"]["rps"] if med["nginx"]["rps"] else float("nan")
    L = []
    L.append("GET annex beside nginx %s (the same %d bytes of body, Content-Type and security headers; response"
             % (nver, len(body)))
    L.append("headers %d and %d bytes), each with one thread: `bidrag serve --threads 1` and nginx with one worker"
             % (hbytes["bidrag"], hbytes["nginx"]))
    L.append("(no master, no daemon, access_log off, keep-alive unlimited); wrk -t1 -c%d -d%ds --latency on each, "
             "taking turns" % (PEER_CONNS, DURATION))
    L.append("(A B A B), %d round(s) after a %d s warm-up; %s; medians of the rounds" % (
        PEER, WARMUP, "the servers pinned to CPU 1, wrk to CPU 0 (taskset)" if pins else "NOT pinned"))
    L.append("%-31s %8s %7s %10s %6s  %s" % ("", "req/s", "p99 ms", "server cpu", "other",
                                          "all rounds: req/s (p99 ms)"))
    for who, label in (("bidrag", "bidrag serve --threads 1"), ("nginx", "nginx, 1 worker")):
        m_ = med[who]
        L.append("%-31s %8.0f %7.2f %7.1f µs %5.0f%%  %s" % (
            label, m_["rps"], m_["p99"], m_["cpu_us"], m_["other"],
            ", ".join("%.0f (%.2f)" % (r["rps"], r["p99"]) for r in runs[who])))
    L.append("%-31s %8.2f %7s %7.2f" % ("ratio bidrag / nginx", ratio, "",
                                        med["bidrag"]["cpu_us"] / med["nginx"]["cpu_us"]
                                        if med["nginx"]["cpu_us"] else float("nan")))
    return L, {"ratio": ratio, "p99": med["bidrag"]["p99"], "rps": med["bidrag"]["rps"],
               "nginx_rps": med["nginx"]["rps"]}


# ---- the benchmark ----------------------------------------------------------------
_nproc = []


def nproc():
    if not _nproc:
        _nproc.append(int(run(["nproc"]).stdout))
    return _nproc[0]


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        kib = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
    deb = open("/etc/debian_version").read().strip() if os.path.exists("/etc/debian_version") else "?"
    return "%d cores (nproc), %s, %.1f GiB RAM, Debian %s, kernel %s" % (
        nproc(), cpu, kib / 1048576, deb, platform.release())


def versions():
    out = []
    w = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    out.append((w.stdout + w.stderr).split("\n")[0].split(" Copyright")[0])
    q = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", "libmicrohttpd12", "libsqlite3-0"],
                       capture_output=True, text=True)
    out += [l for l in q.stdout.splitlines() if l]
    out.append("Python %s" % platform.python_version())
    return "; ".join(out)


def main():
    if len(sys.argv) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    bidrag = os.path.abspath(sys.argv[1])
    report = sys.argv[2] if len(sys.argv) > 2 else None
    base = os.environ.get("BENCH_WEB_DIR") or os.environ.get("TMPDIR") or "/tmp"
    tmp = tempfile.mkdtemp(prefix="bidrag-bench-web-", dir=base)
    server = None
    lines = []
    try:
        server, lines = bench(bidrag, tmp)
    except Abort as e:
        fail(str(e))
    finally:
        if server and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
        if os.environ.get("BENCH_WEB_KEEP"):
            print("bench/web.py: kept %s" % tmp, file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    if lines:
        text = "\n".join(lines) + "\n"
        sys.stdout.write(text)
        if report:
            with open(report, "w") as f:
                f.write(text)
    if problems:
        print("bench/web.py: FAILED: %d problem(s):" % len(problems), file=sys.stderr)
        for p in problems:
            print("  - " + p.split("\n")[0], file=sys.stderr)
        return 1
    return 0


def bench(bidrag, tmp):
    db = os.path.join(tmp, "bidrag.db")
    B = lambda *a: [bidrag] + list(a) + ["--db", db]
    today = datetime.date.today()
    started = datetime.datetime.now(datetime.timezone.utc)
    load0 = " ".join(open("/proc/loadavg").read().split()[:3])

    say("a fresh register in %s" % tmp)
    run(B("init"))
    seeds = sorted(os.path.join(ROOT, "examples", "decisions", f)
                   for f in os.listdir(os.path.join(ROOT, "examples", "decisions")) if f.endswith(".json"))
    synth = os.path.join(tmp, "bench-decision.json")
    with open(synth, "w") as f:
        json.dump(synthetic_decision(today), f, ensure_ascii=False, indent=1)
    # Every change from the command line is a user's: root (the first user,
    # an admin) adds the others; the OS account running the benchmark is
    # mapped to hand, as a scheduled import job's account would be, so that
    # `events import` is timed without a password check.
    run(B("user", "add", "root", "--role", "admin"), stdin=PASSWORD + "\n")
    os.environ["BIDRAG_PASSWORD"] = PASSWORD
    for name, role in (("rev", "revisor"), ("hand", "handlaggare")):
        run(B("user", "add", name, "--role", role, "--by", "root"), stdin=PASSWORD + "\n")
    run(B("user", "map", "hand", "--os-account", pwd.getpwuid(os.getuid()).pw_name, "--by", "root"))
    run(B("decision", "import", *seeds, synth))
    kommuner = [k["code"] for k in json.loads(run([bidrag, "recipients", "kommuner", "--format", "json"]).stdout)]
    if len(kommuner) != 290:
        raise Abort("expected 290 kommuner, got %d" % len(kommuner))

    say("starting %s serve --threads %d" % (bidrag, SERVER_THREADS))
    ready = os.path.join(tmp, "ready")
    log = open(os.path.join(tmp, "serve.log"), "w")
    server = subprocess.Popen([bidrag, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads",
                               str(SERVER_THREADS), "--ready-file", ready], stdout=log, stderr=log)
    for _ in range(200):
        if os.path.exists(ready) and open(ready).read().endswith("\n"):
            break
        if server.poll() is not None:
            raise Abort("bidrag serve exited with %d (see %s)" % (server.returncode, log.name))
        time.sleep(0.05)
    else:
        raise Abort("bidrag serve did not write %s within 10 s" % ready)
    url = open(ready).read().strip().rstrip("/")
    m = re.match(r"http://([\d.]+):(\d+)$", url)
    host, port = m.group(1), int(m.group(2))

    rev, hand = Client(host, port), Client(host, port)
    rev.login("rev")
    hand.login("hand")

    # Spot checks of the answers wrk will hammer (wrk sees only status codes).
    for path, check in ((ANNEX, lambda d: len(json.loads(d)) == 21),
                        ("/api/deadlines", lambda d: any(x.get("dnr") == DNR for x in json.loads(d)["deadlines"])),
                        ("/api/me", lambda d: json.loads(d)["role"] == "revisor"),
                        ("/app.css", lambda d: len(d) > 0)):
        st, data, _ = rev.request("GET", path)
        if st != 200 or not check(data):
            raise Abort("GET %s: HTTP %d, unexpected answer: %s" % (path, st, data[:300]))
    sizes = {p: len(rev.request("GET", p)[1]) for p in (ANNEX, "/api/deadlines", "/api/me", "/app.css")}

    # ---- POST /api/events ----
    ev = Events(kommuner, today.isoformat())
    expected = 0  # requisitions recorded, of 100 kr each

    def post(batch, want_recorded=True):
        body = json.dumps(batch).encode()
        st, data, secs = hand.request("POST", "/api/events", body)
        ok = st == (201 if want_recorded else 200)
        if ok:
            a = json.loads(data)
            ok = len(a["recorded" if want_recorded else "already"]) == len(batch) and \
                len(a["already" if want_recorded else "recorded"]) == 0
        if not ok:
            raise Abort("POST /api/events (%d events): HTTP %d: %s" % (len(batch), st, data[:500]))
        return secs * 1000, len(body)

    say("POST /api/events: %d x (1 event, then %d events)" % (BATCHES, BATCH))
    post(ev.batch("warm", 1))  # the connection's store and its cached balances
    expected += 1
    t1, tn = [], []
    for i in range(BATCHES):
        t1.append(post(ev.batch("one%d" % i, 1))[0])
        big = ev.batch("web%d" % i, BATCH)
        secs, body_bytes = post(big)
        tn.append(secs)
        expected += 1 + BATCH
    retry = [post(big, want_recorded=False)[0] for _ in range(3)]
    # A payment batch: 1 000 payments of 1 kr against the requisitioned accounts.
    say("POST /api/events: %d payment batches of %d payments" % (BATCHES, BATCH))
    tp = []
    for i in range(BATCHES):
        tp.append(post(ev.batch("pay%d" % i, BATCH, kind="payment"))[0])
    paid_expected = BATCHES * BATCH  # kronor, in process (registered, not executed)

    # ---- the command line ----
    say("bidrag events import: %d x %d events" % (BATCHES, BATCH))
    tc = []
    for i in range(BATCHES):
        f = os.path.join(tmp, "batch-%d.json" % i)
        with open(f, "w") as fh:
            json.dump(ev.batch("cli%d" % i, BATCH, by="hand"), fh)
        t0 = time.perf_counter()
        run(B("events", "import", f, "--quiet"))
        tc.append((time.perf_counter() - t0) * 1000)
        expected += BATCH

    # ---- wrk ----
    cookie = rev.cookie
    lua = os.path.join(tmp, "nocache.lua")
    with open(lua, "w") as f:
        f.write(NOCACHE_LUA)
    cases = [  # (label, path, script, role)
        ("GET annex (bilaga-1, JSON)", ANNEX, None, "target"),
        ("GET /api/deadlines", "/api/deadlines", None, "target"),
        ("GET /app.css (static asset)", "/app.css", None, "baseline"),
        ("GET /api/me (session check)", "/api/me", None, "baseline"),
        ("GET annex, uncached", ANNEX, lua, "info"),
        ("GET /api/deadlines, uncached", "/api/deadlines", lua, "info"),
    ]
    if WARMUP > 0:
        say("wrk warm-up, %d s per endpoint" % WARMUP)
        for label, path, script, _ in cases:
            wrk(url + path, cookie, WARMUP, server.pid, script)
    runs = {c[0]: [] for c in cases}
    for rnd in range(REPEAT):
        for label, path, script, _ in cases:
            say("wrk round %d of %d: %s" % (rnd + 1, REPEAT, label))
            runs[label].append(wrk(url + path, cookie, DURATION, server.pid, script))

    # ---- beside nginx ----
    peer_lines, peer = [], None
    if PEER > 0:
        peer_lines, peer = peer_run(bidrag, db, tmp, cookie)

    # ---- stop, then check the books ----
    say("stopping the server (SIGTERM)")
    server.send_signal(signal.SIGTERM)
    try:
        rc = server.wait(30)
    except subprocess.TimeoutExpired:
        server.kill()
        raise Abort("bidrag serve did not stop within 30 s of SIGTERM")
    if rc != 0:
        fail("bidrag serve exited with %d after SIGTERM (see %s)" % (rc, log.name))
    say("bidrag ledger verify, audit verify, status")
    lv = run(B("ledger", "verify"), check=False)
    if lv.returncode != 0:
        fail("bidrag ledger verify: exit %d\n%s%s" % (lv.returncode, lv.stdout, lv.stderr))
    av = run(B("audit", "verify"), check=False)
    if av.returncode != 0:
        fail("bidrag audit verify: exit %d\n%s%s" % (av.returncode, av.stdout, av.stderr))
    rows = json.loads(run(B("status", DNR, "--format", "json")).stdout)
    req = sum(ore(r["requisitioned"]) for r in rows)
    if req != expected * 100 * 100:
        fail("requisitioned %d öre in the books, %d öre sent" % (req, expected * 10000))
    inproc = sum(ore(r["in_process"]) for r in rows)
    if inproc != paid_expected * 100:
        fail("payments of %d öre registered in the books, %d öre sent" % (inproc, paid_expected * 100))

    # ---- the report ----
    L = []
    L.append("bidrag web benchmark, %s" % started.strftime("%Y-%m-%d %H:%M UTC"))
    L.append("machine: %s" % machine())
    L.append("binary:  %s serve --threads %d --listen 127.0.0.1:0 (loopback), database on %s" % (
        bidrag, SERVER_THREADS, fs_of(tmp)))
    L.append("tools:   %s" % versions())
    L.append("wrk:     wrk -t%d -c%d -d%ds --latency -H 'Cookie: bidrag_session=...' URL; %d round(s), the endpoints"
             % (WRK_THREADS, CONNS, DURATION, REPEAT))
    L.append("         taking turns, after a %d s warm-up each; the round with the median requests/s is shown" % WARMUP)
    L.append("         (wrk and the server share the %d cores; server cpu = its user + sys time per request)"
             % nproc())
    L.append("         other = the cpu time of everything else on the machine meanwhile, as a share of all cores")
    L.append("         (load average before the benchmark: %s)" % load0)
    L.append("")
    L.append("%-31s %8s %7s %7s %10s %6s %6s  %s" % ("GET", "req/s", "p50 ms", "p99 ms", "server cpu", "other",
                                                      "bytes", "all rounds: req/s (p99 ms)"))
    med = {}
    for label, path, script, _ in cases:
        rs = runs[label]
        m_ = sorted(rs, key=lambda r: r["rps"])[(len(rs) - 1) // 2]
        med[label] = m_
        L.append("%-31s %8.0f %7.2f %7.2f %7.1f µs %5.0f%% %6d  %s" % (
            label, m_["rps"], m_["p50"], m_["p99"], m_["cpu_us"], m_["other"], sizes[path], ", ".join(
                "%.0f (%.2f)" % (r["rps"], r["p99"]) for r in rs)))
    busy = max(r["other"] for r in med.values())
    if busy > 10:
        L.append("warning: other processes used up to %.0f%% of the machine during the runs shown: these figures"
                 % busy)
        L.append("         are lower (and the p99 higher) than on a quiet machine")
    if peer_lines:
        L.append("")
        L.extend(peer_lines)
    L.append("")
    L.append("POST /api/events, client-side time from sending the request to reading the whole answer, one")
    L.append("kept-alive connection; bidrag events import: the whole process (wall), the server running")
    L.append("%-46s %5s %9s %9s %9s" % ("", "runs", "median ms", "min ms", "max ms"))

    def trow(label, xs):
        L.append("%-46s %5d %9.1f %9.1f %9.1f" % (label, len(xs), statistics.median(xs), min(xs), max(xs)))

    trow("POST 1 event (baseline)", t1)
    trow("POST %d events (%d KiB body)" % (BATCH, body_bytes // 1024), tn)
    trow("POST %d events again (all already recorded)" % BATCH, retry)
    trow("POST %d payments (a payment batch)" % BATCH, tp)
    trow("bidrag events import, %d events (CLI)" % BATCH, tc)
    L.append("")
    L.append("checks:  every answer 2xx, no wrk socket errors; %d requisitions recorded, %s kr in the books as sent;"
             % (expected, fmt_kr(req // 100)))
    L.append("         %d payments registered, %s kr in process as sent;" % (paid_expected, fmt_kr(inproc // 100)))
    L.append("         bidrag ledger verify: %s; audit verify: %s; server exit after SIGTERM: %d" % (
        "ok" if lv.returncode == 0 else "FAILED", "ok" if av.returncode == 0 else "FAILED", rc))
    L.append("")
    L.append("targets:")
    for label in ("GET annex (bilaga-1, JSON)", "GET /api/deadlines"):
        r = med[label]
        ok = r["rps"] >= TARGET_RPS and r["p99"] < TARGET_P99_MS
        L.append("  %-42s %7.0f req/s, p99 %5.2f ms  (>= %d, < %g ms)  -> %s" % (
            label + ":", r["rps"], r["p99"], TARGET_RPS, TARGET_P99_MS, "met" if ok else "MISSED"))
    if peer:
        ok = peer["ratio"] >= TARGET_PEER_RATIO and peer["p99"] <= TARGET_PEER_P99_MS
        L.append("  %-42s %7.2f of nginx, p99 %5.2f ms  (>= %.1f, <= %g ms)  -> %s" % (
            "GET annex, 1 thread, beside nginx:", peer["ratio"], peer["p99"], TARGET_PEER_RATIO,
            TARGET_PEER_P99_MS, "met" if ok else "MISSED"))
    for label, xs in (("POST of %d events (requisitions):" % BATCH, tn),
                      ("POST of a payment batch of %d:" % BATCH, tp)):
        mt = statistics.median(xs)
        L.append("  %-42s %7.1f ms median, %.1f ms max  (< %g ms)  -> %s" % (
            label, mt, max(xs), TARGET_POST_MS,
            "met" if max(xs) < TARGET_POST_MS else ("met by the median, not by the max" if mt < TARGET_POST_MS
                                                    else "MISSED")))
    return server, L


def fs_of(path):
    p = subprocess.run(["df", "-PT", path], capture_output=True, text=True).stdout.splitlines()
    if len(p) < 2:
        return path
    f = p[1].split()
    return "%s (%s, %s)" % (path, f[1], f[0])


def ore(text):
    """An amount as `bidrag status --format json` writes it ("1234.50" kronor) in öre, exactly."""
    m = re.fullmatch(r"(-?)(\d+)(?:\.(\d{1,2}))?", str(text).strip())
    if not m:
        raise Abort("not an amount: %r" % (text,))
    v = int(m.group(2)) * 100 + int((m.group(3) or "0").ljust(2, "0"))
    return -v if m.group(1) else v


def fmt_kr(n):
    return "{:,}".format(n).replace(",", " ")


if __name__ == "__main__":
    sys.exit(main())
