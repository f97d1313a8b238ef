#!/usr/bin/env python3
"""Check bidrag's CSV output against its input (and, if given, the reference).

    check.py TOTAL IN.csv BIDRAG_OUT.csv [REFERENCE_OUT.csv]

Always: the header has `code` and `amount`; there is one row per input row,
in input order, with the input's id as its code and the input's a and b as
key_1 and key_2 (when those columns are present); the amounts are whole
non-negative kronor and add up to TOTAL exactly.  With REFERENCE_OUT.csv
(`id,amount`, from reference.py): every amount equals the reference's amount
exactly.  Any failure is printed and the exit status is 1.  The files are
streamed, so 10^7 rows need little memory.
"""
import csv
import sys
from itertools import zip_longest

MAX_SHOWN = 10


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: check.py TOTAL IN.csv BIDRAG_OUT.csv [REFERENCE_OUT.csv]")
    total = int(sys.argv[1].replace(" ", ""))
    src, got_path = sys.argv[2], sys.argv[3]
    ref_path = sys.argv[4] if len(sys.argv) == 5 else None

    problems = []

    def problem(msg):
        problems.append(msg)
        return len(problems) >= MAX_SHOWN

    fin = open(src, newline="", encoding="utf-8")
    fgot = open(got_path, newline="", encoding="utf-8")
    fref = open(ref_path, newline="", encoding="utf-8") if ref_path else None
    inp, got = csv.reader(fin), csv.reader(fgot)
    ref = csv.reader(fref) if fref else iter(())

    ih, gh = next(inp), next(got)
    if fref:
        rh = next(ref)
        if rh != ["id", "amount"]:
            sys.exit("check.py: %s: unexpected header %s" % (ref_path, rh))
    for col in ("code", "amount"):
        if col not in gh:
            sys.exit("check.py: %s: no column '%s' in the header %s" % (got_path, col, ",".join(gh)))
    i_id, i_a, i_b = ih.index("id"), ih.index("a"), ih.index("b")
    g_code, g_amount = gh.index("code"), gh.index("amount")
    g_k1 = gh.index("key_1") if "key_1" in gh else None
    g_k2 = gh.index("key_2") if "key_2" in gh else None

    s = 0
    rows = 0
    for line, (irow, grow, rrow) in enumerate(zip_longest(inp, got, ref if fref else []), start=2):
        if irow is None or grow is None:
            problem("%s has %s rows than %s" % (got_path, "more" if irow is None else "fewer", src))
            break
        if fref and rrow is None:
            problem("%s has more rows than the reference %s" % (got_path, ref_path))
            break
        rows += 1
        code = grow[g_code]
        if code != irow[i_id]:
            if problem("line %d: code %r, but the input has %r" % (line, code, irow[i_id])):
                break
        if (g_k1 is not None and grow[g_k1] != irow[i_a]) or (g_k2 is not None and grow[g_k2] != irow[i_b]):
            if problem("line %d: keys %r,%r, but the input has %r,%r" % (
                    line, grow[g_k1], grow[g_k2], irow[i_a], irow[i_b])):
                break
        text = grow[g_amount]
        if not text.isdigit():
            if problem("line %d: amount %r is not a whole number of kronor" % (line, text)):
                break
            continue
        amount = int(text)
        s += amount
        if fref:
            if rrow[0] != code or int(rrow[1]) != amount:
                if problem("line %d: bidrag gives %s %d kr, the reference %s %s kr" % (
                        line, code, amount, rrow[0], rrow[1])):
                    break
    if not problems and s != total:
        problem("the amounts add up to %d, not the total %d (difference %d)" % (s, total, s - total))
    if not problems and fref and next(ref, None) is not None:
        problem("the reference has more rows than %s" % got_path)

    if problems:
        print("CHECK FAILED: %s" % got_path, file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        if len(problems) >= MAX_SHOWN:
            print("  (stopped after %d problems)" % MAX_SHOWN, file=sys.stderr)
        sys.exit(1)
    what = "equal to the Python reference, row for row" if fref else "sum exactly to the total"
    print("check: %s: %d rows, amounts %s (sum %d)" % (got_path.rsplit("/", 1)[-1], rows, what, s))


if __name__ == "__main__":
    main()
