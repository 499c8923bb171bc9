"""Exception tree and exit codes.

The library raises; only :mod:`classifier.cli` prints messages and chooses exit codes.
Every message is one line naming the file, the problem and a remedy.
"""

from __future__ import annotations

import enum
from pathlib import Path


class ExitCode(enum.IntEnum):
    """Process exit codes, from best to worst (a batch returns the worst it saw)."""

    OK = 0
    MISMATCH = 1
    USAGE = 2
    INPUT = 3
    MODEL = 4
    INTERRUPTED = 130


class ClassifierError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code: ExitCode = ExitCode.INPUT
    code: str = "error"

    def __init__(self, message: str, *, path: str | Path | None = None):
        self.path = str(path) if path is not None else None
        self.detail = " ".join(str(message).split())
        super().__init__(self.detail)

    def __str__(self) -> str:
        if self.path:
            return f"{self.path}: {self.detail}"
        return self.detail


class InputError(ClassifierError):
    """A file that cannot be read as a contract."""

    exit_code = ExitCode.INPUT
    code = "input"


class MissingFileError(InputError):
    code = "not_found"


class UnsupportedFormatError(InputError):
    code = "unsupported_format"


class NotAPdfError(InputError):
    code = "not_a_pdf"


class EncryptedPdfError(InputError):
    code = "encrypted"


class WrongPasswordError(EncryptedPdfError):
    code = "wrong_password"


class CorruptPdfError(InputError):
    code = "corrupt"


class CorruptDocumentError(InputError):
    code = "corrupt"


class EmptyDocumentError(InputError):
    code = "empty"


class ScannedPdfError(InputError):
    """Image-only pages (no text layer): the document needs OCR first."""

    code = "scanned"

    def __init__(self, message: str, *, path=None, pages: tuple[int, ...] = ()):
        self.pages = tuple(pages)
        super().__init__(message, path=path)


class TooLargeError(InputError):
    code = "too_large"


class DecodingError(InputError):
    code = "encoding"


class TimeLimitError(InputError):
    code = "timeout"


class ModelError(ClassifierError):
    """A model artefact that is missing, tampered with, or built for other library versions."""

    exit_code = ExitCode.MODEL
    code = "model"


def page_list(pages) -> str:
    """Compact page list for messages: ``1-3, 7``."""
    pages = sorted(set(pages))
    out: list[str] = []
    start = prev = None
    for p in pages:
        if start is None:
            start = prev = p
        elif p == prev + 1:
            prev = p
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = p
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(out)
