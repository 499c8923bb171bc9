"""Ingestion on the real shared corpus (skipped when ../shared is absent)."""

from __future__ import annotations

import statistics

from classifier.clauses import split_clauses
from classifier.ingest import read_document


def test_cuad_pdfs_match_their_text_twins(corpus_dir, script):
    m = script("measure_extraction")
    pairs = m.cuad_pdf_pairs(corpus_dir)
    assert len(pairs) == 53
    f1s = []
    for pdf, txt in pairs:
        doc = read_document(pdf)
        assert [c for c in split_clauses(doc) if c.number], f"{pdf.name}: no numbered clause"
        f1s.append(m.word_f1(doc.text, txt.read_text(encoding="utf-8"))[0])
    assert statistics.median(f1s) >= 0.97
    assert min(f1s) >= 0.90


def test_every_other_pdf_and_docx_extracts(corpus_dir):
    files = [
        p for p in corpus_dir.rglob("*") if p.suffix.lower() in (".pdf", ".docx") and "pdf/cuad" not in p.as_posix()
    ]
    assert len(files) >= 19
    for path in files:
        doc = read_document(path)
        assert doc.text.strip(), path.name
        assert split_clauses(doc), path.name
