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
    from .report import one_line

    click.echo(f"error: {one_line(str(err))}", err=True)
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
        "--password",
        default=None,
        envvar="CONTRACT_CLASSIFIER_PASSWORD",
        help="User password for encrypted PDFs (or env CONTRACT_CLASSIFIER_PASSWORD).",
    )(fn)
    fn = click.option(
        "--max-pages",
        default=1000,
        show_default=True,
        type=click.IntRange(min=1),
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
        out["clauses"] = [dict(c.to_dict(with_text=with_text), ref=clause_ref(clauses, c.index)) for c in clauses]
        out["tables"] = [t.to_dict() for t in doc.tables]
        emit_json(out)
        return
    from .report import render_extraction

    click.echo(render_extraction(doc, clauses, with_text=with_text))


def model_option(fn):
    return click.option(
        "--model",
        "model_path",
        default=None,
        type=click.Path(dir_okay=False),
        help="Model artefact (default: $CONTRACT_CLASSIFIER_MODEL, else the bundled model).",
    )(fn)


def _color(ctx_color: bool | None) -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in __import__("os").environ if ctx_color is None else ctx_color


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option(
    "--all",
    "include_suppressed",
    is_flag=True,
    help="Also show matches read as negated, definitions, boilerplate or look-alikes.",
)
@input_options
@handle_errors
def signals(file: Path, as_json: bool, include_suppressed: bool, password, max_pages) -> None:
    """List the claimed model and every signal in FILE with its evidence."""
    from .claims import find_claim
    from .clauses import split_clauses
    from .detectors import detect_signals
    from .ingest import read_document

    doc = read_document(file, password=password, max_pages=max_pages)
    clauses = split_clauses(doc)
    found = detect_signals(doc, clauses, include_suppressed=include_suppressed)
    claim = find_claim(doc, clauses).to_dict()
    sigs = [s.to_dict() for s in found]
    if as_json:
        emit_json({"path": doc.path, "sha256": doc.sha256, "pages": doc.page_count, "claim": claim, "signals": sigs})
        return
    from .report import render_signals

    click.echo(render_signals(doc.path, claim, sigs, color=_color(None)))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON records instead of the report.")
@model_option
@input_options
@handle_errors
def scan(files, as_json: bool, model_path, password, max_pages) -> None:
    """Classify each FILE: implemented vs claimed model, mismatch warnings, review flags.

    Exit code 1 when a mismatch is found, 3 when a file cannot be read (the other files
    are still reported), 4 when the model cannot be loaded.
    """
    from .batch import error_record, verdict_record
    from .errors import ClassifierError
    from .model import load_model
    from .pipeline import classify_path
    from .report import render_verdict

    model = load_model(model_path)
    records = []
    for f in files:
        try:
            records.append(verdict_record(classify_path(f, model, password=password, max_pages=max_pages)))
        except ClassifierError as err:
            if err.exit_code == ExitCode.MODEL:
                raise
            from .report import one_line

            click.echo(f"error: {one_line(str(err))}", err=True)
            records.append(error_record(f, err.code, str(err)))
    if as_json:
        emit_json(records[0] if len(records) == 1 else records)
    else:
        color = _color(None)
        click.echo("\n\n".join(render_verdict(r, color=color) for r in records))
    if any(r["status"] == "error" for r in records):
        sys.exit(int(ExitCode.INPUT))
    if any(r["mismatch"] for r in records):
        sys.exit(int(ExitCode.MISMATCH))


@main.command()
@click.argument("folder", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="Write records here (default: stdout)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "md"]),
    default="jsonl",
    show_default=True,
    help="Record format.",
)
@click.option(
    "-j",
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(min=-1),
    help="Parallel worker processes (-1: one per core).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["mismatch", "error", "never"]),
    default="mismatch",
    show_default=True,
    help="Which outcomes give a non-zero exit code.",
)
@click.option(
    "--timeout",
    default=120.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Per-file time limit in seconds (0: none).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary on stderr.")
@model_option
@input_options
@handle_errors
def audit(folder: Path, out_path, fmt, jobs, fail_on, timeout, quiet, model_path, password, max_pages) -> None:
    """Audit every file under FOLDER; one record per file, streamed as files finish.

    Exit codes with --fail-on mismatch (default): 3 if any file could not be read, else 1
    if any mismatch was found, else 0. With --fail-on error: 3 on unreadable files only.
    With --fail-on never: 0. A model that cannot be loaded exits 4; Ctrl-C exits 130 and
    leaves a valid partial output.
    """
    import csv
    import os

    from .batch import iter_files, now, run_batch, summarise
    from .model import verify_model
    from .report import CSV_COLUMNS, MD_HEADER, csv_row, md_row

    verify_model(model_path)  # fail fast (exit 4) before starting workers, without unpickling
    paths = list(iter_files(folder))
    if jobs == -1:
        jobs = os.cpu_count() or 1
    stream = open(out_path, "w", encoding="utf-8", newline="") if out_path else sys.stdout
    writer = csv.writer(stream) if fmt == "csv" else None
    if fmt == "csv":
        writer.writerow(CSV_COLUMNS)
    elif fmt == "md":
        stream.write(f"# Audit of {folder}\n\n{MD_HEADER}\n")
    records: list[dict] = []
    started = now()
    show_bar = not quiet and sys.stderr.isatty()
    interrupted = False
    bar = click.progressbar(length=len(paths), file=sys.stderr, label="auditing") if show_bar else None
    try:
        if bar:
            bar.__enter__()
        for rec in run_batch(
            paths, jobs=jobs, model_path=model_path, password=password, max_pages=max_pages, time_limit=timeout or None
        ):
            records.append(rec)
            if fmt == "jsonl":
                stream.write(json.dumps(rec, ensure_ascii=False) + "\n")
            elif fmt == "csv":
                writer.writerow(csv_row(rec))
            else:
                stream.write(md_row(rec) + "\n")
            stream.flush()
            if bar:
                bar.update(1)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if bar:
            bar.__exit__(None, None, None)
        summary = summarise(records, now() - started)
        summary["given"] = len(paths)
        if fmt == "md":
            stream.write(f"\n{json.dumps(summary)}\n" if interrupted else "")
        if out_path:
            stream.close()
    if not quiet:
        click.echo(_summary_text(summary, interrupted), err=True)
    if interrupted:
        sys.exit(int(ExitCode.INTERRUPTED))
    if fail_on == "never":
        return
    if summary["errors"]:
        sys.exit(int(ExitCode.INPUT))
    if fail_on == "mismatch" and summary["mismatches"]:
        sys.exit(int(ExitCode.MISMATCH))


def _summary_text(s: dict, interrupted: bool) -> str:
    models = ", ".join(f"{k} {v}" for k, v in sorted(s["models"].items())) or "none"
    flags = ", ".join(f"{k} {v}" for k, v in sorted(s["flags"].items())) or "none"
    errors = ", ".join(f"{k} {v}" for k, v in sorted(s["error_codes"].items())) or "none"
    head = "INTERRUPTED: partial results" if interrupted else "audit complete"
    return (
        f"{head}: {s['files']} of {s['given']} file(s) in {s['seconds']} s "
        f"({s['pages']} pages); ok {s['ok']}, errors {s['errors']}\n"
        f"  models: {models}\n  uncertain: {s['uncertain']}\n"
        f"  mismatches: {s['mismatches']}\n  flags: {flags}\n  errors: {errors}"
    )


def _shared_default() -> Path:
    return Path(__file__).resolve().parents[2] / "shared"


@main.command()
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the model (default: the bundled models/engagement-model.joblib).",
)
@click.option(
    "--labels",
    "labels_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Labelled real documents (default: ../shared/labels/dev.csv when present).",
)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder the labels' paths are relative to (default: ../shared/corpus).",
)
@click.option("-j", "--jobs", default=2, show_default=True, type=click.IntRange(min=1))
@click.option("--no-cv", is_flag=True, help="Skip the cross-validated evaluation.")
@handle_errors
def train(out_path, labels_csv, corpus_dir, jobs, no_cv) -> None:
    """Train the classifier (seeded, reproducible) and write it with its model card."""
    from .model import DEFAULT_MODEL
    from .training import model_card_markdown, train_model, write_pin

    shared = _shared_default()
    labels_csv = labels_csv or (shared / "labels" / "dev.csv")
    corpus_dir = corpus_dir or (shared / "corpus")
    if not labels_csv.exists():
        click.echo(f"note: {labels_csv} not found: training on data/ only", err=True)
    out = out_path or DEFAULT_MODEL
    card = train_model(
        out,
        labels_csv=labels_csv,
        corpus_dir=corpus_dir,
        jobs=jobs,
        with_cv=not no_cv,
        log=lambda m: click.echo(m, err=True),
    )
    out.with_name("MODEL_CARD.md").write_text(model_card_markdown(card))
    if out.resolve() == DEFAULT_MODEL.resolve():
        write_pin(card, Path(__file__).with_name("_model_pin.py"))
    ev = card.get("evaluation")
    click.echo(f"wrote {out} sha256 {card['sha256']}")
    if ev:
        click.echo(
            f"cross-validated macro-F1 {ev['model']['macro_f1']:.3f} (baseline {ev['baseline']['macro_f1']:.3f}), "
            f"ECE {ev['model']['ece']:.3f}"
        )


@main.command()
@click.option("--labels", "labels_csv", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--corpus", "corpus_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("-j", "--jobs", default=2, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--repeats",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Grouped cross-validation only: repeat with reshuffled folds and report the mean and range.",
)
@model_option
@handle_errors
def evaluate(labels_csv, corpus_dir, as_json, jobs, repeats, model_path) -> None:
    """Measure the classifier on labelled documents, beside a TF-IDF + LR baseline.

    Documents that are part of the model's training data are scored by grouped
    cross-validation (no document is scored by a model that saw it); other documents are
    scored by the model as it is.
    """
    from .model import load_model
    from .training import _proba, baseline_pipeline, dev_examples, evaluate_cv, load_examples, metrics, prepare

    model = load_model(model_path)
    trained = (
        {d["sha256"] for d in json.loads(model.path.with_suffix(".training.json").read_text())["documents"]}
        if model.path.with_suffix(".training.json").exists()
        else set()
    )
    labelled = dev_examples(labels_csv, corpus_dir)
    X, y, hashes, _ = prepare(labelled, jobs)
    overlap = sum(h in trained for h in hashes)
    if overlap:
        click.echo(f"{overlap} of {len(hashes)} documents are in the training data: grouped cross-validation", err=True)
        synth = load_examples()
        Xs, ys, hs, _ = prepare(synth, jobs)
        import numpy as np

        result = evaluate_cv(
            np.concatenate([X, Xs]),
            np.concatenate([y, ys]),
            hashes + hs,
            np.array([True] * len(y) + [False] * len(ys)),
            repeats=repeats,
        )
        result["mode"] = "grouped-cv"
    else:
        from .model import predict_proba

        if repeats > 1:
            click.echo(
                "--repeats applies to grouped cross-validation only: held-out documents are scored once", err=True
            )
        synth = load_examples()
        Xs, ys, _, _ = prepare(synth, jobs)
        base = baseline_pipeline().fit(Xs, ys)
        result = {
            "mode": "held-out",
            "documents": len(y),
            "model": metrics(y, predict_proba(model, X)),
            "baseline": metrics(y, _proba(base, X)),
        }
    if as_json:
        emit_json(result)
        return
    click.echo(_evaluation_text(result))


def _evaluation_text(r: dict) -> str:
    from .model import LABELS

    out = [f"{r['documents']} documents ({r['mode']})", "", f"{'':24}{'macro-F1':>9}{'accuracy':>10}{'ECE':>7}"]
    for name in ("model", "baseline"):
        m = r[name]
        out.append(f"{name:<24}{m['macro_f1']:>9.3f}{m['accuracy']:>10.3f}{m['ece']:>7.3f}")
    out += ["", f"{'per class (model)':<24}{'P':>7}{'R':>7}{'F1':>7}{'n':>5}"]
    for lbl in LABELS:
        c = r["model"]["per_class"][lbl]
        out.append(f"{lbl:<24}{c['precision']:>7.2f}{c['recall']:>7.2f}{c['f1']:>7.2f}{c['support']:>5}")
    out += ["", "confusion (rows true, columns predicted): " + ", ".join(LABELS)]
    for lbl, row in zip(LABELS, r["model"]["confusion"]["matrix"]):
        out.append(f"  {lbl:<22}{row}")
    if "repeats" in r:
        rep = r["repeats"]
        out += [
            "",
            f"over {len(rep['seeds'])} fold assignments (seeds {rep['seeds'][0]}..{rep['seeds'][-1]}): mean [min-max]",
        ]
        for name in ("model", "baseline"):
            f, e = rep[name]["macro_f1"], rep[name]["ece"]
            out.append(
                f"  {name:<22}macro-F1 {f['mean']:.3f} [{f['min']:.3f}-{f['max']:.3f}]"
                f"  ECE {e['mean']:.3f} [{e['min']:.3f}-{e['max']:.3f}]"
            )
        out.append(
            "  F1 per class (model): "
            + ", ".join(
                f"{lbl} {v['mean']:.2f} [{v['min']:.2f}-{v['max']:.2f}]" for lbl, v in rep["model"]["f1"].items()
            )
        )
    return "\n".join(out)
