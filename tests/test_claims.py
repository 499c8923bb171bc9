from __future__ import annotations

import pytest

from classifier.claims import find_claim
from classifier.clauses import split_clauses
from classifier.ingest import document_from_text
from classifier.types import ClaimedModel


def claim_of(text: str):
    doc = document_from_text(text)
    return find_claim(doc, split_clauses(doc))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("STAFF AUGMENTATION AGREEMENT\n\n1. Services. Supplier provides developers.", "staff_augmentation"),
        ("TEMPORARY STAFFING SERVICES AGREEMENT\n\n1. Placement.", "staff_augmentation"),
        ("FIXED-PRICE PROJECT AGREEMENT\n\n1. Scope.", "project_outsourcing"),
        ("SOFTWARE DEVELOPMENT AGREEMENT\n\n1. Deliverables.", "project_outsourcing"),
        ("MANAGED SERVICES AGREEMENT\n\n1. Services.", "managed_services"),
        ("WEB HOSTING AGREEMENT\n\n1. Hosting.", "managed_services"),
        ("BUSINESS PROCESS OUTSOURCING AGREEMENT\n\n1. Services.", "managed_services"),
        ("OUTSOURCING AGREEMENT\n\n1. Services.", "outsourcing"),
        ("MASTER SERVICES AGREEMENT\n\n1. Services.", "unspecified"),
        ("PROFESSIONAL SERVICES AGREEMENT\n\n1. Services.", "unspecified"),
        ("CONSULTING AGREEMENT\n\n1. Services.", "unspecified"),
        ("UNCONDITIONAL CAPITAL MAINTENANCE AGREEMENT\n\n1. Support.", "unspecified"),
    ],
)
def test_find_claim_from_title(text, expected):
    assert claim_of(text).model.value == expected


def test_find_claim_umbrella_title_refined_by_recital():
    text = ("OUTSOURCING AGREEMENT\n\nWHEREAS, Provider shall provide business process outsourcing "
            "services to Customer;\n\n1. Services. Provider runs the payroll function.")
    claim = claim_of(text)
    assert claim.model is ClaimedModel.MANAGED_SERVICES
    assert {e["zone"] for e in claim.evidence} >= {"title", "recital"}


def test_find_claim_umbrella_never_refined_to_staff_augmentation():
    text = ("OUTSOURCING AGREEMENT\n\nWHEREAS, the parties agree;\n\n1. Services. This Agreement "
            "provides staff augmentation personnel.")
    assert claim_of(text).model is ClaimedModel.OUTSOURCING


def test_find_claim_body_self_description_and_negation():
    yes = claim_of("AGREEMENT\n\n1. Nature. This Agreement is for managed services of the network.")
    assert yes.model is ClaimedModel.MANAGED_SERVICES
    assert yes.evidence[0]["page"] == 1 and yes.evidence[0]["clause"] == "1"
    no = claim_of("AGREEMENT\n\n1. Nature. This Agreement is not a staff augmentation arrangement.")
    assert no.model is ClaimedModel.UNSPECIFIED


def test_find_claim_mentions_without_self_reference_claim_nothing():
    text = "AGREEMENT\n\n1. Prior work. Vendor previously ran a managed services practice for others."
    assert claim_of(text).model is ClaimedModel.UNSPECIFIED
