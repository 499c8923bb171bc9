"""Split a Document into Clauses: number, heading, depth, parent, page, offsets.

Contracts number their clauses in many styles ("4.2", "(b)", "Article IV", "Section 5",
"Exhibit B", "Schedule 1", "Statement of Work No. 3", "A.", "(iii)"). A marker counts only
at the start of a line and only where a new clause can begin: after a blank line, after a
line that ends a sentence or a list item, or as an all-caps heading. This keeps
cross-references that a PDF line wrap pushed to the start of a line ("... pursuant to
Section\\n2.1 of ...") from opening a clause.

Nesting follows the order in which numbering styles appear, as a reader infers it: a
style seen before closes everything opened after it; a new style opens a deeper level.
Clauses tile the document text: every character belongs to exactly one clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .types import Clause, Document

_ROMAN = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")

_CONTAINER = re.compile(
    r"(?P<kw>EXHIBIT|Exhibit|SCHEDULE|Schedule|APPENDIX|Appendix|ANNEX|Annex|ATTACHMENT|"
    r"Attachment|ADDENDUM|Addendum)\s+(?P<n>[A-Z]{1,2}(?:-\d{1,3})?|\d{1,3}(?:\.\d{1,2})?)"
    r"(?=$|[\s.:\-\u2013\u2014])"
)
_SOW = re.compile(
    r"(?P<kw>STATEMENT OF WORK|Statement [Oo]f Work|SOW)\s*(?:No\.?|NO\.?|Number|NUMBER|#)\s*"
    r"(?P<n>\d{1,4})\b"
)
_ARTICLE = re.compile(r"(?P<kw>ARTICLE|Article)\s+(?P<n>[IVXLC]{1,7}|\d{1,3})(?=$|[\s.:\-\u2013\u2014])")
_SECTION = re.compile(r"(?P<kw>SECTION|Section|§)\s*(?P<n>\d{1,3}(?:\.\d{1,3}){0,3})\.?(?=$|\s)")
_DECIMAL = re.compile(r"(?P<n>\d{1,3}(?:\.\d{1,3}){0,4})(?P<p>\.|\))?(?=\s|$)")
_PAREN = re.compile(r"\((?P<n>[a-z]{1,3}|[A-Z]{1,3}|\d{1,2})\)(?=\s|$)")
_LETTER = re.compile(r"(?P<n>[a-zA-Z]|[ivxIVX]{2,5})(?P<p>[.)])(?=\s)")

_ENDS_UNIT = re.compile(r"""(?:[.:;!?"”’)\]]|\band|\bor)\s*$""")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’&-]*")
_SMALL = {"of", "and", "or", "the", "to", "for", "in", "on", "a", "an", "by", "with", "as", "at"}


@dataclass
class _Marker:
    start: int  # offset of the marker in the document text
    style: str
    number: str  # as cited: "4.2", "(b)", "Article IV", "Exhibit B"
    value: str  # the bare numbering token: "4.2", "b", "IV", "B"
    rest: str  # text after the marker on its line
    line_end: int
    kind: str


def _is_heading_like(s: str, max_len: int = 90) -> bool:
    s = s.strip().rstrip(".:")
    if not s or len(s) > max_len:
        return False
    words = _WORD.findall(s)
    if not words:
        return False
    if s.upper() == s and any(c.isalpha() for c in s):
        return True
    big = [w for w in words if w.lower() not in _SMALL]
    return bool(big) and sum(w[0].isupper() for w in big) >= 0.75 * len(big)


def _heading_from(rest: str, next_line: str) -> str:
    """The clause heading: the leading title of the marker line, or the next short line."""
    rest = rest.strip().lstrip("-\u2013\u2014:. ").strip()
    if not rest:
        nl = next_line.strip()
        return nl.rstrip(".:") if _is_heading_like(nl, 80) and not _starts_marker(nl) else ""
    m = re.match(r"(.{2,90}?)[.:](?:\s|$)", rest)
    if m and _is_heading_like(m.group(1)):
        return m.group(1).strip()
    if _is_heading_like(rest, 80) and not rest.endswith((",", ";")):
        return rest.rstrip(".:")
    # underlined-style headings in ALL CAPS followed by sentence text
    m = re.match(r"([A-Z][A-Z0-9 ,&'/-]{3,80}[A-Z])\b(?=\s+[A-Z][a-z])", rest)
    if m and len(m.group(1).split()) <= 10:
        return m.group(1).strip()
    return ""


def _starts_marker(line: str) -> bool:
    return bool(
        _ARTICLE.match(line)
        or _SECTION.match(line)
        or _CONTAINER.match(line)
        or _PAREN.match(line)
        or (_DECIMAL.match(line) and "." in line[:4])
    )


def _roman_value(s: str) -> int:
    vals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    s = s.lower()
    total = 0
    for i, ch in enumerate(s):
        v = vals[ch]
        if i + 1 < len(s) and vals[s[i + 1]] > v:
            total -= v
        else:
            total += v
    return total


def _find_marker(line: str, offset: int, line_end: int, prev_ok: bool) -> _Marker | None:
    """Recognise a clause marker at the start of ``line`` (already left-stripped)."""
    m = _SOW.match(line)
    if m:
        rest = line[m.end() :]
        if prev_ok or line[:4].isupper():
            return _Marker(offset, "container", f"Statement of Work No. {m['n']}", m["n"], rest, line_end, "exhibit")
    m = _CONTAINER.match(line)
    if m:
        rest = line[m.end() :]
        kw = m["kw"]
        first = rest.strip()[:1]
        if (not first or first in "-\u2013\u2014:.(" or first.isupper() or first.isdigit()) and (
            prev_ok or kw.isupper()
        ):
            return _Marker(offset, "container", f"{kw.title()} {m['n']}", m["n"], rest, line_end, "exhibit")
        return None
    m = _ARTICLE.match(line)
    if m:
        rest = line[m.end() :]
        first = rest.strip()[:1]
        if (not first or not first.islower()) and (prev_ok or m["kw"].isupper()):
            return _Marker(offset, "article", f"Article {m['n']}", m["n"], rest, line_end, "article")
        return None
    if not prev_ok:
        return None
    m = _SECTION.match(line)
    if m:
        rest = line[m.end() :]
        first = rest.strip()[:1]
        if not first or not first.islower():
            n = m["n"]
            return _Marker(offset, f"dec{n.count('.') + 1}", f"Section {n}", n, rest, line_end, "clause")
        return None
    m = _DECIMAL.match(line)
    if m:
        rest = line[m.end() :]
        first = rest.strip()[:1]
        n = m["n"]
        parts = n.split(".")
        # "1" alone needs a period or parenthesis ("1." / "1)") to be a clause number
        if len(parts) == 1 and not m["p"]:
            return None
        if int(parts[0]) > 300 or any(len(p) > 3 for p in parts):
            return None
        if first and (first in "%$," or first.islower() and not m["p"]):
            return None
        style = f"dec{len(parts)}" if m["p"] != ")" else "digit-paren"
        return _Marker(offset, style, n, n, rest, line_end, "clause")
    m = _PAREN.match(line)
    if m:
        n = m["n"]
        rest = line[m.end() :]
        if n.isdigit():
            style = "paren-digit"
        elif n.islower():
            style = "paren-roman" if _ROMAN.match(n) else ("paren-alpha" if len(n) <= 2 else "")
        else:
            style = "paren-ROMAN" if _ROMAN.match(n.lower()) else ("paren-ALPHA" if len(n) <= 2 else "")
        if not style:
            return None
        return _Marker(offset, style, f"({n})", n, rest, line_end, "clause")
    m = _LETTER.match(line)
    if m:
        n = m["n"]
        rest = line[m.end() :]
        if not rest.strip():
            return None
        if len(n) > 1:
            style = "roman-dot" if n.islower() else "ROMAN-dot"
        else:
            style = "alpha-dot" if n.islower() else "ALPHA-dot"
        if style == "ALPHA-dot" and not rest.strip()[:1].isupper():
            return None
        return _Marker(offset, style, f"{n}{m['p']}", n, rest, line_end, "clause")
    return None


_PAIRS = {
    "paren-roman": "paren-alpha",
    "paren-ROMAN": "paren-ALPHA",
    "roman-dot": "alpha-dot",
    "ROMAN-dot": "ALPHA-dot",
}


def _resolve_roman(marker: _Marker, stack: list[tuple[str, str, int]]) -> None:
    """Decide whether "(i)", "(v)", "(c)" continue a letter list or a roman one."""
    alpha = _PAIRS.get(marker.style)
    if not alpha:
        return
    n = marker.value.lower()
    alpha_prev = next((v.lower() for s, v, _ in reversed(stack) if s == alpha), None)
    roman_prev = next((v.lower() for s, v, _ in reversed(stack) if s == marker.style), None)
    cont_alpha = alpha_prev is not None and len(n) == 1 and len(alpha_prev) == 1 and (ord(n) == ord(alpha_prev) + 1)
    cont_roman = roman_prev is not None and _roman_value(n) == _roman_value(roman_prev) + 1
    if cont_alpha and not cont_roman:
        marker.style = alpha
    elif cont_roman:
        return
    elif len(n) == 1 and n != "i":
        marker.style = alpha  # a lone "(v)" or "(c)" with no roman list open is a letter


def _resolve_list(marker: _Marker, stack: list[tuple[str, str, int]], last_top: int | None):
    """Tell a nested "1. 2. 3." list inside a clause from the top-level "N." sequence.

    Returns the new value of the last top-level number.
    """
    v = int(marker.value)
    open_list = next((s for s in reversed(stack) if s[0] == "num-list"), None)
    if (
        open_list is not None
        and v == int(open_list[1]) + 1
        and (stack[-1][0] == "num-list" or last_top is None or v != last_top + 1)
    ):
        marker.style = "num-list"
        return last_top
    if v == 1 and last_top is not None and stack:
        marker.style = "num-list"
        return last_top
    return v


def _place(marker: _Marker, stack: list[tuple[str, str, int]]) -> None:
    """Pop ``stack`` to where ``marker`` belongs (the caller pushes it)."""
    style = marker.style
    if style == "container":
        stack.clear()
        return
    if style == "article":
        while stack and stack[-1][0] != "container":
            stack.pop()
        return
    if style.startswith("dec"):
        depth = int(style[3:])
        while stack:
            top = stack[-1][0]
            if top in ("container", "article"):
                break
            if top.startswith("dec") and int(top[3:]) < depth:
                break
            stack.pop()
        return
    if any(s == style for s, _, _ in stack):
        while stack and stack[-1][0] != style:
            stack.pop()
        stack.pop()


def split_clauses(doc: Document) -> tuple[Clause, ...]:
    """Split a document into clauses that tile its text.

    Parameters
    ----------
    doc : Document
        A document from :func:`classifier.ingest.read_document`.

    Returns
    -------
    tuple of Clause
        In document order. Text before the first numbered clause becomes a ``preamble``
        clause, and ``WHEREAS`` paragraphs before it become ``recital`` clauses.
    """
    text = doc.text
    markers: list[_Marker] = []
    offset = 0
    prev_ok = True  # start of document
    prev_blank = True
    seen_numbered = False
    lines = text.split("\n")
    for idx, raw in enumerate(lines):
        stripped = raw.lstrip()
        line_start = offset + (len(raw) - len(stripped))
        line_end = offset + len(raw)
        if stripped:
            ok = prev_ok or prev_blank
            m = _find_marker(stripped, line_start, line_end, ok)
            if m is not None:
                nxt = ""
                for later in lines[idx + 1 : idx + 3]:
                    if later.strip():
                        nxt = later
                        break
                m.rest = m.rest
                markers.append(m)
                m.heading = _heading_from(m.rest, nxt)  # type: ignore[attr-defined]
                seen_numbered = True
            elif not seen_numbered and re.match(r"(WHEREAS|Whereas)\b", stripped) and ok:
                markers.append(_Marker(line_start, "recital", "", "", "", line_end, "recital"))
                markers[-1].heading = ""  # type: ignore[attr-defined]
            prev_ok = bool(_ENDS_UNIT.search(stripped)) or _is_heading_like(stripped, 60)
            prev_blank = False
        else:
            prev_blank = True
        offset = line_end + 1

    clauses: list[Clause] = []
    bounds = [m.start for m in markers]
    if not markers or markers[0].start > 0 and text[: markers[0].start].strip():
        first_end = markers[0].start if markers else len(text)
        clauses.append(Clause(0, "", "", 0, None, doc.page_at(0), 0, first_end, text[:first_end], "preamble"))
    elif markers and markers[0].start > 0:
        # only whitespace before the first marker: let the first clause absorb it
        markers[0].start = 0
        bounds[0] = 0
    stack: list[tuple[str, str, int]] = []  # (style, value, clause index)
    last_top: int | None = None  # value of the last top-level "N." clause
    for i, m in enumerate(markers):
        end = bounds[i + 1] if i + 1 < len(bounds) else len(text)
        index = len(clauses)
        if m.style == "recital":
            stack.clear()
            clauses.append(
                Clause(index, "", "", 0, None, doc.page_at(m.start), m.start, end, text[m.start : end], "recital")
            )
            continue
        _resolve_roman(m, stack)
        if m.style == "container":
            last_top = None
        elif m.style == "dec1":
            last_top = _resolve_list(m, stack, last_top)
        _place(m, stack)
        parent = stack[-1][2] if stack else None
        depth = len(stack)
        stack.append((m.style, m.value, index))
        clauses.append(
            Clause(
                index=index,
                number=m.number,
                heading=getattr(m, "heading", ""),
                depth=depth,
                parent=parent,
                page=doc.page_at(m.start),
                start=m.start,
                end=end,
                text=text[m.start : end],
                kind=m.kind,
            )
        )
    return tuple(clauses)


def clause_ref(clauses, index: int) -> str:
    """Citation of a clause with its ancestors, as a reviewer writes it: ``Exhibit B 4.2(b)``."""
    parts = []
    i: int | None = index
    while i is not None:
        c = clauses[i]
        parts.append(c.number or c.kind if c.kind in ("preamble", "recital") else c.number)
        i = c.parent
    chain: list[str] = []
    for p in reversed([p for p in parts if p]):
        if chain and p.startswith(chain[-1].rstrip(".") + "."):
            chain[-1] = p  # "2" then "2.1": cite "2.1"
        elif chain and p.startswith("("):
            chain[-1] += p  # "4.2" then "(b)": cite "4.2(b)"
        else:
            chain.append(p)
    return " ".join(chain)


TITLE_MIN = 250  # an exhibit label before this offset ("EXHIBIT 10.46") precedes the title
TITLE_MAX = 700  # a title zone never runs longer than this


def first_body_clause(clauses):
    """The first clause of the body proper: a numbered clause or a recital.

    Everything before it is the title zone. EDGAR exhibit labels that open many filings
    ("EXHIBIT 10.46") are not the body: the title follows them.
    """
    return next(
        (c for c in clauses
         if (c.number and not (c.kind == "exhibit" and c.start < TITLE_MIN)) or c.kind == "recital"),
        None,
    )
