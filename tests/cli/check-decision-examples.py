#!/usr/bin/env python3
"""check-decision-examples.py: check the decision files in examples/decisions/.

For each examples/decisions/*.json:

  - validate it against docs/decision-file.schema.json (JSON Schema 2020-12);
  - find the seed document it transcribes (the seed whose text holds its
    title) and cross-check it against that text: dnr, date, total,
    addressee, signatories, copy list, agreement, appropriation posts,
    amounts and deadlines, the text paragraphs (verbatim, markup aside);
  - check the sums: parts add up to the decision total, funding to each
    part, each annex's parts to the annex total, a `list` to its part;
  - check every published allocation row against the seed line of the same
    printed name (in the annex's column for that part), the row order and
    count, the header and total rows, key values against data/datasets/,
    printed shares against the key, and every row against the quota rule;
  - check each payee's fields appear in the seed and its orgnr, bankgiro or
    plusgiro has a valid check digit.

Prints TAP: one "ok N - ..." or "not ok N - ..." per check, then "1..N".
Exit status 0 only when every check passed.

The repository root is two levels above this file; the seeds are in $SEEDS,
else ../shared/seeds beside the repository root.  Needs python3 and the
jsonschema package.
"""

import csv
import glob
import json
import os
import re
import sys
from fractions import Fraction

try:
    import jsonschema
except ImportError:  # pragma: no cover
    print("1..0 # SKIP python3 module jsonschema is not installed")
    sys.exit(0)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SEEDS = os.environ.get("SEEDS") or os.path.join(ROOT, "..", "shared", "seeds")

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli",
          "augusti", "september", "oktober", "november", "december"]

# ---------------------------------------------------------------- TAP

_n = 0
_failed = 0


def tap(ok, desc, diag=()):
    global _n, _failed
    _n += 1
    if not ok:
        _failed += 1
    print(f"{'ok' if ok else 'not ok'} {_n} - {desc}")
    for line in diag:
        print(f"#   {line}")


def check(desc, fn):
    """Run fn() -> list of problems (empty: ok), or (problems, notes)."""
    try:
        res = fn()
    except Exception as e:  # a malformed file must fail, not crash
        tap(False, desc, [f"{type(e).__name__}: {e}"])
        return
    notes = []
    if isinstance(res, tuple):
        res, notes = res
    tap(not res, desc, list(res) + list(notes))


# ---------------------------------------------------------------- helpers


def amount(v):
    """Whole kronor from an integer or a string as people write it."""
    if isinstance(v, bool):
        raise ValueError(f"not an amount: {v!r}")
    if isinstance(v, int):
        return v
    if not isinstance(v, str):
        raise ValueError(f"not an amount: {v!r}")
    s = v.strip().lower().replace("\u00a0", " ")
    mult = 1
    for unit, m in (("miljoner kronor", 10**6), ("mnkr", 10**6), ("mkr", 10**6),
                    ("kronor", 1), ("kr", 1)):
        if s.endswith(unit):
            s, mult = s[: -len(unit)].strip(), m
            break
    s = s.replace(" ", "").replace(",", ".")
    q = Fraction(s) * mult
    if q.denominator != 1:
        raise ValueError(f"not whole kronor: {v!r}")
    return int(q)


def sv(n):
    """215000000 -> '215 000 000'."""
    return f"{n:,}".replace(",", " ")


def sv_date(iso):
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{d} {MONTHS[m - 1]}", f"{d} {MONTHS[m - 1]} {y}"


def strip_markup(s):
    s = re.sub(r"</?b>", "", s)
    s = s.replace("*", "")
    s = re.sub(r"(?m)^#+ *", "", s)
    return s


def norm(s):
    """For comparing running text: markup dropped, white space collapsed."""
    return re.sub(r"\s+", " ", strip_markup(s)).strip()


def name_key(s):
    return re.sub(r"\s+", " ", strip_markup(s)).strip().casefold()


def luhn(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        x = int(ch)
        if i % 2:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return total % 10 == 0


def round_half_up(q, decimals):
    scaled = q * 10**decimals
    n = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    s = str(n).rjust(decimals + 1, "0")
    return s if decimals == 0 else s[:-decimals] + "," + s[-decimals:]


def share_text(q, decimals, style):
    if style == "percent":
        return round_half_up(q * 100, decimals) + "%"
    return round_half_up(q, decimals)


def read_commented_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


# ---------------------------------------------------------------- reference data

REGIONS = read_commented_csv(os.path.join(ROOT, "data", "regions.csv"))
GROUPS = read_commented_csv(os.path.join(ROOT, "data", "groups.csv"))


def _names(row, *fields):
    out = [row[f] for f in fields if row.get(f)]
    out += [a for a in row.get("aliases", "").split("|") if a]
    return out


REGION_BY_NAME = {}
for r in REGIONS:
    for n in _names(r, "code", "name", "lan"):
        REGION_BY_NAME.setdefault(name_key(n), r["code"])
GROUP_BY_NAME = {}
for g in GROUPS:
    for n in _names(g, "code", "name"):
        GROUP_BY_NAME.setdefault(name_key(n), g["code"])


def recipient_set(spec):
    """(codes of the set, name -> code resolver) for a part's recipients."""
    if spec == "regions":
        return [r["code"] for r in REGIONS], lambda n: REGION_BY_NAME.get(name_key(n))
    if spec == "rss":
        def res(n):
            k = name_key(n)
            for prefix in ("rss-", "rss ", "regional samverkans- och stödstruktur "):
                if k.startswith(prefix):
                    k = k[len(prefix):]
            c = REGION_BY_NAME.get(k)
            return c and "RSS-" + c
        return ["RSS-" + r["code"] for r in REGIONS], res
    if spec in ("samverkansregioner", "rcc"):
        kind = "samverkansregion" if spec == "samverkansregioner" else "rcc"
        codes = [g["code"] for g in GROUPS if g["kind"] == kind]
        return codes, lambda n: (GROUP_BY_NAME.get(name_key(n))
                                 if GROUP_BY_NAME.get(name_key(n)) in codes else None)
    return None, None


_datasets = {}


def dataset(name):
    """Dataset values by code (regions); RSS codes map to their län."""
    if name not in _datasets:
        path = os.path.join(ROOT, "data", "datasets", name + ".csv")
        _datasets[name] = {row["code"]: int(row["value"]) for row in read_commented_csv(path)}
    return _datasets[name]


def key_value(name, code):
    d = dataset(name)
    return d[code[4:]] if code.startswith("RSS-") else d[code]


# ---------------------------------------------------------------- seeds


def load_seeds():
    seeds = {}
    for p in sorted(glob.glob(os.path.join(SEEDS, "*.txt"))):
        with open(p, encoding="utf-8") as f:
            seeds[os.path.basename(p)] = f.read()
    return seeds


def seed_table(lines, headings):
    """The rows of the table whose header line is the column headings:
    (header index, [cells of each row], cells of the total row or None)."""
    want = [name_key(h) for h in headings]
    for i, line in enumerate(lines):
        cells = line.split("\t")
        if [name_key(c) for c in cells] != want:
            continue
        rows, total = [], None
        for line2 in lines[i + 1:]:
            if "\t" not in line2:
                break
            c = [strip_markup(x).strip() for x in line2.split("\t")]
            if c[0] in ("Summa", "Totalt"):
                total = c
                break
            rows.append(c)
        return i, rows, total
    return None, None, None


def lines_after(lines, marker, count):
    for i, line in enumerate(lines):
        if line.strip() == marker:
            return [x.strip() for x in lines[i + 1:] if x.strip()][:count]
    return None


# ---------------------------------------------------------------- the checks


def check_file(path, schema, seeds):
    fname = os.path.basename(path)
    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
    except Exception as e:
        tap(False, f"{fname}: readable JSON", [str(e)])
        return
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(d), key=lambda e: list(e.path))
    tap(not errors, f"{fname}: valid against docs/decision-file.schema.json",
        [f"{'.'.join(str(p) for p in e.path) or '(top)'}: {e.message}" for e in errors[:10]])
    if errors:
        return

    # The seed: the one whose text holds the title.
    hits = [n for n, t in seeds.items() if norm(d["title"]) in norm(t)]
    tap(len(hits) == 1, f"{fname}: its title is in exactly one seed ({', '.join(hits) or 'none'})")
    if len(hits) != 1:
        return
    seed_name = hits[0][:3]
    text = seeds[hits[0]]
    lines = text.split("\n")
    ntext = norm(text)
    tag = f"{fname} (seed {seed_name})"

    # ---- top level
    def top():
        bad = []
        if d["dnr"].startswith("utan-dnr/"):
            if "dnr" not in d.get("notes", ""):
                bad.append("a placeholder dnr must be explained in notes")
        elif d["dnr"] not in text:
            bad.append(f"dnr {d['dnr']!r} not in seed")
        if d["date"] not in text:
            bad.append(f"date {d['date']} not in seed")
        if sv(amount(d["total"])) not in text:
            bad.append(f"total {sv(amount(d['total']))} not in seed")
        if d.get("department") and d["department"] not in text:
            bad.append(f"department {d['department']!r} not in seed")
        a = d.get("addressee")
        if a:
            for x in [a["name"]] + a.get("address", []):
                if x not in text:
                    bad.append(f"addressee line {x!r} not in seed")
        return bad
    check(f"{tag}: dnr, date, total, department and addressee are in the seed", top)

    def people():
        bad = []
        sig = d.get("signatories")
        if sig is not None and lines_after(lines, "På regeringens vägnar", len(sig)) != sig:
            bad.append(f"signatories {sig} are not the lines after 'På regeringens vägnar': "
                       f"{lines_after(lines, 'På regeringens vägnar', len(sig))}")
        cop = d.get("copies")
        if cop is not None and lines_after(lines, "Kopia till", len(cop)) != cop:
            bad.append(f"copies {cop} are not the lines after 'Kopia till': "
                       f"{lines_after(lines, 'Kopia till', len(cop))}")
        return bad
    check(f"{tag}: signatories and copy list are the seed's lines, in order", people)

    def agreement():
        a = d.get("agreement")
        if not a:
            return []
        bad = []
        if a.get("dnr") and a["dnr"] not in text:
            bad.append(f"agreement dnr {a['dnr']!r} not in seed")
        if a.get("date") and sv_date(a["date"])[1] not in text:
            bad.append(f"agreement date {sv_date(a['date'])[1]!r} not in seed")
        if a.get("title") and norm(a["title"]) not in ntext:
            bad.append(f"agreement title {a['title']!r} not in seed")
        if "total" in a and sv(amount(a["total"])) not in text:
            bad.append(f"agreement total {sv(amount(a['total']))} not in seed")
        for p in a.get("parties", []):
            if p.casefold() not in text.casefold():  # "regeringen", "staten" are lower case in running text
                bad.append(f"party {p!r} not in seed")
        return bad
    check(f"{tag}: agreement dnr, date, title, parties and total are in the seed", agreement)

    def paragraphs():
        bad = []
        for i, para in enumerate(d.get("text", "").split("\n\n")):
            if para.strip() and norm(para) not in ntext:
                bad.append(f"text paragraph {i + 1} not in seed: {para[:70]!r}...")
        return bad
    check(f"{tag}: every text paragraph is in the seed verbatim", paragraphs)

    # ---- appropriations
    apps = {a["id"]: a for a in d["appropriations"]}

    def appropriations():
        bad = []
        if len(apps) != len(d["appropriations"]):
            bad.append("appropriation ids are not unique")
        for a in d["appropriations"]:
            for want in (f"{a['post']} {a['post_name']}",
                         f"{a['utgiftsomrade']} {a.get('utgiftsomrade_name', '')}".strip(),
                         f"{a['anslag']} {a.get('anslag_name', '')}".strip()):
                if want not in ntext:
                    bad.append(f"appropriation {a['id']}: {want!r} not in seed")
            if f"budgetåret {a['budget_year']}" not in text and "budget year" not in d.get("notes", ""):
                bad.append(f"appropriation {a['id']}: budget year {a['budget_year']} neither in seed nor explained in notes")
        return bad
    check(f"{tag}: appropriation posts, utgiftsområde and anslag are named as in the seed", appropriations)

    # ---- sums
    parts = d["parts"]
    byid = {p["id"]: p for p in parts}

    def parts_sum():
        s = sum(amount(p["amount"]) for p in parts)
        return [] if s == amount(d["total"]) else [f"parts add up to {sv(s)}, total is {sv(amount(d['total']))}"]
    check(f"{tag}: the parts add up to the decision total {sv(amount(d['total']))}", parts_sum)

    def funding():
        bad = []
        if len(byid) != len(parts):
            bad.append("part ids are not unique")
        for p in parts:
            s = sum(amount(f["amount"]) for f in p["funding"])
            if s != amount(p["amount"]):
                bad.append(f"part {p['id']}: funding adds up to {sv(s)}, part is {sv(amount(p['amount']))}")
            for f in p["funding"]:
                if f["appropriation"] not in apps:
                    bad.append(f"part {p['id']}: unknown appropriation {f['appropriation']!r}")
                if sv(amount(f["amount"])) not in text:
                    bad.append(f"part {p['id']}: funding amount {sv(amount(f['amount']))} not in seed")
            if sv(amount(p["amount"])) not in text:
                bad.append(f"part {p['id']}: amount {sv(amount(p['amount']))} not in seed")
        return bad
    check(f"{tag}: each part's funding adds up to the part, from known posts, amounts as in the seed", funding)

    def deadlines():
        bad = []
        dates = []
        for p in parts:
            pay = p["payment"]
            for k in ("from", "to", "deadline"):
                if k in pay:
                    dates.append((f"{p['id']}.payment.{k}", pay[k], True))
            if "by" in pay:
                dates.append((f"{p['id']}.payment.by", pay["by"], pay["mode"] == "without-requisition"))
            for k in ("repayment_deadline", "report_deadline"):
                if k in p:
                    dates.append((f"{p['id']}.{k}", p[k], True))
            if "from" in pay and "to" in pay and pay["to"] < pay["from"]:
                bad.append(f"{p['id']}: payment window ends before it starts")
        for where, iso, printed in dates:
            if iso < d["date"]:
                bad.append(f"{where} {iso} is before the decision date {d['date']}")
            if printed and sv_date(iso)[0] not in text:
                bad.append(f"{where} {iso}: {sv_date(iso)[0]!r} not in seed")
        return bad
    check(f"{tag}: deadlines fall on or after the decision date and are written in the seed", deadlines)

    # ---- allocations
    annexes = d.get("annexes", [])
    amount_col = {}  # part id -> (annex, column index)
    for an in annexes:
        for i, c in enumerate(an["columns"]):
            if c["type"] == "amount":
                amount_col.setdefault(c["part"], (an, i))

    for p in parts:
        if "allocation" not in p:
            continue
        rows = p["allocation"]
        pid = p["id"]

        def published(p=p, rows=rows, pid=pid):
            bad = []
            an, col = amount_col.get(pid, (None, None))
            table = None
            if an is not None:
                _, table, _ = seed_table(lines, [c["heading"] for c in an["columns"]])
            if table is not None:
                if len(table) != len(rows):
                    bad.append(f"{len(rows)} rows, the seed table has {len(table)}")
                for k, r in enumerate(rows):
                    want = sv(amount(r["amount"]))
                    line = next((c for c in table if name_key(c[0]) == name_key(r["recipient"])), None)
                    if line is None:
                        bad.append(f"no seed row named {r['recipient']!r}")
                    elif line[col] != want:
                        bad.append(f"{r['recipient']}: {want}, the seed prints {line[col]!r}")
                    elif k < len(table) and name_key(table[k][0]) != name_key(r["recipient"]):
                        bad.append(f"row {k + 1} is {r['recipient']!r}, the seed's is {table[k][0]!r}")
                return bad, [f"matched {len(rows)} rows in column {an['columns'][col]['heading']!r} of {an['id']}"]
            # not a table: a line that begins with the name and holds the amount
            for r in rows:
                want = sv(amount(r["amount"]))
                if not any(name_key(l).startswith(name_key(r["recipient"])) and want in l for l in lines):
                    bad.append(f"no seed line with {r['recipient']!r} and {want}")
            return bad, [f"matched {len(rows)} rows by name on the seed's lines"]
        check(f"{tag}: part {pid}: every allocation row is on the seed line of the same name", published)

        def sums(p=p, rows=rows):
            s = sum(amount(r["amount"]) for r in rows)
            a = amount(p["amount"])
            if s == a:
                return []
            if p["rule"]["method"] == "list":
                return [f"the list adds up to {sv(s)}, the part is {sv(a)}"]
            return [], [f"note: the published rows add up to {sv(s)}, {s - a:+d} kr against {sv(a)}; "
                        "kept as published (the register warns)"]
        check(f"{tag}: part {pid}: the allocation adds up to the part (a list exactly)", sums)

        if p["rule"]["method"] in ("key", "mix", "equal") and isinstance(p["recipients"], str):
            def quota(p=p, rows=rows):
                codes, resolve = recipient_set(p["recipients"])
                if codes is None:
                    return [f"unknown recipient set {p['recipients']!r}"]
                bad = []
                got = {}
                for r in rows:
                    c = resolve(r["recipient"])
                    if c is None:
                        bad.append(f"{r['recipient']!r} is not a known {p['recipients']} recipient")
                    elif c in got:
                        bad.append(f"{r['recipient']!r} names {c} twice")
                    else:
                        got[c] = amount(r["amount"])
                if bad:
                    return bad
                if set(got) != set(codes):
                    return [f"rows cover {sorted(got)}, the set is {sorted(codes)}"]
                rule = p["rule"]
                total = amount(p["amount"])
                base = amount(rule.get("base", 0))
                rest = total - base * len(codes)
                if rule["method"] == "equal":
                    w = {c: Fraction(1, len(codes)) for c in codes}
                else:
                    keys = ([{"key": rule["key"], "weight": "1"}] if rule["method"] == "key" else rule["keys"])
                    w = {c: Fraction(0) for c in codes}
                    for k in keys:
                        vals = {c: key_value(k["key"], c) for c in codes}
                        tot = sum(vals.values())
                        for c in codes:
                            w[c] += Fraction(k["weight"]) * Fraction(vals[c], tot)
                    if sum(w.values()) != 1:
                        return ["the weights do not add up to 1"]
                worst = Fraction(0)
                for c in codes:
                    q = base + rest * w[c]
                    dev = abs(got[c] - q)
                    worst = max(worst, dev)
                    if dev >= 1:
                        bad.append(f"{c}: {sv(got[c])} is {float(dev):.2f} kr from its quota {float(q):.2f}")
                return bad, [f"largest deviation from the exact quota {float(worst):.2f} kr"]
            check(f"{tag}: part {pid}: every row is within 1 kr of its quota under the rule", quota)

    # ---- annexes
    for an in annexes:
        def annex(an=an):
            bad = []
            cols = an["columns"]
            aparts = [c["part"] for c in cols if c["type"] == "amount"]
            for x in aparts:
                if x not in byid:
                    bad.append(f"unknown part {x!r}")
            for c in cols:
                if c["type"] in ("key", "share"):
                    try:
                        dataset(c["key"])
                    except OSError:
                        bad.append(f"unknown dataset {c['key']!r}")
            if bad:
                return bad
            s = sum(amount(byid[x]["amount"]) for x in aparts)
            if "total" in an and s != amount(an["total"]):
                bad.append(f"parts add up to {sv(s)}, the annex says {sv(amount(an['total']))}")
            for h in an.get("heading", []) + ([an["caption"]] if an.get("caption") else []) + an.get("notes", []):
                if norm(h) not in ntext:
                    bad.append(f"heading/caption/note not in seed: {h!r}")
            return bad
        check(f"{tag}: annex {an['id']}: parts add up to its total; headings, caption and notes are in the seed", annex)

        _, table, total_row = seed_table(lines, [c["heading"] for c in an["columns"]])
        if table is None:
            continue  # not printed as a table (seed 000 bilaga 2): rows checked by line above

        def layout(an=an, table=table, total_row=total_row):
            bad = []
            cols = an["columns"]
            first = byid[next(c["part"] for c in cols if c["type"] == "amount")]
            codes, resolve = recipient_set(first["recipients"]) if isinstance(first["recipients"], str) else (None, None)
            by_name = {}
            for c in cols:
                if c["type"] == "amount" and "allocation" in byid[c["part"]]:
                    for r in byid[c["part"]]["allocation"]:
                        by_name.setdefault(name_key(r["recipient"]), {})[c["part"]] = amount(r["amount"])
            col_totals = [0] * len(cols)
            for cells in table:
                if len(cells) != len(cols):
                    bad.append(f"seed row {cells[0]!r} has {len(cells)} cells, the annex {len(cols)} columns")
                    continue
                code = resolve(cells[0]) if resolve else None
                rowsum = 0
                for i, c in enumerate(cols):
                    t = c["type"]
                    if t == "key":
                        v = key_value(c["key"], code)
                        col_totals[i] += v
                        if cells[i] != sv(v):
                            bad.append(f"{cells[0]}: {c['heading']!r} is {cells[i]!r}, {c['key']} has {sv(v)}")
                    elif t == "share":
                        allv = {k: key_value(c["key"], k) for k in codes}
                        want = share_text(Fraction(allv[code], sum(allv.values())), c.get("decimals", 2),
                                          c.get("style", "fraction"))
                        if cells[i] != want:
                            bad.append(f"{cells[0]}: {c['heading']!r} is {cells[i]!r}, the key gives {want!r}")
                    elif t == "amount":
                        v = by_name.get(name_key(cells[0]), {}).get(c["part"])
                        if v is not None:
                            rowsum += v
                            col_totals[i] += v
                    elif t == "sum":
                        if cells[i] != sv(rowsum):
                            bad.append(f"{cells[0]}: {c['heading']!r} is {cells[i]!r}, the row's amounts add up to {sv(rowsum)}")
            if total_row is None:
                if an.get("total_label"):
                    bad.append(f"no total row {an['total_label']!r} in the seed table")
                return bad
            if an.get("total_label") and total_row[0] != an["total_label"]:
                bad.append(f"total row is labelled {total_row[0]!r}, the annex says {an['total_label']!r}")
            notes = []
            for i, c in enumerate(cols):
                t = c["type"]
                if t == "key" and total_row[i] != sv(col_totals[i]):
                    bad.append(f"total of {c['heading']!r} printed {total_row[i]!r}, the key adds up to {sv(col_totals[i])}")
                elif t == "share":
                    want = share_text(Fraction(1), c.get("total_decimals", c.get("decimals", 2)), c.get("style", "fraction"))
                    if total_row[i] != want:
                        bad.append(f"total of {c['heading']!r} printed {total_row[i]!r}, the annex prints {want!r}")
                elif t == "amount":
                    want = sv(amount(byid[c["part"]]["amount"]))
                    if total_row[i] != want:
                        bad.append(f"total of {c['heading']!r} printed {total_row[i]!r}, the part is {want}")
                    if col_totals[i] != amount(byid[c["part"]]["amount"]):
                        notes.append(f"note: the rows of {c['heading']!r} add up to {sv(col_totals[i])}, "
                                     f"the printed total is {total_row[i]}")
                elif t == "sum" and "total" in an and total_row[i] != sv(amount(an["total"])):
                    bad.append(f"total of {c['heading']!r} printed {total_row[i]!r}, the annex says {sv(amount(an['total']))}")
            return bad, notes
        check(f"{tag}: annex {an['id']}: header, key values, shares and total row reproduce the seed table", layout)

    # ---- payees
    payees = []
    for p in parts:
        if isinstance(p.get("payee"), dict):
            payees.append((p["id"], p["payee"]))
        for r in p.get("allocation", []):
            if isinstance(r.get("payee"), dict):
                payees.append((f"{p['id']}/{r['recipient']}", r["payee"]))
    if payees:
        def payee_check():
            bad = []
            for where, py in payees:
                for k, v in py.items():
                    for x in (v if isinstance(v, list) else [v]):
                        if x not in text:
                            bad.append(f"{where}: {k} {x!r} not in seed")
                for k, lengths in (("orgnr", (10, 12)), ("bankgiro", (7, 8)), ("plusgiro", range(2, 9))):
                    if k in py:
                        digits = re.sub(r"\D", "", py[k])
                        if len(digits) not in lengths:
                            bad.append(f"{where}: {k} {py[k]!r} has {len(digits)} digits")
                        elif not luhn(digits[-10:] if k == "orgnr" else digits):
                            bad.append(f"{where}: {k} {py[k]!r} fails its check digit")
            return bad, [f"{len(payees)} payees"]
        check(f"{tag}: payees are as printed in the seed, with valid check digits", payee_check)

    # every recipient named by a part resolves (set or list)
    def recipients():
        bad = []
        for p in parts:
            rc = p["recipients"]
            if isinstance(rc, str):
                if recipient_set(rc)[0] is None:
                    bad.append(f"part {p['id']}: unknown recipient set {rc!r}")
            else:
                for n in rc:
                    if n != "SKR" and REGION_BY_NAME.get(name_key(n)) is None and GROUP_BY_NAME.get(name_key(n)) is None:
                        bad.append(f"part {p['id']}: unknown recipient {n!r}")
        return bad
    check(f"{tag}: every part names known recipients", recipients)


def main():
    with open(os.path.join(ROOT, "docs", "decision-file.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    seeds = load_seeds()
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "decisions", "*.json")))
    tap(bool(seeds), f"seeds found in {os.path.normpath(SEEDS)} ({len(seeds)})")
    tap(bool(files), f"decision files found in examples/decisions/ ({len(files)})")
    for path in files:
        check_file(path, schema, seeds)
    print(f"1..{_n}")
    return 1 if _failed else 0


if __name__ == "__main__":
    sys.exit(main())
