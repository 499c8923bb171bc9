from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from classifier.clauses import clause_ref, split_clauses
from classifier.ingest import _assemble
from classifier.types import Document


def make_doc(text: str, pages: list[str] | None = None) -> Document:
    pages = pages or [text]
    return _assemble("mem.txt", "0" * 64, "text", pages, [[] for _ in pages],
                     ["text"] * len(pages), {})


CONTRACT = """MASTER SERVICES AGREEMENT

This Agreement is made between Acme Corp ("Client") and Northwind Consulting ("Vendor").

WHEREAS, Client wishes to obtain services; and
WHEREAS, Vendor is willing to provide them.

ARTICLE I - DEFINITIONS
1.1 "Services" means the work described in a Statement of Work.
1.2 "Deliverables" means the items listed in Exhibit B.
ARTICLE II
SERVICES
2.1 Scope. Vendor shall perform the Services described in each SOW. Fees are set out in
Section
2.2 of this Agreement and the rates in Schedule 1.
2.2 Fees. Client shall pay the fees as follows:
(a) monthly in arrears;
(b) within thirty (30) days of invoice; and
(i) disputed amounts may be withheld;
(ii) undisputed amounts bear interest.
(c) in US dollars.
Section 5. Term
The Agreement runs for two years.
EXHIBIT B
DELIVERABLES
1. Design document.
2. Source code.
Schedule 1
Rate Card
Statement of Work No. 3
1. Project Scope
The Vendor will build the portal.
"""


def test_split_clauses_numbers_headings_and_nesting():
    doc = make_doc(CONTRACT)
    clauses = split_clauses(doc)
    by_number = {}
    for c in clauses:
        by_number.setdefault(c.number, c)
    assert clauses[0].kind == "preamble"
    assert [c.kind for c in clauses[1:3]] == ["recital", "recital"]
    art1 = by_number["Article I"]
    assert art1.heading == "DEFINITIONS" and art1.depth == 0
    art2 = by_number["Article II"]
    assert art2.heading == "SERVICES"
    c21 = by_number["2.1"]
    assert c21.parent == art2.index and c21.heading == "Scope" and c21.depth == 1
    # "2.2 of this Agreement" after a wrapped "Section" is a cross-reference, not a clause
    twos = [c for c in clauses if c.number == "2.2"]
    assert len(twos) == 1 and twos[0].heading == "Fees"
    a = by_number["(a)"]
    assert a.parent == twos[0].index and a.depth == 2
    roman = by_number["(i)"]
    assert roman.parent == by_number["(b)"].index, "(i) after (b) opens a roman sub-list"
    c = by_number["(c)"]
    assert c.parent == twos[0].index, "(c) closes the roman list"
    assert by_number["Section 5"].heading == "Term"
    ex = by_number["Exhibit B"]
    assert ex.depth == 0 and ex.heading == "DELIVERABLES" and ex.kind == "exhibit"
    item = [c for c in clauses if c.number == "1" and c.start > ex.start][0]
    assert item.parent == ex.index
    assert by_number["Schedule 1"].heading == "Rate Card"
    sow = by_number["Statement of Work No. 3"]
    assert sow.depth == 0 and sow.kind == "exhibit"
    assert clause_ref(clauses, by_number["(ii)"].index) == "Article II 2.2(b)(ii)"


def test_split_clauses_tile_the_text_and_carry_pages():
    pages = ["1. First clause text.\n2. Second clause.", "(a) item on page two.\n3. Third."]
    doc = make_doc("", pages)
    clauses = split_clauses(doc)
    assert "".join(c.text for c in clauses) == doc.text
    assert [c.page for c in clauses] == [1, 1, 2, 2]
    assert [c.number for c in clauses] == ["1", "2", "(a)", "3"]


def test_split_clauses_no_markers_gives_one_preamble():
    doc = make_doc("Just a letter with no numbering at all.")
    clauses = split_clauses(doc)
    assert len(clauses) == 1 and clauses[0].kind == "preamble"


def test_split_clauses_nested_numbered_list_inside_lettered_clause():
    text = ("4. FEES.\nA. Client pays monthly.\nB. Charges are as follows:\n1. one line $200;\n"
            "2. each device $25.\nC. Taxes are extra.\n5. TERM. Two years.")
    clauses = split_clauses(make_doc(text))
    nums = [(c.number, c.depth) for c in clauses]
    assert nums == [("4", 0), ("A.", 1), ("B.", 1), ("1", 2), ("2", 2), ("C.", 1), ("5", 0)]


line = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
            max_size=40),
    st.sampled_from(["1. Fees", "1.1 Scope", "(a) item", "(i) sub", "ARTICLE IV", "Exhibit A",
                     "Section 3. Term", "A. Lettered", "", "WHEREAS, recital;", "2.", "(b)"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(line, max_size=30))
def test_split_clauses_property_cover_without_overlap(lines):
    text = "\n".join(lines)
    doc = make_doc(text)
    clauses = split_clauses(doc)
    if not text:
        return
    assert "".join(c.text for c in clauses) == text
    for prev, nxt in zip(clauses, clauses[1:]):
        assert prev.end == nxt.start
    for c in clauses:
        assert c.parent is None or c.parent < c.index
        assert c.depth == 0 if c.parent is None else c.depth > clauses[c.parent].depth
