"""Document-level cues for contracts that are not engagements for services.

Licences, supply of goods, distribution, franchises, financing, NDAs, employment,
transportation capacity, co-development and marketing deals share words with service
contracts. These cues (data in ``cues/cues.jsonl``) are features for the classifier and
the evidence it cites when it decides ``out_of_scope``; they are not signal families of
the domain reference.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from .types import Document


@lru_cache(maxsize=1)
def cue_patterns() -> tuple[tuple[str, re.Pattern, str], ...]:
    text = (resources.files("classifier") / "cues" / "cues.jsonl").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip():
            d = json.loads(line)
            out.append((d["id"], re.compile(d["pattern"], re.I), d["explain"]))
    return tuple(out)


CUE_IDS = tuple(c[0] for c in cue_patterns())


def find_cues(doc: Document, *, examples: int = 2) -> dict[str, dict]:
    """Count each cue in the document and keep a few quoted examples with their page.

    Returns ``{cue_id: {"count": n, "explanation": str, "examples": [{page, text}]}}``.
    """
    out: dict[str, dict] = {}
    text = doc.text
    for cid, rx, explain in cue_patterns():
        n = 0
        ex = []
        for m in rx.finditer(text):
            n += 1
            if len(ex) < examples:
                a, b = max(0, m.start() - 80), min(len(text), m.end() + 80)
                ex.append({"page": doc.page_at(m.start()), "text": " ".join(text[a:b].split())})
        if n:
            out[cid] = {"count": n, "explanation": explain, "examples": ex}
    return out
