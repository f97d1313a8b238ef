#!/usr/bin/env python3
"""The web API over real HTTP (docs/api.md, docs/openapi.json).

Builds a fresh register in a temporary folder, starts `bidrag serve` on a free
loopback port, and drives it as its users would: every endpoint, every role's
permissions (each forbidden action refused), CSRF, content types, bounded and
malformed bodies, idempotent retries, four eyes, a mottagare held to its own
organisation, reports and annexes, login throttling, the session cookie, the
audit log, and a graceful stop on SIGTERM.  Every JSON answer is validated
against the schema docs/openapi.json gives for that path, method and status.

Prints TAP; exit status 1 if anything failed.  Needs $BIDRAG (the binary) and
$BIDRAG_SRC (the repository); Python 3's standard library and jsonschema.
"""
import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import zipfile

import jsonschema

BIDRAG = os.environ.get("BIDRAG") or "build/bidrag"
SRC = os.environ.get("BIDRAG_SRC") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
PASSWORD = "correct horse battery staple"
D0 = "S2020/09797"               # seed 000: regions paid 15 Feb - 15 Mar 2021, SKR after requisition
D3 = "utan-dnr/2023-12-22"       # seed 003: God och nära vård 2024, requisition parts (imported via the API)
REGIONS = "01 03 04 05 06 07 08 09 10 12 13 14 17 18 19 20 21 22 23 24 25".split()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- TAP

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.skipped = 0

    def ok(self, name, cond, *details):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, name))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, name))
            for d in details:
                for line in str(d).splitlines() or [""]:
                    print("# " + line)
        sys.stdout.flush()
        return bool(cond)

    def skip(self, name, why="not implemented"):
        self.n += 1
        self.skipped += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why))
        sys.stdout.flush()

    def note(self, text):
        for line in str(text).splitlines():
            print("# " + line)


T = Tap()


# ---------------------------------------------------------------- the OpenAPI document as JSON Schema

def to_json_schema(s):
    """OpenAPI 3.0 schema objects -> JSON Schema (draft 4): `nullable` becomes a null type."""
    if isinstance(s, list):
        return [to_json_schema(x) for x in s]
    if not isinstance(s, dict):
        return s
    out = {}
    for k, v in s.items():
        if k in ("nullable", "example", "examples", "xml", "externalDocs", "deprecated", "discriminator",
                 "readOnly", "writeOnly") or k.startswith("x-"):
            continue
        if k == "properties":
            out[k] = {name: to_json_schema(p) for name, p in v.items()}
        else:
            out[k] = to_json_schema(v)
    if s.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = list(out["enum"]) + [None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        self.components = to_json_schema(self.doc.get("components", {}))
        self.validated = 0
        self.undocumented = set()

    def operation(self, method, path):
        item = self.doc.get("paths", {}).get(path)
        return item.get(method.lower()) if item else None

    def response(self, method, path, status):
        op = self.operation(method, path)
        if not op:
            return None
        rs = op.get("responses", {})
        return rs.get(str(status)) or rs.get("%dXX" % (status // 100)) or rs.get("default")

    def validator(self, schema):
        root = {"allOf": [to_json_schema(schema)], "components": self.components}
        return jsonschema.Draft4Validator(root)

    def check(self, method, path, resp):
        """Problems of resp against the document: the status documented, and the JSON body valid."""
        if not path.startswith("/api/"):
            return []
        if self.operation(method, path) is None and resp.status in (404, 405):
            # an unknown path or method: only the error's shape is documented
            r = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        else:
            r = self.response(method, path, resp.status)
        if r is None:
            self.undocumented.add("%s %s %d" % (method, path, resp.status))
            return ["status %d of %s %s is not in docs/openapi.json" % (resp.status, method, path)]
        content = r.get("content")
        ctype = resp.ctype
        if not content:
            return []
        if ctype == "application/json":
            media = content.get("application/json")
            if media is None:
                return ["%s %s %d: JSON answered, but the document gives %s" % (method, path, resp.status,
                                                                               ", ".join(content))]
            if resp.json is None:
                return ["the body is not JSON: %r" % resp.raw[:200]]
            errors = sorted(self.validator(media.get("schema", {})).iter_errors(resp.json), key=str)
            self.validated += 1
            return ["schema: %s at %s" % (e.message[:300], "/".join(str(p) for p in e.absolute_path))
                    for e in errors[:5]]
        if ctype not in content:
            return ["%s %s %d: Content-Type %s is not documented (%s)" % (method, path, resp.status, ctype,
                                                                          ", ".join(content))]
        return []


# ---------------------------------------------------------------- HTTP

class Resp:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        self.ctype = (headers.get("Content-Type") or "").split(";")[0].strip()
        self.json = None
        if self.ctype == "application/json":
            try:
                self.json = json.loads(raw.decode("utf-8"))
            except ValueError:
                self.json = None
        self.problems = []

    @property
    def text(self):
        return self.raw.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name)

    def all_headers(self, name):
        return self.headers.get_all(name) or []

    def err(self):
        return self.json.get("error", "") if isinstance(self.json, dict) else ""

    def field(self):
        return self.json.get("field") if isinstance(self.json, dict) else None

    def short(self):
        return "HTTP %d %s: %s" % (self.status, self.ctype, self.raw[:400].decode("utf-8", "replace"))


class Client:
    """One browser: its own session cookie and CSRF token, optionally from another loopback address."""

    def __init__(self, base, source=None, name=None):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.source = source
        self.cookie = None
        self.csrf = None
        self.name = name
        self.role = None
        self.org = None

    def request(self, method, path, body=None, *, ctype="application/json", csrf=True, headers=None,
                cookie=True, params=None):
        if params:
            path = path + "?" + urllib.parse.urlencode(params)
        h = {}
        if body is not None:
            if not isinstance(body, (bytes, bytearray)):
                body = json.dumps(body).encode("utf-8")
            if ctype:
                h["Content-Type"] = ctype
        elif method == "POST" and ctype:
            h["Content-Type"] = ctype
        if method == "POST" and csrf:
            token = self.csrf if csrf is True else csrf
            if token:
                h["X-CSRF-Token"] = token
        c = self.cookie if cookie is True else cookie
        if c:
            h["Cookie"] = "bidrag_session=" + c
        h.update(headers or {})
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60,
                                          source_address=(self.source, 0) if self.source else None)
        try:
            conn.putrequest(method, path)
            for k, v in h.items():
                conn.putheader(k, v)
            if body is not None or method == "POST":
                conn.putheader("Content-Length", str(len(body or b"")))
            conn.endheaders()
            if body:
                try:
                    for i in range(0, len(body), 1 << 20):
                        conn.send(body[i:i + (1 << 20)])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server answered early; read its answer
            r = conn.getresponse()
            resp = Resp(r.status, r.headers, r.read())
        except (OSError, http.client.HTTPException) as e:
            resp = Resp(0, http.client.HTTPMessage(), b"")
            resp.problems = ["no answer: %s: %s" % (type(e).__name__, e)]
            return resp
        finally:
            conn.close()
        resp.problems = SPEC.check(method, path.split("?")[0], resp)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, {} if body is None else body, **kw)

    def login(self, name, password=PASSWORD):
        r = self.post("/api/login", {"name": name, "password": password}, csrf=False, cookie=False)
        if r.status == 200 and isinstance(r.json, dict):
            m = re.search(r"bidrag_session=([0-9a-f]*)", r.header("Set-Cookie") or "")
            self.cookie = m.group(1) if m else None
            self.csrf = r.json.get("csrf")
            self.name = name
            self.role = r.json.get("role")
            self.org = r.json.get("org")
        return r


def expect(name, resp, status, *conds):
    """A check: the status, the body valid against docs/openapi.json, and each (text, fn) condition."""
    problems = []
    statuses = status if isinstance(status, tuple) else (status,)
    if resp.status not in statuses:
        problems.append("status %d, expected %s" % (resp.status, " or ".join(map(str, statuses))))
    problems += resp.problems
    for text, fn in conds:
        try:
            good = fn(resp) if callable(fn) else fn
        except Exception as e:  # a missing member counts as a failed condition
            good = False
            text = "%s (%s: %s)" % (text, type(e).__name__, e)
        if not good:
            problems.append(text)
    if problems:
        problems.append(resp.short())
    return T.ok(name, not problems, *problems)


def is_error(resp, field=None, pattern=None):
    """The conditions of a JSON error: `error` (matching pattern) and `field` if given."""
    conds = [("a JSON error body with 'error'", lambda r: isinstance(r.json, dict) and bool(r.json.get("error")))]
    if field is not None:
        conds.append(("field is %r" % field, lambda r: r.field() == field))
    if pattern is not None:
        conds.append(("error matches /%s/" % pattern, lambda r: re.search(pattern, r.err()) is not None))
    return conds


def not_found_route(resp):
    return resp.status == 404 and "no API endpoint" in resp.err()


# ---------------------------------------------------------------- the register

def bankgiro(digits):
    """digits with their Luhn check digit, as a bankgiro NNNN-NNNN."""
    total = 0
    for k, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if k % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    s = digits + str((10 - total % 10) % 10)
    return s[:-4] + "-" + s[-4:]


def cli(env, *args, stdin=None):
    p = subprocess.run([BIDRAG, *args], input=stdin, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError("bidrag %s: exit %d\n%s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p.stdout


USERS = [  # name, role, org
    ("root", "admin", None),
    ("anna", "handlaggare", None),
    ("bjorn", "handlaggare", None),
    ("bertil", "attestant", None),
    ("cecilia", "attestant", None),
    ("rut", "revisor", None),
    ("eva", "mottagare", "23"),       # Region Jämtland Härjedalen
    ("olle", "mottagare", "01"),      # Region Stockholm
    ("stina", "mottagare", "SKR"),    # Sveriges Kommuner och Regioner
]


def build_register(work, env):
    cli(env, "init")
    # every change from the command line is a registered user's (--by, the
    # password from $BIDRAG_PASSWORD): root, the first user, an admin, adds the rest
    for name, role, org in USERS:
        cli(env, "user", "add", name, "--role", role, *(["--org", org] if org else []),
            *([] if name == "root" else ["--by", "root"]), stdin=PASSWORD + "\n")
    decisions = os.path.join(SRC, "examples", "decisions")
    files = sorted(os.path.join(decisions, f) for f in os.listdir(decisions) if f.endswith(".json"))
    # seed 003 is left for POST /api/decisions
    cli(env, "decision", "import", *[f for f in files if "god-och-nara-vard" not in f], "--by", "anna")
    cli(env, "register", "import", os.path.join(SRC, "examples", "register", "jamtland-2020.json"), "--by", "eva")
    # A correction of the key S2017/07321/FS was allocated by: Sörmland's and
    # Östergötland's populations swapped (GET /api/dataset/impact).
    rows = cli(env, "datasets", "show", "population@2017-11-01", "--format", "csv").splitlines()
    val = {r.split(",")[0]: r.rsplit(",", 1)[1] for r in rows[1:]}
    swap = {"04": val["05"], "05": val["04"]}
    with open(os.path.join(work, "pop2017.csv"), "w") as f:
        f.write("\n".join([rows[0]] + [r.rsplit(",", 1)[0] + "," + swap.get(r.split(",")[0], r.rsplit(",", 1)[1])
                                        for r in rows[1:]]) + "\n")
    cli(env, "datasets", "import", os.path.join(work, "pop2017.csv"), "--name", "population@2017-11-01",
        "--corrects", "population@2017-11-01@1", "--reason", "Sörmland and Östergötland swapped", "--by", "anna")
    for code in REGIONS:
        cli(env, "org", "set", code, "--bankgiro", bankgiro("51" + code + "000"), "--by", "anna")
    cli(env, "org", "set", "SKR", "--bankgiro", bankgiro("5300000"), "--by", "anna")
    # an attestant may not register a payment from the command line either
    # (the same rule as POST /api/events): refused, nothing recorded
    try:
        cli(env, "pay", "add", D0, "--part", "regioner", "--recipient", "03", "--amount", "7 980 491",
            "--date", "2021-02-15", "--id", "cli-pay-03", "--by", "bertil")
        raise RuntimeError("bidrag pay add --by bertil (an attestant): not refused")
    except RuntimeError as e:
        if "bertil is attestant" not in str(e):
            raise
    # a payment registered outside the web by bjorn (a handläggare)
    cli(env, "pay", "add", D0, "--part", "regioner", "--recipient", "03", "--amount", "7 980 491",
        "--date", "2021-02-15", "--id", "cli-pay-03", "--by", "bjorn")


def start_server(work, db):
    ready = os.path.join(work, "ready")
    log = open(os.path.join(work, "serve.log"), "w")
    p = subprocess.Popen([BIDRAG, "serve", "--db", db, "--listen", "127.0.0.1:0", "--ready-file", ready,
                          "--threads", "4"], stdout=log, stderr=subprocess.STDOUT,
                         env=dict(os.environ, LC_ALL="C.UTF-8"))
    deadline = time.time() + 20
    url = None
    while time.time() < deadline:
        if p.poll() is not None:
            break
        if os.path.exists(ready):
            with open(ready) as f:
                text = f.read()
            if text.endswith("\n"):
                url = text.strip()
                break
        time.sleep(0.05)
    return p, url


def run_api_test(name, users, build, checks):
    """The frame of an API test beside this one (test_payee_api.py and the
    others): a register in a temporary directory (or $BIDRAG_TEST_DB) made by
    build(env, work) from the command line, bidrag serve on it, a logged-in
    Client per (name, role, org) of users, then each (what, fn) of checks as
    fn(C, env, state) in turn, a failing one reported and the next run,
    stopping if the server died; then every answer checked against
    docs/openapi.json, the server stopped by SIGTERM (exit 0) and the books
    verified.  Prints the TAP plan; returns the exit status."""
    global SPEC
    SPEC = Spec(os.path.join(SRC, "docs", "openapi.json"))
    work = tempfile.mkdtemp(prefix="bidrag-api-%s-" % name)
    db = os.environ.get("BIDRAG_TEST_DB") or os.path.join(work, "api.db")
    env = dict(os.environ, BIDRAG_DB=db, BIDRAG_PASSWORD=PASSWORD, LC_ALL="C.UTF-8", WORK=work)
    env.pop("BIDRAG_USER", None)
    server = None
    try:
        build(env, work)
        server, url = start_server(work, db)
        if T.ok("bidrag serve listens", url is not None, url):
            C = {}
            for user, role, org in users:
                c = Client(url.rstrip("/"), name=user)
                c.base = url.rstrip("/")
                expect("login %s (%s)" % (user, role), c.login(user), 200)
                C[user] = c
            state = {}
            for what, fn in checks:
                try:
                    fn(C, env, state)
                except Exception:
                    T.ok("the checks of %s ran to their end" % what, False, traceback.format_exc())
                if server.poll() is not None:
                    T.ok("the server is still running after %s" % what, False, "exit status %s" % server.poll())
                    break
            T.ok("every answer's status is in docs/openapi.json, and each JSON answer valid (%d validated)" %
                 SPEC.validated, SPEC.validated > 0 and not SPEC.undocumented, *sorted(SPEC.undocumented))
    except Exception:
        T.ok("the test ran to its end", False, traceback.format_exc())
    finally:
        if server is not None:
            alive = server.poll() is None
            if alive:
                server.send_signal(signal.SIGTERM)
            try:
                rc = server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                rc = server.wait()
            T.ok("bidrag serve stops on SIGTERM with exit status 0", alive and rc == 0, rc)
            p = subprocess.run([BIDRAG, "ledger", "verify"], capture_output=True, text=True, env=env)
            T.ok("after the server: 'bidrag ledger verify' says the books balance", p.returncode == 0, p.stdout, p.stderr)
            if T.failed:
                with open(os.path.join(work, "serve.log"), encoding="utf-8", errors="replace") as f:
                    T.note("the server's output:\n" + f.read()[-3000:])
        if os.environ.get("BIDRAG_KEEP"):
            T.note("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
        print("1..%d" % T.n)
        sys.stdout.flush()
    return 1 if T.failed else 0


# ---------------------------------------------------------------- the checks

def route_table():
    """The routes of every route table in src/web/*.c (routes.c's own and those
    beside their handlers, api-portal.c's api_portal_routes and the like, which
    routes.c's tables[] lists): (method, path) -> set of roles (empty: no login
    needed).  A role or a path written as a macro is looked up among the
    #defines of web.h and of the route's own file; one that is not known stops
    the test (RuntimeError) rather than be guessed."""
    web = os.path.join(SRC, "src", "web")
    base = {"ROLE_HANDLAGGARE": {"handlaggare"}, "ROLE_ATTESTANT": {"attestant"}, "ROLE_REVISOR": {"revisor"},
            "ROLE_MOTTAGARE": {"mottagare"}, "ROLE_ADMIN": {"admin"}, "0": set()}
    define = re.compile(r'^#define\s+([A-Z_][A-Z0-9_]*)\s+(.+?)\s*$', re.M)

    def defines(text):
        return {m.group(1): m.group(2) for m in define.finditer(text)}

    with open(os.path.join(web, "web.h"), encoding="utf-8") as f:
        common = defines(f.read())

    def roles_of(expr, macros, where, depth=0):
        roles = set()
        for part in expr.replace("(", " ").replace(")", " ").split("|"):
            part = part.strip()
            if part in base:
                roles |= base[part]
            elif part in macros and depth < 10:
                roles |= roles_of(macros[part], macros, where, depth + 1)
            else:
                raise RuntimeError("%s: the role %r of a route is not known to test_api.py's route_table()" % (
                    where, part))
        return roles

    routes = {}
    files = sorted(n for n in os.listdir(web) if n.endswith(".c"))
    # {"METHOD", "/api/..." or PATH_MACRO, ROLES, handler, body fields}
    entry = re.compile(r'\{\s*"([A-Z]+)",\s*("(?:/api/[^"]*)"|[A-Z_][A-Z0-9_]*),\s*([A-Za-z0-9_ |()]+?)\s*,'
                       r'\s*\w+\s*(?:,\s*\w+\s*)?\}')
    # anything that starts like a route, to catch one the pattern above would skip
    start = re.compile(r'\{\s*"(?:GET|POST|PUT|PATCH|DELETE|HEAD)",')
    for name in files:
        with open(os.path.join(web, name), encoding="utf-8") as f:
            text = f.read()
        macros = dict(common, **defines(text))
        skipped = len(start.findall(text)) - len(entry.findall(text))
        if skipped:
            raise RuntimeError("src/web/%s: %d route(s) not in the form test_api.py's route_table() reads" % (
                name, skipped))
        for m in entry.finditer(text):
            path = m.group(2)
            if not path.startswith('"'):
                value = macros.get(path, "")
                if not re.fullmatch(r'"/api/[^"]*"', value):
                    raise RuntimeError("src/web/%s: the path %s of a route is not a known string macro" % (name, path))
                path = value
            key = (m.group(1), path.strip('"'))
            if key in routes:
                raise RuntimeError("src/web/%s: %s %s is in two route tables" % ((name,) + key))
            routes[key] = roles_of(m.group(3), macros, "src/web/" + name)
    return routes


def check_document(routes):
    doc = SPEC.doc
    T.ok("docs/openapi.json is OpenAPI 3.0", str(doc.get("openapi", "")).startswith("3.0"), doc.get("openapi"))
    problems = []
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        try:
            jsonschema.Draft4Validator.check_schema(to_json_schema(schema))
        except jsonschema.SchemaError as e:
            problems.append("%s: %s" % (name, e.message))
    text = json.dumps(doc)
    for r in set(re.findall(r'"#/components/schemas/([^"]+)"', text)):
        if r not in doc.get("components", {}).get("schemas", {}):
            problems.append("$ref to a missing schema %s" % r)
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            for status, r in op.get("responses", {}).items():
                if status.startswith(("4", "5")) and "Error" not in json.dumps(r.get("content", {})):
                    problems.append("%s %s %s does not use the Error schema" % (method, path, status))
    T.ok("docs/openapi.json: its schemas are valid and every error uses the Error schema", not problems, *problems)
    missing, wrong = [], []
    for (method, path), roles in sorted(routes.items()):
        op = SPEC.operation(method, path)
        if not op:
            missing.append("%s %s" % (method, path))
        elif set(op.get("x-bidrag-roles", [])) != roles:
            wrong.append("%s %s: the server lets %s, the document says %s" % (
                method, path, sorted(roles) or "anyone", sorted(op.get("x-bidrag-roles", []))))
    T.ok("docs/openapi.json documents every route of src/web/*.c (%d)" % len(routes), not missing, *missing)
    T.ok("docs/openapi.json gives each route the roles the server enforces", not wrong, *wrong)
    try:
        with open(os.path.join(SRC, "docs", "api.md"), encoding="utf-8") as f:
            md = f.read()
    except OSError:
        md = ""
    absent = ["%s %s" % (m.upper(), p) for p, item in doc["paths"].items() for m in item
              if "%s %s" % (m.upper(), p) not in md]
    T.ok("docs/api.md describes every endpoint of docs/openapi.json", not absent, *absent)


def probe(method, path):
    """A request to path that a permitted role gets past the role check with, changing nothing."""
    params = {
        "/api/decision": {"dnr": D0},
        "/api/decision/annex": {"dnr": D0, "annex": "bilaga-2"},
        "/api/register/report": {"org": "23", "year": "2020", "format": "md"},
        "/api/register/chart": {"org": "23", "year": "2020", "format": "svg"},
        "/api/batch/file": {"batch": "no-such-batch", "format": "lb"},
        "/api/deadlines": {"as_of": "2021-02-01"},
        "/api/dataset": {"name": "population@2019-11-01"},
        "/api/dataset/impact": {"name": "population@2019-11-01"},
    }.get(path)
    body = [] if path == "/api/events" else {}
    return params, (body if method == "POST" else None)


def check_unauthenticated(anon, routes):
    r = anon.get("/")
    expect("GET / serves the UI's page", r, 200, ("text/html", lambda r: r.ctype == "text/html"),
           ("it is HTML", lambda r: b"<html" in r.raw.lower() or b"<!doctype html" in r.raw.lower()))
    headers = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "no-store",
               "Referrer-Policy": "no-referrer"}
    bad = ["%s: %r" % (k, r.header(k)) for k, v in headers.items() if r.header(k) != v]
    csp = r.header("Content-Security-Policy") or ""
    if "frame-ancestors 'none'" not in csp or "default-src 'self'" not in csp:
        bad.append("Content-Security-Policy: %r" % csp)
    T.ok("security headers: nosniff, DENY framing, no-store, no referrer, a strict CSP", not bad, *bad)
    for asset, ctype in (("/app.js", "text/javascript"), ("/app.css", "text/css")):
        expect("GET %s is served" % asset, anon.get(asset), 200, ("Content-Type %s" % ctype, lambda r: r.ctype == ctype))
    expect("an unknown page is 404", anon.get("/nothing"), 404)
    expect("only GET outside /api/", anon.post("/", csrf=False), 405)
    expect("an unknown API endpoint is 404 with a JSON error", anon.get("/api/nothing"), 404, *is_error(anon.get("/api/nothing")))
    r = anon.request("DELETE", "/api/events")
    expect("DELETE /api/events is 405 with a JSON error", r, 405, *is_error(r, pattern="DELETE is not allowed"))
    r = anon.get("/api/login")
    expect("GET /api/login is 405", r, 405, *is_error(r))
    refused, skipped = [], []
    for (method, path), roles in sorted(routes.items()):
        if not roles:
            continue
        params, body = probe(method, path)
        r = anon.request(method, path, body, params=params, csrf=False)
        if r.status != 401 or r.problems or not r.err():
            refused.append("%s %s: %s %s" % (method, path, r.short(), "; ".join(r.problems)))
    T.ok("without a session, every endpoint but the login answers 401 with a JSON error (%d)" %
         sum(1 for v in routes.values() if v), not refused, *refused)
    forged = "%064x" % 12345
    r = anon.get("/api/me", cookie=forged)
    expect("a forged session cookie is 401", r, 401, *is_error(r, pattern="not logged in"))


def check_login(base, routes):
    bad = Client(base, source="127.0.0.3")
    r = bad.post("/api/login", {"name": "anna", "password": "wrong password here"}, csrf=False)
    expect("a wrong password is 401", r, 401, *is_error(r, pattern="wrong user name or password"),
           ("no cookie is set", lambda r: not r.header("Set-Cookie")))
    r2 = bad.post("/api/login", {"name": "nobody", "password": "wrong password here"}, csrf=False)
    expect("an unknown user gets the same 401 and message", r2, 401, ("the same message", r2.err() == r.err()))
    r = bad.post("/api/login", {"password": PASSWORD}, csrf=False)
    expect("a login without a name is 400 (field name)", r, 400, *is_error(r, field="name"))
    r = bad.post("/api/login", {"name": "anna", "password": 12345678901234}, csrf=False)
    expect("a password that is not a string is 400 (field password)", r, 400, *is_error(r, field="password"))
    r = bad.post("/api/login", b"name=anna&password=x", ctype="application/x-www-form-urlencoded", csrf=False)
    expect("a login posted as a form is 415", r, 415, *is_error(r, pattern="application/json"))
    r = bad.post("/api/login", b'{"name": "anna", "password": ', csrf=False)
    expect("a login body that is not JSON is 400 with line and column", r, 400,
           *is_error(r, pattern=r"line 1, column \d+"))
    r = bad.post("/api/login", ["anna", PASSWORD], csrf=False)
    expect("a login body that is a JSON array is 400", r, 400, *is_error(r, pattern="JSON object"))
    r = bad.post("/api/login", b'{"name": "anna", "name": "root", "password": "x"}', csrf=False)
    expect("duplicate members in a JSON body are refused (400)", r, 400, *is_error(r))
    r = bad.post("/api/login", {"name": "anna", "password": PASSWORD, "remember": True}, csrf=False)
    expect("a login with an unknown field is 400 naming it (field remember)", r, 400,
           *is_error(r, field="remember", pattern="unknown field 'remember' \\(expected name, password\\)"))

    clients = {}
    for name, role, org in USERS:
        c = Client(base, name=name)
        r = c.login(name)
        cookie = r.header("Set-Cookie") or ""
        attrs = [a.strip() for a in cookie.split(";")]
        expect("login %s (%s)" % (name, role), r, 200,
               ("role %s" % role, lambda r: r.json["role"] == role),
               ("org %s" % org, lambda r: r.json["org"] == org),
               ("a CSRF token of 64 hex digits", lambda r: re.fullmatch("[0-9a-f]{64}", r.json["csrf"])),
               ("a session cookie of 64 hex digits", lambda r: re.fullmatch("[0-9a-f]{64}", c.cookie or "")))
        if name == "anna":
            missing = [a for a in ("HttpOnly", "SameSite=Strict", "Path=/") if a not in attrs]
            T.ok("the session cookie is HttpOnly, SameSite=Strict, Path=/", not missing,
                 "missing: %s" % missing, "Set-Cookie: %s" % cookie)
            T.ok("the session cookie is a session cookie (no Expires or Max-Age), not Secure without --secure-cookies",
                 not any(a.lower().startswith(("expires", "max-age")) or a == "Secure" for a in attrs), cookie)
            T.ok("the CSRF token is not in the cookie", c.csrf not in cookie, cookie)
        clients[name] = c
    r = clients["anna"].get("/api/me")
    expect("GET /api/me: the session's user and the same CSRF token", r, 200,
           ("name anna", lambda r: r.json["name"] == "anna"),
           ("the login's token", lambda r: r.json["csrf"] == clients["anna"].csrf))
    second = Client(base)
    second.login("anna")
    T.ok("two logins of one user are two sessions with their own tokens",
         second.cookie != clients["anna"].cookie and second.csrf != clients["anna"].csrf)
    clients["anna2"] = second
    return clients


def check_role_matrix(C, routes):
    """Every route, tried by a user of every role it does not allow: 403 with a JSON error."""
    rep = {"handlaggare": C["anna"], "attestant": C["bertil"], "revisor": C["rut"], "mottagare": C["eva"],
           "admin": C["root"]}
    for (method, path), roles in sorted(routes.items()):
        if not roles:
            continue
        for role, c in rep.items():
            params, body = probe(method, path)
            if role in roles:
                continue
            r = c.request(method, path, body, params=params)
            expect("%s may not %s %s: 403" % (role, method, path), r, 403,
                   *is_error(r, pattern="may not"))
        # and the roles it allows get past the role check (logout excepted: it would end the session)
        if (method, path) == ("POST", "/api/logout"):
            continue
        let_in = []
        for role, c in rep.items():
            if role not in roles:
                continue
            params, body = probe(method, path)
            r = c.request(method, path, body, params=params)
            if r.status in (401, 403) or r.status >= 500 or r.problems:
                let_in.append("%s: %s %s" % (role, r.short(), "; ".join(r.problems)))
        T.ok("%s %s lets %s in" % (method, path, ", ".join(sorted(roles))), not let_in, *let_in)


def check_decisions(C):
    anna, eva, olle, stina, rut = C["anna"], C["eva"], C["olle"], C["stina"], C["rut"]
    r = anna.get("/api/decisions")
    expect("GET /api/decisions: the three decisions registered", r, 200,
           ("3 decisions", lambda r: len(r.json["decisions"]) == 3),
           ("S2020/09797 of 290 000 000 kronor in 3 parts",
            lambda r: any(d["dnr"] == D0 and d["total"] == 290000000 and d["parts"] == 3 for d in r.json["decisions"])))
    with open(os.path.join(SRC, "examples", "decisions", "2023-12-22-god-och-nara-vard-2024.json"), "rb") as f:
        d3 = f.read()
    r = C["bertil"].post("/api/decisions", d3)
    expect("an attestant may not register a decision (403)", r, 403, *is_error(r))
    r = anna.post("/api/decisions", d3)
    expect("POST /api/decisions registers a decision file: 201", r, 201,
           ("dnr %s" % D3, lambda r: r.json["dnr"] == D3), ("registered", lambda r: r.json["outcome"] == "registered"))
    r = anna.post("/api/decisions", d3)
    expect("the same decision file again: 200, already registered", r, 200,
           ("already registered", lambda r: r.json["outcome"] == "already registered"))
    r = anna.post("/api/decisions", {"format": "bidrag-decision/1", "dnr": "X"})
    expect("an incomplete decision file is 400, nothing registered", r, 400, *is_error(r))
    r = anna.post("/api/decisions", b"{not json")
    expect("a decision body that is not JSON is 400", r, 400, *is_error(r))
    r = anna.get("/api/decisions")
    expect("now four decisions", r, 200, ("4 decisions", lambda r: len(r.json["decisions"]) == 4))

    r = anna.get("/api/decision", params={"dnr": D0})
    expect("GET /api/decision: parts, every row, annexes and the decision file", r, 200,
           ("parts regioner, samverkansregioner, skr",
            lambda r: [p["id"] for p in r.json["parts"]] == ["regioner", "samverkansregioner", "skr"]),
           ("21 regions", lambda r: len(r.json["parts"][0]["rows"]) == 21),
           ("Jämtland's 2 722 993 kr",
            lambda r: {"recipient": "23", "name": "Region Jämtland Härjedalen", "amount": 2722993} in r.json["parts"][0]["rows"]),
           ("bilaga-1 and bilaga-2", lambda r: [a["id"] for a in r.json["annexes"]] == ["bilaga-1", "bilaga-2"]),
           ("the document", lambda r: r.json["document"]["dnr"] == D0))
    r = eva.get("/api/decision", params={"dnr": D0})
    expect("a mottagare sees only its own rows of a decision, and no document", r, 200,
           ("only org 23's rows", lambda r: [row["recipient"] for p in r.json["parts"] for row in p["rows"]] == ["23"]),
           ("no document", lambda r: "document" not in r.json))
    r = eva.get("/api/decisions")
    expect("a mottagare lists the decisions that allocate to its organisation", r, 200,
           ("all four allocate to region 23", lambda r: len(r.json["decisions"]) == 4))
    r = stina.get("/api/decisions")
    expect("SKR's mottagare does not list the Patientmiljarden (regions only)", r, 200,
           ("no S2017/07321/FS", lambda r: not any(d["dnr"].startswith("S2017/07321") for d in r.json["decisions"])),
           ("S2020/09797 is there", lambda r: any(d["dnr"] == D0 for d in r.json["decisions"])))
    r = stina.get("/api/decision", params={"dnr": "S2017/07321/FS (delvis)"})
    expect("... nor get it: 404 as if it did not exist", r, 404, *is_error(r, field="dnr"))
    r = anna.get("/api/decision")
    expect("GET /api/decision without dnr is 400 (field dnr)", r, 400, *is_error(r, field="dnr"))
    r = anna.get("/api/decision", params={"dnr": "S1999/1"})
    expect("an unknown dnr is 404 (field dnr)", r, 404, *is_error(r, field="dnr"))

    r = anna.get("/api/decision/annex", params={"dnr": D0, "annex": "bilaga-1"})
    expect("the annex as JSON: 21 rows with population, share and amount", r, 200,
           ("21 rows", lambda r: len(r.json) == 21),
           ("Jämtland's row", lambda r: {"recipient": "Region Jämtland Härjedalen", "population@2019-11-01": 130697,
                                          "share": "0.0126650847", "regioner": 2722993} in r.json))
    r = anna.get("/api/decision/annex", params={"dnr": D0, "annex": "bilaga-1", "format": "csv"})
    expect("the annex as CSV, an attachment", r, 200, ("text/csv", lambda r: r.ctype == "text/csv"),
           ("the header", lambda r: r.text.splitlines()[0] == "recipient,population@2019-11-01,share,regioner"),
           ("Jämtland's row", lambda r: "Region Jämtland Härjedalen,130697,0.0126650847,2722993" in r.text.splitlines()),
           ("Content-Disposition", lambda r: r.header("Content-Disposition") == 'attachment; filename="bilaga-1.csv"'))
    r = anna.get("/api/decision/annex", params={"dnr": D0, "annex": "bilaga-2", "format": "xlsx"})

    def sheet_has(r, text):
        z = zipfile.ZipFile(io.BytesIO(r.raw))
        blob = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        return text in blob
    expect("the annex as xlsx: a zip (PK) workbook with the samverkansregioner", r, 200,
           ("xlsx type", lambda r: r.ctype == XLSX), ("PK magic", lambda r: r.raw[:4] == b"PK\x03\x04"),
           ("a worksheet naming Norra samverkansregionen", lambda r: sheet_has(r, "Norra samverkansregionen")))
    r = anna.get("/api/decision/annex", params={"dnr": D0, "annex": "bilaga-9"})
    expect("an unknown annex is 404 (field annex)", r, 404, *is_error(r, field="annex"))

    def sheets(r):
        z = zipfile.ZipFile(io.BytesIO(r.raw))
        return re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode("utf-8"))

    def has_formula(r, f):
        z = zipfile.ZipFile(io.BytesIO(r.raw))
        return any(f in z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.startswith("xl/worksheets/"))
    r = rut.get("/api/decision", params={"dnr": D0, "format": "xlsx"})
    expect("the whole decision as one workbook: the decision, each bilaga, each part", r, 200,
           ("xlsx type", lambda r: r.ctype == XLSX),
           ("a file named after the dnr",
            lambda r: r.header("Content-Disposition") == 'attachment; filename="beslut-S2020_09797.xlsx"'),
           ("sheets Beslut, Bilaga 1, Bilaga 2, Del regioner, Del samverkansregioner, Del skr",
            lambda r: sheets(r) == ["Beslut", "Bilaga 1", "Bilaga 2", "Del regioner", "Del samverkansregioner", "Del skr"]),
           ("Jämtland's 2 722 993 as a number", lambda r: sheet_has(r, "<v>2722993</v>")),
           ("the parts' sums as formulas", lambda r: has_formula(r, "<f>SUM(")))
    r = eva.get("/api/decision", params={"dnr": D0, "format": "xlsx"})
    expect("a mottagare may not have the whole decision as a workbook (403, field format)", r, 403,
           *is_error(r, field="format"))
    r = anna.get("/api/decision", params={"dnr": D0, "format": "pdf"})
    expect("a decision in an unknown format is 400 (field format)", r, 400, *is_error(r, field="format"))
    r = anna.get("/api/decision/annex", params={"dnr": D0, "annex": "bilaga-1", "format": "docx"})
    expect("an unknown annex format is 400 (field format)", r, 400, *is_error(r, field="format"))
    r = anna.get("/api/decision/annex", params={"dnr": D0})
    expect("an annex without its id is 400 (field annex)", r, 400, *is_error(r, field="annex"))


def event(id, kind, date, **kw):
    e = {"id": id, "kind": kind, "date": date}
    e.update(kw)
    return e


def pay(id, recipient, amount, date="2021-02-15", part="regioner", dnr=D0, **kw):
    return event(id, "payment", date, dnr=dnr, part=part, recipient=recipient, amount=amount, **kw)


def events_of(c, id):
    r = c.get("/api/events")
    return [e for e in r.json["events"] if e["id"] == id] if r.status == 200 else None


def check_ledger(C):
    anna, bjorn, bertil, cecilia, eva, olle = C["anna"], C["bjorn"], C["bertil"], C["cecilia"], C["eva"], C["olle"]
    batch = [pay("api-pay-23", "23", "2 722 993"), pay("api-pay-01", "01", 49472318)]
    r = anna.post("/api/events", batch)
    expect("a handläggare registers two payments: 201, both recorded", r, 201,
           ("recorded both", lambda r: r.json == {"recorded": ["api-pay-23", "api-pay-01"], "already": []}))
    r = anna.post("/api/events", batch)
    expect("the same batch again: 200, both already recorded", r, 200,
           ("already both", lambda r: r.json == {"recorded": [], "already": ["api-pay-23", "api-pay-01"]}))
    T.ok("... and recorded once", len(events_of(anna, "api-pay-23") or []) == 1, events_of(anna, "api-pay-23"))
    r = anna.post("/api/events", [pay("api-pay-23", "23", "2 722 993", date="2021-02-16")])
    expect("the same id with other content: 400 naming the id", r, 400, *is_error(r, field="[0]", pattern="api-pay-23"))
    r = bjorn.post("/api/events", batch)
    expect("the same batch from another handläggare is other content (who recorded it): 400", r, 400,
           *is_error(r, pattern="api-pay-23"))
    before = len(anna.get("/api/events").json["events"])
    r = anna.post("/api/events", [pay("api-pay-04", "04", "1"), pay("api-pay-05", "05", "999 999 999")])
    expect("a batch with one event against the rules is 400 for that event", r, 400, *is_error(r, field="[1]"))
    T.ok("... and nothing of it is recorded (all or nothing)",
         len(anna.get("/api/events").json["events"]) == before and not events_of(anna, "api-pay-04"))
    r = anna.post("/api/events", [pay("api-pay-06", "06", "1", date="2021-01-10")])
    expect("a payment before the payment window is refused (400)", r, 400, *is_error(r, pattern="window"))

    r = anna.get("/api/payments")
    expect("GET /api/payments: the attestation queue", r, 200,
           ("api-pay-23 registered by anna, 272 299 300 öre, to Jämtland's bankgiro",
            lambda r: any(p["id"] == "api-pay-23" and p["registered_by"] == "anna" and p["amount"] == 272299300
                          and p["bankgiro"] == bankgiro("5123000") for p in r.json["payments"])),
           ("cli-pay-03 registered by bjorn", lambda r: any(p["id"] == "cli-pay-03" and p["registered_by"] == "bjorn"
                                                           for p in r.json["payments"])),
           ("each with its account's change flag: none flagged",
            lambda r: all(p["account_recent"] is False and p["account_changed"] is None and p["iban"] is None
                          for p in r.json["payments"])))
    r = anna.get("/api/payments", params={"state": "paid"})
    expect("an unknown payment state is 400 (field state)", r, 400, *is_error(r, field="state"))

    # who may record what
    r = bertil.post("/api/events", [pay("x-bertil", "04", "1")])
    expect("an attestant may not register a payment (403, naming the event)", r, 403,
           *is_error(r, field="[0]", pattern="attestant may not record a payment"))
    r = anna.post("/api/events", [event("x-att", "attest", "2021-02-15", ref="api-pay-23")])
    expect("a handläggare may not attest (403, naming the event)", r, 403,
           *is_error(r, field="[0]", pattern="handlaggare may not record an attest"))
    r = bertil.post("/api/events", [event("att-23", "attest", "2021-02-15", ref="api-pay-23", by="cecilia")])
    expect("an attest whose 'by' is forged to another name is 403", r, 403,
           *is_error(r, field="[0]", pattern="cecilia"))
    T.ok("... and nothing was recorded", not events_of(anna, "att-23"))
    r = anna.post("/api/events", [pay("x-forged", "04", "1", by="bjorn")])
    expect("a payment whose 'by' is another handläggare is 403", r, 403, *is_error(r, field="[0]"))
    r = bertil.post("/api/events", [event("att-23", "attest", "2021-02-15", ref="api-pay-23", by="bertil")])
    expect("anna registered, bertil attests: 201", r, 201, ("recorded", lambda r: r.json["recorded"] == ["att-23"]))
    r = cecilia.post("/api/events", [event("att-01", "attest", "2021-02-15", ref="api-pay-01"),
                                     event("att-03", "attest", "2021-02-15", ref="cli-pay-03")])
    expect("cecilia attests the other two: 201", r, 201, ("both", lambda r: r.json["recorded"] == ["att-01", "att-03"]))
    r = anna.get("/api/payments", params={"state": "attested"})
    expect("three payments attested", r, 200, ("3", lambda r: len(r.json["payments"]) == 3))
    e = (events_of(anna, "att-23") or [{}])[0]
    T.ok("the attest is recorded as bertil's", e.get("by") == "bertil" and e.get("ref") == "api-pay-23", e)

    # a mottagare's requisitions: its own organisation only
    req23 = event("req-23", "requisition", "2024-06-03", dnr=D3, part="nara-vard", recipient="23",
                  amount="41 520 914", signed_by="Eva Mottagare")
    r = eva.post("/api/events", [dict(req23, recipient="01", id="req-01")])
    expect("a mottagare may not file a requisition for another organisation (403)", r, 403, *is_error(r, field="[0]"))
    r = eva.post("/api/events", [{k: v for k, v in req23.items() if k != "recipient"}])
    expect("... nor one without a recipient (403)", r, 403, *is_error(r, field="[0]"))
    r = eva.post("/api/events", [pay("x-eva", "23", "1")])
    expect("a mottagare may not register a payment (403)", r, 403, *is_error(r, field="[0]"))
    r = eva.post("/api/events", [req23])
    expect("a mottagare files its own organisation's requisition: 201", r, 201,
           ("recorded", lambda r: r.json["recorded"] == ["req-23"]))
    e = (events_of(anna, "req-23") or [{}])[0]
    T.ok("the requisition is recorded as eva's", e.get("by") == "eva" and e.get("amount") == 4152091400, e)
    r = olle.post("/api/events", [dict(req23, id="req-olle")])
    expect("Region Stockholm's mottagare may not file Jämtland's requisition (403)", r, 403, *is_error(r))

    # bodies
    r = anna.post("/api/events", [pay("x-colour", "04", "1", colour="red")])
    expect("an unknown field in an event: 400 naming the field", r, 400, *is_error(r, pattern="'colour'"))
    r = anna.post("/api/events", [pay("x-amt", "04", [1])])
    expect("an amount of the wrong JSON type: 400 naming it", r, 400, *is_error(r, pattern=r"amount"))
    r = anna.post("/api/events", {"id": "x"})
    expect("a batch that is an object, not an array: 400", r, 400, *is_error(r, pattern="JSON array"))
    r = anna.post("/api/events", [42])
    expect("an event that is not an object: 400 (field [0])", r, 400, *is_error(r, field="[0]"))
    r = anna.post("/api/events", [])
    expect("an empty batch: 400", r, 400, *is_error(r))
    r = anna.post("/api/events", b'[{"id": "x", "kind": "payment"')
    expect("invalid JSON: 400 with line and column", r, 400, *is_error(r, pattern=r"line 1, column \d+"))
    r = anna.post("/api/events", b'[{"id": "x",\n  "kind": }]')
    expect("invalid JSON on line 2: the error says line 2", r, 400, *is_error(r, pattern=r"line 2, column \d+"))
    r = anna.post("/api/events", [event("x-nokind", "", "2021-02-15")])
    expect("an event without a kind: 400", r, 400, *is_error(r, pattern="kind"))
    r = anna.post("/api/events", [event("x-exec", "execute", "2021-02-15", ref="api-pay-23")])
    expect("executions are not recorded as events (400)", r, 400, *is_error(r, pattern="unknown kind 'execute'"))
    r = anna.post("/api/events", b"\xff\xfe[]")
    expect("a body that is not UTF-8: 400", r, 400, *is_error(r))
    r = anna.get("/api/events", params={"dnr": D0})
    expect("GET /api/events?dnr=: the decision's events in order", r, 200,
           ("seq ascending", lambda r: [e["seq"] for e in r.json["events"]] == sorted(e["seq"] for e in r.json["events"])),
           ("only S2020/09797", lambda r: {e["dnr"] for e in r.json["events"] if e["dnr"]} == {D0}))


def check_batches(C):
    anna, bertil, rut, eva = C["anna"], C["bertil"], C["rut"], C["eva"]
    body = {"batch": "2021-02-16", "date": "2021-02-16", "format": "pain001"}
    r = anna.post("/api/batches", body)
    if not_found_route(r):
        for name in ("POST /api/batches", "the batch again", "the batch in the other format", "GET /api/batch/file: pain.001",
                     "GET /api/batch/file: LB", "the payments are executed in the batch", "a revisor may not create a batch",
                     "an attestant may not create a batch", "a mottagare may not fetch a batch file", "batch errors",
                     "batch: an unknown field", "an empty export"):
            T.skip(name)
        return False
    total = 272299300 + 4947231800 + 798049100
    expect("POST /api/batches exports the three attested payments: 201", r, 201,
           ("3 payments, 60 175 802 kr", lambda r: r.json["payments"] == 3 and r.json["total"] == total),
           ("again false", lambda r: r.json["again"] is False),
           ("the file's address", lambda r: r.json["file"] == "/api/batch/file?batch=2021-02-16&format=pain001"))
    r = anna.post("/api/batches", body)
    expect("the batch again: 200, again, nothing paid twice", r, 200, ("again", lambda r: r.json["again"] is True))
    r = anna.post("/api/batches", dict(body, format="lb"))
    expect("the batch in the other format (LB) is refused: both files could be sent and pay twice", r, 400,
           *is_error(r, pattern="exported as pain.001 already: an LB file of the same payments could be sent too"))
    r = anna.post("/api/batches", dict(body, format="lb", force="yes"))
    expect("force: a boolean", r, 400, *is_error(r, field="force"))
    r = anna.post("/api/batches", dict(body, format="lb", force=True))
    expect("the batch in the other format (LB), forced: the same payments", r, (200, 201),
           ("3 payments, the same total", lambda r: r.json["payments"] == 3 and r.json["total"] == total))
    f = rut.get("/api/batch/file", params={"batch": "2021-02-16", "format": "pain001"})
    expect("GET /api/batch/file: the pain.001 XML (a revisor may read it)", f, 200,
           ("application/xml", lambda f: f.ctype == "application/xml"),
           ("XML", lambda f: f.raw.startswith(b"<?xml")),
           ("pain.001.001.03", lambda f: b"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" in f.raw),
           ("3 transactions", lambda f: b"<NbOfTxs>3</NbOfTxs>" in f.raw),
           ("the control sum 60 175 802", lambda f: b"<CtrlSum>60175802.00</CtrlSum>" in f.raw),
           ("Jämtland's bankgiro", lambda f: bankgiro("5123000").replace("-", "").encode() in f.raw),
           ("attachment 2021-02-16.xml", lambda f: f.header("Content-Disposition") == 'attachment; filename="2021-02-16.xml"'))
    f = anna.get("/api/batch/file", params={"batch": "2021-02-16", "format": "lb"})
    lines = lambda f: [l for l in f.raw.replace(b"\r\n", b"\n").split(b"\n") if l]
    expect("GET /api/batch/file: the LB file", f, 200, ("opening record 11", lambda f: f.raw[:2] == b"11"),
           ("80-column records", lambda f: all(len(l) == 80 for l in lines(f))),
           ("three 14 records and a 29 summary", lambda f: sum(l[:2] == b"14" for l in lines(f)) == 3 and lines(f)[-1][:2] == b"29"),
           ("ISO 8859-1: LEVERANTÖRSBETALNINGAR", lambda f: "LEVERANTÖRSBETALNINGAR".encode("latin-1") in f.raw))
    r = anna.get("/api/payments", params={"state": "executed", "batch": "2021-02-16"})
    expect("the payments are executed in the batch", r, 200, ("3", lambda r: len(r.json["payments"]) == 3),
           ("dated 2021-02-16", lambda r: all(p["executed"] == "2021-02-16" for p in r.json["payments"])))
    r = anna.post("/api/batches", dict(body, batch="2021-02-17", date="2021-02-17"))
    expect("an export with no attested payments: 400, nothing paid", r, 400, *is_error(r, pattern="nothing was paid"))
    r = rut.post("/api/batches", dict(body, batch="b2"))
    expect("a revisor may not create a batch (403)", r, 403, *is_error(r))
    r = bertil.post("/api/batches", dict(body, batch="b2"))
    expect("an attestant may not create a batch (403)", r, 403, *is_error(r))
    r = eva.get("/api/batch/file", params={"batch": "2021-02-16", "format": "lb"})
    expect("a mottagare may not fetch a batch file (403)", r, 403, *is_error(r))
    r = anna.get("/api/batch/file", params={"batch": "no-such", "format": "lb"})
    expect("an unknown batch: 404 (field batch)", r, 404, *is_error(r, field="batch"))
    r = anna.get("/api/batch/file", params={"batch": "2021-02-16", "format": "swift"})
    expect("an unknown file format: 400 (field format)", r, 400, *is_error(r, field="format"))
    r = anna.post("/api/batches", dict(body, format="swift"))
    expect("a batch in an unknown format: 400 (field format)", r, 400, *is_error(r, field="format"))
    r = anna.post("/api/batches", dict(body, date="2021-02-30"))
    expect("a batch with a bad date: 400 (field date)", r, 400, *is_error(r, field="date"))
    r = anna.post("/api/batches", dict(body, batch="x" * 36))
    expect("a batch name of 36 characters: 400 (field batch)", r, 400, *is_error(r, field="batch"))
    r = anna.post("/api/batches", dict(body, colour="red"))
    expect("batch: an unknown field: 400 naming it (field colour)", r, 400, *is_error(r, field="colour", pattern="'colour'"))
    r = anna.post("/api/batches", dict(body, override=1))
    expect("batch: a field of the wrong type: 400 (field override)", r, 400, *is_error(r, field="override"))
    return True


def check_bank(C, exported):
    """The bank's files through the API: a pain.002 answering the exported batch, a claim's OCR reference,
    a BgMax file paying it, a match by hand under four eyes, the reconciliation views."""
    import base64
    anna, bertil, rut, eva, olle = C["anna"], C["bertil"], C["rut"], C["eva"], C["olle"]
    if not exported:
        T.skip("the bank's files", "no batch was exported")
        return
    f = anna.get("/api/batch/file", params={"batch": "2021-02-16", "format": "pain001"})
    work = tempfile.mkdtemp(prefix="bidrag-api-bank-")
    pain001 = os.path.join(work, "b.xml")
    with open(pain001, "wb") as out:
        out.write(f.raw)
    r = anna.get("/api/bank/payments", params={"batch": "2021-02-16"})
    expect("GET /api/bank/payments: the batch's three payments, sent, with their EndToEndIds", r, 200,
           ("three sent", lambda r: len(r.json["payments"]) == 3 and all(p["state"] == "sent" for p in r.json["payments"])),
           ("EndToEndIds 2021-02-16-1..3", lambda r: sorted(p["end_to_end_id"] for p in r.json["payments"]) ==
            ["2021-02-16-1", "2021-02-16-2", "2021-02-16-3"]))
    e2e03 = [p["end_to_end_id"] for p in r.json["payments"] if p["recipient"] == "03"][0]

    def answer(*args):
        p = subprocess.run([sys.executable, os.path.join(SRC, "tests", "bank-answer.py")] + list(args),
                           capture_output=True, check=True)
        return base64.b64encode(p.stdout).decode()
    pain002 = answer("pain002", pain001, "--reject", e2e03 + ":AC04")
    r = eva.post("/api/bank/import", {"name": "b.pain002.xml", "data": pain002})
    expect("a mottagare may not import a bank file (403)", r, 403, *is_error(r))
    r = anna.post("/api/bank/import", {"name": "b.pain002.xml", "data": "not base64!"})
    expect("bank import: data that is not base64: 400 (field data)", r, 400, *is_error(r, field="data"))
    r = anna.post("/api/bank/import", {"name": "junk.txt", "data": base64.b64encode(b"hello\n").decode()})
    expect("bank import: a file that is no bank file: 400 naming it", r, 400, *is_error(r, pattern="junk.txt: not a bank file"))
    r = anna.post("/api/bank/import", {"name": "b.pain002.xml", "data": pain002})
    expect("POST /api/bank/import: the pain.002, 2 accepted and Uppsala's payment rejected (AC04)", r, 201,
           ("pain.002", lambda r: r.json["kind"] == "pain.002.001.03" and r.json["again"] is False),
           ("3 events", lambda r: r.json["events"] == 3),
           ("2 accepted, 1 rejected", lambda r: r.json["entries_by_outcome"]["accepted"]["count"] == 2 and
            r.json["entries_by_outcome"]["rejected"]["count"] == 1),
           ("the reason in Swedish", lambda r: any("AC04 kontot är avslutat" in (l.get("note") or "") for l in r.json["entries"])))
    r = bertil.post("/api/bank/import", {"name": "again.xml", "data": pain002})
    expect("the same file again (by another name): 200, again, nothing recorded", r, 200,
           ("again", lambda r: r.json["again"] is True and r.json["imported_before"]["by"] == "anna"))
    r = rut.get("/api/bank/batches")
    expect("GET /api/bank/batches: 2 accepted, 1 rejected", r, 200,
           ("one batch", lambda r: [b["batch"] for b in r.json["batches"]] == ["2021-02-16"]),
           ("counts", lambda r: r.json["batches"][0]["accepted"]["count"] == 2 and r.json["batches"][0]["rejected"]["count"] == 1
            and r.json["batches"][0]["rejected"]["amount"] == 798049100))
    r = anna.post("/api/events", [event("claim-23", "repay-claim", "2021-03-01", dnr=D0, part="regioner", recipient="23",
                                        amount="10 000")])
    expect("a repayment claim through the API: 201", r, 201)
    r = eva.get("/api/claims")
    expect("GET /api/claims: Jämtland's mottagare sees its claim with the OCR reference and the bankgiro to pay to", r, 200,
           ("claim 1001, OCR 100164", lambda r: [(c["number"], c["ocr"]) for c in r.json["claims"]] == [(1001, "100164")]),
           ("open, 10 000 kr", lambda r: r.json["claims"][0]["state"] == "open" and r.json["claims"][0]["outstanding"] == 1000000),
           ("the agency's bankgiro", lambda r: r.json["bankgiro"] is not None))
    r = olle.get("/api/claims")
    expect("... Stockholm's mottagare sees none of Jämtland's", r, 200, ("none", lambda r: r.json["claims"] == []))
    bgmax = answer("bgmax", "--bankgiro", "5052-5781", "--date", "2021-03-10", "--pay", "100164:9000", "--pay", "999:1000")
    r = bertil.post("/api/bank/import", {"name": "mars.bgmax", "data": bgmax})
    expect("POST /api/bank/import: a BgMax file: 9 000 kr repaid by the OCR reference, 1 000 kr unmatched", r, 201,
           ("BgMax", lambda r: r.json["kind"] == "BgMax"),
           ("repaid and unmatched", lambda r: r.json["entries_by_outcome"]["repaid"]["amount"] == 900000 and
            r.json["entries_by_outcome"]["unmatched"]["amount"] == 100000))
    r = rut.get("/api/bank/entries", params={"unmatched": "1"})
    expect("GET /api/bank/entries?unmatched=1: the one unmatched", r, 200,
           ("one, 1 000 kr in", lambda r: [(e["amount"], e["direction"]) for e in r.json["entries"]] == [(100000, "in")]))
    entry = r.json["entries"][0]["id"]
    r = anna.post("/api/bank/match", {"entry": entry, "claim": 1001, "note": "Jämtland, rest"})
    expect("POST /api/bank/match: anna proposes it for claim 1001", r, 201, ("proposed", lambda r: r.json["state"] == "proposed"))
    r = anna.post("/api/bank/approve", {"entry": entry})
    expect("... anna may not approve her own proposal (400, four eyes)", r, 400, *is_error(r, pattern="four eyes"))
    r = bertil.post("/api/bank/approve", {"entry": entry})
    expect("... bertil approves it: the repayment is recorded", r, 200,
           ("approved, an event", lambda r: r.json["state"] == "approved" and r.json["event"].startswith("bank-hand:1001:")))
    r = eva.get("/api/claims")
    expect("the claim is paid in full", r, 200, ("paid", lambda r: r.json["claims"][0]["state"] == "paid"))
    r = eva.get("/api/claim/letter", params={"claim": "1001", "date": "2021-03-11"})
    expect("GET /api/claim/letter: Jämtland's mottagare gets its claim's letter, a PDF", r, 200,
           ("application/pdf", lambda r: r.ctype == "application/pdf" and r.raw.startswith(b"%PDF-")),
           ("an attachment", lambda r: "aterkrav-1001.pdf" in (r.header("Content-Disposition") or "")))
    r = anna.get("/api/claim/letter", params={"claim": "1001"})
    expect("... and the handläggare", r, 200, ("application/pdf", lambda r: r.ctype == "application/pdf"))
    r = olle.get("/api/claim/letter", params={"claim": "1001"})
    expect("... Stockholm's mottagare does not: 404, as no such claim", r, 404, *is_error(r, field="claim"))
    r = anna.get("/api/claim/letter", params={"claim": "9999"})
    expect("... a claim that does not exist: 404", r, 404, *is_error(r, field="claim"))
    r = anna.get("/api/claim/letter", params={"claim": "x1"})
    expect("... a claim that is no number: 400 (field claim)", r, 400, *is_error(r, field="claim"))
    r = anna.get("/api/claim/letter", params={"claim": "1001", "date": "2021-02-30"})
    expect("... a date that does not exist: 400 (field date)", r, 400, *is_error(r, field="date"))
    r = rut.get("/api/bank/days", params={"from": "2021-02-01", "to": "2021-03-31"})
    expect("GET /api/bank/days: the 10th of March's 10 000 kr in, beside the ledger's repayments", r, 200,
           ("in and repaid", lambda r: any(d["date"] == "2021-03-10" and d["bank_in"] == 1000000 and d["ledger_repaid"] == 1000000
                                          for d in r.json["days"])))
    r = rut.get("/api/bank/days", params={"from": "2021-02-30"})
    expect("GET /api/bank/days: a date that does not exist: 400 (field from)", r, 400, *is_error(r, field="from"))
    shutil.rmtree(work, ignore_errors=True)


def check_status(C, exported):
    anna, eva, olle = C["anna"], C["eva"], C["olle"]
    # SKR's requisition and payment, after the window's batch
    r = anna.post("/api/events", [
        event("req-skr", "requisition", "2021-11-30", dnr=D0, part="skr", recipient="SKR", amount="15 000 000",
              signed_by="Anders Knape"),
        pay("pay-skr", "SKR", "15 000 000", date="2021-12-03", part="skr")])
    expect("SKR's requisition and its payment: 201", r, 201, ("two recorded", lambda r: len(r.json["recorded"]) == 2))
    r = C["cecilia"].post("/api/events", [event("att-skr", "attest", "2021-12-03", ref="pay-skr")])
    expect("... attested by cecilia", r, 201)
    r = anna.get("/api/status", params={"dnr": D0, "as_of": "2021-12-31"})
    acc = lambda r, part, rec: [a for a in r.json["accounts"] if a["part"] == part and a["recipient"] == rec][0]
    paid23 = 272299300 if exported else 0
    expect("GET /api/status: the books of S2020/09797 at the end of 2021", r, 200,
           ("27 + 1 accounts", lambda r: len(r.json["accounts"]) == 28),
           ("Jämtland: 2 722 993 kr %s" % ("paid" if exported else "in process"),
            lambda r: acc(r, "regioner", "23")["paid"] == paid23 and acc(r, "regioner", "23")["allocated"] == 272299300),
           ("SKR: requisitioned and in process", lambda r: acc(r, "skr", "SKR")["in_process"] == 1500000000),
           ("amounts in öre", lambda r: r.json["amounts"] == "öre" and r.json["as_of"] == "2021-12-31"))
    r = eva.get("/api/status", params={"as_of": "2024-12-31"})
    expect("a mottagare's status holds only its own organisation (23)", r, 200,
           ("some accounts", lambda r: len(r.json["accounts"]) > 0),
           ("all recipient 23", lambda r: {a["recipient"] for a in r.json["accounts"]} == {"23"}),
           ("its requisition counted", lambda r: acc(r, "nara-vard", "23")["requisitioned"] == 4152091400))
    r = olle.get("/api/status", params={"dnr": D0})
    expect("Region Stockholm's mottagare sees only 01", r, 200,
           ("all recipient 01", lambda r: {a["recipient"] for a in r.json["accounts"]} == {"01"}))
    r = eva.get("/api/status", params={"recipient": "01"})
    expect("a mottagare asking for another organisation's status: 403 (field recipient)", r, 403,
           *is_error(r, field="recipient"))
    r = anna.get("/api/status", params={"as_of": "2021-02-30"})
    expect("a status date that does not exist: 400 (field as_of)", r, 400, *is_error(r, field="as_of"))


def check_register(C):
    anna, eva, olle, rut = C["anna"], C["eva"], C["olle"], C["rut"]
    r = anna.get("/api/register")
    expect("GET /api/register: Jämtland's 2019 and 2020", r, 200,
           ("two years", lambda r: sorted((v["org"], v["year"]) for v in r.json["registers"]) == [("23", 2019), ("23", 2020)]),
           ("2020: 20 grants, 183 408 000 kr", lambda r: any(v["year"] == 2020 and v["grants"] == 20 and
                                                           v["amount"] == 183408000 for v in r.json["registers"])))
    r = eva.get("/api/register")
    expect("the region's mottagare sees its register", r, 200, ("2", lambda r: len(r.json["registers"]) == 2))
    r = olle.get("/api/register")
    expect("another organisation's mottagare sees none of it", r, 200, ("empty", lambda r: r.json["registers"] == []))
    q = {"org": "23", "year": "2020"}
    r = anna.get("/api/register/report", params=dict(q, format="md"))
    expect("the report as markdown: the 2020 compilation, total 174,63 mkr", r, 200,
           ("text/markdown", lambda r: r.ctype == "text/markdown"),
           ("its title", lambda r: r.text.startswith("# Riktade statsbidrag 2020 – Region Jämtland Härjedalen")),
           ("174,63", lambda r: "174,63" in r.text),
           ("attachment statsbidrag-23-2020.md",
            lambda r: r.header("Content-Disposition") == 'attachment; filename="statsbidrag-23-2020.md"'))
    r = anna.get("/api/register/report", params=dict(q, format="pdf"))
    expect("the report as PDF", r, 200, ("application/pdf", lambda r: r.ctype == "application/pdf"),
           ("%PDF- magic", lambda r: r.raw[:5] == b"%PDF-"), ("%%EOF", lambda r: b"%%EOF" in r.raw[-1024:]))
    r = anna.get("/api/register/report", params=dict(q, format="xlsx"))
    expect("the report as xlsx", r, 200, ("xlsx type", lambda r: r.ctype == XLSX),
           ("PK magic", lambda r: r.raw[:4] == b"PK\x03\x04"),
           ("a workbook", lambda r: "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(r.raw)).namelist()))
    r = anna.get("/api/register/report", params=dict(q, format="csv"))
    expect("the report as CSV", r, 200, ("text/csv", lambda r: r.ctype == "text/csv"),
           ("its header", lambda r: r.text.splitlines()[0] == "del,år,bidrag,nyckel,rubrik,nivå,belopp"),
           ("God och nära vård's 71 900 000",
            lambda r: re.search(r"^bidrag,2020,god-och-nara-vard,god-och-nara-vard,.*,0,71900000$", r.text, re.M)))
    r = anna.get("/api/register/report", params=dict(q, format="md", compare="none"))
    expect("compare=none: no comparison with 2019", r, 200, ("no 154,90", lambda r: "154,90" not in r.text))
    r = eva.get("/api/register/report", params=dict(q, format="md"))
    expect("the region's mottagare gets its own report", r, 200, ("174,63", lambda r: "174,63" in r.text))
    r = olle.get("/api/register/report", params=dict(q, format="md"))
    expect("another organisation's mottagare may not get it: 403 (field org)", r, 403, *is_error(r, field="org"))
    r = olle.get("/api/register/chart", params=dict(q, format="png"))
    expect("... nor its chart: 403", r, 403, *is_error(r, field="org"))
    r = olle.get("/api/register/report", params={"org": "Region Jämtland Härjedalen", "year": "2020", "format": "md"})
    expect("... nor by the organisation's name: 403", r, 403, *is_error(r))
    r = rut.get("/api/register/chart", params=dict(q, format="png"))
    expect("the comparison chart as PNG", r, 200, ("image/png", lambda r: r.ctype == "image/png"),
           ("PNG magic", lambda r: r.raw[:8] == b"\x89PNG\r\n\x1a\n"))
    r = rut.get("/api/register/chart", params=dict(q, format="svg"))
    expect("the comparison chart as SVG", r, 200, ("image/svg+xml", lambda r: r.ctype == "image/svg+xml"),
           ("<svg", lambda r: b"<svg" in r.raw[:2000]))
    r = anna.get("/api/register/chart", params=dict(q, format="md"))
    expect("a chart as markdown: 400 (field format)", r, 400, *is_error(r, field="format"))
    r = anna.get("/api/register/report", params=dict(q, format="docx"))
    expect("an unknown report format: 400 (field format)", r, 400, *is_error(r, field="format"))
    r = anna.get("/api/register/report", params={"org": "23", "format": "md"})
    expect("a report without a year: 400 (field year)", r, 400, *is_error(r, field="year"))
    r = anna.get("/api/register/report", params={"org": "23", "year": "1999", "format": "md"})
    expect("a year out of range: 400 (field year)", r, 400, *is_error(r, field="year"))
    r = anna.get("/api/register/report", params={"org": "23", "year": "2018", "format": "md"})
    expect("a year without a register: 404 (field year)", r, 404, *is_error(r, field="year"))
    r = anna.get("/api/register/report", params={"org": "Atlantis", "year": "2020", "format": "md"})
    expect("an unknown organisation: 404 (field org)", r, 404, *is_error(r, field="org"))
    r = anna.get("/api/register/report", params=dict(q, format="md", compare="last"))
    expect("compare that is neither a year nor none: 400 (field compare)", r, 400, *is_error(r, field="compare"))


def check_new_endpoints(C):
    anna, eva, rut = C["anna"], C["eva"], C["rut"]
    r = anna.get("/api/deadlines", params={"as_of": "2021-02-01", "within": "60"})
    if not_found_route(r):
        for n in ("GET /api/deadlines (json)", "GET /api/deadlines (ics)", "a mottagare's deadlines are its own",
                  "deadlines: a bad date is 400"):
            T.skip(n)
    else:
        items = lambda r: r.json if isinstance(r.json, list) else r.json["deadlines"]
        expect("GET /api/deadlines (json): S2020/09797's window opens 2021-02-15", r, 200,
               ("window-opens", lambda r: any(d["dnr"] == D0 and d["kind"] == "window-opens" and d["date"] == "2021-02-15"
                                              for d in items(r))))
        r = anna.get("/api/deadlines", params={"as_of": "2021-02-01", "format": "ics"})
        expect("GET /api/deadlines (ics): an iCalendar file", r, 200, ("text/calendar", lambda r: r.ctype == "text/calendar"),
               ("BEGIN:VCALENDAR", lambda r: r.raw.startswith(b"BEGIN:VCALENDAR")),
               ("a UID", lambda r: b"UID:" in r.raw))
        r = eva.get("/api/deadlines", params={"as_of": "2024-06-01"})
        expect("a mottagare's deadlines are its own (one recipient each)", r, 200,
               ("some", lambda r: len(items(r)) > 0),
               ("recipients 1 at most", lambda r: all(d.get("recipients", 1) <= 1 for d in items(r))))
        r = anna.get("/api/deadlines", params={"as_of": "2021-02-31"})
        expect("deadlines: a bad date is 400 (field as_of)", r, 400, *is_error(r, field="as_of"))
    r = anna.post("/api/allocate", {"total": "1000", "method": "equal", "recipients": "01,03,23"})
    if not_found_route(r):
        for n in ("POST /api/allocate (equal)", "POST /api/allocate (key)", "allocate errors"):
            T.skip(n)
    else:
        expect("POST /api/allocate: 1 000 kr equally to three regions, exactly", r, 200,
               ("334 + 333 + 333", lambda r: [x["amount"] for x in r.json["rows"]] == [334, 333, 333]),
               ("01, 03, 23", lambda r: [x["recipient"] for x in r.json["rows"]] == ["01", "03", "23"]))
        r = rut.post("/api/allocate", {"total": "215 000 000", "method": "key", "key": "population@2019-11-01",
                                       "recipients": "regions"})
        expect("POST /api/allocate by population: seed 000's bilaga 1 (Jämtland 2 722 993)", r, 200,
               ("21 rows", lambda r: len(r.json["rows"]) == 21),
               ("Jämtland", lambda r: any(x["recipient"] == "23" and x["amount"] == 2722993 and x["key_value"] == 130697
                                          for x in r.json["rows"])),
               ("sum 215 000 000", lambda r: sum(x["amount"] for x in r.json["rows"]) == 215000000))
        r = anna.post("/api/allocate", {"total": 60000000, "method": "equal", "recipients": "samverkansregioner",
                                        "base": 0, "unit": "1"})
        expect("POST /api/allocate: 60 000 000 equally to the six samverkansregioner", r, 200,
               ("6 x 10 000 000", lambda r: [x["amount"] for x in r.json["rows"]] == [10000000] * 6))
        for body, field, what in (
                ({"total": "1000", "method": "key", "key": "population@1800-01-01"}, "key", "an unknown key"),
                ({"total": "1000", "method": "key"}, "key", "method key without a key"),
                ({"total": "1000", "method": "lottery"}, "method", "an unknown method"),
                ({"method": "equal"}, "total", "no total"),
                ({"total": "a lot", "method": "equal"}, "total", "a total that is not an amount"),
                ({"total": -5, "method": "equal"}, "total", "a negative total"),
                ({"total": "1000", "method": "equal", "recipients": "atlantis"}, "recipients", "unknown recipients"),
                ({"total": "1000", "method": "equal", "rounding": "up"}, "rounding", "an unknown rounding"),
                ({"total": "1000", "method": "equal", "colour": "red"}, "colour", "an unknown field")):
            r = anna.post("/api/allocate", body)
            expect("allocate: %s is 400 (field %s)" % (what, field), r, 400, *is_error(r, field=field))
        r = eva.post("/api/allocate", {"total": "1000", "method": "equal"})
        expect("a mottagare may not allocate (403)", r, 403, *is_error(r))
    r = anna.get("/api/datasets")
    if not_found_route(r):
        T.skip("GET /api/datasets")
    else:
        expect("GET /api/datasets: the register's keys, the seeds as their first versions", r, 200,
               ("population@2019-11-01 with 21 values", lambda r: any(
                   d["name"] == "population@2019-11-01" and d["values"] == 21 and d["builtin"] for d in r.json["datasets"])),
               ("insatser@2023", lambda r: any(d["name"] == "insatser@2023" for d in r.json["datasets"])),
               ("each with its origin: a seed, compiled in, version 1", lambda r: all(
                   d["origin"]["kind"] == "seed" and d["origin"]["format"] == "compiled-in" and d["version"] == 1
                   for d in r.json["datasets"] if d["builtin"])))
        r = rut.get("/api/dataset", params={"name": "population@2019-11-01"})
        expect("GET /api/dataset: a version with its values and versions", r, 200,
               ("21 values, Jämtland 130 697", lambda r: len(r.json["values"]) == 21 and any(
                   v["code"] == "23" and v["value"] == 130697 for v in r.json["values"])),
               ("its one version, the latest", lambda r: r.json["latest"] and [v["version"] for v in r.json["versions"]] == [1]))
        r = anna.get("/api/dataset", params={"name": "population@2019-11-01@2"})
        expect("GET /api/dataset of a version there is not: 404 naming the versions", r, 404,
               *is_error(r, pattern="has no version 2 \\(its versions: 1\\)"))
        r = anna.get("/api/dataset", params={"name": "nope"})
        expect("GET /api/dataset of an unknown name: 404", r, 404, *is_error(r, pattern="unknown dataset 'nope'"))
        r = anna.get("/api/dataset/impact", params={"name": "population@2019-11-01"})
        expect("GET /api/dataset/impact of a first version: nothing before it", r, 200,
               ("no parts", lambda r: r.json["parts"] == [] and r.json["corrects"] is None and r.json["version"] == 1))
        r = rut.get("/api/dataset/impact", params={"name": "population@2017-11-01"})
        def swapped(r):
            rows = {x["code"]: x for p in r.json["parts"] for x in p["rows"]}
            up = [x for x in rows.values() if x["difference"] > 0]
            down = [x for x in rows.values() if x["difference"] < 0]
            return (sum(x["difference"] for x in rows.values()) == 0 and {"04", "05"} <= set(rows) and
                    all(x["proposal"]["raise_ore"] == 100 * x["difference"] and x["proposal"]["later"] for x in up) and
                    all(x["proposal"]["reduce_ore"] == -100 * x["difference"] for x in down))
        expect("GET /api/dataset/impact of a correction: S2017/07321/FS, Sörmland and Östergötland swapped", r, 200,
               ("version 2 corrects 1, with the reason", lambda r: r.json["version"] == 2 and r.json["corrects"] == 1
                and r.json["reason"] == "Sörmland and Östergötland swapped"),
               ("one part, allocated by version 1", lambda r: [(p["dnr"], p["part"], p["from_version"]) for p in r.json["parts"]]
                == [("S2017/07321/FS (delvis)", "landsting", 1)]),
               ("then and now add up alike; nothing paid: raised and reduced, the rise paid with the part", swapped))
        r = eva.get("/api/dataset/impact", params={"name": "population@2019-11-01"})
        expect("a mottagare may not see a dataset's impact (403)", r, 403, *is_error(r))


def check_register_post(C):
    anna, eva, olle = C["anna"], C["eva"], C["olle"]
    doc = {"format": "bidrag-register/1", "org": "23", "years": [
        {"year": 2021, "title": "Riktade statsbidrag 2021", "grants": [
            {"key": "god-och-nara-vard", "title": "God och nära vård 2021", "grantor": "Regeringen och SKR",
             "amount": "96 000 000", "lines": [{"key": "primarvard", "title": "Primärvård", "amount": 60000000},
                                                {"key": "ovrigt", "title": "Övrigt", "amount": 36000000}]},
            {"key": "vardforlopp", "title": "Personcentrerade och sammanhållna vårdförlopp", "decision": D0,
             "amount": 2722993}]}]}
    r = eva.post("/api/register", doc)
    if not_found_route(r) or r.status == 405:
        for n in ("POST /api/register", "again", "another org", "errors"):
            T.skip("POST /api/register: " + n)
        return False
    expect("POST /api/register: the region's mottagare files its 2021 register: 201", r, 201,
           ("org 23, 2021 version 1", lambda r: r.json == {"org": "23", "stored": [{"year": 2021, "version": 1, "unchanged": False}]}))
    r = eva.post("/api/register", doc)
    expect("the same register again: stored as unchanged, no new version", r, (200, 201),
           ("unchanged", lambda r: r.json["stored"] == [{"year": 2021, "version": 1, "unchanged": True}]))
    doc2 = json.loads(json.dumps(doc))
    doc2["years"][0]["grants"][1]["amount"] = 2722994
    r = anna.post("/api/register", doc2)
    expect("a handläggare files a changed 2021: version 2", r, 201,
           ("version 2", lambda r: r.json["stored"] == [{"year": 2021, "version": 2, "unchanged": False}]))
    r = eva.get("/api/register")
    expect("GET /api/register: 2021 as version 2, filed by anna", r, 200,
           ("2021 v2", lambda r: any(v["year"] == 2021 and v["version"] == 2 and v["recorded_by"] == "anna"
                                     for v in r.json["registers"])))
    r = eva.get("/api/register/report", params={"org": "23", "year": "2021", "format": "md"})
    expect("its report compares 2021 with 2020", r, 200, ("God och nära vård 2021", lambda r: "God och nära vård 2021" in r.text))
    r = olle.post("/api/register", doc)
    expect("Region Stockholm's mottagare may not file Jämtland's register: 403 (field org)", r, 403, *is_error(r, field="org"))
    r = eva.post("/api/register", dict(doc, org="Region Stockholm"))
    expect("nor may Jämtland's file Stockholm's, named by name: 403 (field org)", r, 403, *is_error(r, field="org"))
    T.ok("... and Stockholm has no register", olle.get("/api/register").json["registers"] == [])
    r = anna.post("/api/register", dict(doc, org="Atlantis"))
    expect("a register of an unknown organisation: 400 (field org)", r, 400, *is_error(r, field="org"))
    bad = json.loads(json.dumps(doc))
    bad["years"][0]["grants"][0]["lines_csv"] = "lines.csv"
    del bad["years"][0]["grants"][0]["lines"]
    r = anna.post("/api/register", bad)
    expect("a register that refers to a CSV file: 400", r, 400, *is_error(r, pattern="lines_csv"))
    r = anna.post("/api/register", dict(doc, colour="red"))
    expect("a register with an unknown field: 400 naming it", r, 400, *is_error(r, pattern="'colour'"))
    bad = json.loads(json.dumps(doc))
    bad["years"][0]["grants"][0]["lines_total"] = "95 000 000"
    r = anna.post("/api/register", bad)
    expect("a register whose typed sum disagrees: 400 naming both figures, nothing stored", r, 400,
           *is_error(r, pattern="95 000 000"))
    return True


def check_users(C, base):
    root = C["root"]
    r = root.get("/api/users")
    expect("GET /api/users: every user, with roles and organisations", r, 200,
           ("9 users", lambda r: len(r.json["users"]) == len(USERS)),
           ("eva is mottagare of 23", lambda r: {"name": "eva", "role": "mottagare", "org": "23"}.items() <=
            [u for u in r.json["users"] if u["name"] == "eva"][0].items()),
           ("no password hash", lambda r: b"argon2" not in r.raw and b"password" not in r.raw))
    r = root.post("/api/users", {"name": "dag", "role": "handlaggare", "password": PASSWORD})
    expect("POST /api/users adds a handläggare: 201", r, 201,
           ("dag", lambda r: r.json == {"name": "dag", "role": "handlaggare", "org": None}))
    dag = Client(base)
    expect("the new user logs in", dag.login("dag"), 200)
    C["dag"] = dag
    r = root.post("/api/users", {"name": "sara", "role": "mottagare", "org": "23", "password": PASSWORD})
    expect("POST /api/users adds a mottagare of org 23: 201", r, 201, ("org 23", lambda r: r.json["org"] == "23"))
    r = root.post("/api/users", {"name": "sune", "role": "mottagare", "org": "Region Jämtland Härjedalen",
                                 "password": PASSWORD})
    expect("a mottagare's organisation given by name (as 'bidrag user add --org' takes it): 201, org 23", r, 201,
           ("org 23", lambda r: r.json["org"] == "23"))
    r = root.post("/api/users", {"name": "dag", "role": "revisor", "password": PASSWORD})
    expect("a name taken: 400", r, 400, *is_error(r, pattern="exists already"))
    for body, field, what in (
            ({"name": "Dag Ek", "role": "revisor", "password": PASSWORD}, "name", "a bad user name"),
            ({"name": "x" * 65, "role": "revisor", "password": PASSWORD}, "name", "a name of 65 characters"),
            ({"name": "bo", "role": "chef", "password": PASSWORD}, "role", "an unknown role"),
            ({"name": "bo", "role": "mottagare", "password": PASSWORD}, "org", "a mottagare without org"),
            ({"name": "bo", "role": "revisor", "org": "23", "password": PASSWORD}, "org", "an org for a revisor"),
            ({"name": "bo", "role": "mottagare", "org": "Atlantis", "password": PASSWORD}, "org", "an unknown org"),
            ({"name": "bo", "role": "revisor", "password": "short"}, "password", "a short password"),
            ({"name": "bo", "role": "revisor"}, "password", "no password"),
            ({"name": "bo", "role": "revisor", "password": PASSWORD, "admin": True}, "admin", "an unknown field")):
        r = root.post("/api/users", body)
        expect("POST /api/users: %s is 400 (field %s)" % (what, field), r, 400, *is_error(r, field=field))
    T.ok("... and none of them was added", not any(u["name"] == "bo" for u in root.get("/api/users").json["users"]))
    for who in ("anna", "rut", "eva"):
        r = C[who].post("/api/users", {"name": "mallory", "role": "admin", "password": PASSWORD})
        expect("%s (%s) may not add a user: 403" % (who, C[who].role), r, 403, *is_error(r))
    r = C["root"].post("/api/events", [pay("x-root", "04", "1")])
    expect("an admin may not record events: 403", r, 403, *is_error(r))


def check_csrf(C, base):
    anna, bertil = C["anna"], C["bertil"]
    n = len(anna.get("/api/events").json["events"])
    e = [pay("csrf-1", "04", "1")]
    r = anna.post("/api/events", e, csrf=False)
    expect("a POST without X-CSRF-Token: 403", r, 403, *is_error(r, pattern="X-CSRF-Token"))
    r = anna.post("/api/events", e, csrf=bertil.csrf)
    expect("a POST with another session's token: 403", r, 403, *is_error(r, pattern="X-CSRF-Token"))
    r = anna.post("/api/events", e, csrf=C["anna2"].csrf)
    expect("a POST with the token of the same user's other session: 403", r, 403, *is_error(r))
    r = anna.post("/api/events", e, csrf=anna.csrf[:63])
    expect("a POST with a token cut short: 403", r, 403, *is_error(r))
    r = anna.post("/api/events", e, csrf=anna.csrf.upper())
    expect("a POST with the token in upper case: 403", r, 403, *is_error(r))
    r = anna.post("/api/events", b"id=csrf-1&kind=payment", ctype="application/x-www-form-urlencoded")
    expect("a POST with a form content type: 415", r, 415, *is_error(r, pattern="application/json"))
    r = anna.post("/api/events", b"[]", ctype="multipart/form-data; boundary=x")
    expect("a POST as multipart/form-data: 415", r, 415, *is_error(r))
    r = anna.post("/api/events", json.dumps(e).encode(), ctype="text/plain")
    expect("a POST as text/plain (a CORS-simple request): 415", r, 415, *is_error(r))
    r = anna.post("/api/events", json.dumps(e).encode(), ctype=None)
    expect("a POST without Content-Type: 415", r, 415, *is_error(r))
    T.ok("... and none of them recorded anything", len(anna.get("/api/events").json["events"]) == n)
    r = anna.post("/api/events", e, ctype="application/json; charset=utf-8")
    expect("application/json; charset=utf-8 with the token is accepted: 201", r, 201)
    r = anna.post("/api/events", [pay("csrf-2", "04", "1")], ctype="application/jsonp")
    expect("a POST as application/jsonp (another type that begins like JSON's): 415", r, 415, *is_error(r))
    r = anna.post("/api/logout", {}, csrf=False)
    expect("logging out without the token: 403", r, 403, *is_error(r))
    expect("... and the session lives on", anna.get("/api/me"), 200)
    r = anna.post("/api/logout", {"everywhere": True})
    expect("logging out with a field: 400 naming it, and the session lives on", r, 400,
           *is_error(r, field="everywhere", pattern="unknown field 'everywhere'"),
           ("still logged in", lambda r: anna.get("/api/me").status == 200))


def check_bodies(C):
    anna = C["anna"]
    big = b"[" + b" " * (17 << 20) + b"]"
    r = anna.post("/api/events", big)
    expect("a 17 MiB body: 413", r, 413, *is_error(r, pattern="larger than"))
    r = Client(anna_base(anna)).post("/api/login", big, csrf=False)
    expect("a 17 MiB login body without a session: 413", r, 413, *is_error(r))
    expect("the server still answers after them", anna.get("/api/me"), 200)
    n = len(anna.get("/api/events").json["events"])
    batch = [pay("big-%05d" % i, "04", "1") for i in range(19999)] + [pay("big-19999", "04", "999 999 999")]
    body = json.dumps(batch).encode()
    t0 = time.time()
    r = anna.post("/api/events", body)
    expect("a batch of 20 000 events (%.1f MiB) is read whole; its last event is against the rules: 400 naming it"
           % (len(body) / 1048576.0), r, 400, *is_error(r, field="[19999]"))
    T.note("20 000 events answered in %.2f s" % (time.time() - t0))
    T.ok("... and none of the 19 999 others was recorded", len(anna.get("/api/events").json["events"]) == n)


def anna_base(c):
    return "http://%s:%d/" % (c.host, c.port)


def check_sessions(C, base):
    tmp = Client(base)
    tmp.login("bjorn")
    old_cookie, old_csrf = tmp.cookie, tmp.csrf
    r = tmp.post("/api/logout", {})
    cookie = r.header("Set-Cookie") or ""
    expect("POST /api/logout: 200, the cookie cleared", r, 200,
           ("logged_out", lambda r: r.json == {"logged_out": True}),
           ("Max-Age=0", lambda r: "Max-Age=0" in cookie and "bidrag_session=;" in cookie))
    r = tmp.get("/api/me", cookie=old_cookie)
    expect("the old session cookie no longer works: 401", r, 401, *is_error(r))
    r = tmp.post("/api/events", [pay("x-after-logout", "04", "1")], cookie=old_cookie, csrf=old_csrf)
    expect("nor a POST with the old cookie and token: 401", r, 401, *is_error(r))
    r = tmp.post("/api/logout", {}, cookie=old_cookie, csrf=old_csrf)
    expect("logging out twice: 401", r, 401, *is_error(r))
    expect("anna's other session is unaffected", C["anna2"].get("/api/me"), 200)


def check_concurrency(C):
    anna = C["anna"]
    results = []
    lock = threading.Lock()

    def worker(i):
        try:
            if i % 3 == 0:
                r = anna.post("/api/events", [pay("race-1", "07", "1", date="2021-02-17")])
            elif i % 3 == 1:
                r = C["eva"].get("/api/status")
            else:
                r = C["rut"].get("/api/register/report", params={"org": "23", "year": "2020", "format": "csv"})
        except Exception as e:
            r = e
        with lock:
            results.append((i, r))
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    bad = ["%d: %s" % (i, r if isinstance(r, Exception) else r.short() + " " + "; ".join(r.problems))
           for i, r in results if isinstance(r, Exception) or r.status >= 300 or r.problems]
    T.ok("24 requests at once (8 the same event) on 4 threads: all succeed", len(results) == 24 and not bad, *bad)
    posts = [r for i, r in results if i % 3 == 0 and not isinstance(r, Exception) and r.status < 300]
    T.ok("... the event is recorded exactly once, the others answer 'already'",
         sum(1 for r in posts if r.json["recorded"] == ["race-1"]) == 1 and len(events_of(anna, "race-1") or []) == 1,
         [r.json for r in posts])


def check_audit(C, routes, state):
    rut, root = C["rut"], C["root"]
    r = rut.get("/api/audit")
    expect("GET /api/audit: the log", r, 200, ("entries", lambda r: len(r.json["entries"]) > 0))
    entries = r.json["entries"] if r.status == 200 and isinstance(r.json, dict) else []

    def has(actor, action, obj=None, fn=None):
        return any(e["actor"] == actor and e["action"] == action and (obj is None or e["object"] == obj) and
                   (fn is None or fn(e)) for e in entries)

    def ids(e):
        try:
            return json.loads(e["after"] or "{}").get("ids") or []
        except ValueError:
            return []
    checks = [
        ("the seeding: root added the users", has("root", "user.add", "anna")),
        ("anna's login", has("anna", "session.login", "anna")),
        ("eva's login", has("eva", "session.login", "eva")),
        ("anna registered seed 003 through the API", has("anna", "decision.register", D3)),
        ("anna recorded the payments", has("anna", "ledger.record", D0, lambda e: "api-pay-23" in ids(e))),
        ("bertil recorded his attest", has("bertil", "ledger.record", None, lambda e: "att-23" in ids(e))),
        ("eva recorded her requisition", has("eva", "ledger.record", D3, lambda e: "req-23" in ids(e))),
        ("root added dag", has("root", "user.add", "dag")),
    ]
    if state.get("exported"):
        checks.append(("anna exported batch 2021-02-16, as pain001 and as lb",
                       sum(1 for e in entries if e["actor"] == "anna" and e["action"] == "payment-file.export"
                           and e["object"] == "2021-02-16") == 2))
    if state.get("register_post"):
        checks.append(("eva filed 2021 through the API (version 1), anna version 2",
                       has("eva", "recipient-register.import", "23 2021", lambda e: '"version":1' in (e["after"] or ""))
                       and has("anna", "recipient-register.import", "23 2021", lambda e: '"version":2' in (e["after"] or ""))))
    for text, good in checks:
        T.ok("the audit log: " + text, good)
    n = sum(1 for e in entries if e["action"] == "ledger.record" and "api-pay-23" in ids(e))
    T.ok("the audit log: the retried batch is logged once", n == 1, "%d entries name api-pay-23" % n)
    T.ok("the audit log: no refused request left an entry",
         not any(("x-" in " ".join(ids(e))) or ("csrf-1" in ids(e) and e["actor"] != "anna") for e in entries),
         [e for e in entries if "x-" in " ".join(ids(e))])
    T.ok("the audit log: seq runs 1, 2, 3, ... and each entry chains to the one before",
         [e["seq"] for e in entries] == list(range(1, len(entries) + 1)) and
         all(b["prev_sha256"] == a["sha256"] for a, b in zip(entries, entries[1:])))
    T.ok("the audit log holds no password or hash", "argon2" not in json.dumps(entries) and PASSWORD not in json.dumps(entries))
    if len(entries) > 10:
        r = rut.get("/api/audit", params={"from": str(len(entries) - 4)})
        expect("GET /api/audit?from=N: from entry N on", r, 200,
               ("5 entries from N", lambda r: [e["seq"] for e in r.json["entries"]][:5] == list(range(len(entries) - 4, len(entries) + 1))))
    r = rut.get("/api/audit", params={"from": "0"})
    expect("GET /api/audit?from=0: 400 (field from)", r, 400, *is_error(r, field="from"))
    r = rut.post("/api/audit/verify", {})
    expect("POST /api/audit/verify (revisor): ok", r, 200, ("ok", lambda r: r.json["ok"] is True),
           ("no problems", lambda r: r.json["problems"] == []),
           ("the head is the last entry's hash", lambda r: len(r.json["head"]) == 64 and r.json["entries"] >= len(entries)))
    r = root.post("/api/audit/verify", {})
    expect("POST /api/audit/verify (admin): ok", r, 200, ("ok", lambda r: r.json["ok"] is True))
    for who in ("anna", "bertil", "eva"):
        r = C[who].get("/api/audit")
        expect("%s (%s) may not read the audit log: 403" % (who, C[who].role), r, 403, *is_error(r))


def check_throttle(base):
    """Login throttling, from 127.0.0.2 so the other tests' address is not throttled."""
    c = Client(base, source="127.0.0.2")
    codes = []
    for i in range(5):
        codes.append(c.post("/api/login", {"name": "bjorn", "password": "not the password %d" % i}, csrf=False))
    expect("five wrong passwords: 401 each", codes[-1], 401,
           ("all five 401", all(r.status == 401 for r in codes)))
    r = c.post("/api/login", {"name": "bjorn", "password": "not the password 6"}, csrf=False)
    if r.status == 401:  # the first wait is one second of the clock's: it may just have passed
        T.note("the 6th attempt came after the first second's wait; the 7th waits 2 s")
        r = c.post("/api/login", {"name": "bjorn", "password": "not the password 7"}, csrf=False)
    ra = r.header("Retry-After") or ""
    expect("the next attempt: 429 with Retry-After", r, 429, *is_error(r, pattern="too many failed logins"),
           ("Retry-After is a positive number of seconds", lambda r: ra.isdigit() and int(ra) >= 1))
    time.sleep(int(ra) + 0.2 if ra.isdigit() and int(ra) <= 4 else 0)
    c.post("/api/login", {"name": "bjorn", "password": "not the password 8"}, csrf=False)  # the wait doubles
    r = c.post("/api/login", {"name": "bjorn", "password": PASSWORD}, csrf=False)
    expect("the right password is refused as well while the wait lasts: 429", r, 429,
           ("Retry-After", lambda r: (r.header("Retry-After") or "").isdigit()),
           ("no session cookie", lambda r: not r.header("Set-Cookie")))
    r = Client(base).post("/api/login", {"name": "bjorn", "password": PASSWORD}, csrf=False)
    expect("... from any address (the wait is per user name too): 429", r, 429)
    r = c.post("/api/login", {"name": "cecilia", "password": PASSWORD}, csrf=False)
    expect("... and any user from that address: 429", r, 429)
    r = Client(base).post("/api/login", {"name": "cecilia", "password": PASSWORD}, csrf=False)
    expect("another user from another address logs in: 200", r, 200)

    # Guesses sent at once: each is counted before its (slow) password check,
    # so no more than the five free ones get an answer on the password.
    statuses = []
    start = threading.Barrier(16)

    def guess(i):
        g = Client(base, source="127.0.0.3")
        start.wait()
        statuses.append(g.post("/api/login", {"name": "dora", "password": "guess %d" % i}, csrf=False).status)
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    T.ok("16 guesses at once (4 server threads): at most 5 are checked (401), the rest 429",
         len(statuses) == 16 and statuses.count(401) <= 5 and statuses.count(401) + statuses.count(429) == 16,
         "statuses: %s" % sorted(statuses))
    T.note("16 guesses at once: %d checked (401), %d refused (429)" % (statuses.count(401), statuses.count(429)))


def main():
    global SPEC
    SPEC = Spec(os.path.join(SRC, "docs", "openapi.json"))
    work = tempfile.mkdtemp(prefix="bidrag-api-")
    # tests/cli/api.sh names the database on the engine under test.
    db = os.environ.get("BIDRAG_TEST_DB") or os.path.join(work, "api.db")
    env = dict(os.environ, BIDRAG_DB=db, BIDRAG_PASSWORD=PASSWORD, LC_ALL="C.UTF-8")
    env.pop("BIDRAG_USER", None)
    server = None
    try:
        routes = route_table()
        check_document(routes)
        try:
            build_register(work, env)
            T.ok("a fresh register: 3 decisions, Jämtland's register, bankgiros, %d users" % len(USERS), True)
        except Exception as e:
            T.ok("a fresh register", False, str(e))
            return
        server, url = start_server(work, db)
        if not T.ok("bidrag serve listens on loopback and writes its address to the ready file",
                    url is not None and re.fullmatch(r"http://127\.0\.0\.1:\d+/", url or ""), "ready file: %r" % url):
            return
        T.ok("(%d API routes in src/web/*.c)" % len(routes), len(routes) > 10)
        base = url.rstrip("/")

        def alive(after):
            return T.ok("the server is still running after %s" % after, server.poll() is None,
                        "it exited with status %s" % server.poll()) if server.poll() is not None else True
        check_unauthenticated(Client(base), routes)
        C = check_login(base, routes)
        state = {}
        sections = [("the role matrix", lambda: check_role_matrix(C, routes)),
                    ("the decisions", lambda: check_decisions(C)),
                    ("the ledger", lambda: check_ledger(C)),
                    ("the batches", lambda: state.update(exported=check_batches(C))),
                    ("the status", lambda: check_status(C, state.get("exported"))),
                    ("the bank", lambda: check_bank(C, state.get("exported"))),
                    ("the register", lambda: check_register(C)),
                    ("POST /api/register", lambda: state.update(register_post=check_register_post(C))),
                    ("deadlines, allocate, datasets", lambda: check_new_endpoints(C)),
                    ("the users", lambda: check_users(C, base)),
                    ("the CSRF checks", lambda: check_csrf(C, base)),
                    ("the bodies", lambda: check_bodies(C)),
                    ("the sessions", lambda: check_sessions(C, base)),
                    ("the concurrent requests", lambda: check_concurrency(C)),
                    ("the audit log", lambda: check_audit(C, routes, state)),
                    ("the login throttling", lambda: check_throttle(base))]
        for what, fn in sections:
            try:
                fn()
            except Exception:
                T.ok("the checks of %s ran to their end" % what, False, traceback.format_exc())
            if not alive(what):
                break
        T.ok("every JSON answer was valid against docs/openapi.json (%d validated)" % SPEC.validated,
             not SPEC.undocumented, *sorted(SPEC.undocumented))
    except Exception:
        T.ok("the test ran to its end", False, traceback.format_exc())
    finally:
        if server is not None:
            alive = server.poll() is None
            if alive:
                server.send_signal(signal.SIGTERM)
            try:
                rc = server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                rc = server.wait()
                T.ok("bidrag serve stops within 20 s of SIGTERM", False)
            with open(os.path.join(work, "serve.log"), encoding="utf-8", errors="replace") as f:
                log = f.read()
            T.ok("SIGTERM stops the server gracefully: exit status 0", alive and rc == 0,
                 "was running: %s, exit status %s" % (alive, rc), log[-2000:])
            T.ok("... saying it finishes the requests under way", "SIGTERM, finishing the requests under way" in log, log[-500:])
            if db.startswith(("postgresql:", "postgres:")) or os.path.exists(db):
                p = subprocess.run([BIDRAG, "audit", "verify"], capture_output=True, text=True, env=env)
                T.ok("after the server: 'bidrag audit verify' passes", p.returncode == 0, p.stdout, p.stderr)
                p = subprocess.run([BIDRAG, "ledger", "verify"], capture_output=True, text=True, env=env)
                T.ok("after the server: 'bidrag ledger verify' says the books balance", p.returncode == 0, p.stdout, p.stderr)
            if T.failed:
                T.note("the server's output:\n" + log[-3000:])
        if os.environ.get("BIDRAG_KEEP"):
            T.note("kept " + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
        print("1..%d" % T.n)
        sys.stdout.flush()
    return 1 if T.failed else 0


SPEC = None
if __name__ == "__main__":
    sys.exit(main())
