"""``read_document(path) -> Document``: PDF, DOCX and plain-text contracts.

The format is decided by content first (a PDF is a PDF whatever its name), then by
extension. Every failure is raised as an :class:`~classifier.errors.InputError`
subclass with a one-line message naming the file, the problem and the remedy.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from . import pdf as pdfmod
from .cleaning import EDGAR_SOURCE, clean_pages, normalize_chars
from .errors import (
    DecodingError,
    EmptyDocumentError,
    InputError,
    MissingFileError,
    NotAPdfError,
    ScannedPdfError,
    TooLargeError,
    UnsupportedFormatError,
    page_list,
)
from .types import Document, Page, Table

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
SUPPORTED_SUFFIXES = {".pdf", ".docx"} | TEXT_SUFFIXES
DEFAULT_MAX_PAGES = 1000
# A text file larger than this is refused (about 2,000 dense pages).
MAX_TEXT_BYTES = 50 * 1024 * 1024
# Share of image-only pages above which a PDF is treated as a scan needing OCR.
SCANNED_SHARE = 0.5


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _assemble(path, digest, fmt, page_texts, page_tables, methods, metadata, warnings=()):
    pages = []
    parts = []
    offset = 0
    for i, text in enumerate(page_texts):
        if parts:
            parts.append("\n\n")
            offset += 2
        pages.append(
            Page(
                number=i + 1,
                text=text,
                start=offset,
                end=offset + len(text),
                method=methods[i],
                tables=tuple(page_tables[i]),
            )
        )
        parts.append(text)
        offset += len(text)
    return Document(
        path=str(path),
        sha256=digest,
        format=fmt,
        text="".join(parts),
        pages=tuple(pages),
        metadata=metadata,
        warnings=tuple(warnings),
    )


def _read_pdf(path: Path, digest: str, password, max_pages) -> Document:
    raw, metadata = pdfmod.read_pdf_pages(path, password=password, max_pages=max_pages)
    scanned = [p.number for p in raw if p.method == "image-only"]
    with_text = [p for p in raw if p.text.strip()]
    if not with_text:
        if scanned:
            raise ScannedPdfError(
                f"no text layer: page(s) {page_list(scanned)} are images only (a scan); "
                "run OCR first (e.g. ocrmypdf) and scan the result",
                path=path,
                pages=scanned,
            )
        raise EmptyDocumentError("the PDF has pages but no text on any of them", path=path)
    if len(scanned) > SCANNED_SHARE * len(raw):
        raise ScannedPdfError(
            f"{len(scanned)} of {len(raw)} pages are images only (page(s) "
            f"{page_list(scanned)}); run OCR first (e.g. ocrmypdf) and scan the result",
            path=path,
            pages=scanned,
        )
    warnings = []
    if scanned:
        warnings.append(f"page(s) {page_list(scanned)} have no text layer (scanned images) and were skipped")
    table_pages = [p.number for p in raw if p.ruling_count >= pdfmod.TABLE_RULING_MIN]
    # a ruled grid is read from PDFium directly; pdfplumber's table finder only where that fails
    found = {p.number: p.tables for p in raw if p.tables}
    fallback = [p.number for p in raw if p.ruling_count >= pdfmod.FALLBACK_RULING_MIN and p.number not in found]
    if fallback:
        found.update(pdfmod.extract_tables(path, fallback, password=password))
    texts = clean_pages([p.text for p in raw])
    tables = []
    for p in raw:
        tables.append(
            [
                Table(
                    page=p.number,
                    rows=tuple(tuple(normalize_chars(c) for c in row) for row in rows),
                    bbox=bbox,
                )
                for rows, bbox in found.get(p.number, [])
            ]
        )
    metadata["table_pages_checked"] = len(table_pages)
    metadata["table_pages_pdfplumber"] = len(fallback)
    return _assemble(path, digest, "pdf", texts, tables, [p.method for p in raw], metadata, warnings)


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text file: BOMs, UTF-8, UTF-16 without BOM, then Windows-1252.

    Returns the text and the encoding used. Binary data raises :class:`DecodingError`.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM shows a NUL in every other byte
        even, odd = sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")
        if odd > 0.4 * len(sample) / 2 and even < 0.05 * len(sample) / 2:
            return data.decode("utf-16-le", errors="replace"), "utf-16-le"
        if even > 0.4 * len(sample) / 2 and odd < 0.05 * len(sample) / 2:
            return data.decode("utf-16-be", errors="replace"), "utf-16-be"
        raise DecodingError("the file holds binary data, not text; give a PDF, DOCX or text file", path=path)
    if b"\x00" in sample:
        raise DecodingError("the file holds binary data, not text; give a PDF, DOCX or text file", path=path)
    return data.decode("cp1252", errors="replace"), "cp1252"


_FORMFEED = re.compile(r"\f")


def _split_text_pages(text: str) -> list[str]:
    """Split a text file into pages at form feeds, or after EDGAR ``Source:`` footers."""
    if "\f" in text:
        return _FORMFEED.split(text)
    pages, current = [], []
    for line in text.split("\n"):
        current.append(line)
        if EDGAR_SOURCE.match(line):
            pages.append("\n".join(current))
            current = []
    if current:
        pages.append("\n".join(current))
    return pages


_RULE_ROW = re.compile(r"^\s*\|?\s*:?-{3,}")


def pipe_tables(text: str, page: int) -> list[Table]:
    """Tables written as text rows with cells joined by ``|`` (Markdown, converted DOCX)."""
    tables, rows = [], []

    def flush():
        if len(rows) >= 2:
            tables.append(Table(page=page, rows=tuple(rows)))
        rows.clear()

    for line in text.split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if "|" in line else []
        if sum(1 for c in cells if c) >= 2:
            if not _RULE_ROW.match(line):
                rows.append(tuple(cells))
        elif not (cells and _RULE_ROW.match(line)):
            flush()
    flush()
    return tables


def document_from_text(text: str, *, path: str = "<text>", fmt: str = "text") -> Document:
    """Build a Document from a string with the same clean-up as a text file.

    Used for text that never was a file (tests, pasted clauses, training snippets).
    """
    raw_pages = _split_text_pages(text)
    texts = clean_pages(raw_pages)
    keep = list(texts)
    while len(keep) > 1 and not keep[-1].strip():
        keep.pop()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    tables = [pipe_tables(t, i + 1) for i, t in enumerate(keep)]
    metadata = {"title": "", "producer": "", "page_count": len(keep)}
    return _assemble(path, digest, fmt, keep, tables, [fmt] * len(keep), metadata)


def _read_text(path: Path, digest: str, data: bytes) -> Document:
    if len(data) > MAX_TEXT_BYTES:
        raise TooLargeError(
            f"the text file is {len(data) / (1 << 20):.1f} MiB, over the {MAX_TEXT_BYTES / (1 << 20):.1f} MiB "
            "limit; split it",
            path=path,
        )
    text, encoding = decode_text(data, path)
    raw_pages = _split_text_pages(text)
    texts = clean_pages(raw_pages)
    if not any(t.strip() for t in texts):
        raise EmptyDocumentError("the file has no text", path=path)
    # drop trailing pages emptied by clean-up (a last footer); inner pages keep their numbers
    keep = list(texts)
    while len(keep) > 1 and not keep[-1].strip():
        keep.pop()
    metadata = {"title": "", "producer": "", "encoding": encoding, "page_count": len(keep)}
    tables = [pipe_tables(t, i + 1) for i, t in enumerate(keep)]
    return _assemble(path, digest, "text", keep, tables, ["text"] * len(keep), metadata)


def _read_docx(path: Path, digest: str) -> Document:
    from .word import read_docx_pages

    raw_pages, raw_tables, metadata = read_docx_pages(path)
    texts = clean_pages(raw_pages)
    tables = [[Table(page=i + 1, rows=rows) for rows in page_tables] for i, page_tables in enumerate(raw_tables)]
    return _assemble(path, digest, "docx", texts, tables, ["docx"] * len(texts), metadata)


def read_document(path: str | Path, *, password: str | None = None, max_pages: int = DEFAULT_MAX_PAGES) -> Document:
    """Read a contract from a PDF, DOCX or text file.

    Parameters
    ----------
    path : str or Path
        The file to read.
    password : str, optional
        User password for an encrypted PDF.
    max_pages : int
        Refuse PDFs longer than this (a guard against pathological files).

    Returns
    -------
    Document
        Cleaned text with pages, tables, offsets, SHA-256 and metadata.

    Raises
    ------
    InputError
        A subclass naming the problem: missing, empty, not a PDF, encrypted, wrong
        password, corrupt, scanned, too large, undecodable or unsupported.
    """
    path = Path(path)
    if not path.exists():
        raise MissingFileError("no such file; check the path", path=path)
    if path.is_dir():
        raise UnsupportedFormatError("is a folder; use `audit` for folders", path=path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(f"cannot be opened ({exc.strerror}); check permissions", path=path) from exc
    if not head:
        raise EmptyDocumentError("the file is empty (0 bytes)", path=path)
    suffix = path.suffix.lower()
    digest = sha256_of(path)
    if pdfmod.sniff_pdf(head):
        return _read_pdf(path, digest, password, max_pages)
    if suffix == ".pdf":
        raise NotAPdfError(
            f"named .pdf but the content is {pdfmod.describe_non_pdf(head)}; rename it or export a real PDF",
            path=path,
        )
    if suffix == ".docx" or head.startswith(b"PK\x03\x04") and suffix not in TEXT_SUFFIXES:
        if suffix != ".docx":
            raise UnsupportedFormatError(
                "is a ZIP container without a .docx name; rename it if it is a Word file",
                path=path,
            )
        return _read_docx(path, digest)
    if suffix in TEXT_SUFFIXES:
        with open(path, "rb") as fh:
            data = fh.read()
        return _read_text(path, digest, data)
    raise UnsupportedFormatError(
        f"unsupported file type {suffix or '(no extension)'!r}; give a .pdf, .docx, .txt or .md",
        path=path,
    )
