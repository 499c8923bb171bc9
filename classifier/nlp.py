"""Build the spaCy pipeline once per process: blank English + our rule components.

Pipeline: ``sentencizer`` -> ``span_ruler`` (phrase and token patterns) ->
``regex_ruler`` (regular-expression patterns). Every pattern lives as data in
``classifier/patterns/<family>.jsonl``, one file per signal family of the domain
reference. Phrase patterns match on lower-cased tokens through spaCy's PhraseMatcher;
token patterns are few (the token Matcher is the slow part); regular expressions cover
the rest, anchored on the clause text and aligned back to tokens.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SPANS_KEY = "signals"


@dataclass(frozen=True)
class Pattern:
    """One rule: where it comes from, what it means, and how much it weighs."""

    id: str
    family: str
    kind: str  # "phrase" | "tokens" | "regex"
    pattern: object
    weight: float
    explain: str
    negation_ok: bool = False
    anti: tuple[str, ...] = ()


def load_patterns() -> tuple[Pattern, ...]:
    """Read every ``patterns/*.jsonl`` file shipped with the package."""
    out = []
    root = resources.files("classifier") / "patterns"
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".jsonl") or entry.name.startswith("claims"):
            continue
        for line in entry.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out.append(
                    Pattern(
                        id=d["id"], family=d["family"], kind=d["kind"], pattern=d["pattern"],
                        weight=float(d["weight"]), explain=d["explain"],
                        negation_ok=bool(d.get("negation_ok", False)),
                        anti=tuple(d.get("anti", ())),
                    )
                )
    return tuple(out)


@lru_cache(maxsize=1)
def patterns_by_id() -> dict[str, Pattern]:
    return {p.id: p for p in load_patterns()}


@lru_cache(maxsize=1)
def compiled_regexes() -> tuple[tuple[Pattern, re.Pattern], ...]:
    return tuple(
        (p, re.compile(p.pattern, re.IGNORECASE)) for p in load_patterns() if p.kind == "regex"
    )


def _regex_ruler_factory():
    from spacy.language import Language
    from spacy.tokens import Doc, SpanGroup

    if "regex_ruler" in Language.factories:
        return

    @Language.factory("regex_ruler", default_config={"spans_key": SPANS_KEY})
    def make_regex_ruler(nlp, name, spans_key):  # noqa: ARG001 - spaCy factory signature
        regexes = compiled_regexes()

        def regex_ruler(doc: Doc) -> Doc:
            group = doc.spans[spans_key] if spans_key in doc.spans else SpanGroup(doc)
            spans = list(group)
            text = doc.text
            for pat, rx in regexes:
                for m in rx.finditer(text):
                    span = doc.char_span(
                        m.start(), m.end(), label=pat.family, alignment_mode="expand",
                        span_id=pat.id,
                    )
                    if span is not None:
                        spans.append(span)
            doc.spans[spans_key] = spans
            return doc

        return regex_ruler


@lru_cache(maxsize=1)
def get_pipeline():
    """The shared pipeline (built once per process; workers each build their own)."""
    import spacy

    _regex_ruler_factory()
    nlp = spacy.blank("en")
    nlp.max_length = 5_000_000
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", ";"]})
    ruler = nlp.add_pipe(
        "span_ruler",
        config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": True},
    )
    ruler.add_patterns(
        [
            {"label": p.family, "pattern": p.pattern, "id": p.id}
            for p in load_patterns()
            if p.kind in ("phrase", "tokens")
        ]
    )
    nlp.add_pipe("regex_ruler", config={"spans_key": SPANS_KEY})
    return nlp
