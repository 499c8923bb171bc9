"""Tests of ``classifier.model`` (loading checks, prediction, determinism) and the metrics
of ``classifier.training``.

Tampered artefacts are copies of the bundled model under ``tmp_path``; the bundled files
are never modified.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import sklearn

from classifier import _model_pin
from classifier.analysis import analyse_document
from classifier.errors import ExitCode, ModelError
from classifier.features import FEATURE_NAMES, model_input
from classifier.ingest import document_from_text
from classifier.model import (
    DEFAULT_MODEL,
    LABELS,
    MODEL_ENV,
    build_pipeline,
    card_path,
    explained_proba,
    feature_contributions,
    load_model,
    predict_proba,
    resolve_model_path,
    sha256_file,
)
from classifier.training import expected_calibration_error, metrics

SA, PO, MS, OOS = LABELS

CONTRACT = """MANAGED SERVICES AGREEMENT

1. Services

1.1 Vendor shall operate the Client's IT service desk as an ongoing managed service.

1.2 Vendor shall meet the service levels in Schedule 2: 99.9% availability each month and a
response to Priority 1 incidents within 15 minutes.

2. Fees

2.1 Client shall pay a fixed monthly fee of $12 per user per month.

2.2 If Vendor misses a service level, Client receives a service credit of 5% of the monthly fee.

3. Term

3.1 This Agreement renews automatically for successive one-year terms unless either party
gives ninety days' notice.
"""


@pytest.fixture(autouse=True)
def _no_model_env(monkeypatch):
    monkeypatch.delenv(MODEL_ENV, raising=False)


@pytest.fixture(scope="module")
def bundled():
    return load_model(DEFAULT_MODEL)


def copy_model(dest_dir, name: str = "engagement-model") -> tuple:
    dest_dir.mkdir(parents=True, exist_ok=True)
    model = dest_dir / f"{name}.joblib"
    shutil.copyfile(DEFAULT_MODEL, model)
    shutil.copyfile(card_path(DEFAULT_MODEL), card_path(model))
    return model, card_path(model)


def edit_card(card_file, fn) -> None:
    card = json.loads(card_file.read_text())
    fn(card)
    card_file.write_text(json.dumps(card))


def load_error(path) -> str:
    with pytest.raises(ModelError) as info:
        load_model(path)
    err = info.value
    assert err.exit_code == ExitCode.MODEL
    assert err.code == "model"
    assert "\n" not in str(err)
    assert str(err).startswith(str(path))
    return str(err)


# ----------------------------------------------------------------------------- the bundled model


def test_bundled_model_is_pinned_and_carded():
    digest = hashlib.sha256(DEFAULT_MODEL.read_bytes()).hexdigest()
    card = json.loads(card_path(DEFAULT_MODEL).read_text())
    assert digest == _model_pin.MODEL_SHA256 == card["sha256"]
    assert tuple(card["labels"]) == LABELS
    assert tuple(card["feature_names"]) == FEATURE_NAMES
    assert card["libraries"]["scikit-learn"].split(".")[:2] == sklearn.__version__.split(".")[:2]


def test_bundled_model_loads(bundled):
    assert bundled.path == DEFAULT_MODEL
    assert bundled.version == f"engagement-model.joblib@{_model_pin.MODEL_SHA256[:12]}"
    assert set(bundled.pipeline.classes_) == set(LABELS)


def test_bundled_model_predicts_probabilities(bundled):
    analysis = analyse_document(document_from_text(CONTRACT, path="helpdesk.txt"))
    X = model_input([(analysis.features, analysis.doc.text)])
    assert X.shape == (1, len(FEATURE_NAMES) + 1)
    proba = predict_proba(bundled, X)
    assert proba.shape == (1, len(LABELS))
    assert np.all(proba >= 0) and np.all(proba <= 1)
    assert proba.sum() == pytest.approx(1.0, abs=1e-9)
    assert LABELS[int(proba.argmax())] == MS
    contributions = feature_contributions(bundled, X)[0]
    assert set(contributions) == set(LABELS)
    assert "text" in contributions[MS]


def test_explained_proba_equals_the_stacked_predict_proba(bundled):
    """decide() reads probabilities and contributions from one pass over each branch; they
    must be the stacker's own probabilities, on documents of every kind."""
    texts = [CONTRACT, "SOFTWARE LICENSE AGREEMENT\n\n1. Licensor grants a licence; royalties apply.", ""]
    synthetic = Path(__file__).resolve().parents[1] / "data" / "synthetic"
    for name in ("sa_001", "po_001", "ms_001", "oos_001", "hc_015"):
        texts.append((synthetic / f"{name}.txt").read_text(encoding="utf-8"))
    rows = []
    for i, t in enumerate(texts):
        a = analyse_document(document_from_text(t, path=f"d{i}.txt"))
        rows.append((a.features, a.doc.text))
    X = model_input(rows)
    proba, contributions = explained_proba(bundled, X)
    np.testing.assert_allclose(proba, predict_proba(bundled, X), rtol=0, atol=1e-12)
    assert contributions == feature_contributions(bundled, X)
    assert len(contributions) == len(texts)


def test_default_path_and_environment_variable(monkeypatch, tmp_path):
    assert resolve_model_path(None) == DEFAULT_MODEL
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "other.joblib"))
    assert resolve_model_path(None) == tmp_path / "other.joblib"
    assert resolve_model_path(tmp_path / "explicit.joblib") == tmp_path / "explicit.joblib"
    model, _ = copy_model(tmp_path, "custom")
    monkeypatch.setenv(MODEL_ENV, str(model))
    loaded = load_model()
    assert loaded.path == model
    assert loaded.version.startswith("custom.joblib@")


# ----------------------------------------------------------------------------- refusals


def test_refuses_missing_file(tmp_path):
    msg = load_error(tmp_path / "absent.joblib")
    assert "not found" in msg


def test_missing_file_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "absent.joblib"))
    with pytest.raises(ModelError, match="not found"):
        load_model()


def test_refuses_missing_card(tmp_path):
    model, card = copy_model(tmp_path)
    card.unlink()
    msg = load_error(model)
    assert "model card" in msg and "engagement-model.card.json" in msg


def test_refuses_unreadable_card(tmp_path):
    model, card = copy_model(tmp_path)
    card.write_text("{not json")
    assert "unreadable" in load_error(model)


def test_refuses_hash_mismatch(tmp_path):
    model, _ = copy_model(tmp_path)
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    assert "SHA-256" in load_error(model)


def test_refuses_bundled_model_not_matching_the_pin(monkeypatch):
    monkeypatch.setattr(_model_pin, "MODEL_SHA256", "0" * 64)
    msg = load_error(DEFAULT_MODEL)
    assert "SHA-256" in msg and "pinned" in msg


def test_refuses_scikit_learn_minor_version_mismatch(tmp_path):
    major, minor = (int(x) for x in sklearn.__version__.split(".")[:2])
    model, card = copy_model(tmp_path)
    edit_card(card, lambda c: c["libraries"].__setitem__("scikit-learn", f"{major}.{minor - 1}.0"))
    msg = load_error(model)
    assert f"scikit-learn {major}.{minor - 1}.0" in msg
    assert sklearn.__version__ in msg


def test_accepts_scikit_learn_patch_version_difference(tmp_path):
    major, minor = (int(x) for x in sklearn.__version__.split(".")[:2])
    model, card = copy_model(tmp_path)
    edit_card(card, lambda c: c["libraries"].__setitem__("scikit-learn", f"{major}.{minor}.99"))
    assert load_model(model).path == model


def test_refuses_card_without_library_versions(tmp_path):
    model, card = copy_model(tmp_path)
    edit_card(card, lambda c: c.pop("libraries"))
    assert "scikit-learn" in load_error(model)


def test_refuses_feature_name_mismatch(tmp_path):
    model, card = copy_model(tmp_path)
    edit_card(card, lambda c: c.__setitem__("feature_names", c["feature_names"][:-1]))
    assert "features differ" in load_error(model)
    edit_card(card, lambda c: c.__setitem__("feature_names", list(FEATURE_NAMES[::-1])))
    assert "features differ" in load_error(model)


def test_refuses_label_mismatch(tmp_path):
    model, card = copy_model(tmp_path)
    edit_card(card, lambda c: c.__setitem__("labels", list(LABELS[::-1])))
    assert "labels" in load_error(model)


# ----------------------------------------------------------------------------- determinism

VOCAB = {
    SA: "developers work under client direction billed hourly rates timesheets named personnel",
    PO: "vendor delivers portal milestones acceptance criteria fixed price deliverables spec",
    MS: "vendor operates service desk service levels availability credits monthly fee per user",
    OOS: "software licence subscription goods purchase order shipment warranty licensed product",
}
SCORES = {
    SA: {
        "score:staff_augmentation": 1.6,
        "pricing.time_and_materials:clauses": 1.1,
        "control.client_directs:clauses": 0.7,
    },
    PO: {
        "score:project_outsourcing": 1.5,
        "scope.deliverables:clauses": 1.0,
        "scope.acceptance:clauses": 0.7,
        "pricing.fixed_bid:clauses": 0.7,
    },
    MS: {
        "score:managed_services": 1.7,
        "sla.targets:clauses": 1.1,
        "sla.remedies:clauses": 0.7,
        "value:availability_percent": 0.7,
    },
    OOS: {"score:out_of_scope_cues": 1.2},
}


def tiny_dataset(per_label: int = 8):
    rng = np.random.default_rng(7)
    rows, y = [], []
    for label in LABELS:
        words = VOCAB[label].split()
        for i in range(per_label):
            feats = {k: v + float(rng.normal(0, 0.2)) for k, v in SCORES[label].items()}
            feats["doc:signal_density"] = float(rng.uniform(0, 1))
            picked = rng.choice(words, size=6, replace=False)
            text = f"agreement number {i} " + " ".join(picked) + " " + " ".join(picked[:3])
            rows.append((feats, text))
            y.append(label)
    return model_input(rows), np.array(y)


def test_training_is_deterministic():
    X, y = tiny_dataset()
    assert X.shape == (32, len(FEATURE_NAMES) + 1)
    a = build_pipeline().fit(X, y)
    b = build_pipeline().fit(X, y)
    pa, pb = predict_proba(a, X), predict_proba(b, X)
    assert np.array_equal(pa, pb)
    assert pa.shape == (32, 4)
    assert np.allclose(pa.sum(axis=1), 1.0)
    # the tiny dataset is separable: the model learns it
    assert (pa.argmax(axis=1) == np.array([LABELS.index(v) for v in y])).mean() >= 0.9


def test_training_twice_writes_the_same_bytes(tmp_path):
    """The committed artefact is reproducible by hash: nothing run-specific (such as the
    memory address scikit-learn's vectorizers cache) may reach the pickle. Two processes,
    since an address can repeat within one."""
    import subprocess
    import sys

    code = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from pathlib import Path\n"
        "from test_model import tiny_dataset\n"
        "from classifier.model import build_pipeline, save_model\n"
        "X, y = tiny_dataset()\n"
        "print(save_model(build_pipeline().fit(X, y), Path(sys.argv[1]), {})['sha256'])\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = [
        subprocess.run([sys.executable, "-c", code, str(tmp_path / f"{i}.joblib")], cwd=root,
                       capture_output=True, text=True, check=True).stdout.strip()
        for i in range(2)
    ]
    assert out[0] == out[1] == sha256_file(tmp_path / "0.joblib")
    assert (tmp_path / "0.joblib").read_bytes() == (tmp_path / "1.joblib").read_bytes()


# ----------------------------------------------------------------------------- metrics

Y_TRUE = [SA, SA, PO, MS, OOS]
PROBA = np.array(
    [
        [0.85, 0.05, 0.05, 0.05],  # SA, right, confidence 0.85
        [0.35, 0.45, 0.10, 0.10],  # SA predicted PO, wrong, 0.45
        [0.10, 0.75, 0.10, 0.05],  # PO, right, 0.75
        [0.05, 0.05, 0.85, 0.05],  # MS, right, 0.85
        [0.65, 0.10, 0.10, 0.15],  # OOS predicted SA, wrong, 0.65
    ]
)


def y_idx(labels):
    return np.array([LABELS.index(v) for v in labels])


def test_ece_hand_computed():
    # bins (0.8, 0.9]: 2 right at 0.85 -> 2/5 * 0.15; (0.4, 0.5]: 1 wrong at 0.45 -> 1/5 * 0.45;
    # (0.7, 0.8]: 1 right at 0.75 -> 1/5 * 0.25; (0.6, 0.7]: 1 wrong at 0.65 -> 1/5 * 0.65
    assert expected_calibration_error(PROBA, y_idx(Y_TRUE)) == pytest.approx(
        0.06 + 0.09 + 0.05 + 0.13
    )
    # one bin: |accuracy 0.6 - mean confidence 0.71|
    assert expected_calibration_error(PROBA, y_idx(Y_TRUE), bins=1) == pytest.approx(0.11)


def test_ece_extremes():
    onehot = np.eye(4)
    assert expected_calibration_error(onehot, np.arange(4)) == 0.0
    assert expected_calibration_error(onehot, np.array([1, 2, 3, 0])) == pytest.approx(1.0)
    uniform = np.full((4, 4), 0.25)
    # argmax is label 0 everywhere: one right out of four at confidence 0.25
    assert expected_calibration_error(uniform, np.arange(4)) == pytest.approx(0.0)
    assert expected_calibration_error(uniform, np.array([1, 1, 1, 1])) == pytest.approx(0.25)


def test_metrics_hand_computed():
    m = metrics(Y_TRUE, PROBA)
    assert m["n"] == 5
    assert m["accuracy"] == pytest.approx(0.6)
    pc = m["per_class"]
    assert pc[SA] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert pc[PO] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert pc[MS] == pytest.approx({"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1})
    assert pc[OOS] == pytest.approx({"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1})
    assert m["macro_f1"] == pytest.approx((0.5 + 2 / 3 + 1.0 + 0.0) / 4)
    assert m["ece"] == pytest.approx(0.33)
    assert m["confusion"] == {
        "labels": list(LABELS),
        "matrix": [[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]],
    }
    json.dumps(m)  # plain types only


def test_metrics_perfect():
    m = metrics(list(LABELS), np.eye(4))
    assert m["accuracy"] == 1.0 and m["macro_f1"] == 1.0 and m["ece"] == 0.0
    assert m["confusion"]["matrix"] == np.eye(4, dtype=int).tolist()


def test_verify_model_checks_without_importing_scikit_learn():
    """`audit` verifies the model up front without unpickling it (workers never need it)."""
    import subprocess
    import sys

    code = (
        "import sys; from classifier.model import verify_model; path, card = verify_model(); "
        "assert card['sha256']; assert 'sklearn' not in sys.modules, 'sklearn imported'; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# ----------------------------------------------------------------------------- repeated CV


def test_evaluate_cv_repeats_reshuffle_folds_and_summarise():
    """``--repeats``: the headline figures stay those of the default fold seed; the spread
    covers every repeat, and each repeat really uses another fold assignment."""
    from classifier.model import SEED
    from classifier.training import evaluate_cv, grouped_cv

    X, y = tiny_dataset(per_label=10)
    Xs, ys = tiny_dataset(per_label=3)  # "synthetic" rows: always trained on, never scored
    XX, yy = np.concatenate([X, Xs]), np.concatenate([y, ys])
    groups = [f"doc{i}" for i in range(len(yy))]
    real = np.array([True] * len(y) + [False] * len(ys))

    one = evaluate_cv(XX, yy, groups, real)
    three = evaluate_cv(XX, yy, groups, real, repeats=3)
    assert "repeats" not in one
    assert three["model"] == one["model"] and three["baseline"] == one["baseline"]
    rep = three["repeats"]
    assert rep["seeds"] == [SEED, SEED + 1, SEED + 2]
    runs = [metrics(y, grouped_cv(XX, yy, groups, real, seed=s)["model"]) for s in rep["seeds"]]
    f1s = [r["macro_f1"] for r in runs]
    assert rep["model"]["macro_f1"] == pytest.approx(
        {"mean": float(np.mean(f1s)), "min": min(f1s), "max": max(f1s)}
    )
    assert rep["model"]["f1"][SA]["min"] <= rep["model"]["f1"][SA]["mean"] <= rep["model"]["f1"][SA]["max"]
    assert set(rep["baseline"]) == {"macro_f1", "ece", "f1"}


def test_grouped_cv_fold_seed_changes_the_folds_not_the_documents():
    from classifier.training import grouped_cv

    X, y = tiny_dataset(per_label=10)
    groups = [f"doc{i}" for i in range(len(y))]
    real = np.ones(len(y), dtype=bool)
    a = grouped_cv(X, y, groups, real, seed=1)
    b = grouped_cv(X, y, groups, real, seed=2)
    assert np.array_equal(a["index"], b["index"])  # every real document is scored in both
    assert not np.allclose(a["model"], b["model"])  # by models trained on other folds


# ----------------------------------------------------------------------------- learning curve


def test_stratified_share_is_seeded_per_label_and_keeps_order():
    from classifier.training import stratified_share

    y = np.array(["a"] * 8 + ["b"] * 4 + ["c"])
    index = np.arange(len(y))
    half = stratified_share(index, y, 0.5, seed=3)
    assert [int((y[half] == lbl).sum()) for lbl in "abc"] == [4, 2, 1]  # a label never vanishes
    assert list(half) == sorted(half)
    assert np.array_equal(half, stratified_share(index, y, 0.5, seed=3))
    assert not np.array_equal(half, stratified_share(index, y, 0.5, seed=4))
    assert np.array_equal(stratified_share(index, y, 1.0, seed=3), index)
    assert stratified_share(index, y, 0.0, seed=3).size == 0


def test_grouped_cv_train_share_trains_on_fewer_real_documents_and_scores_all():
    from classifier.model import build_pipeline
    from classifier.training import _proba, grouped_cv

    X, y = tiny_dataset(per_label=10)
    Xs, ys = tiny_dataset(per_label=5)
    XX, yy = np.concatenate([X, Xs]), np.concatenate([y, ys])
    groups = [f"doc{i}" for i in range(len(yy))]
    real = np.array([True] * len(y) + [False] * len(ys))
    full = grouped_cv(XX, yy, groups, real, seed=1)
    synthetic_only = grouped_cv(XX, yy, groups, real, seed=1, train_share=0.0)
    assert np.array_equal(full["index"], synthetic_only["index"])  # every real document scored
    # with a share of 0 every fold model is the one trained on the synthetic rows alone
    alone = _proba(build_pipeline().fit(Xs, ys), X)
    assert np.allclose(synthetic_only["model"], alone)
    assert not np.allclose(full["model"], alone)
