"""Build, fit, save and load the engagement-model classifier.

The model is a scikit-learn :class:`~sklearn.pipeline.Pipeline`: a ColumnTransformer
that scales the named signal features and TF-IDF-encodes the text (weighted down: the
signals carry the decision, the text refines it), then a class-balanced logistic
regression whose probabilities are calibrated by cross-validation.

A joblib file is code when it is loaded. :func:`load_model` therefore refuses any
artefact whose SHA-256 differs from the one recorded in its model card, and, for the
bundled model, from the one pinned in this package; it also refuses an artefact built
with another scikit-learn minor version.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError
from .features import COMPACT_FEATURES, FEATURE_NAMES
from .types import EngagementModel

LABELS = tuple(m.value for m in EngagementModel)
SERVICE_LABELS = ("staff_augmentation", "project_outsourcing", "managed_services")
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
DEFAULT_MODEL = MODELS_DIR / "engagement-model.joblib"
MODEL_ENV = "CONTRACT_CLASSIFIER_MODEL"
SEED = 20261122

DEFAULT_PARAMS: dict[str, Any] = {
    "C": 0.1,
    "text_weight": 0.35,
    "max_features": 20000,
    "calibration": "sigmoid",
    "calibration_folds": 4,
    "feature_set": "compact",
    "two_stage": False,
}


def _two_stage_base():
    from sklearn.base import BaseEstimator, ClassifierMixin

    return ClassifierMixin, BaseEstimator


class TwoStageClassifier(*_two_stage_base()):
    """Is this an engagement for services at all? Then which of the three models.

    ``P(model) = P(services) * P(model | services)`` and ``P(out_of_scope) = 1 - P(services)``,
    each stage a copy of ``estimator``. A scikit-learn classifier (fit / predict_proba /
    classes_), built by composition so it stays picklable and clonable.
    """

    def __init__(self, estimator=None, negative_label: str = "out_of_scope"):
        self.estimator = estimator
        self.negative_label = negative_label

    def fit(self, X, y):
        from sklearn.base import clone

        y = np.asarray(y)
        is_service = (y != self.negative_label).astype(int)
        self.gate_ = clone(self.estimator).fit(X, is_service)
        mask = is_service.astype(bool)
        self.models_ = clone(self.estimator).fit(X[mask] if not hasattr(X, "tocsr") else X.tocsr()[mask], y[mask])
        self.classes_ = np.array(sorted(set(y)))
        return self

    def predict_proba(self, X):
        p_service = self.gate_.predict_proba(X)[:, list(self.gate_.classes_).index(1)]
        inner = self.models_.predict_proba(X)
        out = np.zeros((inner.shape[0], len(self.classes_)))
        for j, c in enumerate(self.models_.classes_):
            out[:, list(self.classes_).index(c)] = p_service * inner[:, j]
        out[:, list(self.classes_).index(self.negative_label)] = 1 - p_service
        return out

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def build_pipeline(params: dict[str, Any] | None = None):
    """The unfitted pipeline (signal features + text, calibrated logistic regression)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    p = {**DEFAULT_PARAMS, **(params or {})}
    n = len(FEATURE_NAMES)
    names = COMPACT_FEATURES if p["feature_set"] == "compact" else FEATURE_NAMES
    columns = [FEATURE_NAMES.index(name) for name in names]
    features = ColumnTransformer(
        [
            ("signals", StandardScaler(), columns),
            (
                "text",
                TfidfVectorizer(
                    lowercase=True,
                    sublinear_tf=True,
                    min_df=2,
                    max_df=0.9,
                    ngram_range=(1, 2),
                    max_features=p["max_features"],
                    token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b",
                    dtype=np.float64,
                ),
                n,
            ),
        ],
        transformer_weights={"signals": 1.0, "text": p["text_weight"]},
    )
    base = LogisticRegression(C=p["C"], class_weight="balanced", max_iter=5000)
    clf = CalibratedClassifierCV(
        base,
        method=p["calibration"],
        cv=StratifiedKFold(p["calibration_folds"], shuffle=True, random_state=SEED),
    )
    if p.get("two_stage"):
        clf = TwoStageClassifier(clf)
    return Pipeline([("features", features), ("classifier", clf)])


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def card_path(model_path: Path) -> Path:
    return model_path.with_suffix(".card.json")


def library_versions() -> dict[str, str]:
    import joblib
    import scipy
    import sklearn
    import spacy

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
        "spacy": spacy.__version__,
    }


def save_model(pipeline, path: Path, card: dict[str, Any]) -> dict[str, Any]:
    """Write the artefact and its card (JSON); return the card with the artefact's hash."""
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, path, compress=3)
    card = dict(card)
    card["artefact"] = path.name
    card["sha256"] = sha256_file(path)
    card["libraries"] = library_versions()
    card["labels"] = list(LABELS)
    card["feature_names"] = list(FEATURE_NAMES)
    card_path(path).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return card


@dataclass
class LoadedModel:
    pipeline: Any
    card: dict[str, Any]
    path: Path

    @property
    def version(self) -> str:
        return f"{self.path.name}@{self.card['sha256'][:12]}"


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def resolve_model_path(path: str | Path | None) -> Path:
    """``--model`` value, else ``$CONTRACT_CLASSIFIER_MODEL``, else the bundled model."""
    if path:
        return Path(path)
    env = os.environ.get(MODEL_ENV)
    return Path(env) if env else DEFAULT_MODEL


def load_model(path: str | Path | None = None) -> LoadedModel:
    """Load a model after checking its hash and library versions.

    Raises
    ------
    ModelError
        Missing artefact or card, a SHA-256 that differs from the card (or, for the bundled
        model, from the hash pinned in the package), a different scikit-learn minor
        version, or labels/features that differ from this code's.
    """
    import sklearn

    path = resolve_model_path(path)
    if not path.exists():
        raise ModelError("model file not found; run `make train` or pass --model", path=path)
    cpath = card_path(path)
    if not cpath.exists():
        raise ModelError(
            f"no model card {cpath.name} beside the model; refusing to load an unverified file",
            path=path,
        )
    try:
        card = json.loads(cpath.read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"model card {cpath.name} is unreadable", path=path) from exc
    digest = sha256_file(path)
    if digest != card.get("sha256"):
        raise ModelError(
            "SHA-256 differs from the one recorded in its model card; the file was changed "
            "or corrupted - refusing to load it (retrain with `make train`)",
            path=path,
        )
    if path.resolve() == DEFAULT_MODEL.resolve():
        from ._model_pin import MODEL_SHA256

        if digest != MODEL_SHA256:
            raise ModelError(
                "SHA-256 differs from the hash pinned in this package; refusing to load it "
                "(reinstall, or retrain with `make train`)",
                path=path,
            )
    trained = card.get("libraries", {}).get("scikit-learn", "?")
    if _minor(trained) != _minor(sklearn.__version__):
        raise ModelError(
            f"built with scikit-learn {trained} but {sklearn.__version__} is installed; "
            "install the recorded version or retrain with `make train`",
            path=path,
        )
    if tuple(card.get("labels", ())) != LABELS or tuple(card.get("feature_names", ())) != FEATURE_NAMES:
        raise ModelError(
            "labels or features differ from this version of the code; retrain with `make train`",
            path=path,
        )
    import joblib

    return LoadedModel(joblib.load(path), card, path)


def predict_proba(model: LoadedModel | Any, X) -> np.ndarray:
    """Class probabilities in :data:`LABELS` order."""
    pipe = model.pipeline if isinstance(model, LoadedModel) else model
    proba = pipe.predict_proba(X)
    order = [list(pipe.classes_).index(lbl) for lbl in LABELS]
    return proba[:, order]


def feature_contributions(model: LoadedModel | Any, X) -> list[dict[str, dict[str, float]]]:
    """Per document, per label: each signal feature's contribution to the decision score.

    Contributions are the logistic-regression coefficients (averaged over the calibration
    folds) times the scaled feature values; the text branch is reported as one sum.
    """
    pipe = model.pipeline if isinstance(model, LoadedModel) else model
    features = pipe.named_steps["features"]
    Z = features.transform(X)
    Z = Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z)
    names = [FEATURE_NAMES[j] for j in features.transformers_[0][2]]
    n = len(names)
    calibrated = pipe.named_steps["classifier"].calibrated_classifiers_
    coefs = np.mean([c.estimator.coef_ for c in calibrated], axis=0)
    classes = list(calibrated[0].estimator.classes_)
    out = []
    for row in Z:
        per_label = {}
        for label in LABELS:
            w = coefs[classes.index(label)]
            contrib = {names[j]: float(w[j] * row[j]) for j in range(n) if row[j] != 0}
            contrib["text"] = float(np.dot(w[n:], row[n:]))
            per_label[label] = contrib
        out.append(per_label)
    return out
