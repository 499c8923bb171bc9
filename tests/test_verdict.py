"""Tests of ``classifier.verdict``: mismatch rules 1-5 and M0, and the review flags.

Every input is built by hand (probabilities, :class:`~classifier.types.Signal`,
:class:`~classifier.types.Claim`); nothing is read from disk and no model is loaded.
"""

from __future__ import annotations

import pytest

from classifier.detectors import POINTS_TOWARD
from classifier.types import Claim, ClaimedModel, Signal
from classifier.verdict import (
    COMPATIBLE,
    MISMATCH_BELOW,
    RULES,
    mismatch_warnings,
    review_flags,
    secondary_models,
)

# ----------------------------------------------------------------------------- helpers

SA, PO, MS, OOS = "staff_augmentation", "project_outsourcing", "managed_services", "out_of_scope"
TITLE = "MANAGED SERVICES AGREEMENT"


def sig(
    family: str,
    text: str = "",
    *,
    pattern: str | None = None,
    weight: float = 1.0,
    clause: str = "1.1",
    clause_index: int = 1,
    page: int = 1,
    values=None,
) -> Signal:
    return Signal(
        family=family,
        pattern=pattern or f"{family}.test",
        weight=weight,
        clause=clause,
        clause_index=clause_index,
        page=page,
        start=0,
        end=len(text or family),
        text=text or f"evidence for {family}",
        match=text or family,
        explanation=f"hand-made {family}",
        values=dict(values or {}),
    )


def claim(model: str, *texts: str) -> Claim:
    evidence = tuple(
        {"model": model, "zone": "title", "page": 1, "clause": "title", "text": t} for t in texts
    )
    return Claim(ClaimedModel(model), evidence)


def probs(top: str, p: float = 0.8) -> dict[str, float]:
    """``top`` gets ``p``; the rest is shared equally by the other three labels."""
    rest = round((1.0 - p) / 3, 4)
    return {m: (p if m == top else rest) for m in (SA, PO, MS, OOS)}


# one signal per family, each in its own clause, so every rule has evidence to cite
ALL_SIGNALS = tuple(
    sig(
        f,
        f"Clause text showing {f}.",
        clause=f"{i}.1",
        clause_index=i,
        page=1 + i % 3,
        weight=1.0 + i / 100,
    )
    for i, f in enumerate(POINTS_TOWARD, start=1)
)


# ----------------------------------------------------------------------------- mismatch rules


@pytest.mark.parametrize(
    ("claimed", "implemented", "rule"),
    [
        (MS, SA, "1"),
        (SA, PO, "2"),
        (SA, MS, "2"),
        (PO, SA, "3"),
        (PO, MS, "4"),
        ("outsourcing", SA, "5"),
        (MS, PO, "M0"),
    ],
)
def test_mismatch_rule_for_each_pair(claimed, implemented, rule):
    c = claim(claimed, TITLE, "second quote", "third quote")
    p = probs(implemented, 0.82)
    warnings = mismatch_warnings(c, p, ALL_SIGNALS)
    assert len(warnings) == 1
    w = warnings[0]
    assert w["rule"] == rule
    assert w["claimed"] == claimed
    assert w["implemented"] == implemented
    assert w["probability"] == 0.82
    # the claim is quoted (at most two quotes), with page and clause
    assert w["claim_evidence"] == [
        {"page": 1, "clause": "title", "text": TITLE},
        {"page": 1, "clause": "title", "text": "second quote"},
    ]
    if rule == "M0":
        families = {f for f, models in POINTS_TOWARD.items() if implemented in models}
        assert w["title"] == (
            f"Claims {claimed.replace('_', ' ')}, but implements {implemented.replace('_', ' ')}"
        )
        assert w["finding"] == f"the clauses implement {implemented.replace('_', ' ')}"
    else:
        families = set(RULES[rule]["families"])
        assert (claimed, implemented) in RULES[rule]["pairs"]
        assert w["title"] == RULES[rule]["title"]
        assert w["finding"] == RULES[rule]["finding"]
        assert w["why"] == RULES[rule]["why"]
    # evidence: only the families behind the finding, heaviest first, at most 4, each cited
    assert 1 <= len(w["evidence"]) <= 4
    assert {e["family"] for e in w["evidence"]} <= families
    expected = sorted((s for s in ALL_SIGNALS if s.family in families), key=lambda s: -s.weight)[:4]
    assert [e["family"] for e in w["evidence"]] == [s.family for s in expected]
    for e, s in zip(w["evidence"], expected, strict=True):
        assert e == {
            "family": s.family,
            "page": s.page,
            "clause": s.clause,
            "text": s.text,
            "values": {},
        }


def test_rule_1_quotes_the_staffing_clauses():
    signals = (
        sig(
            "control.client_directs",
            "Personnel work under the direction of Client.",
            clause="1.1",
            clause_index=1,
            weight=1.0,
        ),
        sig(
            "pricing.time_and_materials",
            "Client pays $95 per hour.",
            clause="2.1",
            clause_index=2,
            weight=2.0,
            page=2,
        ),
        sig("sla.targets", "99.9% availability.", clause="3.1", clause_index=3),  # not rule 1
    )
    (w,) = mismatch_warnings(claim(MS, TITLE), probs(SA, 0.7), signals)
    assert w["rule"] == "1"
    assert [(e["family"], e["page"], e["clause"]) for e in w["evidence"]] == [
        ("pricing.time_and_materials", 2, "2.1"),
        ("control.client_directs", 1, "1.1"),
    ]


def test_evidence_is_one_item_per_family_and_clause():
    same_clause = [
        sig("pricing.time_and_materials", f"rate {i}", clause="2.1", clause_index=2, weight=1.0 + i)
        for i in range(3)
    ]
    other_clause = sig(
        "pricing.time_and_materials",
        "rate card row",
        clause="Schedule 1",
        clause_index=9,
        weight=0.5,
    )
    (w,) = mismatch_warnings(claim(MS, TITLE), probs(SA), same_clause + [other_clause])
    assert [(e["clause"], e["text"]) for e in w["evidence"]] == [
        ("2.1", "rate 2"),
        ("Schedule 1", "rate card row"),
    ]


def test_no_warning_when_claim_is_unspecified():
    assert mismatch_warnings(Claim(ClaimedModel.UNSPECIFIED), probs(SA, 0.97), ALL_SIGNALS) == []


@pytest.mark.parametrize("implemented", [SA, PO, MS])
def test_no_warning_when_claim_matches(implemented):
    assert mismatch_warnings(claim(implemented, TITLE), probs(implemented, 0.9), ALL_SIGNALS) == []


@pytest.mark.parametrize("implemented", [PO, MS])
def test_outsourcing_is_compatible_with_project_and_managed(implemented):
    assert COMPATIBLE["outsourcing"] == {PO, MS}
    assert (
        mismatch_warnings(
            claim("outsourcing", "Outsourcing Agreement"), probs(implemented, 0.9), ALL_SIGNALS
        )
        == []
    )


def test_outsourcing_compatible_probability_is_summed():
    # neither project nor managed wins alone, but together they are >= 1/2: no mismatch
    p = {SA: 0.45, PO: 0.28, MS: 0.25, OOS: 0.02}
    assert mismatch_warnings(claim("outsourcing", "Outsourcing"), p, ALL_SIGNALS) == []
    p = {SA: 0.52, PO: 0.24, MS: 0.22, OOS: 0.02}
    (w,) = mismatch_warnings(claim("outsourcing", "Outsourcing"), p, ALL_SIGNALS)
    assert (w["rule"], w["implemented"], w["probability"]) == ("5", SA, 0.52)


def test_threshold_is_inclusive_at_one_half():
    assert MISMATCH_BELOW == 0.5
    p = {SA: 0.5, PO: 0.1, MS: 0.4, OOS: 0.0}
    assert mismatch_warnings(claim(MS, TITLE), {**p, MS: 0.5, SA: 0.4}, ALL_SIGNALS) == []
    (w,) = mismatch_warnings(claim(MS, TITLE), {SA: 0.51, PO: 0.0, MS: 0.49, OOS: 0.0}, ALL_SIGNALS)
    assert w["rule"] == "1"


def test_no_mismatch_warning_when_no_services_model_is_materially_present():
    # the claim is contradicted, but no services model reaches FINDING_AT: a review flag covers it
    p = {SA: 0.15, PO: 0.05, MS: 0.1, OOS: 0.7}
    assert mismatch_warnings(claim(MS, TITLE), p, ALL_SIGNALS) == []


def test_mismatch_warning_when_a_services_model_is_material_beside_out_of_scope():
    p = {SA: 0.3, PO: 0.05, MS: 0.1, OOS: 0.55}
    (w,) = mismatch_warnings(claim(MS, TITLE), p, ALL_SIGNALS)
    assert (w["rule"], w["implemented"]) == ("1", SA)


def test_warning_without_matching_signals_has_empty_evidence():
    (w,) = mismatch_warnings(claim(MS, TITLE), probs(SA), [sig("sla.targets", "99.9% uptime")])
    assert w["rule"] == "1"
    assert w["evidence"] == []


# ----------------------------------------------------------------------------- review flags


def flag_ids(model, c, signals):
    return [f["id"] for f in review_flags(model, c, signals)]


NONE = Claim(ClaimedModel.UNSPECIFIED)
TFC = sig(
    "term.termination_for_convenience",
    "Client may terminate for convenience.",
    clause="9.2",
    clause_index=20,
)
IP = sig(
    "ip.assigned_to_client",
    "All Deliverables are works made for hire.",
    clause="8.1",
    clause_index=21,
)


def test_no_ip_clause_for_a_project_without_ip_terms():
    flags = review_flags(PO, NONE, [TFC, sig("scope.deliverables", "Vendor delivers the portal.")])
    assert [f["id"] for f in flags] == ["no_ip_clause"]
    assert flags[0]["title"] == "Outsourced project with no IP clause"
    assert flags[0]["evidence"] == []
    assert flag_ids(PO, NONE, [TFC, IP]) == []
    assert flag_ids(PO, NONE, [TFC, sig("ip.vendor_retains", "Vendor retains its tools.")]) == []
    # only projects need the IP flag
    assert "no_ip_clause" not in flag_ids(SA, NONE, [TFC])
    assert "no_ip_clause" not in flag_ids(MS, NONE, [TFC])


def test_sla_without_remedies():
    targets = [
        sig("sla.targets", "Availability of 99.9% each month.", clause="4.1", clause_index=4),
        sig(
            "sla.targets",
            "P1 response within 15 minutes.",
            clause="4.2",
            clause_index=5,
            page=2,
            weight=2.0,
        ),
        sig("sla.targets", "P2 response within 4 hours.", clause="4.3", clause_index=6),
    ]
    flags = review_flags(MS, NONE, targets + [TFC])
    assert [f["id"] for f in flags] == ["sla_without_remedies"]
    # evidence: the two heaviest service-level clauses, with page and clause
    assert [(e["page"], e["clause"]) for e in flags[0]["evidence"]] == [(2, "4.2"), (1, "4.1")]
    remedies = sig(
        "sla.remedies", "Service credits of 5% of the monthly fee.", clause="4.4", clause_index=7
    )
    assert flag_ids(MS, NONE, targets + [TFC, remedies]) == []


def test_uncapped_time_and_materials():
    tm = sig("pricing.time_and_materials", "Client pays $150 per hour for time worked.")
    flags = review_flags(SA, NONE, [tm, TFC])
    assert [f["id"] for f in flags] == ["uncapped_time_and_materials"]
    assert flags[0]["evidence"][0]["text"] == tm.text
    for capped in (
        "Fees shall not exceed $200,000.",
        "a not-to-exceed amount of $50,000",
        "subject to a cap of $10,000",
        "within the agreed ceiling",
    ):
        cap = sig("pricing.time_and_materials", capped, clause="2.2", clause_index=3)
        assert flag_ids(SA, NONE, [tm, cap, TFC]) == [], capped
    # a cap written in a fixed-price clause also counts
    nte = sig(
        "pricing.fixed_bid", "Total fees are not to exceed $90,000.", clause="2.3", clause_index=4
    )
    assert flag_ids(SA, NONE, [tm, nte, TFC]) == []


def test_change_order_premium():
    fixed = sig("pricing.fixed_bid", "The fixed price is $250,000.", clause="3.1", clause_index=3)
    for text in (
        "Changes are billed at a 25% premium over the rate card.",
        "Change orders are priced 15% above the Exhibit B rates.",
        "Out-of-scope work is charged at higher rates.",
    ):
        premium = sig("scope.change_control", text, clause="6.2", clause_index=6)
        flags = review_flags(PO, NONE, [fixed, premium, IP, TFC])
        assert [f["id"] for f in flags] == ["change_order_premium"], text
        assert flags[0]["evidence"][0]["text"] == text
    plain = sig(
        "scope.change_control",
        "Changes follow the change control procedure.",
        clause="6.1",
        clause_index=5,
    )
    assert flag_ids(PO, NONE, [fixed, plain, IP, TFC]) == []
    # no fixed bid: a premium on changes is not a fixed-bid warning
    premium = sig(
        "scope.change_control", "Changes carry a 20% surcharge.", clause="6.2", clause_index=6
    )
    assert flag_ids(PO, NONE, [premium, IP, TFC]) == []


def test_automatic_renewal():
    auto = sig(
        "term.ongoing_renewal",
        "This Agreement renews automatically for one-year terms.",
        pattern="term.ongoing_renewal.auto_renew",
    )
    evergreen = sig(
        "term.ongoing_renewal",
        "It continues year-to-year.",
        clause="9.1",
        clause_index=9,
        pattern="term.ongoing_renewal.evergreen",
    )
    flags = review_flags(MS, NONE, [auto, TFC])
    assert [f["id"] for f in flags] == ["automatic_renewal"]
    assert flags[0]["evidence"][0]["text"] == auto.text
    assert flag_ids(MS, NONE, [evergreen, TFC]) == ["automatic_renewal"]
    renewal_term = sig(
        "term.ongoing_renewal",
        "Renewal terms are agreed in writing.",
        pattern="term.ongoing_renewal.renewal_term",
    )
    assert flag_ids(MS, NONE, [renewal_term, TFC]) == []


@pytest.mark.parametrize("model", [SA, PO, MS])
def test_no_termination_for_convenience_for_services(model):
    signals = [IP] if model == PO else []
    assert flag_ids(model, NONE, signals) == ["no_termination_for_convenience"]
    assert flag_ids(model, NONE, signals + [TFC]) == []


def test_no_termination_flag_not_raised_out_of_scope():
    assert flag_ids(OOS, NONE, []) == []


@pytest.mark.parametrize("claimed", [SA, PO, MS, "outsourcing"])
def test_services_title_not_services(claimed):
    c = claim(claimed, "Managed Services Agreement", "second", "third")
    flags = review_flags(OOS, c, [])
    assert [f["id"] for f in flags] == ["services_title_not_services"]
    assert claimed.replace("_", " ") in flags[0]["title"]
    assert flags[0]["evidence"] == [
        {"page": 1, "clause": "title", "text": "Managed Services Agreement"},
        {"page": 1, "clause": "title", "text": "second"},
    ]
    assert flag_ids(OOS, NONE, []) == []
    assert "services_title_not_services" not in flag_ids(MS, c, [TFC])


def test_flags_all_at_once_in_documented_order():
    signals = [
        sig("sla.targets", "99.5% availability", clause="4.1", clause_index=4),
        sig("pricing.time_and_materials", "$120 per hour", clause="5.1", clause_index=5),
        sig("pricing.fixed_bid", "fixed fee of $10,000", clause="5.2", clause_index=6),
        sig("scope.change_control", "changes at a 10% premium", clause="6.1", clause_index=7),
        sig(
            "term.ongoing_renewal",
            "renews automatically",
            clause="9.1",
            clause_index=9,
            pattern="term.ongoing_renewal.auto_renew",
        ),
    ]
    assert flag_ids(PO, NONE, signals) == [
        "no_ip_clause",
        "sla_without_remedies",
        "uncapped_time_and_materials",
        "change_order_premium",
        "automatic_renewal",
        "no_termination_for_convenience",
    ]
    for f in review_flags(PO, NONE, signals):
        assert set(f) == {"id", "title", "why", "evidence"}


def test_secondary_models():
    p = {SA: 0.55, PO: 0.2, MS: 0.19, OOS: 0.06}
    assert secondary_models(SA, p) == [PO]
    assert secondary_models(PO, p) == [SA]
    assert secondary_models(OOS, {SA: 0.3, PO: 0.1, MS: 0.2, OOS: 0.4}) == [SA, MS]
