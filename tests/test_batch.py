"""Tests of ``audit`` and ``classifier.batch``: one record per file, whatever the file.

The audited folder is built once per module: two good samples, a good file with a unicode
and space name, a good file in a nested subfolder, good text contracts whose names carry
spreadsheet and Markdown syntax, and bad files of every kind (scanned, encrypted, corrupt,
truncated, empty, HTML named .pdf, a .png), plus a symlink loop (``loop -> ..``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

import builders as B  # noqa: E402

from classifier import analysis as analysis_mod  # noqa: E402
from classifier import batch  # noqa: E402
from classifier import pipeline as pipeline_mod  # noqa: E402
from classifier.cli import main  # noqa: E402
from classifier.model import DEFAULT_MODEL, LABELS, MODEL_ENV, card_path  # noqa: E402
from classifier.report import CSV_COLUMNS, md_row  # noqa: E402
from classifier.types import ClaimedModel  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

SMALL_CONTRACT = (
    "STAFFING AGREEMENT\n\n1. Services\n\n1.1 Vendor shall provide two developers who work under "
    "the direction of Client.\n\n2. Fees\n\n2.1 Client shall pay $95 per hour for hours worked.\n"
)
FORMULA_NAME = "=HYPERLINK(1).txt"
MARKUP_NAME = "pipe|and<b>tag.txt"

GOOD = {
    "03_managed_services_helpdesk.pdf",
    "05_mismatch_managed_label_body_shop.pdf",
    "contrat résumé 2025 é.pdf",
    "sub/deeper/nested consultant.docx",
    FORMULA_NAME,
    MARKUP_NAME,
}
BAD = {
    "scanned.pdf": "scanned",
    "encrypted.pdf": "encrypted",
    "corrupt.pdf": "corrupt",
    "truncated.pdf": "corrupt",
    "empty.pdf": "empty",
    "webpage.pdf": "not_a_pdf",
    "picture.png": "unsupported_format",
    "sub/empty.txt": "empty",
}
GOOD_FIELDS = (
    "path",
    "sha256",
    "status",
    "model",
    "confidence",
    "probabilities",
    "claimed",
    "mismatch",
    "warnings",
    "flags",
    "signals",
    "error",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv(MODEL_ENV, raising=False)
    monkeypatch.delenv("CONTRACT_CLASSIFIER_PASSWORD", raising=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("audit") / "inbox"
    d.mkdir()
    shutil.copy(SAMPLES / "03_managed_services_helpdesk.pdf", d)
    shutil.copy(SAMPLES / "05_mismatch_managed_label_body_shop.pdf", d)
    shutil.copy(SAMPLES / "02_project_outsourcing_portal.pdf", d / "contrat résumé 2025 é.pdf")
    (d / "sub" / "deeper").mkdir(parents=True)
    shutil.copy(
        SAMPLES / "06_staff_augmentation_consultant.docx",
        d / "sub" / "deeper" / "nested consultant.docx",
    )
    B.text_file(d / FORMULA_NAME, SMALL_CONTRACT)
    B.text_file(d / MARKUP_NAME, SMALL_CONTRACT)
    B.image_only_pdf(d / "scanned.pdf")
    B.encrypted_pdf(d / "encrypted.pdf")
    B.corrupt_pdf(d / "corrupt.pdf")
    B.truncated_pdf(SAMPLES / "03_managed_services_helpdesk.pdf", d / "truncated.pdf")
    B.empty_file(d / "empty.pdf")
    B.html_named_pdf(d / "webpage.pdf")
    (d / "picture.png").write_bytes(B._png_bytes())
    B.empty_file(d / "sub" / "empty.txt")
    os.symlink("..", d / "loop")  # a link loop: loop/inbox/loop/...
    return d


def all_files(folder: Path) -> set[str]:
    return GOOD | set(BAD)


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def parse_jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def rel(folder: Path, rec: dict) -> str:
    return Path(rec["path"]).relative_to(folder).as_posix()


@pytest.fixture(scope="module")
def jsonl_run(folder):
    result = run("audit", folder, "--format", "jsonl")
    return result, parse_jsonl(result.stdout)


# ----------------------------------------------------------------------------- jsonl records


def test_one_record_per_file(folder, jsonl_run):
    result, records = jsonl_run
    paths = [rel(folder, r) for r in records]
    assert len(paths) == len(set(paths))
    assert set(paths) == all_files(folder)
    assert not any("loop" in p for p in paths)


def test_bad_files_are_error_records(folder, jsonl_run):
    _, records = jsonl_run
    by_path = {rel(folder, r): r for r in records}
    for name, code in BAD.items():
        r = by_path[name]
        assert r["status"] == "error", name
        assert r["error"]["code"] == code, name
        msg = r["error"]["message"]
        assert "\n" not in msg and msg.strip() == msg
        assert msg.startswith(str(folder / name)), msg
        assert r["model"] is None and r["probabilities"] is None
        assert r["mismatch"] is False and r["warnings"] == [] and r["signals"] == []
    # a file that can be hashed carries its hash even when it cannot be read
    assert (
        by_path["corrupt.pdf"]["sha256"]
        == hashlib.sha256((folder / "corrupt.pdf").read_bytes()).hexdigest()
    )


def test_good_records_have_the_documented_fields(folder, jsonl_run):
    _, records = jsonl_run
    by_path = {rel(folder, r): r for r in records}
    claims = {m.value for m in ClaimedModel}
    for name in GOOD:
        r = by_path[name]
        for key in GOOD_FIELDS:
            assert key in r, (name, key)
        assert r["path"] == str(folder / name)
        assert r["sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert r["status"] == "ok"
        assert r["error"] is None
        assert r["model"] in LABELS
        assert set(r["probabilities"]) == set(LABELS)
        assert sum(r["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
        assert r["confidence"] == max(r["probabilities"].values()) == r["probabilities"][r["model"]]
        assert r["claimed"] in claims
        assert isinstance(r["mismatch"], bool)
        assert r["mismatch"] == bool(r["warnings"])
        assert isinstance(r["flags"], list)
        for f in r["flags"]:
            assert {"id", "title", "why", "evidence"} <= set(f)
        for s in r["signals"]:
            assert {"family", "page", "clause", "text"} <= set(s)
            assert isinstance(s["page"], int) and s["page"] >= 1
    m = by_path["05_mismatch_managed_label_body_shop.pdf"]
    assert m["mismatch"] is True
    assert m["claimed"] == "managed_services"
    assert [w["rule"] for w in m["warnings"]] == ["1"]
    assert by_path["03_managed_services_helpdesk.pdf"]["model"] == "managed_services"
    assert by_path["03_managed_services_helpdesk.pdf"]["mismatch"] is False


def test_exit_code_3_with_errors_and_summary_on_stderr(jsonl_run):
    result, records = jsonl_run
    assert result.exit_code == 3
    n = len(records)
    err = result.stderr
    assert f"audit complete: {n} of {n} file(s)" in err
    assert f"ok {len(GOOD)}, errors {len(BAD)}" in err
    assert "mismatches: 1" in err
    assert (
        "errors: corrupt 2, empty 2, encrypted 1, not_a_pdf 1, scanned 1, unsupported_format 1"
        in err
    )
    # stdout holds records only
    assert all(line.startswith("{") for line in result.stdout.splitlines())


@pytest.mark.parametrize(("fail_on", "code"), [("never", 0), ("error", 3), ("mismatch", 3)])
def test_fail_on(folder, fail_on, code):
    result = run("audit", folder, "--fail-on", fail_on, "-q")
    assert result.exit_code == code
    assert result.stderr == ""  # --quiet
    assert len(parse_jsonl(result.stdout)) == len(all_files(folder))


def test_exit_codes_without_errors(tmp_path):
    shutil.copy(SAMPLES / "05_mismatch_managed_label_body_shop.pdf", tmp_path)
    assert run("audit", tmp_path).exit_code == 1
    assert run("audit", tmp_path, "--fail-on", "error").exit_code == 0
    assert run("audit", tmp_path, "--fail-on", "never").exit_code == 0
    (tmp_path / "05_mismatch_managed_label_body_shop.pdf").unlink()
    shutil.copy(SAMPLES / "03_managed_services_helpdesk.pdf", tmp_path)
    assert run("audit", tmp_path).exit_code == 0


def test_parallel_gives_the_same_records(folder, jsonl_run):
    _, serial = jsonl_run
    result = run("audit", folder, "-j", "2", "-q")
    assert result.exit_code == 3
    parallel = parse_jsonl(result.stdout)

    def key(records):
        return {r["path"]: {k: v for k, v in r.items() if k != "timings"} for r in records}

    assert len(parallel) == len(serial)
    assert key(parallel) == key(serial)


# ----------------------------------------------------------------------------- csv, md, --out


def test_csv_format(folder, monkeypatch):
    monkeypatch.chdir(folder)  # relative paths: a file name can be the first thing in a cell
    result = run("audit", ".", "--format", "csv", "--fail-on", "never")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    body = [dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]]
    assert all(len(r) == len(CSV_COLUMNS) for r in rows)
    assert len(body) == len(all_files(folder))
    paths = {r["path"] for r in body}
    assert "'" + FORMULA_NAME in paths
    assert FORMULA_NAME not in paths
    assert {p.lstrip("'") for p in paths} == all_files(folder)
    for r in body:
        for value in r.values():
            assert value[:1] not in ("=", "+", "-", "@"), value
    by_path = {r["path"]: r for r in body}
    assert by_path["05_mismatch_managed_label_body_shop.pdf"]["warnings"] == "1"
    assert by_path["05_mismatch_managed_label_body_shop.pdf"]["mismatch"] == "True"
    assert by_path["encrypted.pdf"]["status"] == "error"
    assert by_path["encrypted.pdf"]["error_code"] == "encrypted"
    assert by_path["'" + FORMULA_NAME]["status"] == "ok"


def test_md_format(folder):
    result = run("audit", folder, "--format", "md", "--fail-on", "never")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"# Audit of {folder}"
    assert lines[2].startswith("| file | status |")
    rows = [ln for ln in lines[4:] if ln.startswith("| ")]
    assert len(rows) == len(all_files(folder))
    markup = [ln for ln in rows if "pipe" in ln]
    assert len(markup) == 1
    assert "pipe\\|and&lt;b&gt;tag.txt" in markup[0]
    assert "<b>" not in result.stdout
    for row in rows:  # every row has the 7 columns: "|" in contract-derived text is escaped
        cells = row.replace("\\|", "").split("|")
        assert len(cells) == 9, row


def test_md_row_escapes_untrusted_text():
    rec = batch.error_record(
        "/x/a|b<script>.pdf", "corrupt", "/x/a|b<script>.pdf: [link](http://e) `x`"
    )
    row = md_row(rec)
    assert "<script>" not in row and "&lt;script&gt;" in row
    assert "[link](" not in row and "\\[link\\](" in row
    assert "`x`" not in row
    assert row.replace("\\|", "").count("|") == 8


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "md"])
def test_out_file(folder, tmp_path, fmt):
    out = tmp_path / f"records.{fmt}"
    result = run("audit", folder, "--format", fmt, "--out", out, "--fail-on", "never")
    assert result.exit_code == 0
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    n = len(all_files(folder))
    if fmt == "jsonl":
        assert len(parse_jsonl(text)) == n
    elif fmt == "csv":
        assert len(list(csv.reader(io.StringIO(text, newline="")))) == n + 1
    else:
        assert text.count("\n| ") == n + 1  # header row + one row per file
    assert f"audit complete: {n} of {n} file(s)" in result.stderr


# ----------------------------------------------------------------------------- model errors


def test_audit_refuses_tampered_model(folder, tmp_path):
    model = tmp_path / "engagement-model.joblib"
    shutil.copyfile(DEFAULT_MODEL, model)
    shutil.copyfile(card_path(DEFAULT_MODEL), card_path(model))
    data = bytearray(model.read_bytes())
    data[100] ^= 0xFF
    model.write_bytes(bytes(data))
    result = run("audit", folder, "--model", model)
    assert result.exit_code == 4
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "SHA-256" in lines[0]


# ----------------------------------------------------------------------------- run_batch


@pytest.mark.parametrize("stage", ["analysis", "classification"])
def test_run_batch_survives_an_exception_in_any_stage(tmp_path, monkeypatch, stage):
    """Workers analyse, the parent classifies: an exception in either is one error record."""
    paths = [B.text_file(tmp_path / f"c{i}.txt", SMALL_CONTRACT) for i in range(3)]
    module, name = (analysis_mod, "analyse_path") if stage == "analysis" else (pipeline_mod, "decide")
    real = getattr(module, name)

    def flaky(arg, *a, **kw):
        path = arg if stage == "analysis" else arg.doc.path
        if Path(path).name == "c1.txt":
            raise RuntimeError("boom\nsecond line")
        return real(arg, *a, **kw)

    monkeypatch.setattr(module, name, flaky)
    records = list(batch.run_batch(paths, jobs=1))
    assert sorted(r["path"] for r in records) == sorted(str(p) for p in paths)
    bad = next(r for r in records if r["path"].endswith("c1.txt"))
    assert bad["status"] == "error"
    assert bad["error"]["code"] == "internal"
    assert "\n" not in bad["error"]["message"]
    assert "RuntimeError" in bad["error"]["message"]
    assert [r["status"] for r in records if r is not bad] == ["ok", "ok"]


def test_run_batch_yields_one_record_per_path_when_process_file_raises(tmp_path, monkeypatch):
    """Documents the module's promise: "every file yields exactly one record, whatever happens"."""
    paths = [B.text_file(tmp_path / f"c{i}.txt", SMALL_CONTRACT) for i in range(3)]
    real = batch.process_file

    def exploding(path, *args):
        if Path(path).name == "c1.txt":
            raise RuntimeError("worker blew up")
        return real(path, *args)

    monkeypatch.setattr(batch, "process_file", exploding)
    records = list(batch.run_batch(paths, jobs=1))
    assert sorted(r["path"] for r in records) == sorted(str(p) for p in paths)
    bad = next(r for r in records if r["path"].endswith("c1.txt"))
    assert bad["status"] == "error"


def test_time_limit_gives_timeout_error(tmp_path, monkeypatch):
    d = tmp_path / "slow"
    B.text_file(d / "slow.txt", SMALL_CONTRACT)
    B.text_file(d / "fast.txt", SMALL_CONTRACT)
    real = analysis_mod.analyse_path

    def slow(path, *a, **kw):
        if Path(path).name == "slow.txt":
            time.sleep(5)
        return real(path, *a, **kw)

    monkeypatch.setattr(analysis_mod, "analyse_path", slow)
    started = time.perf_counter()
    result = run("audit", d, "-j", "1", "--timeout", "0.3")
    assert time.perf_counter() - started < 4
    assert result.exit_code == 3
    by_name = {Path(r["path"]).name: r for r in parse_jsonl(result.stdout)}
    assert by_name["slow.txt"]["status"] == "error"
    assert by_name["slow.txt"]["error"]["code"] == "timeout"
    msg = by_name["slow.txt"]["error"]["message"]
    assert str(d / "slow.txt") in msg and "--timeout" in msg and "\n" not in msg
    assert by_name["fast.txt"]["status"] == "ok"
    assert "timeout 1" in result.stderr


def test_text_file_over_the_size_limit_is_too_large(tmp_path, monkeypatch):
    from classifier import ingest

    big = B.text_file(tmp_path / "big.txt", SMALL_CONTRACT)
    monkeypatch.setattr(ingest, "MAX_TEXT_BYTES", 64)
    (rec,) = batch.run_batch([big], jobs=1)
    assert rec["status"] == "error"
    assert rec["error"]["code"] == "too_large"  # documented code (README), like a too-long PDF


# ----------------------------------------------------------------------------- iter_files


def test_iter_files_does_not_follow_symlinked_directories(tmp_path):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "file.txt").write_text("x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("y")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "h.txt").write_text("z")
    (root / ".dotfile").write_text("z")
    os.symlink(outside, root / "linked_dir")
    os.symlink("..", root / "a" / "loop")
    os.symlink(root / "a" / "file.txt", root / "file_link.txt")
    os.symlink(tmp_path / "nowhere.txt", root / "dangling.txt")
    found = [p.relative_to(root).as_posix() for p in batch.iter_files(root)]
    assert found == ["dangling.txt", "file_link.txt", "a/file.txt"]


def test_iter_files_on_a_single_file(tmp_path):
    f = B.text_file(tmp_path / "one.txt", "x")
    assert list(batch.iter_files(f)) == [f]


def test_summarise_counts():
    ok = {
        "status": "ok",
        "model": "managed_services",
        "uncertain": False,
        "mismatch": True,
        "flags": [{"id": "automatic_renewal"}],
        "pages": 3,
    }
    err = batch.error_record("/nowhere/x.pdf", "corrupt", "x")
    s = batch.summarise([ok, dict(ok, uncertain=True, mismatch=False, flags=[]), err], 1.234)
    assert s == {
        "files": 3,
        "ok": 2,
        "errors": 1,
        "models": {"managed_services": 2},
        "uncertain": 1,
        "mismatches": 1,
        "flags": {"automatic_renewal": 1},
        "error_codes": {"corrupt": 1},
        "pages": 6,
        "seconds": 1.23,
    }
    assert err["sha256"] is None


def _forked_workers() -> list:
    """The audit's worker processes: the children of this process's multiprocessing fork
    server (workers are forked from it, see ``batch._fork_from_warm_server``)."""
    import psutil

    def cmdline(p) -> str:
        try:
            return " ".join(p.cmdline())
        except psutil.Error:  # gone, or a zombie
            return ""

    servers = [p for p in psutil.Process().children(recursive=True) if "forkserver" in cmdline(p)]
    return [c for s in servers for c in s.children()]


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_a_killed_worker_loses_no_file(tmp_path, monkeypatch):
    """A worker that dies mid-batch (as on a crash in a native PDF library) takes no file with
    it: the unfinished files are retried one process each, and every path gets one record."""
    import signal as sig

    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)  # workers of an earlier Parallel would be reused
    paths = []
    for i in range(8):
        paths.append(tmp_path / f"c{i}.pdf")
        shutil.copy(SAMPLES / "03_managed_services_helpdesk.pdf", paths[-1])
    retried, killed = [], []
    isolated, finish = batch._isolated, batch._Classifier.__call__

    def kill_workers_on_first_result(self, path, result):
        if not killed:  # the other files are still being read or waiting for a worker
            killed.extend(_forked_workers())
            for w in killed:
                os.kill(w.pid, sig.SIGKILL)
        return finish(self, path, result)

    monkeypatch.setattr(batch, "_isolated", lambda p, *a: retried.append(p) or isolated(p, *a))
    monkeypatch.setattr(batch._Classifier, "__call__", kill_workers_on_first_result)
    records = list(batch.run_batch(paths, jobs=2))
    assert killed, "no forked worker found"
    assert retried, "the killed workers' files should have been retried"
    assert sorted(r["path"] for r in records) == sorted(str(p) for p in paths)
    assert [r["status"] for r in records] == ["ok"] * len(paths)


def test_worker_init_fills_every_per_process_cache():
    """The fork server imports ``classifier.worker_init``; workers forked from it must find
    the pipeline and every compiled pattern table already built (a fresh interpreter, so
    nothing else has filled them)."""
    import subprocess

    code = (
        "import classifier.worker_init\n"
        "from classifier import claims, cues, nlp\n"
        "fns = [claims._patterns, cues.cue_patterns, cues._lowercase_patterns, nlp.compiled_regexes,\n"
        "       nlp._matchers, nlp._automaton, nlp._gates, nlp.get_pipeline]\n"
        "print(' '.join(str(f.cache_info().currsize) for f in fns))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["1"] * 8


def test_worker_warm_up_never_raises(monkeypatch):
    """An exception in the fork server's warm-up would kill the server and every worker."""
    from classifier import ingest, worker_init

    def broken(*a, **kw):
        raise RuntimeError("bug in the analysis")

    monkeypatch.setattr(analysis_mod, "analyse_document", broken)
    assert worker_init.warm() is None
    monkeypatch.setattr(ingest, "document_from_text", broken)
    assert worker_init.warm() is None


def test_run_batch_restores_loky_start_method(tmp_path):
    from joblib.externals.loky.backend import context as loky_context

    before = loky_context.get_start_method()
    paths = [B.text_file(tmp_path / f"c{i}.txt", SMALL_CONTRACT) for i in range(3)]
    assert [r["status"] for r in batch.run_batch(paths, jobs=2)] == ["ok"] * 3
    assert loky_context.get_start_method() == before


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_a_classifier_module_in_the_current_directory_is_not_imported(tmp_path):
    """Workers import this package, not whatever ``classifier`` sits in the current folder
    (Python 3.11's fork server puts the current directory first on its path)."""
    import subprocess

    script = Path(sys.executable).parent / "contract-classifier"
    if not script.exists():
        pytest.skip("the contract-classifier console script is not installed in this environment")
    (tmp_path / "classifier.py").write_text("raise SystemExit('the wrong classifier module was imported')\n")
    d = tmp_path / "in"
    for i in range(3):
        B.text_file(d / f"c{i}.txt", SMALL_CONTRACT)
    out = subprocess.run([str(script), "audit", str(d), "-j", "2", "-q", "--fail-on", "never"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert [json.loads(line)["status"] for line in out.stdout.splitlines()] == ["ok"] * 3


def test_isolated_retry_falls_back_to_the_default_start_method(tmp_path, monkeypatch):
    """When the warm fork server cannot be used, a crash retry still reads the file."""
    path = B.text_file(tmp_path / "c.txt", SMALL_CONTRACT)
    monkeypatch.setattr(batch, "_warm_context", lambda: object())  # not a usable context
    result = batch._isolated(str(path), None, 1000, 60)
    assert not isinstance(result, dict), result
    assert result.doc.path == str(path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_model_that_does_not_load_is_one_error_record_per_file(tmp_path, jobs):
    """The model loads before the workers' first results (-j 2) or on the first file (-j 1);
    either way a model that fails to load is reported on every record, none is lost."""
    paths = [B.text_file(tmp_path / f"c{i}.txt", SMALL_CONTRACT) for i in range(3)]
    records = list(batch.run_batch(paths, jobs=jobs, model_path=str(tmp_path / "missing.joblib")))
    assert sorted(r["path"] for r in records) == sorted(str(p) for p in paths)
    assert {r["status"] for r in records} == {"error"}
    assert len({r["error"]["code"] for r in records}) == 1
    assert all("missing.joblib" in r["error"]["message"] for r in records)
