"""Plain, frozen data that crosses stage and process boundaries.

Only these dataclasses travel between workers, never spaCy Docs or PDF handles.
Each has ``to_dict`` for JSON output.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any


class EngagementModel(str, enum.Enum):
    """Document-level label: what the contract really implements."""

    STAFF_AUGMENTATION = "staff_augmentation"
    PROJECT_OUTSOURCING = "project_outsourcing"
    MANAGED_SERVICES = "managed_services"
    OUT_OF_SCOPE = "out_of_scope"

    def __str__(self) -> str:
        return self.value


class ClaimedModel(str, enum.Enum):
    """What a document says it is (title, recitals, definitions, self-descriptions)."""

    STAFF_AUGMENTATION = "staff_augmentation"
    PROJECT_OUTSOURCING = "project_outsourcing"
    MANAGED_SERVICES = "managed_services"
    OUTSOURCING = "outsourcing"
    UNSPECIFIED = "unspecified"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Table:
    """A table found on a page: rows of cell strings (``""`` for an empty cell)."""

    page: int
    rows: tuple[tuple[str, ...], ...]
    bbox: tuple[float, float, float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "rows": [list(r) for r in self.rows], "bbox": self.bbox}


@dataclass(frozen=True)
class Page:
    """One page of cleaned text.

    ``start``/``end`` are character offsets of this page in :attr:`Document.text`.
    ``method`` says how the text was obtained: ``pdfium`` (text layer), ``pdfium+columns``
    (two-column reading order rebuilt), ``image-only`` (no text layer), ``docx`` or ``text``.
    """

    number: int
    text: str
    start: int
    end: int
    method: str
    tables: tuple[Table, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "method": self.method,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "tables": [t.to_dict() for t in self.tables],
        }


@dataclass(frozen=True)
class Document:
    """A read document: cleaned text, pages with offsets, tables and metadata."""

    path: str
    sha256: str
    format: str
    text: str
    pages: tuple[Page, ...]
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for p in self.pages for t in p.tables)

    def page_at(self, offset: int) -> int:
        """Page number (1-based) holding character ``offset`` of :attr:`text`."""
        if not self.pages:
            return 1
        return self.pages[max(bisect.bisect_right(self._page_starts, offset) - 1, 0)].number

    @cached_property
    def _page_starts(self) -> list[int]:
        """Start offset of each page, built once (detectors ask :meth:`page_at` per match)."""
        return [p.start for p in self.pages]

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "format": self.format,
            "page_count": self.page_count,
            "metadata": dict(self.metadata),
            "warnings": list(self.warnings),
            "pages": [{k: v for k, v in p.to_dict().items() if with_text or k != "text"} for p in self.pages],
        }
        if with_text:
            d["text"] = self.text
        return d


@dataclass(frozen=True)
class Clause:
    """A numbered (or preamble) unit of a document.

    ``start``/``end`` are offsets into :attr:`Document.text`; ``parent`` is the index of
    the enclosing clause or ``None``; ``depth`` 0 is the outermost level.
    """

    index: int
    number: str
    heading: str
    depth: int
    parent: int | None
    page: int
    start: int
    end: int
    text: str
    kind: str = "clause"

    @property
    def label(self) -> str:
        """How a reviewer cites the clause: its number, else its heading, else ``preamble``."""
        return self.number or self.heading or ("preamble" if self.kind == "preamble" else "")

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        d = asdict(self)
        if not with_text:
            d.pop("text")
        return d


@dataclass(frozen=True)
class Signal:
    """A clause-level finding with its evidence, as a reviewer checks it.

    ``start``/``end`` are offsets of the matched words in :attr:`Document.text`; ``text``
    quotes the sentence (or table row) around them. ``context`` is ``operative`` or
    ``recital`` for positive evidence; ``negated``, ``definition``, ``boilerplate`` and
    ``lookalike`` mark matches that were seen but do not count.
    """

    family: str
    pattern: str
    weight: float
    clause: str
    clause_index: int
    page: int
    start: int
    end: int
    text: str
    match: str
    explanation: str
    context: str = "operative"
    values: dict[str, Any] = field(default_factory=dict)
    source: str = "text"  # "text" or "table"

    @property
    def positive(self) -> bool:
        return self.context in ("operative", "recital")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Claim:
    """What the document says it is, with the words that say so."""

    model: ClaimedModel
    evidence: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model.value, "evidence": list(self.evidence)}
