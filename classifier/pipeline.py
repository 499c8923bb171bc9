"""From a file to a Verdict: analysis, the trained model, mismatch rules and flags."""

from __future__ import annotations

import time
from pathlib import Path

from .analysis import Analysis, analyse_path
from .features import model_input
from .ingest import DEFAULT_MAX_PAGES
from .model import LABELS, LoadedModel, explained_proba, load_model
from .verdict import (
    UNCERTAIN_BELOW,
    Verdict,
    explain,
    mismatch_warnings,
    review_flags,
    secondary_models,
)


def decide(analysis: Analysis, model: LoadedModel) -> Verdict:
    """Classify an analysed document and assemble its verdict."""
    t = time.perf_counter()
    X = model_input([(analysis.features, analysis.doc.text)])
    proba, contributions = explained_proba(model, X)
    probabilities = {label: round(float(p), 4) for label, p in zip(LABELS, proba[0])}
    best = max(probabilities, key=probabilities.get)
    contributions = contributions[0]
    warnings = mismatch_warnings(analysis.claim, probabilities, analysis.signals)
    flags = review_flags(best, analysis.claim, analysis.signals)
    analysis.timings["classification"] = time.perf_counter() - t
    return Verdict(
        path=analysis.doc.path,
        sha256=analysis.doc.sha256,
        model=best,
        confidence=probabilities[best],
        probabilities=probabilities,
        uncertain=probabilities[best] < UNCERTAIN_BELOW,
        secondary=secondary_models(best, probabilities),
        claimed=analysis.claim.model.value,
        claim_evidence=list(analysis.claim.evidence),
        mismatch=bool(warnings),
        warnings=warnings,
        flags=flags,
        explanation=explain(contributions, best, analysis.signals, analysis.cues),
        signals=list(analysis.signals),
        model_version=model.version,
        pages=analysis.doc.page_count,
        timings={k: round(v, 4) for k, v in analysis.timings.items()},
        document_warnings=list(analysis.doc.warnings),
    )


def classify_path(
    path: str | Path,
    model: LoadedModel | None = None,
    *,
    password: str | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> Verdict:
    """Read, analyse and classify one file (raises InputError / ModelError)."""
    model = model or load_model()
    return decide(analyse_path(path, password=password, max_pages=max_pages), model)
