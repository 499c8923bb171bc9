"""Command line: ``contract-classifier extract|signals|scan|audit|train|evaluate``.

stdout holds results only; errors, warnings and progress go to stderr. The library
raises; this module alone maps errors to one-line messages and exit codes.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .errors import ClassifierError, ExitCode

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fail(err: ClassifierError) -> None:
    """Print one line for ``err`` on stderr and exit with its code."""
    click.echo(f"error: {err}", err=True)
    sys.exit(int(err.exit_code))


def handle_errors(fn):
    """Turn library errors into one-line messages and exit codes."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ClassifierError as err:
            fail(err)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(int(ExitCode.INTERRUPTED))

    return wrapper


def input_options(fn):
    """``--password`` and ``--max-pages``, shared by every command that reads files."""
    fn = click.option(
        "--password", default=None, envvar="CONTRACT_CLASSIFIER_PASSWORD",
        help="User password for encrypted PDFs (or env CONTRACT_CLASSIFIER_PASSWORD).",
    )(fn)
    fn = click.option(
        "--max-pages", default=1000, show_default=True, type=click.IntRange(min=1),
        help="Refuse PDFs with more pages than this.",
    )(fn)
    return fn


def emit_json(obj) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False))


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="contract-classifier")
def main() -> None:
    """Which engagement model does a vendor contract really implement?

    Reads proposals, MSAs and statements of work (PDF, DOCX, text) and reports staff
    augmentation, project outsourcing, managed services or out of scope, versus what the
    document claims, with the clauses that prove it.
    """


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--text", "with_text", is_flag=True, help="Include the full cleaned text.")
@input_options
@handle_errors
def extract(file: Path, as_json: bool, with_text: bool, password, max_pages) -> None:
    """Show what ingestion saw in FILE: pages, clauses with numbers and headings, tables."""
    from .clauses import clause_ref, split_clauses
    from .ingest import read_document

    doc = read_document(file, password=password, max_pages=max_pages)
    clauses = split_clauses(doc)
    for w in doc.warnings:
        click.echo(f"warning: {doc.path}: {w}", err=True)
    if as_json:
        out = doc.to_dict(with_text=with_text)
        out["clauses"] = [
            dict(c.to_dict(with_text=with_text), ref=clause_ref(clauses, c.index)) for c in clauses
        ]
        out["tables"] = [t.to_dict() for t in doc.tables]
        emit_json(out)
        return
    from .report import render_extraction

    click.echo(render_extraction(doc, clauses, with_text=with_text))
