"""Warm-up for audit workers, run once in the fork server they are forked from.

With ``-j N`` the workers are forked from a server process (``forkserver``) that has
already imported the analysis code and built everything it caches per process: the spaCy
pipeline, the compiled signal, cue and claim patterns and the anchor automaton. Each worker
inherits them instead of importing and compiling them again (about a second of CPU per
worker, which on 2 cores is time taken from the files). Importing this module does the
warm-up; nothing here loads the model.
"""

from __future__ import annotations

_SAMPLE = (
    "MASTER SERVICES AGREEMENT\n\n1. Services. Supplier shall provide the services under the "
    "direction of Client at the hourly rates in Exhibit A.\n\n2. Service Levels. Supplier shall "
    "meet 99.9% availability; service credits apply.\n\n3. Term. This Agreement renews "
    "automatically for successive one-year terms.\n"
)


def warm() -> None:
    """Run one small document through the whole analysis (fills every per-process cache).

    Never raises, imports included: an exception here would kill the fork server and with
    it every worker; without the warm-up, workers build their caches on their first file.
    """
    try:
        from .analysis import analyse_document
        from .ingest import document_from_text

        analyse_document(document_from_text(_SAMPLE))
    except Exception:  # noqa: BLE001, S110 - an optimisation must not stop the audit
        pass


warm()
