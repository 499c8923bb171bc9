"""Measure ingestion on the shared corpus: crash-free, clauses found, word F1 vs text twins.

Usage: python scripts/measure_extraction.py [--corpus ../shared/corpus] [--json OUT]

Word F1 is computed on bags of lower-cased word tokens between our extraction of each
original CUAD PDF and CUAD's official text of the same contract (``pairs.csv``).
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifier.clauses import split_clauses  # noqa: E402
from classifier.errors import ClassifierError  # noqa: E402
from classifier.ingest import read_document  # noqa: E402

TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def bag(text: str) -> collections.Counter:
    return collections.Counter(TOKEN.findall(text.lower()))


def word_f1(ours: str, theirs: str) -> tuple[float, float, float]:
    a, b = bag(ours), bag(theirs)
    overlap = sum((a & b).values())
    p = overlap / max(1, sum(a.values()))
    r = overlap / max(1, sum(b.values()))
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def cuad_pdf_pairs(corpus: Path) -> list[tuple[Path, Path]]:
    manifest = {r["doc_id"]: r for r in csv.DictReader(open(corpus / "manifest.csv"))}
    out = []
    for row in csv.DictReader(open(corpus / "pairs.csv")):
        f = manifest.get(row["file_doc_id"])
        t = manifest.get(row["text_doc_id"])
        if f and t and f["path"].startswith("pdf/cuad/"):
            out.append((corpus / f["path"], corpus / t["path"]))
    return sorted(out)


def measure(corpus: Path) -> dict:
    pairs = cuad_pdf_pairs(corpus)
    f1s, no_clauses, pages = [], [], 0
    t0 = time.perf_counter()
    for pdf, txt in pairs:
        doc = read_document(pdf)
        pages += doc.page_count
        if not [c for c in split_clauses(doc) if c.number]:
            no_clauses.append(pdf.name)
        f, p, r = word_f1(doc.text, txt.read_text(encoding="utf-8"))
        f1s.append({"file": pdf.name, "f1": round(f, 4), "precision": round(p, 4), "recall": round(r, 4)})
    cuad_secs = time.perf_counter() - t0
    others, crashes, errors = 0, [], []
    for path in sorted(corpus.rglob("*")):
        if path.suffix.lower() not in (".pdf", ".docx") or "pdf/cuad" in path.as_posix():
            continue
        others += 1
        try:
            doc = read_document(path)
            split_clauses(doc)
        except ClassifierError as exc:
            errors.append(f"{path.name}: {exc}")
        except Exception as exc:  # noqa: BLE001 - a crash is what we measure
            crashes.append(f"{path.name}: {type(exc).__name__}: {exc}")
    values = [x["f1"] for x in f1s]
    return {
        "cuad_pdfs": len(pairs),
        "cuad_pages": pages,
        "cuad_seconds": round(cuad_secs, 2),
        "cuad_pages_per_second": round(pages / cuad_secs, 1),
        "median_word_f1": round(statistics.median(values), 4),
        "min_word_f1": min(values),
        "pdfs_without_numbered_clauses": no_clauses,
        "other_pdf_docx_files": others,
        "other_errors": errors,
        "crashes": crashes,
        "lowest": sorted(f1s, key=lambda x: x["f1"])[:5],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = measure(args.corpus)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
