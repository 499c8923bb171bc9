"""Build real test documents at test time (PDF with reportlab, DOCX with python-docx).

Every text here is invented for the tests: a fictional services agreement between
Acme Corp (the client) and Northwind Consulting LLC (the vendor). Nothing is copied
from any corpus. Each builder writes one file and returns its :class:`pathlib.Path`.

The layout facts that tests rely on are exported as constants (``RATE_CARD``,
``CLIENT_SIGNATURE``, ``VENDOR_SIGNATURE``, ``HEADER``...) so that a test never has to
repeat a string that a builder wrote.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Table, TableStyle

PAGE_W, PAGE_H = letter
MARGIN = 72.0
BODY_FONT = "Helvetica"
BODY_SIZE = 10.5
LEADING = 14.0
BODY_TOP = PAGE_H - 84.0
BODY_BOTTOM = 72.0

HEADER = "Acme / Northwind - Confidential"
CLIENT = "Acme Corp"
VENDOR = "Northwind Consulting LLC"

# Role | Rate | Unit, first row is the header row.
RATE_CARD = (
    ("Role", "Rate", "Unit"),
    ("Senior Developer", "$150.00", "per hour"),
    ("Junior Developer", "$95.00", "per hour"),
    ("Project Manager", "$1,200.00", "per day"),
    ("Solution Architect", "$1,450.00", "per day"),
)

# Signature block: left column (client) and right column (vendor), drawn line by line
# at the same y positions. Each line is distinctive so a test can locate it.
CLIENT_SIGNATURE = (
    "ACME CORP",
    "By: ____________________",
    "Name: Jane Whitaker",
    "Title: Chief Procurement Officer",
    "Date: March 3, 2025",
)
VENDOR_SIGNATURE = (
    "NORTHWIND CONSULTING LLC",
    "By: ____________________",
    "Name: Tomas Lindqvist",
    "Title: Managing Partner",
    "Date: March 4, 2025",
)

# Clause labels the contract PDF is guaranteed to contain, each at the start of a line.
CLAUSE_LABELS = (
    "Article I",
    "1. Definitions",
    "1.1",
    "1.2",
    "(a)",
    "(b)",
    "Section 2.",
    "Article II",
    "Section 5.",
    "5.1",
    "Exhibit B",
    "Schedule 1",
    "Statement of Work No. 3",
)

TM_SENTENCE = (
    "Vendor shall perform the Services on a time-and-materials basis, and Client shall pay "
    "only for hours actually worked at the rates set out in Exhibit B."
)

# Lines used when ``hyphenate=True``: words broken at a line end by the typesetter.
# Optional text printed below the signature block on the last page.
TEXT_AFTER_SIGNATURES = (
    "Exhibit A - Statement of Work No. 1",
    "Northwind shall migrate the billing platform described in the attached specification, "
    "in three phases, each accepted in writing by Acme.",
    "Phase 1 covers discovery and design; Phase 2 covers the build; Phase 3 covers cut-over "
    "and hypercare.",
)

HYPHENATED_LINES = (
    "Vendor shall defend and indemni-",
    "fy Client against third-party claims. This indemni-",
    "fication duty survives termination. Extra work is billed on a time-and-",
    "materials basis at the Exhibit B rates.",
)


# --------------------------------------------------------------------------- helpers


def _p(path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class _Writer:
    """Minimal flowing-text writer on a reportlab canvas (one page at a time)."""

    def __init__(self, c: rl_canvas.Canvas):
        self.c = c
        self.y = BODY_TOP

    def line(self, text: str, *, font: str = BODY_FONT, size: float = BODY_SIZE, x: float = MARGIN):
        self.c.setFont(font, size)
        self.c.drawString(x, self.y, text)
        self.y -= LEADING

    def heading(self, text: str):
        self.gap(4)
        self.line(text, font="Helvetica-Bold", size=11.5)

    def para(self, text: str, *, indent: float = 0.0):
        width = PAGE_W - 2 * MARGIN - indent
        for ln in simpleSplit(text, BODY_FONT, BODY_SIZE, width):
            self.line(ln, x=MARGIN + indent)
        self.gap(4)

    def gap(self, points: float):
        self.y -= points


def _furniture(c: rl_canvas.Canvas, number: int, total: int, header: str | None, footer: bool):
    if header:
        c.setFont(BODY_FONT, 9)
        c.drawString(MARGIN, PAGE_H - 44, header)
    if footer:
        c.setFont(BODY_FONT, 9)
        c.drawCentredString(PAGE_W / 2, 40, f"Page {number} of {total}")


def _rate_card_table() -> Table:
    table = Table([list(r) for r in RATE_CARD], colWidths=[180, 100, 100])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.75, colors.black),
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, 1), (-1, -1), BODY_FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _page_one(w: _Writer, hyphenate: bool):
    w.line("MASTER SERVICES AGREEMENT", font="Helvetica-Bold", size=14)
    w.gap(6)
    w.para(
        f'This Master Services Agreement (the "Agreement") is made as of March 1, 2025 '
        f'between {CLIENT}, a Delaware corporation ("Client"), and {VENDOR}, a Washington '
        f'limited liability company ("Vendor").'
    )
    w.heading("Article I")
    w.heading("1. Definitions")
    w.para(
        '1.1 "Services" means the consulting and software development services described '
        "in a Statement of Work signed by both parties."
    )
    w.para(
        '(a) "Deliverables" means the documents, code and other materials that Vendor '
        "delivers to Client under a Statement of Work.",
        indent=18,
    )
    w.para(
        '(b) "Personnel" means the employees and approved subcontractors of Vendor who '
        "perform the Services.",
        indent=18,
    )
    w.para("1.2 Headings are for convenience only and do not affect interpretation.")
    w.heading("Section 2. Engagement Model")
    w.para(TM_SENTENCE)
    if hyphenate:
        for ln in HYPHENATED_LINES:
            w.line(ln)
        w.gap(4)
    w.para(
        "Client shall direct the day-to-day work of the Personnel, who shall follow "
        "Client's reasonable instructions while on Client premises."
    )


def _page_rates(w: _Writer, c: rl_canvas.Canvas, with_rate_card: bool):
    w.heading("Article II")
    w.heading("Section 5. Fees and Payment")
    w.para(
        "5.1 Client shall pay Vendor the hourly and daily rates in Exhibit B for time "
        "properly recorded on approved timesheets."
    )
    w.para("5.2 Vendor shall invoice monthly in arrears; invoices are payable within 30 days.")
    w.heading("Exhibit B - Rate Card")
    if with_rate_card:
        table = _rate_card_table()
        _, h = table.wrapOn(c, PAGE_W - 2 * MARGIN, w.y - BODY_BOTTOM)
        w.gap(4)
        table.drawOn(c, MARGIN, w.y - h + LEADING - 4)
        w.y -= h + 8
    else:
        w.para("The rates are those agreed in writing by the parties from time to time.")
    w.heading("Schedule 1 - Key Personnel")
    w.para("Vendor shall not replace the lead developer without Client's prior written consent.")
    w.heading("Statement of Work No. 3")
    w.para(
        "Statement of Work No. 3 covers the migration of Client's billing platform and runs "
        "from April 1, 2025 to September 30, 2025."
    )


# Distinct topics for filler pages, so that no body line repeats (digits aside) on many
# pages and is mistaken for a running header or footer.
FILLER_TOPICS = (
    (
        "Confidentiality",
        "Each party shall keep the other's confidential information secret",
        "and use it only to perform this Agreement.",
    ),
    (
        "Intellectual Property",
        "Client owns all Deliverables on payment in full",
        "and Vendor keeps its pre-existing tools and know-how.",
    ),
    (
        "Warranties",
        "Vendor warrants that the Services will be performed in a professional",
        "manner consistent with generally accepted industry standards.",
    ),
    (
        "Limitation of Liability",
        "Neither party is liable for indirect or consequential loss",
        "except for breach of confidentiality or the indemnity.",
    ),
    (
        "Insurance",
        "Vendor shall maintain professional liability cover",
        "with a reputable insurer and show a certificate on request.",
    ),
    (
        "Non-Solicitation",
        "Neither party shall hire the other's staff who worked on a project",
        "during the engagement and for six months after it ends.",
    ),
    (
        "Governing Law",
        "The laws of the State of Washington govern this Agreement",
        "and the courts of King County have exclusive jurisdiction.",
    ),
    (
        "Notices",
        "Notices must be in writing and sent by courier or email",
        "to the addresses that each party gives the other.",
    ),
)


def _page_filler(w: _Writer, section: int):
    title, first, second = FILLER_TOPICS[section % len(FILLER_TOPICS)]
    w.heading(f"Section {section}. {title}")
    w.para(f"{section}.1 {first} {second}")
    w.para(
        f"{section}.2 The obligations in this Section on {title.lower()} survive the expiry "
        f"or termination of this Agreement."
    )
    w.para(f"{section}.3 {VENDOR} shall ensure its Personnel comply with this Section.")


def _page_signatures(w: _Writer, c: rl_canvas.Canvas, two_columns: bool, text_after: bool = False):
    w.heading("Section 9. Term and Termination")
    w.para(
        "9.1 This Agreement starts on the date above and continues until terminated by "
        "either party on thirty days' written notice."
    )
    w.para(
        "IN WITNESS WHEREOF, the parties have signed this Agreement by their authorised "
        "representatives."
    )
    w.gap(18)
    if two_columns:
        right_x = PAGE_W / 2 + 24
        for left, right in zip(CLIENT_SIGNATURE, VENDOR_SIGNATURE, strict=True):
            c.setFont(BODY_FONT, BODY_SIZE)
            c.drawString(MARGIN, w.y, left)
            c.drawString(right_x, w.y, right)
            w.y -= LEADING + 6
    else:
        for ln in CLIENT_SIGNATURE:
            w.line(ln)
        w.gap(18)
        for ln in VENDOR_SIGNATURE:
            w.line(ln)
    if text_after:
        w.gap(10)
        w.heading(TEXT_AFTER_SIGNATURES[0])
        for text in TEXT_AFTER_SIGNATURES[1:]:
            w.para(text)


# --------------------------------------------------------------------------- PDFs


def contract_pdf(
    path,
    *,
    pages: int = 3,
    header: str | None = HEADER,
    footer: bool = True,
    with_rate_card: bool = True,
    with_two_columns: bool = True,
    hyphenate: bool = False,
    text_after_signatures: bool = False,
    encrypt=None,
) -> Path:
    """A multi-page services agreement.

    Layout (``pages`` >= 3): page 1 holds the title, Article I with the definitions
    ("1. Definitions", "1.1", "(a)", "(b)", "1.2") and "Section 2" with the
    time-and-materials sentence; page 2 holds Article II / Section 5, the ruled rate card
    (Exhibit B), Schedule 1 and Statement of Work No. 3; pages 3..N-1 are filler sections;
    the last page holds the two-column signature block (followed by the start of Exhibit A
    when ``text_after_signatures``). Every page has the running ``header`` and a
    "Page N of M" footer, drawn before the body (so they come first in the content stream).
    ``hyphenate`` adds lines broken inside words ("indemni-" / "fication") and inside the
    compound "time-and-" / "materials". ``encrypt`` is passed to the reportlab canvas.
    """
    if pages < 3:
        raise ValueError("contract_pdf needs at least 3 pages")
    path = _p(path)
    c = rl_canvas.Canvas(str(path), pagesize=letter, encrypt=encrypt)
    c.setTitle("Master Services Agreement - Acme Corp and Northwind Consulting")
    c.setAuthor("Northwind Consulting LLC")
    for number in range(1, pages + 1):
        _furniture(c, number, pages, header, footer)
        w = _Writer(c)
        if number == 1:
            _page_one(w, hyphenate)
        elif number == 2:
            _page_rates(w, c, with_rate_card)
        elif number == pages:
            _page_signatures(w, c, with_two_columns, text_after_signatures)
        else:
            _page_filler(w, 4 + number)
        c.showPage()
    c.save()
    return path


def _png_bytes(width: int = 240, height: int = 120, seed: int = 7) -> bytes:
    """A small PNG with a noisy "scan" look, made with Pillow."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("L", (width, height), 245)
    draw = ImageDraw.Draw(img)
    for _ in range(400):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.point((x, y), fill=rng.randrange(120, 230))
    # a few dark strokes that look like handwriting / printed lines
    for row in range(15, height - 10, 18):
        draw.line((10, row, width - rng.randrange(10, 80), row + rng.randrange(-2, 3)), fill=30)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _draw_scan(c: rl_canvas.Canvas, seed: int):
    c.drawImage(ImageReader(io.BytesIO(_png_bytes(seed=seed))), 36, 36, PAGE_W - 72, PAGE_H - 72)


def image_only_pdf(path, pages: int = 2) -> Path:
    """Pages that hold one drawn image each and no text at all."""
    path = _p(path)
    c = rl_canvas.Canvas(str(path), pagesize=letter)
    for i in range(pages):
        _draw_scan(c, seed=i)
        c.showPage()
    c.save()
    return path


def mixed_scan_pdf(path) -> Path:
    """Three text pages of the contract, then a fourth page that is a scanned image only."""
    path = _p(path)
    total = 4
    c = rl_canvas.Canvas(str(path), pagesize=letter)
    for number in (1, 2, 3):
        _furniture(c, number, total, HEADER, True)
        w = _Writer(c)
        if number == 1:
            _page_one(w, False)
        elif number == 2:
            _page_rates(w, c, True)
        else:
            _page_filler(w, 7)
        c.showPage()
    _draw_scan(c, seed=99)  # the scanned signature page
    c.showPage()
    c.save()
    return path


def encrypted_pdf(path, user_password: str = "s3cret", owner_password: str = "owner-pw") -> Path:
    """The 3-page contract, encrypted with a user password (RC4 128-bit)."""
    enc = StandardEncryption(user_password, ownerPassword=owner_password, strength=128)
    return contract_pdf(path, encrypt=enc)


def truncated_pdf(src, dst) -> Path:
    """The first half of the bytes of the PDF ``src``."""
    data = Path(src).read_bytes()
    dst = _p(dst)
    dst.write_bytes(data[: len(data) // 2])
    return dst


def corrupt_pdf(path) -> Path:
    """A PDF header followed by garbage bytes (no objects, no xref)."""
    path = _p(path)
    rng = random.Random(1234)
    junk = bytes(rng.randrange(256) for _ in range(4096)).replace(b"%", b"#")
    path.write_bytes(b"%PDF-1.4\n" + junk)
    return path


def empty_file(path) -> Path:
    """A 0-byte file."""
    path = _p(path)
    path.write_bytes(b"")
    return path


HTML_PAGE = (
    '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
    "<title>Northwind Consulting - Proposal</title></head>\n<body>\n"
    "<h1>Proposal for Acme Corp</h1>\n"
    "<p>Northwind Consulting proposes a managed service for Acme's billing platform.</p>\n"
    "</body>\n</html>\n"
)


def html_named_pdf(path) -> Path:
    """An HTML page saved under a .pdf name (a browser "download" gone wrong)."""
    path = _p(path)
    path.write_text(HTML_PAGE, encoding="utf-8")
    return path


def docx_named_pdf(path) -> Path:
    """A real .docx package saved under a .pdf name."""
    return contract_docx(path)


def zero_page_pdf(path) -> Path:
    """A syntactically valid PDF whose page tree is empty (/Count 0, no /Kids).

    Written by hand with exact byte offsets in the cross-reference table.
    """
    path = _p(path)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
        b"<< /Producer (tests/builders.py) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    path.write_bytes(bytes(out))
    return path


def long_pdf(path, pages: int) -> Path:
    """A fast N-page contract (plain canvas, a few lines per page) for size limits.

    Page ``n`` holds "Section n. <topic>" and one sentence on that topic (topics cycle
    through :data:`FILLER_TOPICS`), between the running header and "Page n of N".
    """
    path = _p(path)
    c = rl_canvas.Canvas(str(path), pagesize=letter)
    for number in range(1, pages + 1):
        title, first, second = FILLER_TOPICS[number % len(FILLER_TOPICS)]
        c.setFont(BODY_FONT, 9)
        c.drawString(MARGIN, PAGE_H - 44, HEADER)
        c.setFont(BODY_FONT, BODY_SIZE)
        c.drawString(MARGIN, BODY_TOP, f"Section {number}. {title}")
        c.drawString(MARGIN, BODY_TOP - LEADING, f"{number}.1 {first}")
        c.drawString(MARGIN, BODY_TOP - 2 * LEADING, second)
        c.setFont(BODY_FONT, 9)
        c.drawCentredString(PAGE_W / 2, 40, f"Page {number} of {pages}")
        c.showPage()
    c.save()
    return path


# --------------------------------------------------------------------------- DOCX

DOCX_PAGE1 = (
    "1. Services",
    "1.1 Northwind Consulting LLC shall provide two senior developers to Acme Corp.",
    "(a) The developers shall work under the direction of Acme's engineering manager.",
    "(b) Acme may request a replacement developer on ten business days' notice.",
)
DOCX_PAGE2 = (
    "2. Fees",
    "2.1 Acme Corp shall pay the rates below on a time-and-materials basis.",
)
DOCX_AFTER_TABLE = "2.2 Invoices are payable within thirty days of receipt."


def contract_docx(path) -> Path:
    """A .docx: a title heading, literal numbered paragraphs on page 1, an explicit page
    break, then a second heading, fee paragraphs and the Role | Rate | Unit table on page 2.
    """
    import docx

    path = _p(path)
    doc = docx.Document()
    doc.core_properties.title = "Staffing Agreement"
    doc.core_properties.author = "Northwind Consulting LLC"
    doc.add_heading("Staffing Agreement", level=1)
    for text in DOCX_PAGE1:
        doc.add_paragraph(text)
    doc.add_page_break()
    doc.add_heading("Fees and Rates", level=2)
    for text in DOCX_PAGE2:
        doc.add_paragraph(text)
    table = doc.add_table(rows=len(RATE_CARD), cols=3)
    table.style = "Table Grid"
    for r, row in enumerate(RATE_CARD):
        for k, cell in enumerate(row):
            table.cell(r, k).text = cell
    doc.add_paragraph(DOCX_AFTER_TABLE)
    doc.save(str(path))
    return path


# --------------------------------------------------------------------------- text


def text_file(path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` in ``encoding`` (``utf-16`` writes a BOM, ``utf-8-sig`` too).

    Newlines are written exactly as given (no platform translation).
    """
    path = _p(path)
    path.write_bytes(text.encode(encoding))
    return path
