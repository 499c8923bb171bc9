"""The shared pipeline's warmed tokenizer cache gives the tokens of a fresh blank tokenizer."""

from __future__ import annotations

import json
from pathlib import Path

import spacy

from classifier import nlp

GOLD = Path(__file__).parent / "data" / "clause_gold.jsonl"


def _tokens(doc):
    return [(t.text, t.idx, t.whitespace_) for t in doc]


def test_warmed_tokens_equal_fresh_tokens():
    texts = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += ["Supplier's fees (30) days' notice; Inc. U.S. e.g. :) don't\n\n  x", "days' days' days'"]
    pipeline = nlp.get_pipeline()
    assert pipeline.pipe_names == ["regex_ruler"]
    fresh = spacy.blank("en").tokenizer
    expected = [_tokens(fresh(t)) for t in texts]
    docs = list(pipeline.pipe(nlp.warm_tokenizer(pipeline, texts), batch_size=64))
    assert [_tokens(d) for d in docs] == expected
    # spans and exact offsets come from the same matcher as find_matches
    for t, d in zip(texts, docs):
        assert [(p.id, s, e) for p, s, e in d.user_data[nlp.MATCHES_KEY]] == [
            (p.id, s, e) for p, s, e in nlp.find_matches_reference(t)]


def test_pipeline_keeps_its_input_text_for_the_ruler():
    """The ruler reads the tokenizer's input (``Doc.text`` rebuilds it token by token)."""
    pipeline = nlp.get_pipeline()
    text = "Supplier shall staff the help desk 24x7.\n\n  Fees: $95 per hour;  days' notice  "
    doc = pipeline(text)
    assert doc.user_data[nlp.TEXT_KEY] == doc.text == text
    assert {s.label_ for s in doc.spans[nlp.SPANS_KEY]} >= {"scope.ongoing_function", "pricing.time_and_materials"}
    assert pipeline.tokenizer.max_cache_size == nlp.TOKEN_CACHE_SIZE  # attributes pass through


def test_anchor_automaton_finds_overlapping_occurrences():
    """The Aho-Corasick pass reports every occurrence, overlapping ones included."""
    auto = nlp._automaton()
    lower = "service levels and service-level credits; per hour per hour"
    found: dict[str, list[int]] = {}
    for end, a in auto.iter(lower):
        found.setdefault(a, []).append(end - len(a) + 1)
    for a, starts in found.items():
        expect, i = [], lower.find(a)
        while i >= 0:
            expect.append(i)
            i = lower.find(a, i + 1)
        assert starts == expect, a
    assert "per" in found and len(found["per"]) == 2
