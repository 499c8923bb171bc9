"""Tests of ``classifier.ingest.read_document``, its error classes and ``classifier.cleaning``.

Every document is generated at test time by ``tests/builders.py`` (reportlab and
python-docx) under pytest's ``tmp_path``; nothing is read from a corpus.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import builders as B  # noqa: E402

from classifier.cleaning import (  # noqa: E402
    clean_pages,
    normalize_chars,
    resolve_soft_hyphens,
    strip_page_furniture,
)
from classifier.errors import (  # noqa: E402
    CorruptPdfError,
    DecodingError,
    EmptyDocumentError,
    EncryptedPdfError,
    ExitCode,
    InputError,
    MissingFileError,
    NotAPdfError,
    ScannedPdfError,
    TooLargeError,
    UnsupportedFormatError,
    WrongPasswordError,
)
from classifier.ingest import read_document  # noqa: E402

FOOTER_LINE = re.compile(r"(?im)^\s*page\s+\d+\s+of\s+\d+\s*$")


def _raises(exc_type, path, **kwargs) -> InputError:
    """Call read_document and return the error, checking its exact class."""
    with pytest.raises(InputError) as info:
        read_document(path, **kwargs)
    err = info.value
    assert type(err) is exc_type, f"expected {exc_type.__name__}, got {type(err).__name__}: {err}"
    return err


def _assert_one_line_naming(err: InputError, path: Path):
    msg = str(err)
    assert "\n" not in msg and "\r" not in msg, msg
    assert msg.startswith(str(path)), msg
    assert err.path == str(path)
    assert err.exit_code == ExitCode.INPUT == 3


# --------------------------------------------------------------------------- the contract PDF


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    path = B.contract_pdf(tmp_path_factory.mktemp("contract") / "msa.pdf")
    return path, read_document(path)


def test_contract_pdf_page_count_and_format(contract):
    path, doc = contract
    assert doc.format == "pdf"
    assert doc.page_count == 3
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.metadata["page_count"] == 3
    assert doc.metadata["title"] == "Master Services Agreement - Acme Corp and Northwind Consulting"
    assert doc.path == str(path)
    assert doc.warnings == ()


def test_contract_pdf_every_page_has_text(contract):
    _, doc = contract
    for page in doc.pages:
        assert page.text.strip(), f"page {page.number} is empty"


def test_contract_pdf_running_header_is_removed(contract):
    _, doc = contract
    assert B.HEADER not in doc.text
    assert "Confidential" not in doc.text


def test_contract_pdf_page_footers_are_removed(contract):
    _, doc = contract
    assert FOOTER_LINE.findall(doc.text) == []
    for page in doc.pages:
        assert f"Page {page.number} of 3" not in page.text, f"footer left on page {page.number}"


def test_contract_pdf_without_rate_card_or_columns_reads_plainly(tmp_path):
    # Control case: no table and no two-column block, so no column rebuild on any page.
    path = B.contract_pdf(tmp_path / "plain.pdf", with_rate_card=False, with_two_columns=False)
    doc = read_document(path)
    assert [p.method for p in doc.pages] == ["pdfium", "pdfium", "pdfium"]
    assert B.HEADER not in doc.text
    assert FOOTER_LINE.findall(doc.text) == []
    assert doc.tables == ()


def test_contract_pdf_keeps_time_and_materials(contract):
    _, doc = contract
    assert doc.text.count("time-and-materials") == 1
    assert "time-and-materials basis" in doc.text


def test_contract_pdf_clause_numbers_start_lines(contract):
    _, doc = contract
    for label in B.CLAUSE_LABELS:
        assert re.search(r"(?m)^" + re.escape(label), doc.text), f"{label!r} not at a line start"
    # the clauses are on the pages where the builder put them
    assert "1. Definitions" in doc.pages[0].text
    assert "Section 5. Fees and Payment" in doc.pages[1].text
    assert "Statement of Work No. 3" in doc.pages[1].text
    assert "Section 9. Term and Termination" in doc.pages[2].text


def test_contract_pdf_rate_card_table_rows_on_page_2(contract):
    _, doc = contract
    assert doc.pages[0].tables == ()
    assert doc.pages[2].tables == ()
    assert len(doc.pages[1].tables) == 1
    table = doc.pages[1].tables[0]
    assert table.page == 2
    assert table.rows == B.RATE_CARD
    assert ("Senior Developer", "$150.00", "per hour") in table.rows
    assert table.bbox is not None
    assert doc.tables == (table,)


def test_contract_pdf_rate_card_text_reads_row_by_row(contract):
    # A ruled table is not a two-column layout: each row's cells stay on one line, in order.
    _, doc = contract
    lines = doc.pages[1].text.split("\n")
    row_lines = [ln for ln in lines if "Senior Developer" in ln]
    assert len(row_lines) == 1, lines
    assert re.search(r"Senior Developer\W+\$150\.00\W+per hour", row_lines[0]), row_lines[0]


def test_contract_pdf_signature_columns_read_left_then_right(contract):
    _, doc = contract
    page = doc.pages[-1]
    assert page.method == "pdfium+columns"
    assert doc.pages[0].method == "pdfium"
    lines = [ln.strip() for ln in page.text.split("\n")]
    start = lines.index(B.CLIENT_SIGNATURE[0])
    block = lines[start : start + len(B.CLIENT_SIGNATURE) + len(B.VENDOR_SIGNATURE)]
    # the client's lines are contiguous and come before the vendor's, never interleaved
    assert tuple(block) == B.CLIENT_SIGNATURE + B.VENDOR_SIGNATURE
    # the body text above the block is read before it
    assert lines.index("representatives.") < start


def test_contract_pdf_page_offsets_slice_document_text(contract):
    _, doc = contract
    previous_end = None
    for page in doc.pages:
        assert doc.text[page.start : page.end] == page.text
        if previous_end is not None:
            assert doc.text[previous_end : page.start] == "\n\n"
        assert doc.page_at(page.start) == page.number
        previous_end = page.end
    assert doc.pages[0].start == 0
    assert doc.pages[-1].end == len(doc.text)


def test_contract_pdf_sha256_is_the_file_hash(contract):
    path, doc = contract
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_contract_pdf_longer_document_keeps_furniture_out(tmp_path):
    path = B.contract_pdf(tmp_path / "long-msa.pdf", pages=6, with_rate_card=False)
    doc = read_document(path)
    assert doc.page_count == 6
    assert B.HEADER not in doc.text
    assert FOOTER_LINE.findall(doc.text) == []
    # filler pages 3-5 hold Sections 7-9, each with its own topic
    for number, section in ((3, 7), (4, 8), (5, 9)):
        title = B.FILLER_TOPICS[section % len(B.FILLER_TOPICS)][0]
        assert doc.pages[number - 1].text.startswith(f"Section {section}. {title}\n")
    assert doc.pages[-1].method == "pdfium+columns"


def test_contract_pdf_footer_removed_when_text_follows_signature_block(tmp_path):
    # The column rebuild must not move the footer into the middle of the page text.
    path = B.contract_pdf(tmp_path / "msa-exhibit.pdf", text_after_signatures=True)
    doc = read_document(path)
    page = doc.pages[-1]
    assert page.method == "pdfium+columns"
    assert FOOTER_LINE.findall(doc.text) == [], page.text
    assert page.text.endswith("and\nhypercare.") or page.text.endswith("and hypercare.")
    lines = page.text.split("\n")
    assert lines.index(B.VENDOR_SIGNATURE[-1]) + 1 == lines.index(B.TEXT_AFTER_SIGNATURES[0])


def test_contract_pdf_line_end_hyphenation_is_repaired(tmp_path):
    # "indemni-" / "fication" at a line end is typesetting, "time-and-" / "materials" is a
    # real compound: the first is joined, the second keeps its hyphen.
    path = B.contract_pdf(tmp_path / "hyphenated.pdf", hyphenate=True)
    text = read_document(path).pages[0].text
    assert "indemnify Client" in text
    assert "indemnification duty" in text
    assert "indemni-" not in text
    assert "billed on a time-and-materials basis" in text


def test_pdf_with_unicode_name(tmp_path):
    path = B.contract_pdf(tmp_path / "Vertrag für Müller (v2).pdf")
    doc = read_document(path)
    assert doc.page_count == 3
    assert doc.path == str(path)


# --------------------------------------------------------------------------- bad PDF input


def test_encrypted_pdf_without_password(tmp_path):
    path = B.encrypted_pdf(tmp_path / "locked msa.pdf")
    err = _raises(EncryptedPdfError, path)
    _assert_one_line_naming(err, path)
    assert err.exit_code == 3
    assert path.name in str(err)
    assert "--password" in str(err)
    assert err.code == "encrypted"


def test_encrypted_pdf_wrong_password(tmp_path):
    path = B.encrypted_pdf(tmp_path / "locked.pdf", user_password="s3cret")
    err = _raises(WrongPasswordError, path, password="not-it")
    _assert_one_line_naming(err, path)
    assert isinstance(err, EncryptedPdfError)
    assert "--password" in str(err)
    assert err.code == "wrong_password"


def test_encrypted_pdf_right_password_reads(tmp_path):
    path = B.encrypted_pdf(tmp_path / "locked.pdf", user_password="s3cret")
    doc = read_document(path, password="s3cret")
    assert doc.page_count == 3
    assert "time-and-materials basis" in doc.text
    assert doc.pages[1].tables[0].rows == B.RATE_CARD


def test_corrupt_pdf(tmp_path):
    path = B.corrupt_pdf(tmp_path / "corrupt.pdf")
    err = _raises(CorruptPdfError, path)
    _assert_one_line_naming(err, path)


def test_truncated_pdf(tmp_path):
    src = B.contract_pdf(tmp_path / "whole.pdf")
    path = B.truncated_pdf(src, tmp_path / "truncated.pdf")
    assert path.stat().st_size == src.stat().st_size // 2
    err = _raises(CorruptPdfError, path)
    _assert_one_line_naming(err, path)


def test_empty_file(tmp_path):
    path = B.empty_file(tmp_path / "empty.pdf")
    err = _raises(EmptyDocumentError, path)
    _assert_one_line_naming(err, path)
    assert "0 bytes" in str(err)


@pytest.mark.parametrize("before", ["corrupt", "encrypted"])
def test_zero_page_pdf_is_empty_whatever_was_read_before(tmp_path, before):
    # The answer must not depend on which file the process read before (a batch reads
    # many files in one process).
    if before == "corrupt":
        _raises(CorruptPdfError, B.corrupt_pdf(tmp_path / "corrupt.pdf"))
    else:
        _raises(EncryptedPdfError, B.encrypted_pdf(tmp_path / "locked.pdf"))
    path = B.zero_page_pdf(tmp_path / "zero.pdf")
    err = _raises(EmptyDocumentError, path)
    _assert_one_line_naming(err, path)
    assert "no pages" in str(err)


def test_zero_page_pdf_is_empty_in_a_fresh_process(tmp_path):
    path = B.zero_page_pdf(tmp_path / "zero.pdf")
    code = (
        "import sys\n"
        "from classifier.ingest import read_document\n"
        "try:\n"
        "    read_document(sys.argv[1])\n"
        "except Exception as e:\n"
        "    print(type(e).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "EmptyDocumentError", out.stderr


def test_html_named_pdf(tmp_path):
    path = B.html_named_pdf(tmp_path / "download.pdf")
    err = _raises(NotAPdfError, path)
    _assert_one_line_naming(err, path)
    assert "HTML" in str(err)


def test_docx_named_pdf(tmp_path):
    path = B.docx_named_pdf(tmp_path / "agreement.pdf")
    err = _raises(NotAPdfError, path)
    _assert_one_line_naming(err, path)
    assert "ZIP" in str(err) and "DOCX" in str(err)


def test_image_only_pdf_is_a_scan(tmp_path):
    path = B.image_only_pdf(tmp_path / "scan.pdf", pages=2)
    err = _raises(ScannedPdfError, path)
    _assert_one_line_naming(err, path)
    assert err.pages == (1, 2)
    assert "OCR" in str(err)


def test_mixed_scan_reads_with_warning_for_page_4(tmp_path):
    path = B.mixed_scan_pdf(tmp_path / "signed.pdf")
    doc = read_document(path)
    assert doc.page_count == 4
    assert [p.method for p in doc.pages][3] == "image-only"
    assert doc.pages[3].text == ""
    assert all(p.text.strip() for p in doc.pages[:3])
    assert len(doc.warnings) == 1
    assert re.search(r"\bpage\(s\) 4\b", doc.warnings[0]), doc.warnings
    assert "\n" not in doc.warnings[0]
    assert B.HEADER not in doc.text


def test_too_many_pages(tmp_path):
    path = B.long_pdf(tmp_path / "long.pdf", 30)
    err = _raises(TooLargeError, path, max_pages=25)
    _assert_one_line_naming(err, path)
    assert "--max-pages" in str(err)
    assert "30" in str(err) and "25" in str(err)
    # at the limit it reads
    doc = read_document(path, max_pages=30)
    assert doc.page_count == 30
    title = B.FILLER_TOPICS[30 % len(B.FILLER_TOPICS)][0]
    assert doc.pages[29].text.startswith(f"Section 30. {title}\n30.1 ")
    assert FOOTER_LINE.findall(doc.text) == []


def test_missing_file(tmp_path):
    path = tmp_path / "no such contract.pdf"
    err = _raises(MissingFileError, path)
    _assert_one_line_naming(err, path)


def test_unsupported_extension(tmp_path):
    path = B.text_file(tmp_path / "contract.xyz", "1. Services\nNorthwind shall provide staff.\n")
    err = _raises(UnsupportedFormatError, path)
    _assert_one_line_naming(err, path)
    assert ".xyz" in str(err)


def test_binary_junk_in_txt(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 16)
    err = _raises(DecodingError, path)
    _assert_one_line_naming(err, path)
    assert "binary" in str(err)


# --------------------------------------------------------------------------- text files

ENCODED_TEXT = "1. Services\nCafé — “quoted” terms apply.\n\n2. Fees\nFees are in Exhibit B.\n"
ENCODED_EXPECTED = "1. Services\nCafé — “quoted” terms apply.\n\n2. Fees\nFees are in Exhibit B."


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "utf-16-le", "utf-16-be"]
)
def test_text_encodings_decode_to_the_same_text(tmp_path, encoding):
    path = B.text_file(tmp_path / f"contract-{encoding}.txt", ENCODED_TEXT, encoding=encoding)
    doc = read_document(path)
    assert doc.format == "text"
    assert doc.text == ENCODED_EXPECTED
    assert doc.metadata["encoding"] == encoding
    assert doc.page_count == 1
    assert doc.pages[0].method == "text"


def test_text_crlf_line_ends(tmp_path):
    path = B.text_file(tmp_path / "crlf.txt", ENCODED_TEXT.replace("\n", "\r\n"))
    assert read_document(path).text == ENCODED_EXPECTED


def test_text_file_name_with_spaces_and_unicode(tmp_path):
    path = B.text_file(tmp_path / "Vertrag für Müller (v2).txt", "1. Leistungen\nÜbersetzung.\n")
    doc = read_document(path)
    assert doc.path == str(path)
    assert doc.text == "1. Leistungen\nÜbersetzung."
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    missing = path.with_name("Vertrag für Müller (v3).txt")
    err = _raises(MissingFileError, missing)
    _assert_one_line_naming(err, missing)


def test_text_form_feeds_split_pages(tmp_path):
    path = B.text_file(
        tmp_path / "paged.txt",
        "1. Services\nNorthwind shall provide staff.\f2. Fees\nHourly.\f3. Term\nOne year.\n",
    )
    doc = read_document(path)
    assert [p.text for p in doc.pages] == [
        "1. Services\nNorthwind shall provide staff.",
        "2. Fees\nHourly.",
        "3. Term\nOne year.",
    ]
    assert doc.metadata["page_count"] == 3
    for page in doc.pages:
        assert doc.text[page.start : page.end] == page.text


def test_text_edgar_footer_removed_and_blank_run_collapsed(tmp_path):
    text = (
        "1. Services\n\n"
        "Northwind shall provide developers to Acme on a time-and-materials\n"
        "Source: NORTHWIND INC, 10-K, 3/2/2020\n"
        + "\n"
        * 20
        + "basis, and Acme shall pay monthly.\n\n"
        "2. Fees\n\nFees are in Exhibit B.\n"
    )
    doc = read_document(B.text_file(tmp_path / "edgar.txt", text))
    assert "Source:" not in doc.text
    assert "NORTHWIND INC" not in doc.text
    assert "\n\n\n" not in doc.text
    # the sentence across the removed footer is split by at most one blank line
    halves = r"time-and-materials\n\n?basis, and Acme shall pay monthly\."
    assert re.search(halves, doc.text), doc.text
    assert "2. Fees\n\nFees are in Exhibit B." in doc.text


def test_text_long_blank_run_without_footer_collapses(tmp_path):
    text = "1. Services\nNorthwind shall provide developers\n" + "\n" * 20 + "to Acme.\n"
    doc = read_document(B.text_file(tmp_path / "blanks.txt", text))
    assert doc.text == "1. Services\nNorthwind shall provide developers\n\nto Acme."


def test_text_only_whitespace_is_empty(tmp_path):
    path = B.text_file(tmp_path / "blank.txt", "\n\n   \n\t\n")
    err = _raises(EmptyDocumentError, path)
    _assert_one_line_naming(err, path)


# --------------------------------------------------------------------------- DOCX


@pytest.fixture(scope="module")
def docx_doc(tmp_path_factory):
    path = B.contract_docx(tmp_path_factory.mktemp("docx") / "staffing agreement.docx")
    return path, read_document(path)


def test_docx_page_break_makes_two_pages(docx_doc):
    path, doc = docx_doc
    assert doc.format == "docx"
    assert doc.page_count == 2
    assert [p.method for p in doc.pages] == ["docx", "docx"]
    assert doc.metadata["page_count"] == 2
    assert doc.metadata["title"] == "Staffing Agreement"
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_docx_text_in_order_with_numbered_paragraphs(docx_doc):
    _, doc = docx_doc
    page1, page2 = doc.pages
    expected1 = ("Staffing Agreement",) + B.DOCX_PAGE1
    assert page1.text.split("\n") == list(expected1)
    positions = [page2.text.index(s) for s in ("Fees and Rates",) + B.DOCX_PAGE2]
    positions.append(page2.text.index("Senior Developer"))
    positions.append(page2.text.index(B.DOCX_AFTER_TABLE))
    assert positions == sorted(positions)
    for label in ("1. Services", "1.1 Northwind", "(a) The developers", "(b) Acme", "2. Fees"):
        assert re.search(r"(?m)^" + re.escape(label), doc.text), label
    for page in doc.pages:
        assert doc.text[page.start : page.end] == page.text


def test_docx_table_rows_on_page_2(docx_doc):
    _, doc = docx_doc
    assert doc.pages[0].tables == ()
    assert len(doc.pages[1].tables) == 1
    table = doc.pages[1].tables[0]
    assert table.page == 2
    assert table.rows == B.RATE_CARD
    assert "Senior Developer" not in doc.pages[0].text
    assert "Senior Developer" in doc.pages[1].text


# --------------------------------------------------------------------------- cleaning


def test_clean_pages_joins_marked_hyphenation():
    assert clean_pages(["indem\ufffe\r\nnification"]) == ["indemnification"]


def test_resolve_soft_hyphens_keeps_compounds_and_joins_broken_words():
    text = "a time-and\ufffematerials basis; indemni\ufffefication; non\ufffeexclusive"
    assert resolve_soft_hyphens(text) == (
        "a time-and-materials basis; indemnification; non-exclusive"
    )


def test_resolve_soft_hyphens_uses_document_vocabulary():
    text = "the sub\ufffecontractor, and each subcontractor; a well\ufffeknown x; well-known"
    assert resolve_soft_hyphens(text) == (
        "the subcontractor, and each subcontractor; a well-known x; well-known"
    )


def test_normalize_chars_keeps_plain_line_end_hyphen():
    assert normalize_chars("time-and-\nmaterials") == "time-and-\nmaterials"


def test_normalize_chars_expands_fi_ligature():
    assert normalize_chars("bene\ufb01t of the \ufb01rm") == "benefit of the firm"


def test_normalize_chars_unifies_line_ends():
    assert normalize_chars("a\r\nb\rc\n") == "a\nb\nc\n"


BODIES = (
    ("1. Services", "Northwind shall provide two developers.", "They report to Acme."),
    ("2. Fees", "Acme pays hourly rates.", "Invoices are monthly."),
    ("3. Term", "The agreement lasts one year.", "Either party may end it."),
    ("4. Law", "Washington law governs.", "Courts in Seattle decide."),
)


def test_strip_page_furniture_removes_repeated_header_and_page_numbers():
    header = "Northwind Consulting - Master Services Agreement"
    pages = ["\n".join((header,) + body + (str(n),)) for n, body in enumerate(BODIES, start=1)]
    pages[0] = pages[0].replace(header, header + "\nDraft for discussion only")
    out = strip_page_furniture(pages)
    assert out[0] == "Draft for discussion only\n" + "\n".join(BODIES[0])
    assert out[1:] == ["\n".join(body) for body in BODIES[1:]]


def test_strip_page_furniture_removes_page_n_of_m_and_dashed_numbers():
    footers = ("- 1 -", "Page 2 of 4", "iii", "4")
    pages = ["\n".join(body + (f,)) for body, f in zip(BODIES, footers, strict=True)]
    out = strip_page_furniture(pages)
    assert out == ["\n".join(body) for body in BODIES]


def test_strip_page_furniture_keeps_lines_repeated_on_few_pages():
    # "Confidential" tops only 2 of 6 pages: below the half-of-pages threshold, so kept.
    bodies = BODIES + (
        ("5. Notices", "Notices go by email.", "Copies by post."),
        ("6. Assignment", "No assignment without consent.", "Except to affiliates."),
    )
    pages = ["\n".join(b) for b in bodies]
    pages[0] = "Confidential\n" + pages[0]
    pages[3] = "Confidential\n" + pages[3]
    out = strip_page_furniture(pages)
    assert out[0].startswith("Confidential\n1. Services")
    assert out[3].startswith("Confidential\n4. Law")


def test_a_few_rules_do_not_send_a_page_to_the_pdfplumber_table_finder(tmp_path):
    """Rules under headings are not a table: the slow fallback needs many rulings."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    from classifier import pdf as pdfmod
    from classifier.ingest import read_document

    path = tmp_path / "rules.pdf"
    c = canvas.Canvas(str(path), pagesize=LETTER)
    y = 700
    for i in range(6):  # six underlined headings with margin bars: rulings, but no grid
        c.drawString(72, y, f"{i + 1}. Heading number {i + 1}")
        c.rect(72, y - 4, 328, 0.6, stroke=0, fill=1)
        c.rect(64, y - 24, 0.6, 30, stroke=0, fill=1)  # a margin bar beside each clause
        c.drawString(72, y - 20, "The Supplier shall provide the services described in the statement of work.")
        y -= 60
    c.save()
    doc = read_document(path)
    raw, _ = pdfmod.read_pdf_pages(path)
    assert pdfmod.TABLE_RULING_MIN <= raw[0].ruling_count < pdfmod.FALLBACK_RULING_MIN
    assert doc.metadata["table_pages_checked"] == 1
    assert doc.metadata["table_pages_pdfplumber"] == 0
    assert doc.tables == ()
