#!/usr/bin/env python3
"""The allocation peer of issue 16: bidrag's weighted largest-remainder
allocation as an exact program in plain Python integers (no Fraction, no
floating point), writing the very CSV `bidrag allocate --format csv` writes.

    peer_alloc.py TOTAL IN.csv OUT.csv [COLUMN WEIGHT ...]

IN.csv has a header with an `id` column and the key columns (default: a 1/2
b 1/2), one row per recipient, comma-separated, no quoting (what bench/gen.py
writes).  WEIGHT is a fraction p/q (or a whole number); the weights add up to 1.

Every quota is brought to one common denominator.  With S_j the sum of
column j, L the least common multiple of the weights' denominators and
A_j = w_j * L, recipient i gets the integer weight

    N_i = sum_j A_j * v_ji * prod_{l != j} S_l,   C = sum_i N_i,

and quota_i = TOTAL * N_i / C exactly.  Every recipient gets the floor;
the kronor left over go one each to the largest remainders
(TOTAL * N_i mod C); equal remainders go first to the larger N_i, then to
the smaller id in byte order (bidrag's documented tie-break).

OUT.csv: `code,recipient,key_1,...,share,amount` in input order, the id as
both code and recipient, the keys as integers, share = N_i / C rounded half
up to 10 decimals with a decimal point.  bench/run checks it equals bidrag's
output byte for byte.
"""
import sys
from math import gcd


def parse_weight(text):
    num, _, den = text.partition("/")
    num, den = int(num), int(den or 1)
    if num <= 0 or den <= 0:
        sys.exit("peer_alloc.py: weights must be positive")
    return num, den


def main():
    args = sys.argv[1:]
    if len(args) < 3 or len(args) % 2 == 0:
        sys.exit("usage: peer_alloc.py TOTAL IN.csv OUT.csv [COLUMN WEIGHT ...]")
    total = int(args[0].replace(" ", ""))
    src, dst = args[1], args[2]
    spec = args[3:] or ["a", "1/2", "b", "1/2"]
    columns = spec[0::2]
    weights = [parse_weight(w) for w in spec[1::2]]

    lcm = 1
    for _, den in weights:
        lcm = lcm * den // gcd(lcm, den)
    A = [num * (lcm // den) for num, den in weights]
    if sum(A) != lcm:
        sys.exit("peer_alloc.py: the weights must add up to 1")

    with open(src, "rb") as f:
        data = f.read()
    if b'"' in data or b"\r" in data:
        sys.exit("peer_alloc.py: quoted fields and carriage returns are not supported")
    lines = data.split(b"\n")
    del data
    if lines and lines[-1] == b"":
        lines.pop()
    header = lines[0].split(b",")
    id_col = header.index(b"id")
    key_cols = [header.index(c.encode()) for c in columns]
    rows = [line.split(b",") for line in lines[1:]]
    del lines
    ids = [r[id_col] for r in rows]
    values = [[int(r[c]) for r in rows] for c in key_cols]
    del rows
    n = len(ids)

    sums = [sum(v) for v in values]
    if any(s == 0 for s in sums):
        sys.exit("peer_alloc.py: a key column sums to zero")
    P = []
    for j in range(len(values)):
        p = A[j]
        for l, s in enumerate(sums):
            if l != j:
                p *= s
        P.append(p)

    if len(values) == 2:
        (va, vb), (pa, pb) = values, P
        N = [x * pa + y * pb for x, y in zip(va, vb)]
    else:
        N = [sum(v[i] * P[j] for j, v in enumerate(values)) for i in range(n)]
    C = sum(N)

    amount = []
    rem = []
    for w in N:
        q, r = divmod(total * w, C)
        amount.append(q)
        rem.append(r)
    left = total - sum(amount)
    if not 0 <= left <= n:
        sys.exit("peer_alloc.py: internal error: %d kronor left over for %d recipients" % (left, n))
    if left:
        # Rank by remainder, then N: one integer key K = rem * (max N + 1) + N.
        # Everyone above the left-th largest K gets a krona; among those
        # equal to it (a tie on remainder and weight) the smaller ids do.
        m = max(N) + 1
        K = [r * m + w for r, w in zip(rem, N)]
        order = sorted(range(n), key=K.__getitem__, reverse=True)
        edge = K[order[left - 1]]
        above = [i for i in order[:left] if K[i] != edge]
        tied = sorted((i for i in range(n) if K[i] == edge), key=ids.__getitem__)
        for i in above + tied[:left - len(above)]:
            amount[i] += 1
    assert sum(amount) == total

    scale = 10**10
    two_c = 2 * C
    with open(dst, "wb") as f:
        keys = ["key"] if len(values) == 1 else ["key_%d" % (j + 1) for j in range(len(values))]
        f.write(("code,recipient,%s,share,amount\n" % ",".join(keys)).encode())
        fmt = b"%s,%s," + b"%d," * len(values) + b"%d.%010d,%d\n"
        rows = zip(ids, *values, N, amount)
        while True:
            out = [fmt % ((r[0], r[0]) + r[1:-2] + divmod((2 * r[-2] * scale + C) // two_c, scale) + (r[-1],))
                   for _, r in zip(range(65536), rows)]
            if not out:
                break
            f.write(b"".join(out))


if __name__ == "__main__":
    main()
