#!/usr/bin/env python3
"""Fills the official blank gov-2021 Word template with known values, for DOCX fixtures.

Usage: fill-docx-template.py TEMPLATE.docx TRUTH.json OUT.docx [--blank-zeros]

TRUTH.json holds "values": {"table.row.column": number or null}. Each data row of the
template is found by its label (the labels of src/template/gov-2021.json), and its empty cells
are filled in order with the row's values; the appeals table's one data row takes its fifteen
figures in order. A null value leaves the cell blank. --blank-zeros leaves every 0 outside the
总计 columns blank (and writes null for it into OUT.truth.json), as many offices print them.
The template itself stays in ../shared; only the filled fixtures are committed.
"""
import json
import os
import re
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    blank_zeros = "--blank-zeros" in sys.argv
    template, truth_path, out = args
    tpl = json.load(open(os.path.join(HERE, "..", "src", "template", "gov-2021.json"), encoding="utf-8"))
    values = dict(json.load(open(truth_path, encoding="utf-8"))["values"])
    if blank_zeros:
        for k, v in list(values.items()):
            if v == 0 and not k.endswith(".total") and ".total_processed." not in k:
                values[k] = None
    tables = {t["id"]: t for t in tpl["tables"]}

    def row_cells(table, row):
        cols = row.get("columns") or [c["key"] for c in table["columns"]]
        return [f'{table["id"]}.{row["key"]}.{c}' for c in cols]

    by_label = {}
    for tid in ("proactive", "requests"):
        for row in tables[tid]["rows"]:
            by_label[row["label"]] = row_cells(tables[tid], row)
    appeals = [k for row in tables["appeals"]["rows"] for k in row_cells(tables["appeals"], row)]

    zin = zipfile.ZipFile(template)
    xml = zin.read("word/document.xml").decode("utf-8")

    def text_of(cell):
        return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", cell)).strip("\u3000 ")

    def fill(cell, value):
        if value is None:
            return cell
        v = f"{value:g}" if isinstance(value, float) else str(value)
        run = f"<w:r><w:t>{v}</w:t></w:r>"
        # Drop the cell's placeholder spaces, then put the figure in its first paragraph.
        cell = re.sub(r"<w:r>(?:(?!</w:r>).)*<w:t(?: [^>]*)?>[\u3000 ]*</w:t></w:r>", "", cell, flags=re.S)
        m = re.search(r"<w:p(?: [^>]*)?/>", cell)
        if m and "</w:p>" not in cell:
            return cell[: m.start()] + m.group(0)[:-2] + ">" + run + "</w:p>" + cell[m.end():]
        i = cell.find("</w:p>")
        return cell[:i] + run + cell[i:]

    def fill_row(tr):
        cells = re.findall(r"<w:tc>.*?</w:tc>", tr, re.S)
        texts = [text_of(c) for c in cells]
        merged = [bool(re.search(r'<w:vMerge/>|<w:vMerge w:val="continue"', c)) for c in cells]
        empties = [i for i, t in enumerate(texts) if not t and not merged[i]]
        label = next((t for t in reversed(texts) if t), None)
        keys = by_label.get(label)
        if keys is None and len(empties) == len(appeals) and not any(texts):
            keys = appeals
        if keys is None or len(empties) != len(keys):
            return tr
        for i, k in zip(empties, keys):
            tr = tr.replace(cells[i], fill(cells[i], values.get(k)), 1)
        return tr

    xml = re.sub(r"<w:tr[ >].*?</w:tr>", lambda m: fill_row(m.group(0)), xml, flags=re.S)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = xml.encode("utf-8")
            zout.writestr(item, data)
    json.dump({"note": f"the official gov-2021 template filled by scripts/fill-docx-template.py{' --blank-zeros' if blank_zeros else ''}",
               "values": values}, open(out[:-5] + ".truth.json", "w", encoding="utf-8"), ensure_ascii=False, indent=0)


if __name__ == "__main__":
    main()
