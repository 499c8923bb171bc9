"""Find the engagement model a document claims to be.

The claim comes from what the document says about itself, by zone, in this order:
the **title** (metadata title and the opening lines before the first numbered clause),
then **recitals and definitions**, then **self-descriptions** in the body ("this SOW is
for staff augmentation services"). The first zone that claims anything decides. Within
a zone the specific claims (staff augmentation, project, managed) beat the umbrella
"outsourcing"; an umbrella title is refined by a later zone only toward project or
managed services, never toward staff augmentation. "Master services agreement",
"professional services agreement" and "consulting agreement" claim nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from .clauses import TITLE_MAX, clause_ref, first_body_clause
from .types import Claim, ClaimedModel, Clause, Document

_SELF = re.compile(
    r"\b(?:this|the\s+present)\s+(?:agreement|sow|statement\s+of\s+work|contract|order|task\s+order|"
    r"engagement|solicitation|rfp|rfq|request\s+for\s+(?:proposals?|quotes?|quotations?))\b|"
    r"\bhereunder\b|\bthe\s+services\s+(?:are|consist|include|shall\s+be)\b|\bseeks\b|\bsolicit\w*\b",
    re.I,
)
_NEG = re.compile(r"\b(?:not|no|neither|nor|excludes?|excluding|other\s+than|rather\s+than)\b", re.I)
_DEF = re.compile(r"[\"“][^\"”]{1,60}[\"”]\s+(?:means|shall\s+mean|refers\s+to)\b", re.I)
_ZONE_WEIGHT = {"title": 3.0, "recital": 2.0, "definition": 1.5, "body": 1.0}


@lru_cache(maxsize=1)
def _patterns():
    text = (resources.files("classifier") / "patterns" / "claims.jsonl").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip():
            d = json.loads(line)
            out.append((d["id"], ClaimedModel(d["model"]), re.compile(d["pattern"], re.I), d["explain"]))
    return tuple(out)


def _sentences(text: str):
    start = 0
    for m in re.finditer(r"[.;!?](?:\s|$)|\n\s*\n", text):
        yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _scan(text: str, base: int, zone: str, doc: Document, ref: str, need_self: bool):
    hits = []
    for s0, s1 in _sentences(text):
        sent = text[s0:s1]
        if need_self and not _SELF.search(sent):
            continue
        for pid, model, rx, explain in _patterns():
            for m in rx.finditer(sent):
                before = sent[max(0, m.start() - 40) : m.start()]
                if _NEG.search(before):
                    continue
                hits.append(
                    {
                        "model": model,
                        "zone": zone,
                        "pattern": pid,
                        "explanation": explain,
                        "weight": _ZONE_WEIGHT[zone],
                        "page": doc.page_at(base + s0 + m.start()),
                        "clause": ref,
                        "start": base + s0 + m.start(),
                        "end": base + s0 + m.end(),
                        "text": " ".join(sent.split())[:240],
                    }
                )
    return hits


def _zones(doc: Document, clauses: Sequence[Clause]):
    first_body = first_body_clause(clauses)
    title_end = min(TITLE_MAX, first_body.start if first_body else len(doc.text))
    yield "title", [(doc.metadata.get("title") or "", -1, "title", False), (doc.text[:title_end], 0, "title", False)]
    zone2 = []
    for c in clauses:
        if c.kind in ("recital", "preamble"):
            off = title_end - c.start if c.kind == "preamble" and c.start < title_end else 0
            zone2.append((c.text[max(off, 0) :], c.start + max(off, 0), c.kind, False))
        elif "definition" in c.heading.lower() or _DEF.search(c.text[:200]):
            zone2.append((c.text, c.start, clause_ref(clauses, c.index), False))
    yield "recital", zone2
    body = [
        (c.text, c.start, clause_ref(clauses, c.index) or c.kind, True)
        for c in clauses
        if c.kind not in ("recital", "preamble")
    ]
    yield "body", body


def find_claim(doc: Document, clauses: Sequence[Clause]) -> Claim:
    """The model the document claims, with its evidence (``unspecified`` when none).

    Parameters
    ----------
    doc : Document
    clauses : sequence of Clause

    Returns
    -------
    Claim
    """
    decided: ClaimedModel | None = None
    evidence: list[dict] = []
    for zone, parts in _zones(doc, clauses):
        hits = []
        for text, base, ref, need_self in parts:
            if not text:
                continue
            if base < 0:  # metadata title: no offsets in the text
                for h in _scan(text, 0, zone, doc, "title", False):
                    h.update(start=None, end=None, page=1, clause="document title")
                    hits.append(h)
                continue
            hits.extend(_scan(text, base, zone, doc, ref, need_self))
        if not hits:
            continue
        scores: dict[ClaimedModel, float] = {}
        for h in hits:
            scores[h["model"]] = scores.get(h["model"], 0.0) + h["weight"]
        specific = {m: s for m, s in scores.items() if m != ClaimedModel.OUTSOURCING}
        if decided is None:
            if specific:
                decided = max(specific, key=lambda m: (specific[m], m.value))
            else:
                decided = ClaimedModel.OUTSOURCING
            evidence = [h for h in hits if h["model"] in (decided, ClaimedModel.OUTSOURCING)]
            if decided != ClaimedModel.OUTSOURCING:
                break
        else:  # refine an umbrella "outsourcing" toward project or managed services
            refine = {
                m: s
                for m, s in specific.items()
                if m in (ClaimedModel.PROJECT_OUTSOURCING, ClaimedModel.MANAGED_SERVICES)
            }
            if refine:
                decided = max(refine, key=lambda m: (refine[m], m.value))
                evidence += [h for h in hits if h["model"] == decided]
                break
    if decided is None:
        return Claim(ClaimedModel.UNSPECIFIED, ())
    for h in evidence:
        h["model"] = h["model"].value
    return Claim(decided, tuple(evidence[:6]))
