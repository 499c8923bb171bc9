"""Text clean-up shared by every reader: characters, hyphenation, page furniture.

The goal is the text a reviewer reads: no repeated headers/footers or page numbers,
line-end hyphenation repaired while real compound hyphens ("time-and-materials")
survive, ligatures expanded, and long blank runs collapsed so clauses stay whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# Characters that PDF producers use for ligatures and odd spaces.
_CHAR_MAP = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\xa0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u00ad": "",  # a soft hyphen is an invisible hyphenation point
    "\x02": "\ufffe",  # older pdfium builds mark soft hyphens with STX
    "\t": " ",
    "\x0c": "\n",
}
_TRANS = str.maketrans(_CHAR_MAP)

_CTRL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_TRAILING_WS = re.compile(r"[ \t]+\n")
_BLANK_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")

# Page furniture.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:-\s*)?(?:page\s*)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:of|/)\s*\d{1,4})?(?:\s*-)?\s*$",
    re.IGNORECASE,
)
EDGAR_SOURCE = re.compile(r"^\s*Source:\s.{2,200},\s*\d{1,2}/\d{1,2}/\d{2,4}\s*$")
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")


def normalize_chars(text: str) -> str:
    """Map ligatures and odd spaces, unify line ends, repair marked hyphenation.

    Parameters
    ----------
    text : str
        Raw text from a reader.

    Returns
    -------
    str
        Text with ``\\n`` line ends, ligatures expanded and soft hyphens resolved.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TRANS)
    if not text.isascii():
        # NFKC folds compatibility look-alikes (Greek question mark for ";", full-width
        # digits, ligatures the map missed) so patterns see ordinary characters.
        text = unicodedata.normalize("NFKC", text)
    return _CTRL.sub("", text)


# Left parts that form real compounds ("time-and-materials", "non-exclusive", "co-op").
_COMPOUND_LEFT = frozenset(
    "and or to of in on by for non co self pre post re multi sub inter intra anti semi "
    "ex out up day time long short third first second well full part high low cross end "
    "e sign follow start set off back check hand know lump work one two three year month "
    "per mid over under vice".split()
)
_MARKED = re.compile(r"([A-Za-z]+)\ufffe[ \t]*(\n[ \t]*)?([A-Za-z]+)")
_VOCAB_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def resolve_soft_hyphens(text: str) -> str:
    """Decide each PDFium-marked line-end hyphen: join the word or keep the hyphen.

    PDFium marks every hyphen that ends a line, inserted by line breaking or not. The
    document's own vocabulary decides first (the joined word or the hyphenated compound
    occurs elsewhere in it); otherwise a compound-forming left part ("time-and-...",
    "non-...") keeps its hyphen, an uppercase right part keeps it, and the rest is joined.
    """
    if "\ufffe" not in text:
        return text
    vocab = {w.lower() for w in _VOCAB_WORD.findall(text.replace("\ufffe", " "))}

    def fix(m: re.Match) -> str:
        left, right = m.group(1), m.group(3)
        joined, compound = (left + right).lower(), f"{left}-{right}".lower()
        if joined in vocab and compound not in vocab:
            return left + right
        if compound in vocab or left.lower() in _COMPOUND_LEFT or right[:1].isupper():
            return f"{left}-{right}"
        return left + right

    text = _MARKED.sub(fix, text)
    return text.replace("\ufffe", "-")


def tidy_whitespace(text: str) -> str:
    """Strip trailing spaces and collapse runs of blank lines into one blank line."""
    text = _TRAILING_WS.sub("\n", text)
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip("\n")


def _key(line: str) -> str:
    return _SPACES.sub(" ", _DIGITS.sub("#", line.strip().lower()))


def strip_page_furniture(pages: list[str], zone: int = 3) -> list[str]:
    """Remove running headers/footers, page numbers and EDGAR footers from pages.

    A line counts as a header or footer when, digits ignored, the same line sits in the
    top or bottom ``zone`` non-empty lines of at least half the pages (and at least three
    pages). Bare page numbers ("7", "Page 7 of 39", "- 7 -", "vii") are removed from the
    zones of every page; EDGAR ``Source: ..., FORM, DATE`` lines from anywhere.

    Parameters
    ----------
    pages : list of str
        Page texts after :func:`normalize_chars`.
    zone : int
        How many non-empty lines at each end of a page may be furniture.

    Returns
    -------
    list of str
        Page texts without furniture (same length as ``pages``).
    """
    split = [p.split("\n") for p in pages]
    n = len(pages)
    tops: Counter[str] = Counter()
    bottoms: Counter[str] = Counter()
    zones: list[tuple[list[int], list[int]]] = []
    for lines in split:
        idx = [i for i, line in enumerate(lines) if line.strip()]
        top, bottom = idx[:zone], idx[-zone:] if idx else []
        zones.append((top, bottom))
        tops.update({_key(lines[i]) for i in top})
        bottoms.update({_key(lines[i]) for i in bottom})
    need = max(3, (n + 1) // 2)
    repeated_top = {k for k, c in tops.items() if c >= need and k}
    repeated_bottom = {k for k, c in bottoms.items() if c >= need and k}
    out = []
    for lines, (top, bottom) in zip(split, zones):
        drop = set()
        for i in top:
            if _key(lines[i]) in repeated_top or _PAGE_NUMBER.match(lines[i]):
                drop.add(i)
        for i in bottom:
            if _key(lines[i]) in repeated_bottom or _PAGE_NUMBER.match(lines[i]):
                drop.add(i)
        kept = [line for i, line in enumerate(lines) if i not in drop and not EDGAR_SOURCE.match(line)]
        out.append("\n".join(kept))
    return out


def clean_pages(raw_pages: list[str]) -> list[str]:
    """Full clean-up of a document's pages: characters, furniture, whitespace."""
    pages = [normalize_chars(p) for p in raw_pages]
    pages = strip_page_furniture(pages)
    if any("\ufffe" in p for p in pages):
        joined = resolve_soft_hyphens("\f".join(pages))
        pages = joined.split("\f")
    return [tidy_whitespace(p) for p in pages]
