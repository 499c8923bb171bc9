"""Rule matching: every signal pattern, compiled once per process, gated by anchors.

Every pattern lives as data in ``classifier/patterns/<family>.jsonl``, one file per signal
family of the domain reference. Kinds: ``regex`` (a Python regular expression, matched
case-insensitively on the clause text), ``phrase`` (a lower-case word sequence, matched as
whole words with any whitespace between them) and ``tokens`` (a small subset of spaCy
token patterns: ``ORTH`` / ``TEXT`` / ``LOWER`` / ``TEXT.REGEX`` per token). All kinds are
compiled to regular expressions.

Speed: a regex only runs on a clause whose lower-cased text contains one of its *anchors*,
literal substrings that every match must contain (derived from the parsed regex, or given
as ``"anchors"`` in the JSONL). :func:`find_matches` is the fast path used by the
detectors; :func:`get_pipeline` wraps the same matcher as a spaCy component
(``sentencizer`` -> ``regex_ruler``) for callers that want spaCy ``Doc`` spans.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SPANS_KEY = "signals"
MATCHES_KEY = "signal_matches"


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
    anchors: tuple[str, ...] = ()  # lower-case substrings, one of which any match contains


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
                        anchors=tuple(a.lower() for a in d.get("anchors", ())),
                    )
                )
    return tuple(out)


@lru_cache(maxsize=1)
def patterns_by_id() -> dict[str, Pattern]:
    return {p.id: p for p in load_patterns()}


# ----------------------------------------------------------------------------- anchors
# A regex only runs on a text whose lower-cased form contains one of its anchors: literal
# substrings that every match must contain, derived from the parsed regex. The derivation is
# conservative: when no literal is certain, the pattern has no anchors and always runs.
try:  # Python >= 3.11
    from re import _constants as _sre_c
    from re import _parser as _sre_p
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

_MAX_ALTS = 40


def _alts_of_seq(items) -> list[str] | None:
    """Best set of alternatives (any one must occur) for a parsed sequence."""
    best: list[str] | None = None
    run: list[str] = []

    def consider(alts):
        nonlocal best
        if alts and all(alts) and (best is None or min(map(len, alts)) > min(map(len, best))):
            best = alts

    def flush():
        if run:
            consider(["".join(run)])
            run.clear()

    for op, av in items:
        if op is _sre_c.LITERAL:
            ch = chr(av)
            if ch.isalnum() or ch in "-&'/%$.*":
                run.append(ch.lower())
                continue
            flush()
            continue
        flush()
        if op is _sre_c.SUBPATTERN:
            consider(_alts_of_seq(av[-1]))
        elif op is _sre_c.BRANCH:
            alts: list[str] = []
            for branch in av[1]:
                a = _alts_of_seq(branch)
                if not a:
                    alts = []
                    break
                alts.extend(a)
            if alts and len(alts) <= _MAX_ALTS:
                consider(sorted(set(alts)))
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT) and av[0] >= 1:
            consider(_alts_of_seq(av[2]))
        elif op is _sre_c.IN and len(av) > 1 and all(o is _sre_c.LITERAL for o, _ in av):
            # a small class of literal characters such as [’']: treat as a branch
            pass
    flush()
    return best


def derive_anchors(pattern: str) -> tuple[str, ...]:
    """Literal lower-case substrings, one of which every match of ``pattern`` contains."""
    try:
        parsed = _sre_p.parse(pattern, re.IGNORECASE)
    except Exception:  # noqa: BLE001 - never fail loading on the optimisation
        return ()
    alts = _alts_of_seq(list(parsed))
    if not alts or min(map(len, alts)) < 2:
        return ()
    # drop alternatives that contain a shorter one (the shorter already covers them)
    alts = sorted(set(alts), key=len)
    kept: list[str] = []
    for a in alts:
        if not any(k in a for k in kept):
            kept.append(a)
    return tuple(kept)


def _token_to_regex(tok: dict) -> str:
    if "ORTH" in tok:
        return "(?-i:" + re.escape(tok["ORTH"]) + ")"
    if "LOWER" in tok:
        return re.escape(tok["LOWER"])
    text = tok.get("TEXT")
    if isinstance(text, str):
        return "(?-i:" + re.escape(text) + ")"
    if isinstance(text, dict) and "REGEX" in text:
        body = text["REGEX"].lstrip("^").rstrip("$")
        return "(?-i:" + body + ")"
    raise ValueError(f"unsupported token pattern {tok!r}")


def as_regex(p: Pattern) -> str:
    """The regular expression of any pattern kind."""
    if p.kind == "regex":
        return str(p.pattern)
    if p.kind == "phrase":
        words = str(p.pattern).split()
        return r"(?<!\w)" + r"\s+".join(re.escape(w.lower()) for w in words) + r"(?!\w)"
    if p.kind == "tokens":
        parts = [_token_to_regex(t) for t in p.pattern]  # type: ignore[union-attr]
        return r"(?<!\w)" + r"\s*".join(parts) + r"(?!\w)"
    raise ValueError(f"unknown pattern kind {p.kind!r} in {p.id}")


@lru_cache(maxsize=1)
def compiled_regexes() -> tuple[tuple[Pattern, re.Pattern, tuple[str, ...]], ...]:
    """Each pattern as a compiled regex, with the anchors that gate it (``()`` = always run)."""
    out = []
    for p in load_patterns():
        rx = as_regex(p)
        anchors = p.anchors or derive_anchors(rx)
        out.append((p, re.compile(rx, re.IGNORECASE), anchors))
    return tuple(out)


def find_matches(text: str) -> list[tuple[Pattern, int, int]]:
    """Every pattern match in ``text``: ``(pattern, start, end)``, in pattern order."""
    lower = text.lower()
    if len(lower) != len(text):  # rare case-mapping length changes: no gating
        lower = None
    out = []
    for pat, rx, anchors in compiled_regexes():
        if anchors and lower is not None and not any(a in lower for a in anchors):
            continue
        for m in rx.finditer(text):
            if m.end() > m.start():
                out.append((pat, m.start(), m.end()))
    return out


def _regex_ruler_factory():
    from spacy.language import Language
    from spacy.tokens import Doc, SpanGroup

    if "regex_ruler" in Language.factories:
        return

    @Language.factory("regex_ruler", default_config={"spans_key": SPANS_KEY})
    def make_regex_ruler(nlp, name, spans_key):  # noqa: ARG001 - spaCy factory signature
        def regex_ruler(doc: Doc) -> Doc:
            group = doc.spans[spans_key] if spans_key in doc.spans else SpanGroup(doc)
            spans = list(group)
            matches = find_matches(doc.text)
            # exact character offsets for the detectors (spans snap to token boundaries)
            doc.user_data[MATCHES_KEY] = matches
            for pat, start, end in matches:
                span = doc.char_span(start, end, label=pat.family, alignment_mode="expand",
                                     span_id=pat.id)
                if span is not None:
                    spans.append(span)
            doc.spans[spans_key] = spans
            return doc

        return regex_ruler


@lru_cache(maxsize=1)
def get_pipeline():
    """The shared spaCy pipeline (built once per process; each worker builds its own).

    ``spacy.blank("en")`` tokenizer, ``sentencizer``, then ``regex_ruler``: every pattern of
    ``patterns/*.jsonl`` (phrase, token and regex patterns, compiled to anchored regular
    expressions, see :func:`find_matches`) becomes a span in ``doc.spans["signals"]``
    labelled with its family, and the exact match offsets go to ``doc.user_data``.
    The detectors run every clause through this pipeline.
    """
    import spacy

    _regex_ruler_factory()
    nlp = spacy.blank("en")
    nlp.max_length = 5_000_000
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", ";"]})
    nlp.add_pipe("regex_ruler", config={"spans_key": SPANS_KEY})
    return nlp
