"""Measure the signal detectors: real-text recall, gold set, CUAD agreement and speed.

Usage::

    .venv/bin/python scripts/measure_signals.py [--shared ../shared] [--json OUT]
        [--only recall,gold,cuad,speed] [--root DIR]

``--root`` imports the ``classifier`` package from another checkout (used to measure a
baseline copy). The figures:

1. recall: per document label of ``labels/dev.csv``, the share of the reviewer's evidence
   quotes that overlap a detected positive signal of a family pointing toward that label
   (``POINTS_TOWARD``). ``out_of_scope`` has no family pointing toward it and is not scored.
2. gold: per-family precision and recall on ``tests/data/clause_gold.jsonl``.
3. cuad: document-level precision/recall of four families against CUAD's clause
   annotations (a category is *present* when its span column is non-empty, i.e. not ``[]``).
4. speed: clauses/s and pages/s of split + detect (reading excluded) over the CUAD texts
   and the CUAD PDFs.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CUAD_PAIRS = {
    "ip.assigned_to_client": "Ip Ownership Assignment",
    "term.ongoing_renewal": "Renewal Term",
    "term.termination_for_convenience": "Termination For Convenience",
    "personnel.conversion": "No-Solicit Of Employees",
}
_LOCATOR = re.compile(r"^\s*(?:[A-Za-z][\w.\- ]{0,20}?|s\.[\w.()\- ]{1,60}?|p\.\s?\d+[\w.]*)\s*:\s+")
_WS = re.compile(r"\s+")


def _norm_index(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with whitespace runs collapsed, and the map back to offsets."""
    out, idx = [], []
    prev_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not prev_space:
                out.append(" ")
                idx.append(i)
            prev_space = True
        else:
            out.append(ch.lower())
            idx.append(i)
            prev_space = False
    idx.append(len(text))
    return "".join(out), idx


def _find_quote(norm: str, idx: list[int], quote: str) -> tuple[int, int] | None:
    q = _WS.sub(" ", quote.strip().lower())
    pieces = [p.strip(" .") for p in re.split(r"\.\.\.|…|\[\.\.\.\]", q) if len(p.strip()) >= 12]
    spans = []
    for p in pieces or [q]:
        i = norm.find(p)
        if i < 0 and len(p) > 60:
            i = norm.find(p[:60])
            if i >= 0:
                p = p[:60]
        if i >= 0:
            spans.append((idx[i], idx[min(i + len(p), len(idx) - 1)]))
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def _quotes(evidence: str) -> list[str]:
    out = []
    for q in evidence.split(" || "):
        q = q.strip()
        if not q:
            continue
        m = _LOCATOR.match(q)
        out.append(q[m.end():] if m else q)
    return out


def measure_recall(shared: Path) -> dict:
    from classifier.clauses import split_clauses
    from classifier.detectors import POINTS_TOWARD, detect_signals
    from classifier.ingest import read_document

    corpus = shared / "corpus"
    stats = collections.defaultdict(lambda: [0, 0, 0])  # hit, located, total
    per_family_hits = collections.Counter()
    misses: list[tuple[str, str, str]] = []
    with open(shared / "labels" / "dev.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        label = row["label"]
        if label == "out_of_scope":
            continue
        doc = read_document(corpus / row["path"])
        clauses = split_clauses(doc)
        sigs = [s for s in detect_signals(doc, clauses) if label in POINTS_TOWARD[s.family]]
        norm, idx = _norm_index(doc.text)
        for q in _quotes(row["evidence"]):
            st = stats[label]
            st[2] += 1
            span = _find_quote(norm, idx, q)
            if span is None:
                continue
            st[1] += 1
            hit = [s for s in sigs if s.start < span[1] and s.end > span[0]]
            if hit:
                st[0] += 1
                per_family_hits.update({s.family for s in hit})
            else:
                misses.append((label, row["doc_id"], q[:160]))
    out = {
        lab: {"hit": h, "located": loc, "quotes": tot, "recall": round(h / max(1, loc), 3)}
        for lab, (h, loc, tot) in sorted(stats.items())
    }
    hit = sum(v[0] for v in stats.values())
    loc = sum(v[1] for v in stats.values())
    out["all"] = {"hit": hit, "located": loc, "recall": round(hit / max(1, loc), 3)}
    return {"per_label": out, "misses": misses, "families": dict(per_family_hits)}


def measure_gold() -> dict:
    from classifier.clauses import split_clauses
    from classifier.detectors import FAMILIES, detect_signals
    from classifier.ingest import document_from_text

    items = [json.loads(line) for line in open(ROOT / "tests" / "data" / "clause_gold.jsonl")]
    tp, fp, fn = collections.Counter(), collections.Counter(), collections.Counter()
    for it in items:
        d = document_from_text(it["text"])
        got = {s.family for s in detect_signals(d, split_clauses(d))}
        exp = set(it["families"])
        tp.update(got & exp)
        fp.update(got - exp)
        fn.update(exp - got)
    return {
        f: {"P": round(tp[f] / max(1, tp[f] + fp[f]), 3), "R": round(tp[f] / max(1, tp[f] + fn[f]), 3),
            "tp": tp[f], "fp": fp[f], "fn": fn[f]}
        for f in FAMILIES
    }


def cuad_truth(shared: Path) -> dict[str, dict[str, bool]]:
    with open(shared / "corpus" / "cuad_clause_annotations.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {
        r["doc_id"]: {fam: r[col].strip() not in ("", "[]") for fam, col in CUAD_PAIRS.items()}
        for r in rows
    }


def measure_cuad(shared: Path) -> dict:
    from classifier.clauses import split_clauses
    from classifier.detectors import detect_signals
    from classifier.ingest import read_document

    truth = cuad_truth(shared)
    counts = {f: collections.Counter() for f in CUAD_PAIRS}
    errors = {f: [] for f in CUAD_PAIRS}
    for doc_id, t in sorted(truth.items()):
        path = shared / "corpus" / "cuad" / f"{doc_id}.txt"
        if not path.exists():
            continue
        doc = read_document(path)
        got = {s.family for s in detect_signals(doc, split_clauses(doc))}
        for f in CUAD_PAIRS:
            key = ("t" if (f in got) == t[f] else "f") + ("p" if f in got else "n")
            counts[f][key] += 1
            if key in ("fp", "fn"):
                errors[f].append((key, doc_id))
    out = {}
    for f, c in counts.items():
        p = c["tp"] / max(1, c["tp"] + c["fp"])
        r = c["tp"] / max(1, c["tp"] + c["fn"])
        out[f] = {"cuad": CUAD_PAIRS[f], "P": round(p, 3), "R": round(r, 3), **dict(c)}
    return {"scores": out, "errors": errors}


def measure_speed(shared: Path) -> dict:
    from classifier.clauses import split_clauses
    from classifier.detectors import detect_signals
    from classifier.ingest import read_document

    out = {}
    for name, files in (
        ("cuad_txt", sorted((shared / "corpus" / "cuad").glob("*.txt"))),
        ("cuad_pdf", sorted((shared / "corpus" / "pdf" / "cuad").glob("*.pdf"))),
    ):
        docs = [read_document(p) for p in files]
        detect_signals(docs[0], split_clauses(docs[0]))  # warm up the pipeline
        n_clauses = n_pages = n_chars = 0
        t0 = time.perf_counter()
        for d in docs:
            cl = split_clauses(d)
            detect_signals(d, cl)
            n_clauses += len(cl)
            n_pages += d.page_count
            n_chars += len(d.text)
        dt = time.perf_counter() - t0
        out[name] = {"docs": len(docs), "clauses": n_clauses, "pages": n_pages, "chars": n_chars,
                     "seconds": round(dt, 2), "clauses_per_s": round(n_clauses / dt, 1),
                     "pages_per_s": round(n_pages / dt, 1)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--only", default="recall,gold,cuad,speed")
    ap.add_argument("--root", default=str(ROOT), help="checkout holding the classifier package")
    ap.add_argument("--misses", action="store_true", help="print the recall misses")
    args = ap.parse_args(argv)
    sys.path.insert(0, args.root)
    shared = Path(args.shared)
    only = set(args.only.split(","))
    result: dict = {}
    if "recall" in only:
        r = measure_recall(shared)
        result["recall"] = r["per_label"]
        print("== 1. real-text recall (evidence quotes overlapping a signal pointing to the label)")
        for lab, v in r["per_label"].items():
            print(f"  {lab:22s} {v['hit']:4d}/{v['located']:<4d} = {v['recall']:.3f}")
        if args.misses:
            for m in r["misses"]:
                print("   MISS", *m)
    if "gold" in only:
        g = measure_gold()
        result["gold"] = g
        print("== 2. gold set per family")
        for f, v in g.items():
            flag = "" if v["P"] >= 0.9 and v["R"] >= 0.9 else "  <"
            print(f"  {f:36s} P={v['P']:.2f} R={v['R']:.2f} (tp={v['tp']} fp={v['fp']} fn={v['fn']}){flag}")
    if "cuad" in only:
        c = measure_cuad(shared)
        result["cuad"] = c["scores"]
        print("== 3. CUAD agreement (present = non-empty span column)")
        for f, v in c["scores"].items():
            print(f"  {f:34s} vs {v['cuad']:28s} P={v['P']:.2f} R={v['R']:.2f} "
                  f"tp={v.get('tp', 0)} fp={v.get('fp', 0)} fn={v.get('fn', 0)}")
        if args.misses:
            for f, errs in c["errors"].items():
                print("   ", f, errs)
    if "speed" in only:
        s = measure_speed(shared)
        result["speed"] = s
        print("== 4. speed (split + detect, reading excluded)")
        for k, v in s.items():
            print(f"  {k}: {v['docs']} docs, {v['clauses']} clauses, {v['pages']} pages in "
                  f"{v['seconds']} s -> {v['clauses_per_s']} clauses/s, {v['pages_per_s']} pages/s")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
