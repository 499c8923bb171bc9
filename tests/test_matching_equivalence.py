"""The windowed matcher (nlp.find_matches) returns exactly what plain finditer returns."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from classifier import nlp

GOLD = Path(__file__).parent / "data" / "clause_gold.jsonl"


def _key(matches):
    return [(p.id, s, e) for p, s, e in matches]


def _same(text: str) -> None:
    assert _key(nlp.find_matches(text)) == _key(nlp.find_matches_reference(text)), text[:200]


def _gold_texts() -> list[str]:
    return [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_gold_clauses_identical():
    texts = _gold_texts()
    assert len(texts) > 100
    found = 0
    for t in texts:
        _same(t)
        found += len(nlp.find_matches(t))
    assert found > 100  # the comparison exercised real matches


def _variants(text: str, rng: random.Random) -> list[str]:
    words = text.split()
    return [
        text.upper(),
        text + " " + text + "\n" + text,  # repeated anchors
        "\n".join(words),  # matches across line breaks
        "  \t ".join(words),  # longer whitespace runs inside matches
        (" " * 40).join(words[:12]) + "\n\n" + text,  # a very long run widens every window
        text[: len(text) // 2],  # cut mid-match
        text[len(text) // 3:],
        "x" + text + "x",  # word characters right at the edges
        "".join(c if rng.random() > 0.05 else "\n" for c in text),
        text.replace("s", "\u017f", 1),  # a long s matches "s" case-insensitively: plain path
        "\u0130" + text,  # lower() changes length: no gating at all
        "caf\u00e9 \u201c" + text + "\u201d",  # non-ASCII but harmless
        text.replace(" ", "\u00a0", 3).replace(" ", "\u2003 ", 2),  # non-ASCII whitespace runs
    ]


def test_adversarial_variants_identical():
    rng = random.Random(7)
    texts = _gold_texts()
    for t in rng.sample(texts, 120):
        for v in _variants(t, rng):
            _same(v)


def _pattern_texts() -> list[str]:
    """A hit for (nearly) every phrase/tokens pattern, placed at the start and end of texts."""
    out = []
    for p in nlp.load_patterns():
        if p.kind == "phrase":
            phrase = str(p.pattern)
        elif p.kind == "tokens":
            phrase = " ".join(t.get("ORTH") or t.get("LOWER") or t.get("TEXT") or "" for t in p.pattern
                              if isinstance(t.get("TEXT", ""), str))
        else:
            continue
        out += [phrase, phrase.upper() + ".", "The " + phrase + "\n" + phrase, phrase.replace(" ", "\n   ")]
    return out


def test_pattern_phrases_at_text_edges_identical():
    texts = _pattern_texts()
    for t in texts:
        _same(t)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "per",
        "per hour",
        "$150.00 per hour $160 per day $170/hr",
        "Supplier\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\nshall provide",
        "severity 1 " * 50,
        "the the the the client client client shall direct direct direct",
        "Customer shall" + " " * 500 + "direct and supervise the work",
        "[***] per hour; [REDACTED] per month; ***** per user",
        "99.9% availability " * 30 + "service credit",
        # patterns that can only match at offset 0 (^...), and the same rows further down
        "M1 - Design phase | 2026-01-31 | $10,000",
        "  Milestone 2: acceptance testing | June | USD 5,000\nM3 - Go-live | July | $7,500",
        "D-1 | Final report\nD2 | Training plan",
        "Deliverables\nD-1 | Final report",
        "x" * 30 + "\nM1 - Design | 2026 | $1",
        # short gate anchors and anchor-free patterns
        "$150/hr; $5,000/mo; 24x7 support; CV of each consultant; P1 incidents within 4 hours",
        "Severity 1 incidents: response within 15 minutes; priority 2: resolution within 8 hours",
        "Availability < 99.5%; 99% - 99.9% uptime",
    ],
)
def test_edge_strings_identical(text):
    _same(text)


def test_windows_are_planned_for_most_patterns():
    matchers, _ = nlp._matchers()
    planned = sum(1 for *_, plan in matchers if plan is not None)
    assert planned >= 0.9 * len(matchers)


@pytest.mark.parametrize(
    ("pattern", "at_start"),
    [(r"^\s*D-?\d+", True), (r"\Aabc", True), (r"(?m)^\s*D", False), (r"x^", False), (r"(?:^a|b)", False)],
)
def test_at_start_plans(pattern, at_start):
    import re

    plan = nlp._plan(re.compile(pattern, re.IGNORECASE), nlp._Classes())
    assert (plan is not None and plan.at_start) == at_start


@pytest.mark.parametrize("pattern", [r"^(?:|abc)", r"^a*", r"\A\s*abc", r"^\s*D-?\d+\s*\|"])
@pytest.mark.parametrize("text", ["", "abc", "abcabc", "aaa b", " abc", "xabc", "D-1 | x\nD2 |", "\nabc"])
def test_at_start_is_finditer(pattern, text):
    import re

    rx = re.compile(pattern, re.IGNORECASE)
    out: list = []
    nlp._at_start("p", rx, text, out)
    assert out == [("p", m.start(), m.end()) for m in rx.finditer(text) if m.end() > m.start()]


def test_ascii_run_tables_are_longest_runs():
    rng = random.Random(11)
    alphabet = [chr(c) for c in range(128)] + [" "] * 20 + ["\n", "a", "1", ",", "-", "'", "|", "*"] * 5
    texts = ["", " ", "|", "***", "a-b c,d 1.5 (x) 'y' foo/bar"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 300))) for _ in range(300)]
    _, class_runs = nlp._matchers()
    tables = nlp._ascii_run_tables()
    for t in texts:
        for rx, table in zip(class_runs, tables):
            assert nlp._ascii_longest_run(table, t.encode("ascii")) == nlp._longest_run(rx, t), (rx, t)


def test_merge_starts_is_merge_spans():
    rng = random.Random(5)
    for _ in range(500):
        at = sorted(rng.choices(range(-20, 400), k=rng.randrange(1, 60)))  # repeats too
        back = rng.choice([0, 0, 1, 2, 5, 12, 40])
        assert nlp._merge_starts(at, back) == nlp._merge_spans([(i - back, i) for i in at])
