"""Turn a document's signals, cues and parsed values into a fixed feature vector.

The vector has named columns (:data:`FEATURE_NAMES`) so every prediction can be
explained by the features, and so the signals, that drove it. The last column of the
model input is the document text, for the TF-IDF branch of the model.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from .cues import CUE_IDS
from .detectors import FAMILIES, POINTS_TOWARD
from .types import Clause, Document, Signal

TEXT_LIMIT = 60_000

FEATURE_NAMES: tuple[str, ...] = (
    tuple(f"{f}:weight" for f in FAMILIES)
    + tuple(f"{f}:clauses" for f in FAMILIES)
    + tuple(f"{f}:share" for f in FAMILIES)
    + tuple(f"{c}:density" for c in CUE_IDS)
    + (
        "value:hourly_or_daily_rates",
        "value:per_unit_prices",
        "value:availability_percent",
        "value:response_times",
        "value:fixed_amounts",
        "value:redacted_share",
        "doc:log_chars",
        "doc:log_pages",
        "doc:tables",
        "doc:signal_density",
        "score:staff_augmentation",
        "score:project_outsourcing",
        "score:managed_services",
        "score:out_of_scope_cues",
        "score:services_cues",
    )
)

# The compact set: what the decision should rest on with little data.
COMPACT_FEATURES: tuple[str, ...] = tuple(
    n for n in FEATURE_NAMES if n.endswith(":clauses") or n.startswith(("score:", "value:"))
) + ("doc:signal_density",)

_TIME_UNITS = {"hour", "day"}
_SERVICE_UNITS = {
    "device",
    "user",
    "seat",
    "endpoint",
    "server",
    "workstation",
    "desktop",
    "laptop",
    "mailbox",
    "ticket",
    "incident",
    "transaction",
    "claim",
    "call",
    "contact",
    "policy",
    "employee",
    "member",
    "site",
    "node",
    "account",
    "invoice",
    "check",
    "month",
}


def extract_features(
    doc: Document, clauses: Sequence[Clause], signals: Sequence[Signal], cues: dict[str, dict]
) -> dict[str, float]:
    """Named features of one document (see :data:`FEATURE_NAMES`)."""
    weight: dict[str, float] = defaultdict(float)
    clause_sets: dict[str, set] = defaultdict(set)
    hourly = unit = avail = response = fixed = redacted = 0
    for s in signals:
        weight[s.family] += s.weight
        clause_sets[s.family].add(s.clause_index)
        v = s.values or {}
        if v.get("redacted"):
            redacted += 1
        for m in v.get("money", ()) if isinstance(v.get("money"), list) else ():
            per = m.get("per", "") if isinstance(m, dict) else ""
            if s.family == "pricing.time_and_materials" and per in _TIME_UNITS:
                hourly += 1
            elif s.family == "pricing.recurring_unit" and per in _SERVICE_UNITS:
                unit += 1
            elif s.family == "pricing.fixed_bid" and not per:
                fixed += 1
        if s.family == "pricing.time_and_materials" and v.get("per") in _TIME_UNITS:
            hourly += 1
        if s.family == "pricing.recurring_unit" and v.get("per") in _SERVICE_UNITS:
            unit += 1
        if s.family == "sla.targets":
            avail += len(v.get("percent", ()) or ())
            response += len(v.get("duration", ()) or ())
    total = sum(weight.values()) or 1.0
    kchars = max(len(doc.text), 1) / 10_000
    feats: dict[str, float] = {}
    for f in FAMILIES:
        feats[f"{f}:weight"] = math.log1p(weight.get(f, 0.0))
        feats[f"{f}:clauses"] = math.log1p(len(clause_sets.get(f, ())))
        feats[f"{f}:share"] = weight.get(f, 0.0) / total
    for c in CUE_IDS:
        feats[f"{c}:density"] = math.log1p(cues.get(c, {}).get("count", 0) / kchars)
    feats.update(
        {
            "value:hourly_or_daily_rates": math.log1p(hourly),
            "value:per_unit_prices": math.log1p(unit),
            "value:availability_percent": math.log1p(avail),
            "value:response_times": math.log1p(response),
            "value:fixed_amounts": math.log1p(fixed),
            "value:redacted_share": redacted / max(len(signals), 1),
            "doc:log_chars": math.log10(max(len(doc.text), 10)),
            "doc:log_pages": math.log10(max(doc.page_count, 1)),
            "doc:tables": math.log1p(len(doc.tables)),
            "doc:signal_density": math.log1p(len(signals) / kchars),
        }
    )
    # the domain reference's arrows, summed: how much evidence points to each model
    for model in ("staff_augmentation", "project_outsourcing", "managed_services"):
        feats[f"score:{model}"] = math.log1p(
            sum(len(clause_sets.get(f, ())) / len(POINTS_TOWARD[f]) for f in FAMILIES if model in POINTS_TOWARD[f])
        )
    feats["score:out_of_scope_cues"] = math.log1p(
        sum(cues.get(c, {}).get("count", 0) for c in CUE_IDS if c.startswith("oos.")) / kchars
    )
    feats["score:services_cues"] = math.log1p(
        sum(cues.get(c, {}).get("count", 0) for c in CUE_IDS if c.startswith("svc.")) / kchars
    )
    return feats


def model_input(rows: Sequence[tuple[dict[str, float], str]]) -> np.ndarray:
    """Stack ``(features, text)`` pairs into the model's object array (text last)."""
    X = np.empty((len(rows), len(FEATURE_NAMES) + 1), dtype=object)
    for i, (feats, text) in enumerate(rows):
        X[i, :-1] = [float(feats.get(name, 0.0)) for name in FEATURE_NAMES]
        X[i, -1] = text[:TEXT_LIMIT]
    return X
