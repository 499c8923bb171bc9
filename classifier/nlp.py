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
(``regex_ruler``) for callers that want spaCy ``Doc`` spans.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SPANS_KEY = "signals"
MATCHES_KEY = "signal_matches"
TEXT_KEY = "text"


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


def find_matches_reference(text: str) -> list[tuple[Pattern, int, int]]:
    """Plain reference for :func:`find_matches`: ``finditer`` of every anchor-gated regex.

    Kept to test the windowed matcher against; never used on the hot path.
    """
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


# ----------------------------------------------------------------------------- windows
# Every match of a regex contains an occurrence of one of its anchors, and starts at most
# ``prefix`` characters before it (the widest the regex can consume before the anchor's
# literal run). So a match can only start in ``[occurrence - prefix, occurrence]``: the
# matcher tries those start positions, in order, instead of every position of the text
# (CPython cannot fast-scan case-insensitive patterns that open with ``\b`` / ``(?<!\w)``).
#
# Widths are linear in the longest run, in the text, of each character class repeated
# without bound (``\s+``, ``\w+``, ``[^|]*``): a ``\s+`` never consumes more than the
# longest whitespace run of the text. ``rx.match(text, p, hi)`` with ``hi`` beyond
# everything the regex can look at from ``p`` (consumption plus lookaheads plus a margin)
# behaves exactly as on the whole text, so the result is the same list of
# non-overlapping, left-to-right matches as ``finditer``. Anything the analysis cannot
# bound (nested unbounded repeats, backreferences, non-ASCII anchors) runs ``finditer``.
_MARGIN = 4  # \b, (?!\w), $ peek a character or two past the last consumed one
_SMALL_WINDOW = 12  # windows this narrow try rx.match at each start; wider ones rx.search
_FULL_SCAN_SHARE = 0.5  # windows covering more of the text than this: plain finditer
# Non-ASCII characters that match an ASCII letter case-insensitively (U+0130 İ, U+0131 ı,
# U+017F ſ, U+212A Kelvin sign): with any of them in a text, anchors found in its
# lower-cased form may not line up with matches, so that text runs plain finditer.
_RISKY = ("\u0130", "\u0131", "\u017f", "\u212a")
_ANCHOR_PUNCT = "-&'/%$.*"
_WIDTH1 = (_sre_c.LITERAL, _sre_c.NOT_LITERAL, _sre_c.IN, _sre_c.ANY)
_REPEATS = tuple(
    op for op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, getattr(_sre_c, "POSSESSIVE_REPEAT", None)) if op
)

# A width form is ``(const, {class_key: coefficient})``; ``None`` means unbounded.
_Form = tuple  # (int, dict)


def _f_add(a, b):
    if a is None or b is None:
        return None
    d = dict(a[1])
    for k, v in b[1].items():
        d[k] = d.get(k, 0) + v
    return (a[0] + b[0], d)


def _f_max(a, b):
    if a is None or b is None:
        return None
    d = dict(a[1])
    for k, v in b[1].items():
        d[k] = max(d.get(k, 0), v)
    return (max(a[0], b[0]), d)


def _f_scale(a, n):
    if a is None:
        return None
    return (a[0] * n, {k: v * n for k, v in a[1].items()})


_ZERO = (0, {})


class _Classes:
    """Unbounded single-character items, each with a compiled ``item+`` run regex."""

    def __init__(self):
        self.keys: dict[tuple, int] = {}
        self.runs: list[re.Pattern] = []

    def key(self, item, flags) -> int | None:
        k = (repr(item), flags)
        if k not in self.keys:
            try:
                from re import _compiler as _sre_k  # Python >= 3.11

                state = _sre_p.State()
                sub = _sre_p.SubPattern(state, [item])
                rep = _sre_p.SubPattern(state, [(_sre_c.MAX_REPEAT, (1, _sre_c.MAXREPEAT, sub))])
                rx = _sre_k.compile(rep, flags)
            except Exception:  # noqa: BLE001 - no windows for this pattern, never a failure
                return None
            self.keys[k] = len(self.runs)
            self.runs.append(rx)
        return self.keys[k]


def _width(items, flags, classes: _Classes, lookahead: bool):
    """Width form of a parsed sequence (``lookahead``: add what lookaheads inspect)."""
    total = _ZERO
    for op, av in items:
        if op in _WIDTH1:
            w = (1, {})
        elif op is _sre_c.AT:
            w = _ZERO
        elif op is _sre_c.SUBPATTERN:
            w = _width(av[-1], (flags | av[1]) & ~av[2], classes, lookahead)
        elif op is getattr(_sre_c, "ATOMIC_GROUP", None):
            w = _width(av, flags, classes, lookahead)
        elif op is _sre_c.BRANCH:
            w = _ZERO
            for branch in av[1]:
                w = _f_max(w, _width(branch, flags, classes, lookahead))
        elif op in _REPEATS:
            lo, hi, sub = av
            if hi != _sre_c.MAXREPEAT:
                w = _f_scale(_width(sub, flags, classes, lookahead), hi)
            elif len(sub) == 1 and sub[0][0] in _WIDTH1:
                k = classes.key(sub[0], flags)
                w = None if k is None else (0, {k: 1})
            else:
                return None
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            w = _width(av[1], flags, classes, lookahead) if lookahead and av[0] == 1 else _ZERO
        else:  # backreferences, conditionals, anything unknown
            return None
        total = _f_add(total, w)
        if total is None:
            return None
    return total


_TYPICAL_RUN = 12  # a typical longest run, to rank anchor sets before seeing a text
_KEEP_SETS = 3  # anchor sets kept per regex; each text uses the one with fewest candidates


def _set_cost(alts) -> float:
    """Static cost of an anchor set: short anchors occur often, prefixes widen windows."""
    cost = 0.0
    for a, p in alts:
        width = p[0] + _TYPICAL_RUN * sum(p[1].values()) + 1
        cost += width * (8 if len(a) <= 3 else 3 if len(a) <= 5 else 1)
    return cost


def _anchor_sets(items, flags, classes: _Classes) -> list[list[tuple[str, _Form]]]:
    """Anchor sets of a parsed sequence, cheapest first: each set is ``[(anchor, prefix)]``;
    every match contains one anchor of each set, starting at most ``prefix`` characters
    after the match start.
    """
    sets: list[list[tuple[str, _Form]]] = []
    run: list[str] = []
    run_prefix = _ZERO
    prefix: _Form | None = _ZERO

    def consider(alts):
        if alts and all(a and p is not None for a, p in alts):
            sets.append(alts)

    def shifted(inner, by):
        return [[(a, _f_add(by, p)) for a, p in s] for s in inner]

    def flush():
        if run:
            consider([("".join(run), run_prefix)])
            run.clear()

    for item in items:
        op, av = item
        if op is _sre_c.LITERAL:
            ch = chr(av)
            if ch.isascii() and (ch.isalnum() or ch in _ANCHOR_PUNCT):
                if not run:
                    run_prefix = prefix
                run.append(ch.lower())
                prefix = _f_add(prefix, (1, {}))
                continue
        flush()
        if op is _sre_c.SUBPATTERN:
            for s in shifted(_anchor_sets(av[-1], (flags | av[1]) & ~av[2], classes), prefix):
                consider(s)
        elif op is _sre_c.BRANCH:
            alts: list = []
            for branch in av[1]:
                inner = _anchor_sets(branch, flags, classes)
                if not inner:
                    alts = []
                    break
                alts.extend(shifted(inner[:1], prefix)[0])
            if alts and len(alts) <= _MAX_ALTS:
                consider(alts)
        elif op in _REPEATS and av[0] >= 1:
            for s in shifted(_anchor_sets(av[2], flags, classes), prefix):
                consider(s)
        prefix = _f_add(prefix, _width([item], flags, classes, False))
        if prefix is None:
            break  # nothing after an unbounded stretch can bound a start
    flush()
    sets.sort(key=_set_cost)
    return sets[:_KEEP_SETS]


@dataclass(frozen=True)
class _Plan:
    """How to run one regex in windows: anchor sets with prefix bounds, and its reach.

    Forms are ``(const, ((class, coefficient), ...))``, evaluated on a text's longest runs.
    ``at_start``: the regex opens with ``^`` (not multiline) or ``\\A``, which match only at
    the real start of the string (whatever ``pos``), so one ``match`` call at offset 0
    replaces a window per anchor occurrence.
    """

    sets: tuple[tuple[tuple[str, int, tuple[tuple[int, int], ...]], ...], ...]  # ((anchor, const, coefs),)
    reach: tuple[int, tuple[tuple[int, int], ...]]
    classes: tuple[int, ...]
    at_start: bool = False


def _plan(rx: re.Pattern, classes: _Classes) -> _Plan | None:
    try:
        parsed = _sre_p.parse(rx.pattern, rx.flags)
    except Exception:  # noqa: BLE001 - no windows, never a failure
        return None
    flags = parsed.state.flags
    if len(parsed) and parsed[0][0] is _sre_c.AT and (
        parsed[0][1] is _sre_c.AT_BEGINNING_STRING
        or (parsed[0][1] is _sre_c.AT_BEGINNING and not flags & re.MULTILINE)
    ):
        return _Plan((), (0, ()), (), at_start=True)
    reach = _width(list(parsed), flags, classes, True)
    sets = _anchor_sets(list(parsed), flags, classes)
    if reach is None or not sets:
        return None
    out = []
    for alts in sets:
        merged: dict[str, tuple] = {}
        for a, p in alts:  # one prefix bound per anchor string: the widest
            merged[a] = _f_max(merged[a], p) if a in merged else p
        out.append(tuple((a, p[0], tuple(sorted(p[1].items()))) for a, p in sorted(merged.items())))
    used = set(reach[1]) | {k for s in out for _, _, ks in s for k, _ in ks}
    return _Plan(tuple(out), (reach[0], tuple(sorted(reach[1].items()))), tuple(sorted(used)))


@lru_cache(maxsize=1)
def _matchers():
    """``(pattern, regex, gate anchors, plan or None)`` per pattern, and the class run regexes."""
    classes = _Classes()
    out = tuple((p, rx, anchors, _plan(rx, classes)) for p, rx, anchors in compiled_regexes())
    return out, tuple(classes.runs)


_AC_MIN = 3  # anchors this long or longer are found by the Aho-Corasick automaton


@lru_cache(maxsize=1)
def _automaton():
    """One Aho-Corasick automaton (pyahocorasick) over every gate and plan anchor of
    ``_AC_MIN`` or more characters: a single C pass finds all their occurrences in a text,
    instead of one ``in`` / ``count`` / ``find`` scan per anchor per pattern.
    """
    import ahocorasick

    words: set[str] = set()
    for _, _, anchors, plan in _matchers()[0]:
        words.update(anchors)
        if plan is not None:
            words.update(a for s in plan.sets for a, _, _ in s)
    automaton = ahocorasick.Automaton()
    for w in sorted(words):
        if len(w) >= _AC_MIN:
            automaton.add_word(w, w)
    automaton.make_automaton()
    return automaton


def _longest_run(rx: re.Pattern, text: str) -> int:
    return max(map(len, rx.findall(text)), default=0)


@lru_cache(maxsize=1)
def _ascii_run_tables() -> tuple[bytes, ...]:
    """Per class run regex, a ``bytes.translate`` table: its ASCII members to ``x``, the rest
    to a space.

    On an ASCII text the longest run of a class is then the longest word of the translated
    bytes: ``split`` in C, several times faster than ``findall`` building one string per
    run. Membership is read off the run regex itself, so the result is the same.
    """
    return tuple(
        bytes(120 if rx.fullmatch(chr(c)) else 32 for c in range(128)) + b" " * 128
        for rx in _matchers()[1]
    )


def _ascii_longest_run(table: bytes, data: bytes) -> int:
    """:func:`_longest_run` of an ASCII text (``data``), by its class's translation table."""
    return max(map(len, data.translate(table).split()), default=0)


@lru_cache(maxsize=1)
def _gates():
    """The patterns each gate anchor lets run: ``(always, by_automaton, by_short)``.

    ``always``: indices (into ``_matchers()``) of patterns without anchors; ``by_automaton``:
    anchor -> indices, for anchors the automaton finds; ``by_short``: ``(anchor, indices)``
    for anchors shorter than ``_AC_MIN``, looked up with ``in``. From the anchors the
    automaton found in a clause, :func:`find_matches` collects the few dozen patterns they
    let run instead of testing the anchors of all ~330 patterns on every clause.
    """
    always: list[int] = []
    by_ac: dict[str, list[int]] = {}
    by_short: dict[str, list[int]] = {}
    for i, (_, _, anchors, _) in enumerate(_matchers()[0]):
        if not anchors:
            always.append(i)
        for a in dict.fromkeys(anchors):
            (by_ac if len(a) >= _AC_MIN else by_short).setdefault(a, []).append(i)
    return (
        tuple(always),
        {a: tuple(ix) for a, ix in by_ac.items()},
        tuple((a, tuple(ix)) for a, ix in by_short.items()),
    )


def find_matches(text: str) -> list[tuple[Pattern, int, int]]:
    """Every pattern match in ``text``: ``(pattern, start, end)``, in pattern order.

    The same list as :func:`find_matches_reference` (anchor gate, then ``finditer``), found
    by visiting only the patterns whose gate anchors occur (see :func:`_gates`) and trying
    only the start positions the anchors allow (see "windows" above).
    """
    matchers, class_runs = _matchers()
    n = len(text)
    lower = text.lower()
    if len(lower) != n:  # rare case-mapping length changes: no gating, no windows
        lower = None
    windows = lower is not None and (text.isascii() or not any(c in text for c in _RISKY))
    # every occurrence (overlapping ones too) of every anchor of >= 3 characters, found in
    # one Aho-Corasick pass; shorter anchors are looked up with str methods when needed
    occ: dict[str, list[int]] = {}
    if lower is None:
        candidates = range(len(matchers))
    else:
        for end, a in _automaton().iter(lower):
            at = occ.get(a)
            if at is None:
                occ[a] = [end - len(a) + 1]
            else:
                at.append(end - len(a) + 1)
        always, by_ac, by_short = _gates()
        # the patterns whose gate holds: visited in pattern order, so the output order is kept
        cand = set(always)
        for a in occ:
            ix = by_ac.get(a)
            if ix is not None:
                cand.update(ix)
        for a, ix in by_short:
            if a in lower:
                cand.update(ix)
        candidates = sorted(cand)
    runs: dict[int, int] = {}
    counts: dict[str, int] = {}  # occurrences of each short anchor, counted once per text
    ascii_text = text.encode("ascii") if text.isascii() else None
    tables = _ascii_run_tables()
    out = []
    for idx in candidates:
        pat, rx, _, plan = matchers[idx]
        if plan is not None and plan.at_start:
            _at_start(pat, rx, text, out)
            continue
        if windows and plan is not None:
            # occurrences of each anchor of each set: every match holds an anchor of every
            # set, so a set none of whose anchors occurs rules the regex out
            set_counts = []
            for s in plan.sets:
                cs = []
                for a, _, _ in s:
                    if len(a) >= _AC_MIN:
                        at = occ.get(a)
                        cs.append(len(at) if at is not None else 0)
                    else:
                        c = counts.get(a)
                        if c is None:
                            c = counts[a] = lower.count(a)
                        cs.append(c)
                if not any(cs):
                    break
                set_counts.append(cs)
            if len(set_counts) < len(plan.sets):
                continue
            for k in plan.classes:
                if k not in runs:
                    if ascii_text is not None:
                        runs[k] = _ascii_longest_run(tables[k], ascii_text)
                    else:
                        runs[k] = _longest_run(class_runs[k], text)
            best = plan.sets[0]
            if len(plan.sets) > 1:  # the set with the fewest candidate start positions
                best_cost = -1
                for s, cs in zip(plan.sets, set_counts):
                    cost = 0
                    for (_, const, coefs), c in zip(s, cs):
                        if c:
                            width = const + 1
                            for j, k in coefs:
                                width += k * runs[j]
                            cost += c * width
                    if best_cost < 0 or cost < best_cost:
                        best, best_cost = s, cost
            # every anchor occurrence i allows starts [i - back, i]: merge them into windows
            starts = []
            backs = set()
            for a, const, coefs in best:
                back = const
                for j, k in coefs:
                    back += k * runs[j]
                if len(a) >= _AC_MIN:
                    at = occ.get(a)
                    if at is None:
                        continue
                else:
                    at = []
                    i = lower.find(a)
                    while i >= 0:
                        at.append(i)
                        i = lower.find(a, i + 1)
                    if not at:
                        continue
                starts.append((at, back))
                backs.add(back)
            if len(backs) == 1:  # one back for every occurrence (the usual case): plain ints
                at = starts[0][0] if len(starts) == 1 else sorted([i for a, _ in starts for i in a])
                merged, covered = _merge_starts(at, backs.pop())
            else:
                merged, covered = _merge_spans(sorted([(i - b, i) for a, b in starts for i in a]))
            if covered <= _FULL_SCAN_SHARE * n:
                reach = plan.reach[0] + _MARGIN
                for k, c in plan.reach[1]:
                    reach += c * runs[k]
                _windowed(pat, rx, text, merged, reach, out)
                continue
        for m in rx.finditer(text):
            if m.end() > m.start():
                out.append((pat, m.start(), m.end()))
    return out


def _at_start(pat, rx: re.Pattern, text: str, out: list) -> None:
    """``finditer`` of a regex that can only match at offset 0 (``_Plan.at_start``)."""
    m = rx.match(text)
    if m is None:
        return
    if m.end() > m.start():
        out.append((pat, m.start(), m.end()))
        return
    # an empty match: finditer may still find a non-empty one at the same offset
    out.extend((pat, f.start(), f.end()) for f in rx.finditer(text) if f.end() > f.start())


def _merge_starts(at: list[int], back: int) -> tuple[list[tuple[int, int]], int]:
    """Windows ``[i - back, i]`` of sorted occurrences ``at``, overlapping or adjacent ones
    merged (as :func:`_merge_spans` would), and how many start positions they cover.
    """
    merged = []
    covered = 0
    gap = back + 1
    lo = prev = at[0]
    for i in at:
        if i - prev > gap:
            merged.append((lo - back, prev))
            covered += prev - lo + gap
            lo = i
        prev = i
    merged.append((lo - back, prev))
    return merged, covered + prev - lo + gap


def _merge_spans(spans: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], int]:
    """Sorted ``(start, end)`` spans with overlapping or adjacent ones merged, and how many
    start positions they cover.
    """
    merged = []
    lo, hi = spans[0]
    for s, e in spans:
        if s <= hi + 1:
            if e > hi:
                hi = e
        else:
            merged.append((lo, hi))
            lo, hi = s, e
    merged.append((lo, hi))
    return merged, sum(e - s + 1 for s, e in merged)


def _windowed(pat, rx: re.Pattern, text: str, windows, reach: int, out: list) -> None:
    """``finditer`` of ``rx`` restricted to matches starting inside ``windows``."""
    n = len(text)
    match = rx.match
    pos = 0
    for lo, hi in windows:
        if lo < pos:
            lo = pos
        if hi >= n:
            hi = n - 1
        end = hi + reach
        if end > n:
            end = n
        while lo <= hi:
            if lo == hi:
                found = match(text, lo, end)
            elif hi - lo < _SMALL_WINDOW:
                for p in range(lo, hi + 1):
                    found = match(text, p, end)
                    if found is not None:
                        break
            else:
                found = rx.search(text, lo, end)
                if found is not None and found.start() > hi:
                    found = None
            if found is None:
                break
            s, e = found.span()
            if e > s:
                out.append((pat, s, e))
            pos = e if e > s else e + 1
            lo = pos


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
            # Doc.text rebuilds the text from every token: read the tokenizer's input instead
            text = doc.user_data.get(TEXT_KEY)
            matches = find_matches(text if text is not None else doc.text)
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


# spaCy caches the tokens of each whitespace-separated chunk, but stops caching for the rest
# of a text after the first chunk that needs a special case ("days'", "Inc.", "'s"), and
# caches at most ``max_cache_size`` chunks. Tokenizing each new chunk of a batch on its own
# first fills the cache with exactly what in-text tokenization would have stored; texts then
# tokenize from the cache (same tokens, several times faster on contract prose).
TOKEN_CACHE_SIZE = 100_000
_WARM_CHUNKS: set[str] = set()


def warm_tokenizer(nlp, texts: list[str]) -> list[str]:
    """Put every not yet seen chunk of ``texts`` through the tokenizer once, on its own.

    Returns ``texts``, to read as ``nlp.pipe(warm_tokenizer(nlp, texts))``.
    """
    if len(_WARM_CHUNKS) >= TOKEN_CACHE_SIZE:
        return texts
    new: set[str] = set()
    for t in texts:
        new.update(t.split())
    new -= _WARM_CHUNKS
    tokenizer = nlp.tokenizer
    for chunk in new:
        tokenizer(chunk)
    _WARM_CHUNKS.update(new)
    return texts


@lru_cache(maxsize=1)
def get_pipeline():
    """The shared spaCy pipeline (built once per process; each worker builds its own).

    ``spacy.blank("en")`` tokenizer, then ``regex_ruler``: every pattern of
    ``patterns/*.jsonl`` (phrase, token and regex patterns, compiled to anchored regular
    expressions, see :func:`find_matches`) becomes a span in ``doc.spans["signals"]``
    labelled with its family, and the exact match offsets go to ``doc.user_data``.
    The detectors run every clause through this pipeline (see :func:`warm_tokenizer`). No
    sentence splitter: the detectors read sentences from the character offsets.
    """
    import spacy

    _regex_ruler_factory()
    nlp = spacy.blank("en")
    nlp.max_length = 5_000_000
    nlp.tokenizer.max_cache_size = TOKEN_CACHE_SIZE
    nlp.tokenizer = _TextKeepingTokenizer(nlp.tokenizer)
    nlp.add_pipe("regex_ruler", config={"spans_key": SPANS_KEY})
    return nlp


class _TextKeepingTokenizer:
    """spaCy's tokenizer, which also keeps its input in ``doc.user_data["text"]``.

    ``Doc.text`` joins every token's text (one Python ``Token`` per token); the
    ``regex_ruler`` reads the kept input instead, which is the same string.
    """

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, text: str):
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name):
        return getattr(self.tokenizer, name)
