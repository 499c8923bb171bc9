"""detectors._sentence_bounds (one scan per clause) equals the per-match reference scan."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from classifier import detectors
from classifier.nlp import find_matches

GOLD = Path(__file__).parent / "data" / "clause_gold.jsonl"
PIECES = [". ", ".", "\n", "\n\n", " \t\n", " ", "a", "Word", "”", ")", "’ ", "Inc. ", "U.S. ", "e.g. ", ";",
          "? ", "3. ", "J. ", "!", "\t", "x\n \n"]


def _check(text: str, queries) -> None:
    for s, e in queries:
        assert detectors._sentence_bounds(text, s, e) == detectors._sentence_bounds_scan(text, s, e), (
            text, s, e)


def test_gold_clause_matches():
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line.strip():
            text = json.loads(line)["text"]
            _check(text, [(s, e) for _, s, e in find_matches(text)])


@pytest.mark.parametrize("lookback", [2000, 7, 3, 1])
def test_random_texts_every_position(monkeypatch, lookback):
    # a short look-back puts its start inside sentence ends ("\n\n\n", ".”) "): the case
    # where a scan from there sees other ends than the whole-text scan
    monkeypatch.setattr(detectors, "_SENT_LOOKBACK", lookback)
    rng = random.Random(lookback)
    for _ in range(150):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
        queries = [(s, min(len(text), s + w)) for s in range(len(text)) for w in (1, 3)]
        _check(text, queries)
