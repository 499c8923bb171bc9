"""Mismatch detection on claim-swapped variants of the labelled real documents.

For every document of ``labels/dev.csv`` we make variants whose title and opening
recital claim each engagement model (``CLAIM_HEADERS``), keep the clauses as they are,
and score each variant with the fold model of a grouped cross-validation that did not see
the document. Reported:

* recall of the right warning on variants whose claim contradicts the label (the rule of
  the domain reference for that claimed/implemented pair, ``M0`` where it has none);
* for out-of-scope documents, recall of the "services title on a non-services contract"
  review flag;
* false-warning rates on the unmodified documents and on variants whose claim agrees.

With ``--json OUT`` every scored variant is written with its probabilities and signal
counts per family, and the contradicting variants that missed the right warning are
listed under ``misses``.

Usage: python scripts/measure_mismatch.py [--shared ../shared] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifier.analysis import analyse_document  # noqa: E402
from classifier.features import model_input  # noqa: E402
from classifier.ingest import document_from_text, read_document  # noqa: E402
from classifier.model import LABELS, SEED, build_pipeline  # noqa: E402
from classifier.training import dev_examples, prepare, synthetic_examples  # noqa: E402
from classifier.verdict import COMPATIBLE, RULES, mismatch_warnings, review_flags  # noqa: E402

CLAIM_HEADERS = {
    "staff_augmentation": "STAFF AUGMENTATION AGREEMENT\n\nWHEREAS, Client wishes to augment its staff "
    "with personnel supplied by Supplier under this staff augmentation agreement;\n\n",
    "project_outsourcing": "FIXED-PRICE PROJECT AGREEMENT\n\nWHEREAS, the parties enter into this fixed-price "
    "project agreement for the delivery of a defined project;\n\n",
    "managed_services": "MANAGED SERVICES AGREEMENT\n\nWHEREAS, Provider wishes to provide managed services "
    "to Customer under this managed services agreement;\n\n",
    "outsourcing": "OUTSOURCING AGREEMENT\n\nWHEREAS, Customer wishes to outsource certain functions to "
    "Provider under this outsourcing agreement;\n\n",
}
SERVICES = ("staff_augmentation", "project_outsourcing", "managed_services")


def expected_rule(claim: str, label: str) -> str:
    for rid, r in RULES.items():
        if (claim, label) in r["pairs"]:
            return rid
    return "M0"


def _variant(text: str, claim: str | None):
    body = text if claim is None else CLAIM_HEADERS[claim] + text
    doc = document_from_text(body)
    a = analyse_document(doc)
    return a


def main() -> None:
    from joblib import Parallel, delayed
    from sklearn.model_selection import StratifiedGroupKFold

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--json", type=Path)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    dev = dev_examples(args.shared / "labels" / "dev.csv", args.shared / "corpus")
    synth = synthetic_examples()
    X, y, hashes, is_real = prepare(dev + synth, args.jobs)
    texts = [read_document(e.path).text for e in dev]
    real = np.arange(len(dev))
    synth_idx = np.arange(len(dev), len(dev) + len(synth))
    claims = [None, *CLAIM_HEADERS]
    jobs = [(i, c) for i in real for c in claims]
    analyses = Parallel(n_jobs=args.jobs)(delayed(_variant)(texts[i], c) for i, c in jobs)
    by_key = {(i, c): a for (i, c), a in zip(jobs, analyses)}
    cv = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    outcomes = []
    for tr, te in cv.split(real, y[real], np.asarray(hashes)[real]):
        model = build_pipeline().fit(X[np.concatenate([real[tr], synth_idx])], y[np.concatenate([real[tr], synth_idx])])
        order = [list(model.classes_).index(lbl) for lbl in LABELS]
        for i in real[te]:
            label = dev[i].label
            for c in claims:
                a = by_key[(i, c)]
                proba = model.predict_proba(model_input([(a.features, a.doc.text)]))[0][order]
                probs = dict(zip(LABELS, map(float, proba)))
                warnings = mismatch_warnings(a.claim, probs, a.signals)
                best = max(probs, key=probs.get)
                flags = review_flags(best, a.claim, a.signals)
                outcomes.append(
                    {
                        "doc_id": dev[i].doc_id,
                        "label": label,
                        "injected": c,
                        "detected_claim": a.claim.model.value,
                        "gold_rule": dev[i].mismatch_rule if c is None else None,
                        "rules": [w["rule"] for w in warnings],
                        "probabilities": {k: round(v, 4) for k, v in probs.items()},
                        "families": dict(Counter(s.family for s in a.signals)),
                        "flag_services_title": any(f["id"] == "services_title_not_services" for f in flags),
                    }
                )
    res = summarise(outcomes)
    print(json.dumps(res, indent=2))
    if args.json:
        out = {"summary": res, "misses": missed(outcomes), "outcomes": outcomes}
        args.json.write_text(json.dumps(out, indent=1))


def _contradicting(outcomes):
    return [
        o for o in outcomes if o["injected"] and o["label"] in SERVICES and o["label"] not in COMPATIBLE[o["injected"]]
    ]


def missed(outcomes):
    """Contradicting variants without the right warning, each with the rule it should carry."""
    return [
        {**o, "expected_rule": rule}
        for o in _contradicting(outcomes)
        if (rule := expected_rule(o["injected"], o["label"])) not in o["rules"]
    ]


def summarise(outcomes):
    contra = _contradicting(outcomes)
    right = [o for o in contra if expected_rule(o["injected"], o["label"]) in o["rules"]]
    any_warn = [o for o in contra if o["rules"]]
    agree = [o for o in outcomes if o["injected"] and o["label"] in COMPATIBLE[o["injected"]]]
    oos = [o for o in outcomes if o["injected"] and o["label"] == "out_of_scope"]
    orig = [o for o in outcomes if o["injected"] is None]
    orig_false = [o for o in orig if o["rules"] and not o["gold_rule"]]
    orig_gold = [o for o in orig if o["gold_rule"]]
    by_rule = {}
    for o in contra:
        r = expected_rule(o["injected"], o["label"])
        d = by_rule.setdefault(r, [0, 0])
        d[1] += 1
        d[0] += r in o["rules"]
    return {
        "contradicting_variants": len(contra),
        "recall_right_warning": round(len(right) / max(1, len(contra)), 3),
        "recall_any_warning": round(len(any_warn) / max(1, len(contra)), 3),
        "recall_by_rule": {k: f"{a}/{b}" for k, (a, b) in sorted(by_rule.items())},
        "agreeing_variants": len(agree),
        "false_warning_rate_agreeing": round(sum(bool(o["rules"]) for o in agree) / max(1, len(agree)), 3),
        "unmodified_documents": len(orig),
        "false_warning_rate_unmodified": round(len(orig_false) / max(1, len(orig)), 3),
        "gold_mismatches_found": f"{sum(bool(o['rules']) for o in orig_gold)}/{len(orig_gold)}",
        "out_of_scope_variants": len(oos),
        "out_of_scope_flag_recall": round(sum(o["flag_services_title"] for o in oos) / max(1, len(oos)), 3),
        "out_of_scope_false_warning_rate": round(sum(bool(o["rules"]) for o in oos) / max(1, len(oos)), 3),
    }


if __name__ == "__main__":
    main()
