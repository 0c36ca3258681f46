#!/usr/bin/env python3
"""Makes the PDF fixtures in fixtures/documents/.

Usage: make-pdf-fixtures.py lo        print the filled Word fixtures to PDF with LibreOffice
                                       (real CJK fonts: Debian's fonts-noto-cjk), beside them
       make-pdf-fixtures.py stsong     write two PDFs by hand in the non-embedded STSong-Light
                                       font that official typesetting systems use, one in each
                                       of its predefined encodings (GBK-EUC-H, UniGB-UCS2-H):
                                       no font file, no ToUnicode map, only the encoding's name
       make-pdf-fixtures.py locked     encrypt the UCS2 one (needs pypdf): an empty user
                                       password (reads), and a real one (fixtures/hostile/)
       make-pdf-fixtures.py turned     the UCS2 one drawn turned and shown turned back
                                       (/Rotate 90), as Word writes landscape pages

The hand-made PDFs draw the three tables of the gov-2021 form with their merged cells, a
vertical group label set one character a line, figures a few points off their labels'
baselines, a table that runs on to the next page and a page number on every page. Their
values are those of seed000_filled.truth.json (the GBK one with its zeros left blank, as many
offices print them; the UCS2 one with a fee of 2110.5 万元); each gets its own STEM.truth.json.
"""
import json
import os
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "..", "fixtures", "documents")
TEMPLATE = json.load(open(os.path.join(HERE, "..", "src", "template", "gov-2021.json"), encoding="utf-8"))


def lo():
    for stem in ("seed000_filled", "seed000_blank_zeros"):
        subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", DOCS,
                        os.path.join(DOCS, stem + ".docx")], check=True)


def fmt(v):
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def width(text, size):
    return sum(size * (0.5 if ord(c) < 128 else 1.0) for c in text)


def wrap(text, w, size):
    lines, cur = [], ""
    for c in text:
        if cur and width(cur + c, size) > w:
            lines.append(cur)
            cur = ""
        cur += c
    return lines + ([cur] if cur else [])


class Doc:
    def __init__(self, encoding):
        self.encoding = encoding
        self.pages = []
        self.new_page()

    def new_page(self):
        self.ops = []
        self.pages.append(self.ops)
        self.y = 790.0
        # A page number at the foot of every page: furniture the reader must drop.
        self.text(290, 40, f"- {len(self.pages)} -", 9)

    def enc(self, s):
        if self.encoding == "GBK-EUC-H":
            return s.encode("gbk").hex()
        return s.encode("utf-16-be").hex()

    def text(self, x, y, s, size):
        self.ops.append(f"BT /F1 {size} Tf {x:.2f} {y:.2f} Td <{self.enc(s)}> Tj ET")

    def line(self, x0, y0, x1, y1):
        self.ops.append(f"0.5 w {x0:.2f} {y0:.2f} m {x1:.2f} {y1:.2f} l S")

    def para(self, s, size=12, x=72):
        for ln in wrap(s, 595 - 2 * x, size):
            if self.y < 80:
                self.new_page()
            self.y -= size * 1.8
            self.text(x, self.y, ln, size)

    def table(self, widths, rows, size=8):
        """rows: lists of (col, colspan, rowspan, text); a cell is drawn where it starts."""
        xs = [72.0]
        for w in widths:
            xs.append(xs[-1] + w)
        heights = []
        for row in rows:
            h = 16.0
            for col, cs, rs, text in row:
                if rs == 1:
                    lines = wrap(text, xs[col + cs] - xs[col] - 4, size)
                    h = max(h, len(lines) * size * 1.3 + 6)
            heights.append(h)
        self.y -= 8
        # Rows are placed down the page; a row that does not fit starts the next page.
        tops = []
        for h in heights:
            if self.y - h < 70:
                self.new_page()
            tops.append((len(self.pages) - 1, self.y))
            self.y -= h
        for ri, row in enumerate(rows):
            for col, cs, rs, text in row:
                self.cell(xs, tops, heights, ri, col, cs, rs, text, size)

    def cell(self, xs, tops, heights, ri, col, cs, rs, text, size):
        x0, x1 = xs[col], xs[col + cs]
        # The rows it spans, page by page: a merged cell broken by the page is drawn on each.
        parts = {}
        for r in range(ri, ri + rs):
            page, top = tops[r]
            a, b = parts.get(page, (top, top - heights[r]))
            parts[page] = (max(a, top), min(b, top - heights[r]))
        first = True
        for page, (top, bottom) in parts.items():
            ops = self.pages[page]
            for seg in ((x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom), (x1, top, x1, bottom)):
                ops.append("0.5 w %.2f %.2f m %.2f %.2f l S" % seg)
            if first and text:
                if x1 - x0 < size * 2.2:
                    # A narrow merged cell: the label is set one character a line.
                    lines = list(text)
                else:
                    lines = wrap(text, x1 - x0 - 4, size)
                y = top - 3 - size
                for ln in lines:
                    # Figures sit 1.5 points below their labels' baseline, as in real PDFs.
                    dy = 1.5 if ln.replace(".", "").isdigit() else 0.0
                    ops.append(f"BT /F1 {size} Tf {x0 + 2:.2f} {y - dy:.2f} Td <{self.enc(ln)}> Tj ET")
                    y -= size * 1.3
            first = False

    def save(self, path):
        objs = []
        n_pages = len(self.pages)
        # 1 catalog, 2 pages, 3 font, 4 descendant, 5 descriptor, then page/content pairs.
        kids = " ".join(f"{6 + 2 * i} 0 R" for i in range(n_pages))
        objs.append("<< /Type /Catalog /Pages 2 0 R >>")
        objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>")
        objs.append(f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /{self.encoding} "
                    "/DescendantFonts [4 0 R] >>")
        objs.append("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                    "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
                    "/FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>")
        objs.append("<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
                    "/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
        streams = {}
        for i, ops in enumerate(self.pages):
            objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                        f"/Resources << /Font << /F1 3 0 R >> >> /Contents {7 + 2 * i} 0 R >>")
            data = zlib.compress("\n".join(ops).encode("ascii"))
            streams[len(objs)] = data
            objs.append(None)
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, o in enumerate(objs):
            offsets.append(len(out))
            out += f"{i + 1} 0 obj\n".encode()
            if o is None:
                data = streams[i]
                out += f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream"
            else:
                out += o.encode()
            out += b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
        for off in offsets:
            out += f"{off:010d} 00000 n \n".encode()
        out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        open(path, "wb").write(out)


def report(doc, values):
    t = {tb["id"]: tb for tb in TEMPLATE["tables"]}
    doc.para("XX市XX区人民政府2023年政府信息公开工作年度报告", 14)
    doc.para("一、总体情况")
    doc.para("本年度，我区依法做好政府信息公开工作。")
    doc.para("二、主动公开政府信息情况")
    v = lambda k: fmt(values[k])
    rows = []
    for group, heads in (("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"]),
                         ("第二十条第（五）项", ["本年处理决定数量"]),
                         ("第二十条第（六）项", ["本年处理决定数量"]),
                         ("第二十条第（八）项", ["本年收费金额（单位：万元）"])):
        rows.append([(0, 4, 1, group)])
        span = 3 // len(heads)
        rows.append([(0, 1, 1, "信息内容")] + [(1 + i * span, span, 1, h) for i, h in enumerate(heads)])
        for r in t["proactive"]["rows"]:
            if r["group"] == group:
                keys = [f"proactive.{r['key']}.{c}" for c in r["columns"]]
                rows.append([(0, 1, 1, r["label"])] + [(1 + i * span, span, 1, v(k)) for i, k in enumerate(keys)])
    doc.table([170, 100, 100, 100], rows, 9)
    doc.para("三、收到和处理政府信息公开申请情况")
    cols = [c["key"] for c in t["requests"]["columns"]]
    rows = [
        [(0, 3, 3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), (3, 7, 1, "申请人情况")],
        [(3, 1, 2, "自然人"), (4, 5, 1, "法人或其他组织"), (9, 1, 2, "总计")],
        [(4 + i, 1, 1, h) for i, h in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])],
    ]
    req = t["requests"]["rows"]
    in_result = [r for r in req if r.get("group", "").startswith("三、")]
    seen = set()
    for r in req:
        vals = [(3 + i, 1, 1, v(f"requests.{r['key']}.{c}")) for i, c in enumerate(cols)]
        group = r.get("group", "")
        lead = []
        if group.startswith("三、"):
            if r is in_result[0]:
                lead.append((0, 1, len(in_result), "三、本年度办理结果"))
            sub = group.split(" ")[1] if " " in group else None
            if sub:
                if sub not in seen:
                    seen.add(sub)
                    lead.append((1, 1, sum(1 for x in req if x.get("group") == group), sub))
                lead.append((2, 1, 1, r["label"]))
            else:
                lead.append((1, 2, 1, r["label"]))
        else:
            lead.append((0, 3, 1, r["label"]))
        rows.append(lead + vals)
    doc.table([16, 56, 134] + [38] * 7, rows, 7)
    doc.para("四、政府信息公开行政复议、行政诉讼情况")
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    keys = [f"appeals.{r['key']}.{c['key']}" for r in t["appeals"]["rows"] for c in t["appeals"]["columns"]]
    rows = [
        [(0, 5, 1, "行政复议"), (5, 10, 1, "行政诉讼")],
        [(i, 1, 2, h) for i, h in enumerate(heads)] + [(5, 5, 1, "未经复议直接起诉"), (10, 5, 1, "复议后起诉")],
        [(5 + i, 1, 1, h) for i, h in enumerate(heads * 2)],
        [(i, 1, 1, v(k)) for i, k in enumerate(keys)],
    ]
    doc.table([31] * 15, rows, 7)
    doc.para("五、存在的主要问题及改进情况")
    doc.para("（文字描述）")
    doc.para("六、其他需要报告的事项")
    doc.para("本年度未收取信息处理费。")


def stsong():
    base = json.load(open(os.path.join(DOCS, "seed000_filled.truth.json"), encoding="utf-8"))["values"]
    for stem, encoding, blank_zeros in (("stsong_gbk_blank_zeros", "GBK-EUC-H", True),
                                        ("stsong_ucs2_filled", "UniGB-UCS2-H", False)):
        values = dict(base)
        if not blank_zeros:
            # An amount with decimals, as fees often are.
            values["proactive.fees.amount"] = 2110.5
        if blank_zeros:
            for k, val in list(values.items()):
                if val == 0 and not k.endswith(".total") and ".total_processed." not in k:
                    values[k] = None
        doc = Doc(encoding)
        report(doc, values)
        doc.save(os.path.join(DOCS, stem + ".pdf"))
        note = (f"written by scripts/make-pdf-fixtures.py stsong: non-embedded STSong-Light, {encoding}; "
                "the values of seed000_filled" + (" with its zeros left blank" if blank_zeros else ""))
        json.dump({"note": note, "values": values}, open(os.path.join(DOCS, stem + ".truth.json"), "w",
                  encoding="utf-8"), ensure_ascii=False, indent=0)


def locked():
    """The UCS2 fixture encrypted twice with pypdf: with an empty user password (it only
    restricts printing and copying, as many official PDFs do: it must read as it is), and with
    a user password (it must be refused in one line)."""
    import pypdf
    src = os.path.join(DOCS, "stsong_ucs2_filled.pdf")
    for out, user in ((os.path.join(DOCS, "stsong_ucs2_owner_locked.pdf"), ""),
                      (os.path.join(HERE, "..", "fixtures", "hostile", "password.pdf"), "secret")):
        w = pypdf.PdfWriter(clone_from=src)
        w.encrypt(user_password=user, owner_password="owner", algorithm="RC4-128",
                  permissions_flag=0)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "wb") as f:
            w.write(f)
    truth = json.load(open(os.path.join(DOCS, "stsong_ucs2_filled.truth.json"), encoding="utf-8"))
    truth["note"] += "; encrypted by pypdf with an empty user password (printing and copying forbidden)"
    json.dump(truth, open(os.path.join(DOCS, "stsong_ucs2_owner_locked.truth.json"), "w", encoding="utf-8"),
              ensure_ascii=False, indent=0)


def turned():
    """The UCS2 fixture as Word writes a landscape page: its content drawn a quarter turn
    anticlockwise on a landscape MediaBox, and the page shown turned back (/Rotate 90)."""
    import pypdf
    from pypdf import Transformation
    from pypdf.generic import RectangleObject
    w = pypdf.PdfWriter(clone_from=os.path.join(DOCS, "stsong_ucs2_filled.pdf"))
    for p in w.pages:
        p.add_transformation(Transformation().rotate(90).translate(842, 0))
        p.mediabox = RectangleObject([0, 0, 842, 595])
        p.cropbox = RectangleObject([0, 0, 842, 595])
        p.rotate(90)
    w.write(os.path.join(DOCS, "stsong_ucs2_turned.pdf"))
    truth = json.load(open(os.path.join(DOCS, "stsong_ucs2_filled.truth.json"), encoding="utf-8"))
    truth["note"] += "; every page drawn turned and shown turned back (/Rotate 90) by pypdf"
    json.dump(truth, open(os.path.join(DOCS, "stsong_ucs2_turned.truth.json"), "w", encoding="utf-8"),
              ensure_ascii=False, indent=0)


if __name__ == "__main__":
    {"lo": lo, "stsong": stsong, "locked": locked, "turned": turned}[sys.argv[1]]()
