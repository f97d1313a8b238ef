#!/usr/bin/env python3
"""Write a deterministic key file for the benchmark: header `id,a,b`, N rows.

    gen.py N OUT.csv

Same N, same bytes, on any machine and Python version: the values come from
a 64-bit linear congruential generator (Knuth's MMIX constants), not from
the `random` module.

  id  r + 8 digits, unique.  The ids are a permutation of 0..N-1 (i * 7919 + 13
      mod N), so byte order of the ids is not the row order and the
      tie-break "smaller id" is exercised for real.
  a   0 .. 1 000 000, the product of two uniform draws scaled back, so small
      values are common (a population-like skew, and many equal values).
  b   0 .. 999, uniform (a small count key); with the skew of a, many rows
      share the same (a, b) and so tie exactly on remainder and weight.
"""
import sys

MASK = (1 << 64) - 1
MUL = 6364136223846793005
INC = 1442695040888963407


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen.py N OUT.csv")
    n = int(sys.argv[1])
    out = sys.argv[2]
    if n < 1 or n % 7919 == 0:  # 7919 is prime: a permutation unless it divides N
        sys.exit("gen.py: N must be positive and not a multiple of 7919")
    x = 20261124
    chunk = []
    with open(out, "w", encoding="ascii", newline="") as f:
        f.write("id,a,b\n")
        for i in range(n):
            x = (x * MUL + INC) & MASK
            u = (x >> 33) % 1001
            x = (x * MUL + INC) & MASK
            v = (x >> 33) % 1001
            x = (x * MUL + INC) & MASK
            b = (x >> 33) % 1000
            a = u * v  # 0 .. 1 000 000
            chunk.append("r%08d,%d,%d\n" % ((i * 7919 + 13) % n, a, b))
            if len(chunk) == 65536:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))


if __name__ == "__main__":
    main()
