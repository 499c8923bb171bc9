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

import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError
from .features import COMPACT_FEATURES, FEATURE_NAMES
from .ingest import sha256_of
from .types import EngagementModel

LABELS = tuple(m.value for m in EngagementModel)
SERVICE_LABELS = ("staff_augmentation", "project_outsourcing", "managed_services")
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
DEFAULT_MODEL = MODELS_DIR / "engagement-model.joblib"
MODEL_ENV = "CONTRACT_CLASSIFIER_MODEL"
SEED = 20261122

DEFAULT_PARAMS: dict[str, Any] = {
    "C": 0.1,
    "text_C": 30.0,
    "meta_C": 1.0,
    "meta_class_weight": "balanced",
    "max_features": 20000,
    "stack_folds": 5,
    "feature_set": "compact",
}


def build_pipeline(params: dict[str, Any] | None = None):
    """The unfitted model: signal branch and text branch, stacked and calibrated.

    * ``signals``: the named signal features (compact set), standardised, into a strongly
      regularised class-balanced logistic regression;
    * ``text``: TF-IDF of the document text into a logistic regression (the same model as
      the baseline);
    * a logistic regression stacked on both branches' out-of-fold probabilities combines
      them; fitted on held-out predictions, it also calibrates the output probabilities.

    Measured alternatives (grouped CV on the labelled real documents, same folds): one
    calibrated logistic regression over both feature sets, and a two-stage decision
    (services or not, then which model); both scored lower macro-F1 (0.65 and 0.64 vs
    0.74) and the two-stage one a worse ECE.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import StackingClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    p = {**DEFAULT_PARAMS, **(params or {})}
    n = len(FEATURE_NAMES)
    names = COMPACT_FEATURES if p["feature_set"] == "compact" else FEATURE_NAMES
    columns = [FEATURE_NAMES.index(name) for name in names]
    signals = Pipeline(
        [
            ("select", ColumnTransformer([("scale", StandardScaler(), columns)])),
            ("lr", LogisticRegression(C=p["C"], class_weight="balanced", max_iter=5000)),
        ]
    )
    tfidf = TfidfVectorizer(
        lowercase=True,
        sublinear_tf=True,
        min_df=2,
        ngram_range=(1, 2),
        max_features=p["max_features"],
        dtype=np.float64,
    )
    text = Pipeline(
        [
            ("select", ColumnTransformer([("tfidf", tfidf, n)])),
            ("lr", LogisticRegression(C=p["text_C"], class_weight="balanced", max_iter=5000)),
        ]
    )
    stack = StackingClassifier(
        estimators=[("signals", signals), ("text", text)],
        final_estimator=LogisticRegression(C=p["meta_C"], class_weight=p["meta_class_weight"], max_iter=5000),
        cv=StratifiedKFold(p["stack_folds"], shuffle=True, random_state=SEED),
        stack_method="predict_proba",
    )
    return Pipeline([("classifier", stack)])


sha256_file = sha256_of  # one implementation of file hashing for documents and models


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
    _drop_memory_addresses(pipeline)
    joblib.dump(pipeline, path, compress=3)
    card = dict(card)
    card["artefact"] = path.name
    card["sha256"] = sha256_file(path)
    card["libraries"] = library_versions()
    card["labels"] = list(LABELS)
    card["feature_names"] = list(FEATURE_NAMES)
    card_path(path).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return card


def _drop_memory_addresses(obj, _seen: set[int] | None = None) -> None:
    """Remove what would make two trainings on the same data pickle differently.

    scikit-learn's text vectorizers cache ``_stop_words_id = id(stop_words)``, a memory
    address, so the artefact's bytes (and its SHA-256) changed from one training process to
    the next. Without it they only re-check their stop words on the next use.
    """
    seen = set() if _seen is None else _seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, dict):
        values = list(obj.values())
    elif isinstance(obj, (list, tuple)):
        values = list(obj)
    elif type(obj).__module__.startswith("sklearn"):
        obj.__dict__.pop("_stop_words_id", None)
        values = list(vars(obj).values())
    else:
        return
    for v in values:
        _drop_memory_addresses(v, seen)


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


def verify_model(path: str | Path | None = None) -> tuple[Path, dict[str, Any]]:
    """Every check :func:`load_model` makes, without unpickling (no scikit-learn import).

    Returns the resolved path and its card. Raises :class:`ModelError` like ``load_model``.
    """
    from importlib.metadata import PackageNotFoundError, version

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
    try:
        installed = version("scikit-learn")
    except PackageNotFoundError:  # pragma: no cover - scikit-learn is a dependency
        installed = "?"
    if _minor(trained) != _minor(installed):
        raise ModelError(
            f"built with scikit-learn {trained} but {installed} is installed; "
            "install the recorded version or retrain with `make train`",
            path=path,
        )
    if tuple(card.get("labels", ())) != LABELS or tuple(card.get("feature_names", ())) != FEATURE_NAMES:
        raise ModelError(
            "labels or features differ from this version of the code; retrain with `make train`",
            path=path,
        )
    return path, card


def load_model(path: str | Path | None = None) -> LoadedModel:
    """Load a model after checking its hash and library versions.

    Raises
    ------
    ModelError
        Missing artefact or card, a SHA-256 that differs from the card (or, for the bundled
        model, from the hash pinned in the package), a different scikit-learn minor
        version, or labels/features that differ from this code's.
    """
    path, card = verify_model(path)
    import joblib

    return LoadedModel(joblib.load(path), card, path)


def predict_proba(model: LoadedModel | Any, X) -> np.ndarray:
    """Class probabilities in :data:`LABELS` order."""
    pipe = model.pipeline if isinstance(model, LoadedModel) else model
    proba = pipe.predict_proba(X)
    order = [list(pipe.classes_).index(lbl) for lbl in LABELS]
    return proba[:, order]


def feature_contributions(model: LoadedModel | Any, X) -> list[dict[str, dict[str, float]]]:
    """Per document, per label: each signal feature's contribution to the signal branch.

    A contribution is the signal branch's logistic-regression coefficient times the
    standardised feature value; ``text`` is the text branch's decision score for the label.
    """
    return explained_proba(model, X)[1]


def explained_proba(model: LoadedModel | Any, X) -> tuple[np.ndarray, list[dict[str, dict[str, float]]]]:
    """:func:`predict_proba` and :func:`feature_contributions` with each branch run once.

    The stacker's probabilities are its final estimator over the branches' probabilities;
    computing them here from the same transformed inputs saves a second TF-IDF pass over the
    document (tested equal to ``predict_proba``).
    """
    pipe = model.pipeline if isinstance(model, LoadedModel) else model
    stack = pipe.named_steps["classifier"]
    sig = stack.named_estimators_["signals"]
    txt = stack.named_estimators_["text"]
    select = sig.named_steps["select"]
    names = [FEATURE_NAMES[j] for j in select.transformers_[0][2]]
    Z = np.asarray(select.transform(X), dtype=float)
    T = txt.named_steps["select"].transform(X)
    lr, text_lr = sig.named_steps["lr"], txt.named_steps["lr"]
    # the shape build_pipeline makes: 3+ classes (all probability columns kept), no passthrough
    if len(stack.classes_) > 2 and not stack.passthrough and set(stack.stack_method_) == {"predict_proba"}:
        branch = {"signals": lr.predict_proba(Z), "text": text_lr.predict_proba(T)}
        meta_in = np.hstack([branch[name] for name, _ in stack.estimators])
        proba = stack.final_estimator_.predict_proba(meta_in)
        proba = proba[:, [list(stack.classes_).index(lbl) for lbl in LABELS]]
    else:  # any other stacking: let scikit-learn compute it
        proba = predict_proba(pipe, X)
    # the stacker fits its branches on encoded labels: map them back through its classes_
    classes = [stack.classes_[c] for c in lr.classes_]
    text_scores = text_lr.decision_function(T)
    text_classes = [stack.classes_[c] for c in text_lr.classes_]
    out = []
    for row, tscore in zip(Z, np.atleast_2d(text_scores)):
        per_label = {}
        for label in LABELS:
            w = lr.coef_[classes.index(label)]
            contrib = {names[j]: float(w[j] * row[j]) for j in range(len(names)) if row[j] != 0}
            contrib["text"] = float(tscore[text_classes.index(label)])
            per_label[label] = contrib
        out.append(per_label)
    return proba, out
