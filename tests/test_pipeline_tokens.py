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
