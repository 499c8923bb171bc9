"""Render documents, signals and verdicts as terminal text or JSON.

Contract text is untrusted: control characters and terminal escape sequences are removed
before anything is printed, so a hostile PDF cannot rewrite a reviewer's terminal.
"""

from __future__ import annotations

import re

from .clauses import clause_ref
from .types import Clause, Document

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str, limit: int | None = None) -> str:
    """Contract text made safe for a terminal: no control or bidi-override characters."""
    text = _UNSAFE.sub("", text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def one_line(text: str, limit: int | None = None) -> str:
    return safe(" ".join(text.split()), limit)


def render_extraction(doc: Document, clauses: tuple[Clause, ...], *, with_text: bool = False) -> str:
    """Text report of ingestion: document facts, pages, the clause outline, tables."""
    lines = [
        f"{safe(doc.path)}",
        f"  format {doc.format}, {doc.page_count} page(s), sha256 {doc.sha256[:16]}…",
    ]
    if doc.metadata.get("title"):
        lines.append(f"  title: {one_line(doc.metadata['title'], 100)}")
    if doc.metadata.get("producer"):
        lines.append(f"  producer: {one_line(doc.metadata['producer'], 100)}")
    for w in doc.warnings:
        lines.append(f"  warning: {safe(w)}")
    lines.append("")
    lines.append("Pages")
    for p in doc.pages:
        t = f", {len(p.tables)} table(s)" if p.tables else ""
        lines.append(f"  p.{p.number:<4} {p.method:<15} {len(p.text):>7} chars{t}")
    lines.append("")
    lines.append(f"Clauses ({len(clauses)})")
    for c in clauses:
        ref = clause_ref(clauses, c.index) if c.number else c.kind
        head = f"  {one_line(c.heading, 70)}" if c.heading else ""
        body = c.text.lstrip()
        if c.number and body.startswith(c.number):
            body = body[len(c.number):].lstrip(" .):-\u2013\u2014")
        preview = "" if head else "  " + one_line(body, 60)
        lines.append(f"  p.{c.page:<4} {'  ' * min(c.depth, 6)}{safe(ref)}{head}{preview}")
        if with_text:
            lines.append(safe(c.text))
    if doc.tables:
        lines.append("")
        lines.append(f"Tables ({len(doc.tables)})")
        for i, t in enumerate(doc.tables, 1):
            lines.append(f"  table {i} on p.{t.page}: {len(t.rows)} row(s)")
            for row in t.rows:
                lines.append("    | " + " | ".join(one_line(c, 40) for c in row) + " |")
    return "\n".join(lines)
