"""Shared fixtures: the optional ../shared corpus, and small documents built in memory."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CONTRACT_CLASSIFIER_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ../shared folder (corpus, labels); tests that need it skip when it is absent."""
    if not (SHARED / "corpus" / "manifest.csv").exists():
        pytest.skip(f"needs the shared corpus at {SHARED} (absent in a user's clone)")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="session")
def script():
    """Import one of the measurement scripts in ``scripts/`` by name (they are not a package)."""

    def load(name: str):
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    return load
