#!/usr/bin/env python3
"""Times reading a PDF, side by side with `pdftotext -layout`, in one run.

Usage: bench-pdf.py [PDF...] [--runs N]   (default: ../shared/corpus/pdf/*.pdf, 30 runs)

Each run starts both programs afresh, in turn, so both pay process start-up and neither gets
a warmer cache: `tablereview extract FILE -o /dev/null` (read in its child process, laid out,
extracted and checked: the whole job) against `pdftotext -layout FILE /dev/null` (text only).
Prints the median and the fastest wall time of each, per file and per page. Needs
target/release/tablereview (cargo build --release) and poppler-utils' pdftotext.
"""
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.join(HERE, "..", "target", "release", "tablereview")


def pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 1


def clock(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def main():
    args = sys.argv[1:]
    runs = 30
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i:i + 2]
    files = args or sorted(glob.glob(os.path.join(HERE, "..", "..", "shared", "corpus", "pdf", "*.pdf")))
    if not shutil.which("pdftotext"):
        sys.exit("pdftotext is not installed (Debian: poppler-utils)")
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    print(f"{'file':40} {'pages':>5} {'tablereview ms':>15} {'pdftotext ms':>13} {'ms/page tr':>10} {'ms/page pt':>10}")
    for f in files:
        n = pages(f)
        ours, theirs = [], []
        for _ in range(runs):
            ours.append(clock([BIN, "extract", f, "-o", "/dev/null"]))
            theirs.append(clock(["pdftotext", "-layout", f, "/dev/null"]))
        mo, mt = statistics.median(ours) * 1e3, statistics.median(theirs) * 1e3
        print(f"{os.path.basename(f)[:40]:40} {n:5} {mo:9.1f} (min {min(ours) * 1e3:.1f}) {mt:7.1f} (min {min(theirs) * 1e3:.1f}) "
              f"{mo / n:10.2f} {mt / n:10.2f}")


if __name__ == "__main__":
    main()
