"""Audit a folder: every file yields exactly one record, whatever happens.

Files are read and analysed in parallel worker processes (joblib/loky); the analyses
stream back as each file finishes and this process classifies them (so scikit-learn and
the model load once, here, while the workers start). Where the platform has a fork
server, workers are forked from one that has already imported and warmed the analysis
code (:mod:`.worker_init`), so no worker pays for that again. A per-file time limit stops a
pathological file. If a worker process dies
(a crash inside a native PDF library), the remaining files are retried one process per
file, so the crash is pinned on the file that caused it and the batch goes on.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ClassifierError, InputError, TimeLimitError

if TYPE_CHECKING:
    from .analysis import Analysis

SCHEMA_VERSION = 1
DEFAULT_TIME_LIMIT = 120  # seconds per file



def iter_files(root: Path) -> Iterator[Path]:
    """All regular, non-hidden files under ``root``, sorted, never following symlinked folders.

    Symlinks to files are kept (reported under their own name); symlinked directories are
    not entered, so link loops cannot trap the walk.
    """
    root = Path(root)
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            if p.is_symlink() and not p.exists():
                yield p  # a dangling link is reported as an error, not dropped
            elif p.is_file() or p.is_symlink():
                yield p


def signal_record(s) -> dict[str, Any]:
    return {
        "family": s.family,
        "page": s.page,
        "clause": s.clause,
        "text": s.text,
        "weight": s.weight,
        "pattern": s.pattern,
        "values": s.values,
        "source": s.source,
    }


def verdict_record(v) -> dict[str, Any]:
    """The audit record of a classified file (see README, "Audit record")."""
    return {
        "schema_version": SCHEMA_VERSION,
        "path": v.path,
        "sha256": v.sha256,
        "status": "ok",
        "model": v.model,
        "confidence": v.confidence,
        "probabilities": v.probabilities,
        "uncertain": v.uncertain,
        "secondary": v.secondary,
        "claimed": v.claimed,
        "claim_evidence": v.claim_evidence,
        "mismatch": v.mismatch,
        "warnings": v.warnings,
        "flags": v.flags,
        "explanation": v.explanation,
        "signals": [signal_record(s) for s in v.signals],
        "pages": v.pages,
        "document_warnings": v.document_warnings,
        "timings": v.timings,
        "model_version": v.model_version,
        "error": None,
    }


def error_record(path: str | Path, code: str, message: str, sha256: str | None = None) -> dict[str, Any]:
    if sha256 is None:
        try:
            from .ingest import sha256_of

            sha256 = sha256_of(Path(path))
        except OSError:
            sha256 = None
    return {
        "schema_version": SCHEMA_VERSION,
        "path": str(path),
        "sha256": sha256,
        "status": "error",
        "model": None,
        "confidence": None,
        "probabilities": None,
        "uncertain": None,
        "secondary": [],
        "claimed": None,
        "claim_evidence": [],
        "mismatch": False,
        "warnings": [],
        "flags": [],
        "explanation": [],
        "signals": [],
        "pages": None,
        "document_warnings": [],
        "timings": {},
        "model_version": None,
        "error": {"code": code, "message": message},
    }


class _Alarm(Exception):
    pass


def _on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise _Alarm()


def process_file(
    path: str, password: str | None, max_pages: int, time_limit: float | None
) -> Analysis | dict[str, Any]:
    """Read and analyse one file inside a worker: an Analysis, or an error record.

    Workers need no model (no scikit-learn import): the parent classifies the analyses
    as they arrive, while the workers read the next files. Never raises for a bad file.
    """
    from . import analysis as analysis_mod

    use_alarm = bool(time_limit) and hasattr(signal, "SIGALRM")
    old = None
    try:
        if use_alarm:
            old = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, float(time_limit))
        return analysis_mod.analyse_path(path, password=password, max_pages=max_pages)
    except _Alarm:
        err = TimeLimitError(f"stopped after the {time_limit:g} s per-file time limit; raise --timeout", path=path)
        return error_record(path, err.code, str(err))
    except ClassifierError as err:
        return error_record(path, err.code, str(err))
    except MemoryError:
        return error_record(path, "out_of_memory", f"{path}: ran out of memory reading this file")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the batch
        return error_record(path, "internal", _internal(path, exc))
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if old is not None:
                signal.signal(signal.SIGALRM, old)


def _internal(path, exc: BaseException) -> str:
    return f"{path}: internal error {type(exc).__name__}: {exc}".split("\n")[0]


def _guarded(path, *args) -> Analysis | dict[str, Any]:
    """``process_file`` that cannot raise: anything that escapes becomes an error record."""
    try:
        return process_file(path, *args)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the batch
        return error_record(path, "internal", _internal(path, exc))


def _isolated(path, password, max_pages, time_limit) -> Analysis | dict[str, Any]:
    """Run one file in its own process, so a native crash is pinned on that file."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(max_workers=1, mp_context=_warm_context()) as pool:
        fut = pool.submit(_guarded, path, password, max_pages, time_limit)
        try:
            return fut.result(timeout=(time_limit or 600) + 60)
        except BrokenProcessPool:
            return error_record(path, "crashed", f"{path}: the worker process crashed reading this file")
        except TimeoutError:
            return error_record(path, "timeout", f"{path}: stopped after the per-file time limit")


class _Classifier:
    """Turns worker results into records in the parent; loads the model on first use."""

    def __init__(self, model_path: str | None):
        self.model_path = model_path
        self.model = None

    def __call__(self, path: str, result: Analysis | dict[str, Any]) -> dict[str, Any]:
        if isinstance(result, dict):
            return result
        from .pipeline import decide

        try:
            if self.model is None:
                from .model import load_model

                self.model = load_model(self.model_path)
            return verdict_record(decide(result, self.model))
        except ClassifierError as err:
            return error_record(path, err.code, str(err), sha256=result.doc.sha256)
        except Exception as exc:  # noqa: BLE001 - one bad file must never stop the batch
            return error_record(path, "internal", _internal(path, exc), sha256=result.doc.sha256)


def run_batch(
    paths: list[Path],
    *,
    jobs: int = 1,
    model_path: str | None = None,
    password: str | None = None,
    max_pages: int = 1000,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
) -> Iterator[dict[str, Any]]:
    """Yield one record per path, in completion order.

    Workers read and analyse files (extraction, clauses, signals, features); this process
    classifies each analysis as it arrives. The model loads here while the workers start,
    so its import cost overlaps theirs instead of adding to every worker.

    As with any multiprocessing code started from a script, call it from under
    ``if __name__ == "__main__":`` (workers are forked from a fork server that imports the
    main module).
    """
    args = (password, max_pages, time_limit)
    finish = _Classifier(model_path)
    todo = [str(p) for p in paths]
    done: set[str] = set()
    if jobs <= 1:
        for p in todo:
            yield finish(p, _guarded(p, *args))
        return
    from joblib import Parallel, delayed
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    def size(p: str) -> int:
        try:
            return os.path.getsize(p)
        except OSError:
            return 0

    # largest first: a 300-page file started last would leave the other worker idle
    todo = sorted(todo, key=size, reverse=True)

    _fork_from_warm_server()
    try:
        gen = Parallel(n_jobs=jobs, return_as="generator_unordered", batch_size=1, pre_dispatch="2*n_jobs")(
            delayed(_tagged)(p, *args) for p in todo
        )
        for p, result in gen:
            rec = finish(p, result)
            done.add(p)
            yield rec
    except (TerminatedWorkerError, Exception):  # noqa: BLE001 - finish the batch whatever broke
        for p in todo:
            if p not in done:
                yield finish(p, _isolated(p, *args))


def _warm_context():
    """The ``forkserver`` context whose server has run :mod:`.worker_init` (``None`` where
    there is no fork server: the default context, whose workers import on their own).

    A spawned worker imports spaCy and the analysis code and compiles the patterns on its
    own, about a second of CPU; a worker forked from the warm server starts with all of it.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([f"{__package__}.worker_init"])
    return ctx


def _fork_from_warm_server() -> None:
    """Have loky fork its workers from the warm fork server (see :func:`_warm_context`)."""
    if _warm_context() is None:
        return
    from joblib.externals.loky.backend.context import set_start_method

    set_start_method("forkserver", force=True)


def _tagged(path: str, *args) -> tuple[str, Analysis | dict[str, Any]]:
    return path, process_file(path, *args)


def summarise(records: list[dict[str, Any]], elapsed: float) -> dict[str, Any]:
    from collections import Counter

    ok = [r for r in records if r["status"] == "ok"]
    return {
        "files": len(records),
        "ok": len(ok),
        "errors": len(records) - len(ok),
        "models": dict(Counter(r["model"] for r in ok)),
        "uncertain": sum(1 for r in ok if r["uncertain"]),
        "mismatches": sum(1 for r in ok if r["mismatch"]),
        "flags": dict(Counter(f["id"] for r in ok for f in r["flags"])),
        "error_codes": dict(Counter(r["error"]["code"] for r in records if r["status"] == "error")),
        "pages": sum(r["pages"] or 0 for r in ok),
        "seconds": round(elapsed, 2),
    }


def now() -> float:
    return time.perf_counter()


__all__ = ["InputError", "iter_files", "run_batch", "summarise", "verdict_record", "error_record"]
