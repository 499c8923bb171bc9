"""Open one PDF, classify its failures, and return its pages.

Text comes from PDFium's text layer (pypdfium2, which pdfplumber ships with): it is
roughly 50x faster than pdfplumber's ``extract_text`` on contracts, resolves ligatures and
damaged fonts, and marks line-end hyphenation. pdfplumber's table finder runs only on
pages that a cheap vector-graphics count flags as likely to hold a ruled table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .errors import (
    CorruptPdfError,
    EmptyDocumentError,
    EncryptedPdfError,
    TooLargeError,
    WrongPasswordError,
)

# A page with at least this many ruling segments (lines or thin rectangles that are not
# page-sized) is read for a ruled grid (PDFium rulings plus the text in each cell).
TABLE_RULING_MIN = 4
# Where no grid is found, pdfplumber's table finder (about 0.1-0.3 s a page) runs only on
# pages with at least this many rulings. Measured on the shared corpus PDFs: of 45 pages
# with 4+ rulings and no grid, the 4 where it found a table had 48-242 rulings; pages with
# fewer are rules under headings, signature lines and boxed paragraphs.
FALLBACK_RULING_MIN = 16
# Two-column detection: minimum horizontal gap (points) between the columns.
COLUMN_GAP_MIN = 18.0


@dataclass
class RawPage:
    """What the PDF layer saw on one page, before clean-up."""

    number: int
    text: str
    char_count: int
    image_count: int
    ruling_count: int
    method: str
    tables: list = field(default_factory=list)  # [(rows, bbox)] read from the rulings


def sniff_pdf(head: bytes) -> bool:
    """True when the first bytes of a file announce a PDF (``%PDF`` near the start)."""
    return b"%PDF-" in head[:1024]


def describe_non_pdf(head: bytes) -> str:
    """Name what a file that is not a PDF looks like, for the error message."""
    h = head.lstrip()[:64].lower()
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP container (a DOCX or other Office file?)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an OLE2 file (a legacy .doc/.xls?)"
    if h.startswith(b"<!doctype html") or h.startswith(b"<html"):
        return "an HTML page"
    if head[:3] in (b"\xff\xd8\xff",) or head.startswith(b"\x89PNG"):
        return "an image"
    try:
        head.decode("utf-8")
        return "plain text"
    except UnicodeDecodeError:
        return "binary data of an unknown kind"


def _diagnose(path: Path, password: str | None) -> str:
    """Classify a file PDFium refused, by pdfminer's exception classes.

    PDFium's error code is per-thread state that a failed open does not always reset
    (a file with an empty page tree leaves the previous failure's code), so the code alone
    cannot be trusted in a batch. Returns ``encrypted``, ``wrong_password``, ``empty`` or
    ``corrupt``.
    """
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        with open(path, "rb") as fh:
            document = PDFDocument(PDFParser(fh), password=password or "")
            for _ in PDFPage.create_pages(document):
                return "corrupt"  # pages exist, yet PDFium cannot read them
            return "empty"
    except PDFPasswordIncorrect:
        return "wrong_password" if password else "encrypted"
    except PDFEncryptionError:
        return "encrypted"
    except Exception:  # noqa: BLE001 - any parser failure means the file is damaged
        return "corrupt"


def _open(path: Path, password: str | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        kind = _diagnose(path, password)
        if kind == "wrong_password":
            raise WrongPasswordError(
                "the password given does not open this encrypted PDF; check --password",
                path=path,
            ) from exc
        if kind == "encrypted":
            raise EncryptedPdfError(
                "the PDF is encrypted with a user password; pass it with --password",
                path=path,
            ) from exc
        if kind == "empty":
            raise EmptyDocumentError("the PDF has no pages; re-export it from the source document", path=path) from exc
        raise CorruptPdfError(
            "the PDF is corrupt or truncated and cannot be parsed; re-download or re-export it",
            path=path,
        ) from exc


def _count_objects(page: pdfium.PdfPage, width: float, height: float):
    """Count image objects and table rulings on a page, and return the ruling segments.

    Rulings are what a lattice table needs: horizontal and vertical line segments, or
    cell-sized rectangles (whose edges count as segments). A page with only horizontal
    lines (underlines, signature lines) scores 0. Page-sized backgrounds are ignored.
    Segments are ``("h", x0, x1, y)`` and ``("v", y0, y1, x)`` in PDF points.
    """
    images = horizontal = vertical = boxes = 0
    segments: list[tuple] = []
    for obj in page.get_objects(max_depth=2):
        kind = obj.type
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            try:
                left, bottom, right, top = obj.get_bounds()
            except pdfium.PdfiumError:
                continue
            w, h = right - left, top - bottom
            if w > 0.9 * width and h > 0.5 * height:
                continue
            if h < 3 and w >= 20:
                horizontal += 1
                segments.append(("h", left, right, (top + bottom) / 2))
            elif w < 3 and h >= 10:
                vertical += 1
                segments.append(("v", bottom, top, (left + right) / 2))
            elif w > 8 and h > 8:
                boxes += 1
                segments += [("h", left, right, top), ("h", left, right, bottom),
                             ("v", bottom, top, left), ("v", bottom, top, right)]
    rulings = boxes + (horizontal + vertical if horizontal >= 2 and vertical >= 2 else 0)
    return images, rulings, segments


def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def lattice_tables(textpage: pdfium.PdfTextPage, segments: list[tuple]) -> list[tuple]:
    """Read a ruled table from PDFium alone: grid lines from the rulings, text per cell.

    Returns ``[(rows, bbox)]`` like :func:`extract_tables` (one grid per page; rows whose
    cells are all empty are dropped). An empty list means "no usable grid": the caller then
    falls back to pdfplumber's table finder for that page.
    """
    hs = [s for s in segments if s[0] == "h"]
    vs = [s for s in segments if s[0] == "v"]
    if len(hs) < 2 or len(vs) < 2:
        return []
    ys = _cluster([s[3] for s in hs])
    xs = _cluster([s[3] for s in vs])
    if len(ys) < 2 or len(xs) < 2 or len(ys) > 200 or len(xs) > 30:
        return []

    def has_h(y, x0, x1):
        return any(abs(s[3] - y) <= 2 and s[1] <= x0 + 2 and s[2] >= x1 - 2 for s in hs) or any(
            abs(s[3] - y) <= 2 and s[1] <= (x0 + x1) / 2 <= s[2] for s in hs)

    def has_v(x, y0, y1):
        return any(abs(s[3] - x) <= 2 and s[1] <= (y0 + y1) / 2 <= s[2] for s in vs)

    rows = []
    for top, bottom in zip(reversed(ys[1:]), reversed(ys[:-1])):
        if not has_v(xs[0], bottom, top) and not has_v(xs[-1], bottom, top):
            continue  # the band between two tables, or above/below the grid
        cells = []
        for left, right in zip(xs[:-1], xs[1:]):
            if not has_h(top, left, right) and not has_h(bottom, left, right):
                cells.append("")
                continue
            text = textpage.get_text_bounded(left, bottom, right, top)
            cells.append(" ".join(text.replace("\ufffe", "-").split()))
        if any(cells):
            rows.append(tuple(cells))
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return []
    return [(tuple(rows), (xs[0], ys[0], xs[-1], ys[-1]))]


def _lines(rects: list[tuple[float, float, float, float]]) -> list[list[tuple]]:
    """Group PDFium text rectangles into visual lines, top to bottom."""
    rects = sorted(rects, key=lambda r: (-(r[1] + r[3]) / 2, r[0]))
    lines: list[list[tuple]] = []
    for r in rects:
        centre = (r[1] + r[3]) / 2
        if lines:
            last = lines[-1]
            lc = (last[0][1] + last[0][3]) / 2
            lh = max(last[0][3] - last[0][1], 1.0)
            if abs(centre - lc) <= 0.5 * lh:
                last.append(r)
                continue
        lines.append([r])
    return lines


def _column_blocks(lines, width: float) -> list[tuple[int, int, float]]:
    """Find runs of lines laid out as two columns (e.g. signature blocks).

    Returns ``(first_line, last_line, gutter_x)`` triples. A line is *split* when its text
    segments leave a gap of at least :data:`COLUMN_GAP_MIN` points around some x in the
    middle half of the page; *one-sided* lines stay wholly on one side of that x. A block
    needs at least two split lines sharing a common gutter.
    """
    blocks = []
    i = 0
    n = len(lines)
    # the gutter must cross the middle fifth of the page: an indented clause number
    # followed by its text is not a column layout
    lo_x, hi_x = 0.4 * width, 0.6 * width

    def gap_of(line):
        segs = sorted(line, key=lambda r: r[0])
        best = None
        reach = segs[0][2]
        for s in segs[1:]:
            if s[0] - reach >= COLUMN_GAP_MIN:
                mid_lo, mid_hi = reach, s[0]
                if mid_hi > lo_x and mid_lo < hi_x:
                    if best is None or (mid_hi - mid_lo) > (best[1] - best[0]):
                        best = (mid_lo, mid_hi)
            reach = max(reach, s[2])
        return best

    while i < n:
        g = gap_of(lines[i])
        if g is None:
            i += 1
            continue
        lo, hi = g
        j = i + 1
        split = 1
        while j < n:
            segs = lines[j]
            g2 = gap_of(segs)
            if g2 is not None and min(hi, g2[1]) - max(lo, g2[0]) >= COLUMN_GAP_MIN / 2:
                lo, hi = max(lo, g2[0]), min(hi, g2[1])
                split += 1
                j += 1
                continue
            left = max(r[2] for r in segs)
            right = min(r[0] for r in segs)
            if left <= lo + 1 or right >= hi - 1:  # one-sided line inside the block
                j += 1
                continue
            break
        # trim trailing one-sided lines that were only tentatively included
        while j - 1 > i and gap_of(lines[j - 1]) is None:
            j -= 1
        left_span = min(r[0] for k in range(i, j) for r in lines[k] if r[2] <= lo + 1)
        right_span = max(r[2] for k in range(i, j) for r in lines[k] if r[0] >= hi - 1)
        wide = (lo - left_span) >= 0.12 * width and (right_span - hi) >= 0.12 * width
        if split >= 2 and wide:
            blocks.append((i, j - 1, (lo + hi) / 2))
        i = j
    return blocks


_SIGNATURE_CUE = re.compile(r"\b(?:By|Name|Title|Date|Signature|Signed|Its)\s*:|_{4,}|/s/", re.I)


def _reads_as_column(text: str) -> bool:
    """A column of a signature block or of prose, not the label or amount column of a table."""
    if _SIGNATURE_CUE.search(text):
        return True
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 3:
        return False
    letters = sum(c.isalpha() for c in text)
    visible = sum(not c.isspace() for c in text) or 1
    return letters / visible > 0.75 and sum(len(ln) for ln in lines) / len(lines) >= 30


def _page_text(textpage: pdfium.PdfTextPage, width: float, height: float) -> tuple[str, str]:
    """Text of one page in reading order, and the method used."""
    text = textpage.get_text_range()
    n_rects = textpage.count_rects()
    if n_rects < 4:
        return text, "pdfium"
    lines = _lines([textpage.get_rect(i) for i in range(n_rects)])
    blocks = _column_blocks(lines, width)
    if not blocks:
        return text, "pdfium"

    def top_of(k):
        return max(r[3] for r in lines[k])

    def bottom_of(k):
        return min(r[1] for r in lines[k])

    def cut_above(k):  # y between line k-1 and line k
        return height + 1 if k == 0 else (bottom_of(k - 1) + top_of(k)) / 2

    def cut_below(k):
        return -1 if k == len(lines) - 1 else (bottom_of(k) + top_of(k + 1)) / 2

    def band(k0, k1, x0, x1):
        # one call per visual line keeps top-to-bottom order whatever the drawing order
        out = (textpage.get_text_bounded(x0, cut_below(k), x1, cut_above(k)).strip("\r\n") for k in range(k0, k1 + 1))
        return "\n".join(t for t in out if t.strip())

    parts = []
    cursor = 0
    used = False
    for first, last, gutter in blocks:
        left = band(first, last, 0, gutter)
        right = band(first, last, gutter, width)
        if not (_reads_as_column(left) and _reads_as_column(right)):
            continue  # a borderless table: row-by-row order is the right one
        if first > cursor:
            parts.append(band(cursor, first - 1, 0, width))
        parts.extend((left, right))
        cursor = last + 1
        used = True
    if not used:
        return text, "pdfium"
    if cursor < len(lines):
        parts.append(band(cursor, len(lines) - 1, 0, width))
    return "\n".join(p for p in parts if p.strip()), "pdfium+columns"


def read_pdf_pages(path: Path, *, password: str | None = None, max_pages: int = 1000) -> tuple[list[RawPage], dict]:
    """Read every page's text layer and page statistics with PDFium.

    Parameters
    ----------
    path : Path
        The PDF file.
    password : str, optional
        User password of an encrypted PDF.
    max_pages : int
        Refuse documents with more pages than this.

    Returns
    -------
    pages : list of RawPage
    metadata : dict
        ``title``, ``producer``, ``creator``, ``page_count``.

    Raises
    ------
    EncryptedPdfError, WrongPasswordError, CorruptPdfError, EmptyDocumentError, TooLargeError
    """
    pdf = _open(path, password)
    try:
        count = len(pdf)
        if count == 0:
            raise EmptyDocumentError("the PDF has no pages; re-export it from the source document", path=path)
        if count > max_pages:
            raise TooLargeError(
                f"the PDF has {count} pages, over the limit of {max_pages}; "
                "raise it with --max-pages or split the file",
                path=path,
            )
        try:
            meta = pdf.get_metadata_dict(skip_empty=True)
        except Exception:  # noqa: BLE001 - metadata is optional, never fatal
            meta = {}
        pages: list[RawPage] = []
        for i in range(count):
            try:
                page = pdf[i]
            except pdfium.PdfiumError as exc:
                raise CorruptPdfError(
                    f"page {i + 1} cannot be loaded (damaged page tree); re-export the PDF",
                    path=path,
                ) from exc
            tables: list = []
            try:
                width, height = page.get_size()
                images, rulings, segments = _count_objects(page, width, height)
                textpage = page.get_textpage()
                try:
                    chars = textpage.count_chars()
                    if chars:
                        text, method = _page_text(textpage, width, height)
                        if rulings >= TABLE_RULING_MIN:
                            tables = lattice_tables(textpage, segments)
                    else:
                        text, method = "", "image-only"
                finally:
                    textpage.close()
            finally:
                page.close()
            if not text.strip():
                method = "image-only" if images else "blank"
            pages.append(RawPage(i + 1, text, chars, images, rulings, method, tables))
    finally:
        pdf.close()
    metadata = {
        "title": meta.get("Title", ""),
        "producer": meta.get("Producer", ""),
        "creator": meta.get("Creator", ""),
        "page_count": count,
    }
    return pages, metadata


def extract_tables(path: Path, page_numbers: list[int], *, password: str | None = None):
    """Run pdfplumber's table finder on the given pages only.

    Returns a dict ``page_number -> list of (rows, bbox)``. Page-sized "tables" made by
    background rectangles are dropped, as are tables with fewer than two rows or columns.
    """
    if not page_numbers:
        return {}
    import pdfplumber  # heavy import: only when a page needs it

    out: dict[int, list] = {}
    with pdfplumber.open(str(path), password=password or "", pages=page_numbers) as pdf:
        for page in pdf.pages:
            try:
                found = page.find_tables()
                tables = []
                for t in found:
                    x0, top, x1, bottom = t.bbox
                    if (x1 - x0) > 0.95 * float(page.width) and (bottom - top) > 0.9 * float(page.height):
                        continue
                    rows = t.extract()
                    rows = [
                        tuple(" ".join((c or "").split()) for c in row)
                        for row in rows
                        if any((c or "").strip() for c in row)
                    ]
                    if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                        tables.append((tuple(rows), (x0, top, x1, bottom)))
                if tables:
                    out[page.page_number] = tables
            finally:
                page.close()
    return out
