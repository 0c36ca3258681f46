#!/usr/bin/env python3
"""Makes a crawler-style variant of a report text: the whole report on one line, as a web
crawler flattens a page's tables (cells run together, no separators).

Usage: flatten-variant.py [--spaced N] IN OUT

Every line break and `|` separator is removed. Without --spaced, figures of neighbouring cells
are glued (`0 | 0 | 0 |` becomes `000`); with --spaced N, every Nth gap between two figures
keeps one space, the others are glued (`0 0 00`), as crawler texts print partly spaced runs.
Text cells keep one space between them. Deterministic, so the fixture can be made again.
"""
import re
import sys


def flatten(text: str, spaced: int) -> str:
    # One cell per piece: lines, then `|` fields, each trimmed; empty cells vanish.
    cells = [c.strip() for line in text.split("\n") for c in line.split("|")]
    cells = [c for c in cells if c]
    out, gap = [], 0
    for c in cells:
        if out and out[-1][-1:].isdigit() and c[:1].isdigit():
            gap += 1
            out.append(" " if spaced and gap % spaced == 0 else "")
        elif out:
            # Text next to text or a figure: crawlers keep no separator inside tables.
            out.append("")
        out.append(c)
    return "".join(out)


def main():
    args = sys.argv[1:]
    spaced = 0
    if args[:1] == ["--spaced"]:
        spaced, args = int(args[1]), args[2:]
    src, dst = args
    text = open(src, encoding="utf-8").read()
    text = re.sub(r"[ \t\u3000]+", " ", text)
    open(dst, "w", encoding="utf-8").write(flatten(text, spaced) + "\n")


if __name__ == "__main__":
    main()
