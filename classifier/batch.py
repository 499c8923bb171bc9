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
from contextlib import contextmanager
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


class _Alarm(BaseException):
    """The per-file time limit. Not an ``Exception``: the readers' broad ``except Exception``
    fallbacks (a damaged page, metadata) must not swallow it.
    """


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
    except (Exception, _Alarm) as exc:  # noqa: BLE001 - one bad file must never stop the batch
        return error_record(path, "internal", _internal(path, exc))


def _isolated(path, password, max_pages, time_limit) -> Analysis | dict[str, Any]:
    """Run one file in its own process, so a native crash is pinned on that file."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    warm = _warm_context()
    failure: Exception | None = None
    for context in ([warm] if warm is not None else []) + [None]:  # None: the default start method
        try:
            with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
                fut = pool.submit(_guarded, path, password, max_pages, time_limit)
                try:
                    return fut.result(timeout=(time_limit or 600) + 60)
                except BrokenProcessPool:
                    return error_record(path, "crashed", f"{path}: the worker process crashed reading this file")
                except TimeoutError:
                    return error_record(path, "timeout", f"{path}: stopped after the per-file time limit")
        except Exception as exc:  # noqa: BLE001 - no process could be started: try the next way
            failure = exc
    return error_record(path, "internal", _internal(path, failure))


class _Classifier:
    """Turns worker results into records in the parent; loads the model on first use."""

    def __init__(self, model_path: str | None):
        self.model_path = model_path
        self.model = None

    def _load(self):
        if self.model is None:
            from .model import load_model

            self.model = load_model(self.model_path)
        return self.model

    def preload(self) -> None:
        """Load the model now; a failure is left to ``__call__``, which reports it on every
        record.
        """
        try:
            self._load()
        except Exception:  # noqa: BLE001 - reported per record by __call__
            pass

    def __call__(self, path: str, result: Analysis | dict[str, Any]) -> dict[str, Any]:
        if isinstance(result, dict):
            return result
        from .pipeline import decide

        try:
            return verdict_record(decide(result, self._load()))
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
    ``if __name__ == "__main__":`` (each worker imports the main module, as with spawn).
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

    # the fork server warms up (imports, patterns) on one core while this process loads the
    # model on the other; loaded later, the model would compete with both workers
    warm = _warm_context()
    finish.preload()
    try:
        with _forking_from(warm):  # the executor keeps the start method it was made with
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


# thread pools of native libraries: one thread per worker process (loky sets these for its
# own start method; workers forked from the fork server inherit the server's environment)
_THREAD_LIMITS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _warm_context():
    """The ``forkserver`` context whose server has run :mod:`.worker_init` (``None`` where
    there is no fork server: the default context, whose workers import on their own).

    A spawned worker imports spaCy and the analysis code and compiles the patterns on its
    own, about a second of CPU; a worker forked from the warm server starts with all of it.
    The server is started here with this process's ``sys.path`` and ``PYTHONSAFEPATH``
    (Python 3.11's fork server would otherwise put the current directory first, so a
    ``classifier`` folder or module there would shadow this package in every worker).
    """
    import multiprocessing
    import sys

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([f"{__package__}.worker_init"])
    env = {
        "PYTHONSAFEPATH": "1",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        **{k: os.environ.get(k) or "1" for k in _THREAD_LIMITS},
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        from multiprocessing import forkserver

        forkserver.ensure_running()  # no-op once running
    except Exception:  # noqa: BLE001 - no fork server: the default start method
        return None
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return ctx


@contextmanager
def _forking_from(warm):
    """While it is active, new loky executors fork their workers from the warm fork server
    ``warm`` (see :func:`_warm_context`; ``None``: loky's default); the previous start method
    is restored afterwards.
    """
    if warm is None:
        yield
        return
    from joblib.externals.loky.backend import context as loky_context

    previous = loky_context.get_start_method()
    loky_context.set_start_method("forkserver", force=True)
    try:
        yield
    finally:
        loky_context.set_start_method(previous, force=True)


def _tagged(path: str, *args) -> tuple[str, Analysis | dict[str, Any]]:
    return path, _guarded(path, *args)


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
