"""Where the classifier's accuracy ceiling is, on the labelled real documents.

* **Learning curve**: grouped 5-fold cross-validation in which each fold is trained on a
  share (0, 1/4, 1/2, 3/4, all) of its real training documents, per label and seeded; the
  synthetic documents are always in, and every real document is scored once. A curve
  that is still rising says more labelled documents would help; a flat one says they
  would not, with these features.
* **Decision-weight ceiling**: the out-of-fold probabilities multiplied by the per-class
  weights that maximise macro-F1 on those very predictions (an oracle: no re-weighting
  or re-thresholding of this model can do better on these folds), and by the weights
  chosen on the other fold seeds. The latter are still optimistic: the other seeds
  score the same documents, only in other folds. (The model's own nested re-weighting is
  the stacker's final logistic regression, fitted on inner out-of-fold predictions.)

Fold seeds are ``SEED``, ``SEED + 1``, ... as in ``contract-classifier evaluate --repeats``.

Usage: python scripts/measure_ceiling.py [--shared ../shared] [--seeds 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifier.model import LABELS, SEED  # noqa: E402
from classifier.training import grouped_cv, load_examples, macro_f1, metrics, prepare  # noqa: E402

SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)


def weight_grid(steps: int = 9, span: float = 1.0) -> list[np.ndarray]:
    """Per-class multipliers exp(-span..span) for the three services models; out of scope
    stays 1 (only ratios matter)."""
    logs = np.linspace(-span, span, steps)
    return [np.exp(np.array([*v, 0.0])) for v in itertools.product(logs, repeat=len(LABELS) - 1)]


def weighted_f1(y_true: np.ndarray, proba: np.ndarray, w: np.ndarray) -> float:
    return macro_f1(y_true, proba * w)


def best_weights(runs: list[tuple[np.ndarray, np.ndarray]], grid: list[np.ndarray]) -> np.ndarray:
    """The grid weights with the best mean macro-F1 over ``runs`` of (y_true, proba);
    ties go to the first in the grid order."""
    scores = [np.mean([weighted_f1(yt, p, w) for yt, p in runs]) for w in grid]
    return grid[int(np.argmax(scores))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--seeds", type=int, default=3, help="fold seeds (default 3)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    labels = args.shared / "labels" / "dev.csv"
    if not labels.exists():
        sys.exit(f"needs {labels} (the labelled real documents)")
    examples = load_examples(labels_csv=labels, corpus_dir=args.shared / "corpus")
    X, y, hashes, is_real = prepare(examples, args.jobs)
    seeds = [SEED + k for k in range(args.seeds)]

    curve, full = [], {}
    for share in SHARES:
        f1s, base = [], []
        for seed in seeds:
            res = grouped_cv(X, y, hashes, is_real, seed=seed, train_share=share)
            yt = y[res["index"]]
            f1s.append(metrics(yt, res["model"])["macro_f1"])
            base.append(metrics(yt, res["baseline"])["macro_f1"])
            if share == 1.0:
                full[seed] = (yt, res["model"])
        n_real = int(round(share * int(is_real.sum()) * 4 / 5))
        row = {
            "share": share,
            "real_training_documents": n_real,
            "macro_f1": f1s,
            "mean": round(float(np.mean(f1s)), 3),
            "baseline_mean": round(float(np.mean(base)), 3),
        }
        curve.append(row)
        print(f"share {share:.2f} (~{n_real} real): macro-F1 {row['mean']:.3f} {np.round(f1s, 3).tolist()} "
              f"baseline {row['baseline_mean']:.3f}", flush=True)

    grid = weight_grid()
    ceiling = []
    for seed, (yt, p) in full.items():
        oracle = best_weights([(yt, p)], grid)
        others = [full[s] for s in full if s != seed]
        honest = best_weights(others, grid) if others else np.ones(len(LABELS))
        row = {
            "seed": seed,
            "as_is": round(weighted_f1(yt, p, np.ones(len(LABELS))), 3),
            "oracle_weights": round(weighted_f1(yt, p, oracle), 3),
            "weights_from_other_seeds": round(weighted_f1(yt, p, honest), 3),
        }
        ceiling.append(row)
        print(f"seed {seed}: macro-F1 {row['as_is']:.3f}, oracle weights {row['oracle_weights']:.3f}, "
              f"weights chosen on the other seeds {row['weights_from_other_seeds']:.3f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"seeds": seeds, "learning_curve": curve, "weights": ceiling}, indent=1))


if __name__ == "__main__":
    main()
