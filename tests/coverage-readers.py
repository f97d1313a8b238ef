#!/usr/bin/env python3
"""coverage-readers.py BUILD: the readers' error lines that no test ran.

Reads gcovr's JSON for the thirteen readers of src/io from BUILD (a build
set up with -Db_coverage=true whose tests have run; see tests/coverage.md)
and prints, per reader, how many lines refuse (a call of bd_fail, jf_fail,
fail, fail_at, or `return -1` passing a refusal on) and which of them were
not run.  Exit status 1 if any was not run that is not listed in EXPLAINED
(lines no input can reach, each with a comment at the place)."""
import json
import os
import re
import subprocess
import sys

READERS = ["keyfile", "csvread", "pubtable", "eventfile", "payeefile", "statfile", "decisionfile", "regfile",
           "jsonstat", "px", "pain002", "camt", "bgmax"]
# file -> the text of the lines no input can reach (explained at the place)
EXPLAINED = {"csvread": ["csv_init", "csv_parse", "csv_fini"]}
ERROR = re.compile(r"\b(bd_fail|jf_fail|fail|fail_at)\s*\(|return -1\b")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build-coverage"
    filt = "src/io/(%s)\\.c" % "|".join(READERS)
    out = subprocess.run(["gcovr", "-r", ".", "--object-directory", build, build, "--filter", filt, "--json", "-"],
                         check=True, capture_output=True, text=True).stdout
    files = {os.path.basename(f["file"])[:-2]: f for f in json.loads(out)["files"]}
    total = missed = unexplained = 0
    print("%-14s %6s %8s  %s" % ("reader", "errors", "not run", "lines not run"))
    for r in READERS:
        f = files.get(r)
        if not f:
            print("%-14s (no coverage data)" % r)
            unexplained += 1
            continue
        src = open(f["file"], encoding="utf-8").read().split("\n")
        err, miss = set(), set()
        for ln in f["lines"]:
            if ln.get("gcovr/noncode"):
                continue
            n = ln["line_number"]
            if ERROR.search(src[n - 1]):
                err.add(n)
                if ln["count"] == 0:
                    miss.add(n)
        for n in miss:
            # the line itself or the two before it (a multi-line condition)
            ctx = "\n".join(src[max(0, n - 3):n])
            if not any(word in ctx for word in EXPLAINED.get(r, [])):
                unexplained += 1
        total += len(err)
        missed += len(miss)
        print("%-14s %6d %8d  %s" % (r + ".c", len(err), len(miss), " ".join(map(str, sorted(miss)))))
    print("%-14s %6d %8d" % ("all", total, missed))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
