"""The mismatch measure's bookkeeping (scripts/measure_mismatch.py), on hand-made outcomes."""

from __future__ import annotations


def _o(doc, label, injected, rules, gold=""):
    return {"doc_id": doc, "label": label, "injected": injected, "rules": rules, "gold_rule": gold,
            "flag_services_title": False}


def test_expected_rules_follow_the_domain_reference(script):
    m = script("measure_mismatch")
    assert m.expected_rule("managed_services", "staff_augmentation") == "1"
    assert m.expected_rule("staff_augmentation", "project_outsourcing") == "2"
    assert m.expected_rule("staff_augmentation", "managed_services") == "2"
    assert m.expected_rule("project_outsourcing", "staff_augmentation") == "3"
    assert m.expected_rule("project_outsourcing", "managed_services") == "4"
    assert m.expected_rule("outsourcing", "staff_augmentation") == "5"
    assert m.expected_rule("managed_services", "project_outsourcing") == "M0"


def test_summary_and_misses_count_only_contradicting_variants(script):
    m = script("measure_mismatch")
    outcomes = [
        _o("a", "managed_services", None, []),  # unmodified, no warning
        _o("a", "managed_services", "project_outsourcing", ["4"]),  # right
        _o("a", "managed_services", "staff_augmentation", ["M0"]),  # wrong rule: a miss
        _o("a", "managed_services", "managed_services", ["1"]),  # agreeing, false warning
        _o("a", "managed_services", "outsourcing", []),  # umbrella claim agrees
        _o("b", "staff_augmentation", None, ["1"]),  # unmodified false warning
        _o("b", "staff_augmentation", "outsourcing", []),  # no warning: a miss
        _o("c", "out_of_scope", "managed_services", []),  # not a contradicting variant
    ]
    res = m.summarise(outcomes)
    assert res["contradicting_variants"] == 3
    assert res["recall_right_warning"] == round(1 / 3, 3)
    assert res["recall_any_warning"] == round(2 / 3, 3)
    assert res["recall_by_rule"] == {"2": "0/1", "4": "1/1", "5": "0/1"}
    assert res["agreeing_variants"] == 2
    assert res["false_warning_rate_agreeing"] == 0.5
    assert res["false_warning_rate_unmodified"] == 0.5
    assert res["out_of_scope_variants"] == 1
    misses = m.missed(outcomes)
    assert [(x["doc_id"], x["injected"], x["expected_rule"]) for x in misses] == [
        ("a", "staff_augmentation", "2"),
        ("b", "outsourcing", "5"),
    ]
