"""One document through every stage: read, split, detect, claim, featurise.

This is the unit of work of ``scan`` and of each ``audit`` worker. It returns plain data
only (no spaCy objects), so results cross process boundaries cheaply.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .claims import find_claim
from .clauses import split_clauses
from .cues import find_cues
from .detectors import detect_signals
from .features import extract_features
from .ingest import DEFAULT_MAX_PAGES, read_document
from .types import Claim, Clause, Document, Signal


@dataclass
class Analysis:
    """Everything the classifier and the report need about one document."""

    doc: Document
    clauses: tuple[Clause, ...]
    signals: tuple[Signal, ...]
    claim: Claim
    cues: dict
    features: dict[str, float]
    timings: dict[str, float] = field(default_factory=dict)


def analyse_document(doc: Document, timings: dict[str, float] | None = None) -> Analysis:
    """Run segmentation, signals, claims and features on a read document."""
    timings = {} if timings is None else timings
    t = time.perf_counter()
    clauses = split_clauses(doc)
    timings["segmentation"] = time.perf_counter() - t
    t = time.perf_counter()
    signals = detect_signals(doc, clauses)
    claim = find_claim(doc, clauses)
    cues = find_cues(doc)
    timings["signals"] = time.perf_counter() - t
    feats = extract_features(doc, clauses, signals, cues)
    return Analysis(doc, clauses, signals, claim, cues, feats, timings)


def analyse_path(path: str | Path, *, password: str | None = None, max_pages: int = DEFAULT_MAX_PAGES) -> Analysis:
    """Read ``path`` and analyse it (raises :class:`~classifier.errors.InputError`)."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    doc = read_document(path, password=password, max_pages=max_pages)
    timings["extraction"] = time.perf_counter() - t
    return analyse_document(doc, timings)
