"""Claim + prediction + evidence -> Verdict, with mismatch warnings and review flags.

Mismatch rules 1-5 and the review flags come from the domain reference
(``ENGAGEMENT_MODELS.md``). A mismatch is a claim that the evidence contradicts: the
calibrated probability of the models compatible with the claim is below one half (and the
contradicting services model has at least 0.2, else no services model is materially
present and the "services title on a non-services contract" flag covers it). The
rule that explains it is chosen by (claimed, implemented) and cites the clauses behind
the finding; pairs the reference has no numbered rule for get rule ``M0`` (claimed one
model, implements another), still with evidence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .detectors import POINTS_TOWARD
from .types import Claim, ClaimedModel, Signal

UNCERTAIN_BELOW = 0.55  # top probability under this: needs human review
SECONDARY_AT = 0.20  # another model at or above this probability is materially present
MISMATCH_BELOW = 0.5  # compatible-with-claim probability under this: the claim is contradicted
FINDING_AT = 0.2  # ... and the contradicting services model must be at least this likely

COMPATIBLE = {
    "staff_augmentation": {"staff_augmentation"},
    "project_outsourcing": {"project_outsourcing"},
    "managed_services": {"managed_services"},
    "outsourcing": {"project_outsourcing", "managed_services"},
}
SERVICE_MODELS = ("staff_augmentation", "project_outsourcing", "managed_services")

RULES: dict[str, dict[str, Any]] = {
    "1": {
        "pairs": {("managed_services", "staff_augmentation")},
        "title": "Claims managed services, but implements staff augmentation",
        "finding": "no measurable service levels; personnel billed per person or directed by the client",
        "families": (
            "pricing.time_and_materials",
            "control.client_directs",
            "personnel.named_resources",
            "personnel.replacement",
        ),
        "why": "body-shopping under a managed-services label: nobody is accountable for outcomes "
        "and there is no service level to enforce",
    },
    "2": {
        "pairs": {("staff_augmentation", "project_outsourcing"), ("staff_augmentation", "managed_services")},
        "title": "Claims staff augmentation, but the vendor directs the work",
        "finding": "the vendor manages the work (own management layer, QA, deliverables, acceptance or service levels)",
        "families": (
            "control.vendor_directs",
            "scope.deliverables",
            "scope.acceptance",
            "sla.targets",
            "scope.ongoing_function",
        ),
        "why": "it is outsourcing: the client has given up control it thinks it has, and the "
        "liability split may not match",
    },
    "3": {
        "pairs": {("project_outsourcing", "staff_augmentation")},
        "title": "Claims a (fixed-price) project, but scope and cost are not fixed",
        "finding": "no defined deliverables or acceptance criteria, or billing by the hour",
        "families": ("pricing.time_and_materials", "control.client_directs", "personnel.named_resources"),
        "why": "scope and cost are not actually fixed: the client carries the overrun risk it "
        "believes the vendor carries",
    },
    "4": {
        "pairs": {("project_outsourcing", "managed_services")},
        "title": "Claims a project, but the term is ongoing with service levels",
        "finding": "an ongoing, renewing term run against service levels",
        "families": (
            "term.ongoing_renewal",
            "sla.targets",
            "sla.remedies",
            "scope.ongoing_function",
            "pricing.recurring_unit",
        ),
        "why": "it is a managed service: the exit, transition and SLA terms need review",
    },
    "5": {
        "pairs": {("outsourcing", "staff_augmentation")},
        "title": "Claims outsourcing, but personnel are client-directed and billed per head",
        "finding": "client-directed personnel billed per person",
        "families": (
            "control.client_directs",
            "pricing.time_and_materials",
            "personnel.named_resources",
            "personnel.replacement",
        ),
        "why": "it is staff augmentation: the client carries the delivery risk and directs the "
        "people, whatever the title says",
    },
}

_PREMIUM = re.compile(
    r"\b(?:premium|surcharge|mark-?up|uplift|\d{1,3}\s?%\s+(?:above|over|higher|more\s+than|in\s+excess)|"
    r"(?:higher|increased|premium)\s+rates?)\b",
    re.I,
)
_CAP = re.compile(r"not[- ]to[- ]exceed|\bcap\b|\bceiling\b|shall\s+not\s+exceed", re.I)


@dataclass
class Verdict:
    path: str
    sha256: str
    model: str
    confidence: float
    probabilities: dict[str, float]
    uncertain: bool
    secondary: list[str]
    claimed: str
    claim_evidence: list[dict[str, Any]]
    mismatch: bool
    warnings: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    explanation: list[dict[str, Any]]
    signals: list[Signal]
    model_version: str
    pages: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    document_warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["signals"] = [s.to_dict() for s in self.signals]
        return d


def _evidence(signals: Sequence[Signal], families: Sequence[str], limit: int = 4) -> list[dict]:
    chosen = sorted((s for s in signals if s.family in families), key=lambda s: -s.weight)
    seen, out = set(), []
    for s in chosen:
        key = (s.family, s.clause_index)
        if key in seen:
            continue
        seen.add(key)
        out.append({"family": s.family, "page": s.page, "clause": s.clause, "text": s.text, "values": s.values})
        if len(out) >= limit:
            break
    return out


def mismatch_warnings(claim: Claim, probabilities: dict[str, float], signals: Sequence[Signal]) -> list[dict]:
    """Warnings when the claim is contradicted (see module docstring)."""
    claimed = claim.model.value
    if claimed == ClaimedModel.UNSPECIFIED.value:
        return []
    compatible = COMPATIBLE[claimed]
    if sum(probabilities.get(m, 0.0) for m in compatible) >= MISMATCH_BELOW:
        return []
    services = {m: p for m, p in probabilities.items() if m in SERVICE_MODELS and m not in compatible}
    finding = max(services, key=services.get)
    if services[finding] < FINDING_AT:
        return []  # no services model is materially present: a review flag covers the title
    rule_id = next((rid for rid, r in RULES.items() if (claimed, finding) in r["pairs"]), "M0")
    claim_quotes = [
        {"page": e.get("page"), "clause": e.get("clause"), "text": e.get("text")} for e in claim.evidence[:2]
    ]
    if rule_id == "M0":
        fams = tuple(f for f, models in POINTS_TOWARD.items() if finding in models)
        title = f"Claims {claimed.replace('_', ' ')}, but implements {finding.replace('_', ' ')}"
        why = "the contract's accountability, pricing and exit terms follow a different model than its title"
        finding_text = f"the clauses implement {finding.replace('_', ' ')}"
    else:
        r = RULES[rule_id]
        fams, title, why, finding_text = r["families"], r["title"], r["why"], r["finding"]
    return [
        {
            "rule": rule_id,
            "title": title,
            "claimed": claimed,
            "implemented": finding,
            "probability": round(probabilities[finding], 3),
            "finding": finding_text,
            "claim_evidence": claim_quotes,
            "evidence": _evidence(signals, fams),
            "why": why,
        }
    ]


def review_flags(model: str, claim: Claim, signals: Sequence[Signal]) -> list[dict]:
    """The review flags of the domain reference that apply to this document."""
    fams: dict[str, list[Signal]] = defaultdict(list)
    for s in signals:
        fams[s.family].append(s)
    flags = []

    def flag(fid, title, why, evidence=()):
        flags.append({"id": fid, "title": title, "why": why, "evidence": list(evidence)})

    services = model in SERVICE_MODELS
    if model == "project_outsourcing" and not (fams["ip.assigned_to_client"] or fams["ip.vendor_retains"]):
        flag("no_ip_clause", "Outsourced project with no IP clause", "nobody has agreed who owns the deliverables")
    if fams["sla.targets"] and not fams["sla.remedies"]:
        flag(
            "sla_without_remedies",
            "Service levels with no remedies",
            "missed service levels cost the provider nothing",
            _evidence(signals, ("sla.targets",), 2),
        )
    if fams["pricing.time_and_materials"] and not any(
        _CAP.search(s.text) for s in fams["pricing.fixed_bid"] + fams["pricing.time_and_materials"]
    ):
        flag(
            "uncapped_time_and_materials",
            "Time and materials with no cap",
            "spend is open-ended",
            _evidence(signals, ("pricing.time_and_materials",), 2),
        )
    if fams["pricing.fixed_bid"]:
        premium = [s for s in fams["scope.change_control"] if _PREMIUM.search(s.text)]
        if premium:
            flag(
                "change_order_premium",
                "Fixed bid with a change-order premium",
                "changes are priced above the contract rates: the fixed price is not the real price",
                _evidence(premium, ("scope.change_control",), 2),
            )
    auto = [s for s in fams["term.ongoing_renewal"] if "auto" in s.pattern or "evergreen" in s.pattern]
    if auto:
        flag(
            "automatic_renewal",
            "Automatic renewal",
            "the contract renews unless someone gives notice in time",
            _evidence(auto, ("term.ongoing_renewal",), 2),
        )
    if services and not fams["term.termination_for_convenience"]:
        flag("no_termination_for_convenience", "No termination for convenience", "the client cannot exit without cause")
    if model == "out_of_scope" and claim.model.value in COMPATIBLE:
        flag(
            "services_title_not_services",
            f"Title claims {claim.model.value.replace('_', ' ')}, but this is not an engagement for services",
            "the label invites service-contract expectations (SLAs, acceptance, exit) the clauses do not deliver",
            [{"page": e.get("page"), "clause": e.get("clause"), "text": e.get("text")} for e in claim.evidence[:2]],
        )
    return flags


def secondary_models(model: str, probabilities: dict[str, float]) -> list[str]:
    return [m for m in SERVICE_MODELS if m != model and probabilities.get(m, 0.0) >= SECONDARY_AT]


def explain(
    contributions: dict[str, dict[str, float]], model: str, signals: Sequence[Signal], cues: dict, limit: int = 5
) -> list[dict[str, Any]]:
    """Top contributing features for the chosen model, each with its evidence."""
    contrib = contributions.get(model, {})
    by_family: dict[str, float] = defaultdict(float)
    for name, value in contrib.items():
        key = name if name.startswith(("score:", "value:", "doc:")) else name.split(":")[0]
        by_family[key] += value
    ranked = sorted(((k, v) for k, v in by_family.items() if v > 0), key=lambda kv: -kv[1])
    out = []
    for key, value in ranked[:limit]:
        item: dict[str, Any] = {"feature": key, "contribution": round(value, 3)}
        if key.startswith("score:"):
            fams = [f for f, ms in POINTS_TOWARD.items() if key[6:] in ms]
            item["evidence"] = _evidence(signals, fams, 3)
        elif key.startswith(("oos.", "svc.")):
            item["evidence"] = [dict(e, family=key) for e in cues.get(key, {}).get("examples", [])]
            item["explanation"] = cues.get(key, {}).get("explanation", "")
        elif key == "text":
            item["evidence"] = []
            item["explanation"] = "wording of the whole document (TF-IDF)"
        elif key.startswith(("value:", "doc:")):
            item["evidence"] = []
            item["explanation"] = "parsed values and document shape"
        else:
            item["evidence"] = _evidence(signals, (key,), 3)
        out.append(item)
    return out
