"""Read a Word ``.docx`` file: paragraphs and tables in reading order.

python-docx parses the package; we walk the body ourselves so that tables stay in
place between paragraphs, rebuild Word's automatic numbering labels ("1.", "1.2",
"(a)") from ``numbering.xml`` so clauses keep their numbers, and start a new page at
explicit page breaks.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import CorruptDocumentError, EmptyDocumentError, EncryptedPdfError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _roman(n: int) -> str:
    vals = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _letter(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return s


def _fmt(n: int, kind: str) -> str:
    if kind == "lowerLetter":
        return _letter(n)
    if kind == "upperLetter":
        return _letter(n).upper()
    if kind == "lowerRoman":
        return _roman(n)
    if kind == "upperRoman":
        return _roman(n).upper()
    if kind in ("bullet", "none"):
        return ""
    return str(n)


class _Numbering:
    """Counters for Word list numbering (decimal, letters, roman; bullets give no label)."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            part = document.part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            return
        root = part.element
        abstract = {}
        for an in root.iter(f"{_W}abstractNum"):
            lv = {}
            for lvl in an.iter(f"{_W}lvl"):
                ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                fmt = lvl.find(f"{_W}numFmt")
                txt = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lv[ilvl] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    txt.get(f"{_W}val") if txt is not None else "",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[an.get(f"{_W}abstractNumId")] = lv
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None and ref.get(f"{_W}val") in abstract:
                self.levels[num.get(f"{_W}numId")] = abstract[ref.get(f"{_W}val")]
                # numbering instances of the same abstract list share counters
                self.counters.setdefault(ref.get(f"{_W}val"), [0] * 10)
                self.levels[num.get(f"{_W}numId")] = abstract[ref.get(f"{_W}val")]
        self.abstract_of = {
            num.get(f"{_W}numId"): num.find(f"{_W}abstractNumId").get(f"{_W}val")
            for num in root.iter(f"{_W}num")
            if num.find(f"{_W}abstractNumId") is not None
        }

    def label(self, p) -> str:
        ppr = p.find(f"{_W}pPr")
        if ppr is None:
            return ""
        numpr = ppr.find(f"{_W}numPr")
        if numpr is None:
            return ""
        num_id_el, ilvl_el = numpr.find(f"{_W}numId"), numpr.find(f"{_W}ilvl")
        num_id = num_id_el.get(f"{_W}val") if num_id_el is not None else None
        ilvl = int(ilvl_el.get(f"{_W}val")) if ilvl_el is not None else 0
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels or ilvl > 9:
            return ""
        counters = self.counters[self.abstract_of[num_id]]
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 10):
            counters[deeper] = 0
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""
        label = text
        for lvl in range(ilvl + 1):
            lfmt, _, lstart = levels.get(lvl, ("decimal", "", 1))
            value = counters[lvl] + lstart - 1 if counters[lvl] else lstart
            label = label.replace(f"%{lvl + 1}", _fmt(value, lfmt))
        return label


def _para_text(p) -> tuple[str, int]:
    """Text of a paragraph element and the number of page breaks inside it."""
    parts = []
    breaks = 0
    ppr = p.find(f"{_W}pPr")
    if ppr is not None and ppr.find(f"{_W}pageBreakBefore") is not None:
        breaks += 1
    for el in p.iter():
        tag = el.tag
        if tag == f"{_W}t":
            parts.append(el.text or "")
        elif tag == f"{_W}tab":
            parts.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            if el.get(f"{_W}type") == "page":
                breaks += 1
                parts.append("\n\f")
            else:
                parts.append("\n")
    return "".join(parts), breaks


def read_docx_pages(path: Path) -> tuple[list[str], list[list[tuple[tuple[str, ...], ...]]], dict]:
    """Read a DOCX into page texts and per-page tables.

    Returns
    -------
    pages : list of str
    tables : list of list of rows, aligned with ``pages``
    metadata : dict

    Raises
    ------
    CorruptDocumentError, EncryptedPdfError, EmptyDocumentError
    """
    import docx  # python-docx

    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise EncryptedPdfError(
            "the file is an OLE2 container (a password-protected .docx or a legacy .doc); "
            "save it as an unprotected .docx",
            path=path,
        )
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CorruptDocumentError(
            "the Word file is corrupt or not a .docx package; re-save it from Word", path=path
        ) from exc
    except Exception as exc:  # noqa: BLE001 - python-docx raises assorted lxml/opc errors
        raise CorruptDocumentError(
            f"the Word file cannot be parsed ({type(exc).__name__}); re-save it from Word",
            path=path,
        ) from exc
    numbering = _Numbering(document)
    pages: list[list[str]] = [[]]
    tables: list[list] = [[]]
    body = document.element.body
    for el in body.iterchildren():
        if el.tag == f"{_W}p":
            text, breaks = _para_text(el)
            label = numbering.label(el)
            if label and text.strip():
                text = f"{label} {text}"
            chunks = text.split("\f")
            for k, chunk in enumerate(chunks):
                if k:
                    pages.append([])
                    tables.append([])
                pages[-1].append(chunk)
        elif el.tag == f"{_W}tbl":
            rows = []
            for tr in el.iter(f"{_W}tr"):
                cells = []
                for tc in tr.iter(f"{_W}tc"):
                    cell = " ".join(_para_text(p)[0].strip() for p in tc.iter(f"{_W}p")).strip()
                    cells.append(" ".join(cell.split()))
                if any(cells):
                    rows.append(tuple(cells))
            if rows:
                tables[-1].append(tuple(rows))
                pages[-1].extend(" | ".join(c for c in r if c) for r in rows)
    page_texts = ["\n".join(p) for p in pages]
    if not any(t.strip() for t in page_texts):
        raise EmptyDocumentError("the Word file has no text", path=path)
    props = document.core_properties
    metadata = {
        "title": props.title or "",
        "producer": "",
        "creator": props.author or "",
        "page_count": len(page_texts),
    }
    return page_texts, tables, metadata
