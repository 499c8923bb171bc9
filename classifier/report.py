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
            body = body[len(c.number) :].lstrip(" .):-\u2013\u2014")
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


# ----------------------------------------------------------------------------- verdicts
def _label(model: str | None) -> str:
    return (model or "-").replace("_", " ")


def _style(text: str, color: bool, **kw) -> str:
    if not color:
        return text
    import click

    return click.style(text, **kw)


def _cite(e: dict) -> str:
    where = f"p.{e.get('page')}" if e.get("page") else ""
    if e.get("clause"):
        where += f" §{safe(str(e['clause']))}"
    return where.strip()


def render_verdict(rec: dict, *, color: bool = False, max_signals: int = 4) -> str:
    """A report a lawyer can read in a terminal: verdict, warnings, flags, signals."""
    out = [_style(safe(rec["path"]), color, bold=True)]
    if rec["status"] != "ok":
        out.append(_style(f"  ERROR [{rec['error']['code']}] ", color, fg="red") + safe(rec["error"]["message"]))
        return "\n".join(out)
    probs = ", ".join(f"{_label(k)} {v:.0%}" for k, v in sorted(rec["probabilities"].items(), key=lambda kv: -kv[1]))
    verdict = f"  Implements: {_label(rec['model']).upper()} ({rec['confidence']:.0%})"
    if rec["uncertain"]:
        verdict += _style("  [uncertain: needs human review]", color, fg="yellow")
    out.append(_style(verdict, color, bold=True))
    out.append(f"    probabilities: {probs}")
    if rec["secondary"]:
        out.append(f"    also materially present: {', '.join(_label(s) for s in rec['secondary'])}")
    claim = f"  Claims:     {_label(rec['claimed'])}"
    if rec["claim_evidence"]:
        e = rec["claim_evidence"][0]
        claim += f'  ({_cite(e)}: "{one_line(e.get("text") or "", 90)}")'
    out.append(claim)
    if rec["warnings"]:
        out.append("")
        out.append(_style(f"  MISMATCH WARNINGS ({len(rec['warnings'])})", color, fg="red", bold=True))
        for w in rec["warnings"]:
            out.append(_style(f"  [rule {w['rule']}] {w['title']}", color, fg="red"))
            out.append(f"    claimed {_label(w['claimed'])}; the clauses show {w['finding']}.")
            out.append(f"    Why it matters: {w['why']}.")
            for e in w["evidence"]:
                out.append(f'      {_cite(e)} [{e["family"]}] "{one_line(e["text"], 160)}"')
    if rec["flags"]:
        out.append("")
        out.append(_style(f"  REVIEW FLAGS ({len(rec['flags'])})", color, fg="yellow", bold=True))
        for f in rec["flags"]:
            out.append(f"  - {f['title']}: {f['why']}.")
            for e in f["evidence"][:2]:
                out.append(f'      {_cite(e)} "{one_line(e.get("text") or "", 160)}"')
    if rec["explanation"]:
        out.append("")
        out.append("  WHY THIS MODEL (top contributions)")
        for item in rec["explanation"]:
            out.append(f"  + {item['feature']} ({item['contribution']:+.2f})")
            for e in item.get("evidence", [])[:2]:
                out.append(f'      {_cite(e)} "{one_line(e.get("text") or "", 150)}"')
    by_family: dict[str, list[dict]] = {}
    for s in rec["signals"]:
        by_family.setdefault(s["family"], []).append(s)
    if by_family:
        out.append("")
        out.append(f"  SIGNALS BY FAMILY ({len(rec['signals'])})")
        for fam in sorted(by_family):
            sigs = by_family[fam]
            out.append(f"  {fam} ({len(sigs)})")
            for s in sigs[:max_signals]:
                out.append(f'      {_cite(s)} "{one_line(s["text"], 150)}"')
            if len(sigs) > max_signals:
                out.append(f"      … {len(sigs) - max_signals} more")
    for w in rec.get("document_warnings", []):
        out.append(f"  note: {safe(w)}")
    return "\n".join(out)


def render_signals(doc_path: str, claim: dict, signals: list[dict], *, color: bool = False) -> str:
    out = [_style(safe(doc_path), color, bold=True)]
    c = f"  Claims: {_label(claim['model'])}"
    out.append(c)
    for e in claim.get("evidence", [])[:3]:
        out.append(f'      {_cite(e)} [{e.get("zone")}] "{one_line(e.get("text") or "", 140)}"')
    by_family: dict[str, list[dict]] = {}
    for s in signals:
        by_family.setdefault(s["family"], []).append(s)
    out.append(f"  Signals ({len(signals)})")
    for fam in sorted(by_family):
        out.append(f"  {fam} ({len(by_family[fam])})")
        for s in by_family[fam]:
            vals = f"  {s['values']}" if s.get("values") else ""
            ctx = "" if s.get("context") in (None, "operative") else f" ({s['context']})"
            out.append(f'      {_cite(s)}{ctx} "{one_line(s["text"], 150)}"{safe(str(vals))[:120]}')
            out.append(f"        why: {s['explanation']} [{s['pattern']}]")
    return "\n".join(out)


# ----------------------------------------------------------------------------- audit files
CSV_COLUMNS = (
    "path",
    "status",
    "model",
    "confidence",
    "uncertain",
    "secondary",
    "claimed",
    "mismatch",
    "warnings",
    "flags",
    "error_code",
    "error_message",
    "sha256",
)


def csv_safe(value) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    s = "" if value is None else str(value)
    s = safe(s)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def csv_row(rec: dict) -> list[str]:
    err = rec.get("error") or {}
    return [
        csv_safe(x)
        for x in (
            rec["path"],
            rec["status"],
            rec["model"],
            rec["confidence"],
            rec["uncertain"],
            ";".join(rec["secondary"]),
            rec["claimed"],
            rec["mismatch"],
            ";".join(w["rule"] for w in rec["warnings"]),
            ";".join(f["id"] for f in rec["flags"]),
            err.get("code"),
            err.get("message"),
            rec["sha256"],
        )
    ]


def md_escape(text: str) -> str:
    """Contract text made inert in Markdown/HTML: no tags, links, or table breaks."""
    text = safe(" ".join(str(text).split()))
    for a, b in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("|", "\\|"),
        ("[", "\\["),
        ("]", "\\]"),
        ("`", "\\`"),
        ("*", "\\*"),
        ("_", "\\_"),
    ):
        text = text.replace(a, b)
    return text


MD_HEADER = "| file | status | implements | confidence | claims | mismatch | flags |\n|---|---|---|---|---|---|---|"


def md_row(rec: dict) -> str:
    if rec["status"] != "ok":
        err = rec["error"]
        return f"| {md_escape(rec['path'])} | error: {md_escape(err['code'])} | | | | | {md_escape(err['message'])} |"
    mism = "; ".join(f"rule {w['rule']}: {w['title']}" for w in rec["warnings"]) or "no"
    return (
        f"| {md_escape(rec['path'])} | ok | {md_escape(rec['model'])}{' (uncertain)' if rec['uncertain'] else ''} | "
        f"{rec['confidence']:.2f} | {md_escape(rec['claimed'])} | {md_escape(mism)} | "
        f"{md_escape(', '.join(f['id'] for f in rec['flags']))} |"
    )
