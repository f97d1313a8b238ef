#!/usr/bin/env python3
"""Exact reference for the benchmark: the largest-remainder allocation of
bidrag's two-key rule, in plain Python with fractions.Fraction.

    reference.py TOTAL IN.csv OUT.csv [COLUMN WEIGHT ...]

IN.csv has a header with an `id` column and the key columns (default: a 1/2
b 1/2), one row per recipient.  For each recipient i

    quota_i = TOTAL * sum_j w_j * v_ji / S_j        (S_j = sum of column j)

exactly, as a Fraction.  Every recipient gets floor(quota_i); the kronor left
over go one each to the largest fractional parts quota_i - floor(quota_i);
equal fractional parts go first to the larger combined weight
sum_j w_j * v_ji / S_j, then to the smaller id in byte order (the ids are read
as UTF-8, whose byte order is code-point order).

OUT.csv gets `id,amount` in input order.  Only the standard library is used:
csv for the files, fractions for the arithmetic.
"""
import csv
import sys
from fractions import Fraction


def main():
    args = sys.argv[1:]
    if len(args) < 3 or len(args) % 2 == 0:
        sys.exit("usage: reference.py TOTAL IN.csv OUT.csv [COLUMN WEIGHT ...]")
    total = int(args[0].replace(" ", ""))
    src, dst = args[1], args[2]
    spec = args[3:] or ["a", "1/2", "b", "1/2"]
    columns = spec[0::2]
    weights = [Fraction(w) for w in spec[1::2]]
    if sum(weights) != 1:
        sys.exit("reference.py: the weights must add up to 1")

    with open(src, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        id_col = header.index("id")
        key_cols = [header.index(c) for c in columns]
        ids = []
        values = [[] for _ in columns]
        for row in rows:
            ids.append(row[id_col])
            for j, c in enumerate(key_cols):
                values[j].append(int(row[c]))

    n = len(ids)
    sums = [sum(v) for v in values]
    if any(s == 0 for s in sums):
        sys.exit("reference.py: a key column sums to zero")

    # Combined weight (share of the total) and quota of each recipient.
    share = [sum((w * Fraction(values[j][i], sums[j]) for j, w in enumerate(weights)), Fraction(0))
             for i in range(n)]
    amount = [0] * n
    remainder = [None] * n
    for i in range(n):
        q = total * share[i]
        fl = q.numerator // q.denominator
        amount[i] = fl
        remainder[i] = q - fl

    left = total - sum(amount)
    if not 0 <= left <= n:
        sys.exit("reference.py: internal error: %d kronor left over for %d recipients" % (left, n))
    order = sorted(range(n), key=lambda i: (-remainder[i], -share[i], ids[i].encode("utf-8")))
    for i in order[:left]:
        amount[i] += 1
    assert sum(amount) == total

    with open(dst, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["id", "amount"])
        out.writerows(zip(ids, amount))


if __name__ == "__main__":
    main()
