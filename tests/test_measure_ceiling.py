"""The ceiling measure's weight search (scripts/measure_ceiling.py), on hand-made probabilities."""

from __future__ import annotations

import numpy as np

from classifier.model import LABELS


def test_weight_grid_keeps_out_of_scope_fixed(script):
    m = script("measure_ceiling")
    grid = m.weight_grid(steps=3, span=1.0)
    assert len(grid) == 3 ** (len(LABELS) - 1)
    assert all(w[LABELS.index("out_of_scope")] == 1.0 for w in grid)
    assert any(np.allclose(w, 1.0) for w in grid)  # "as is" is a candidate


def test_best_weights_undo_a_systematic_bias(script):
    m = script("measure_ceiling")
    sa, oos = LABELS.index("staff_augmentation"), LABELS.index("out_of_scope")
    y = np.array([lbl for lbl in LABELS for _ in range(4)])
    p = np.full((len(y), len(LABELS)), 0.05)
    for i, lbl in enumerate(y):
        p[i, LABELS.index(lbl)] = 0.8
    p[y == "staff_augmentation", sa] = 0.35  # staff augmentation, always a little under out of scope
    p[y == "staff_augmentation", oos] = 0.55
    p[y == "out_of_scope", sa] = 0.10
    assert m.weighted_f1(y, p, np.ones(len(LABELS))) < 0.8
    w = m.best_weights([(y, p)], m.weight_grid())
    assert m.weighted_f1(y, p, w) == 1.0
    assert w[sa] > 1.0
