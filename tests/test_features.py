"""Document-level cues (features for the classifier)."""

from __future__ import annotations


def test_lowercase_cue_scan_counts_like_the_case_insensitive_patterns():
    """find_cues scans lower-cased text with lower-cased patterns: same counts and quotes."""
    from classifier.cues import cue_patterns, find_cues
    from classifier.ingest import document_from_text

    for text in (
        "Goods ship F.O.B. Origin under INCOTERMS 2020; the DISTRIBUTOR may RESELL units. Royalties on Net Sales.",
        "İstanbul DISTRIBUTOR: the Licensee pays a licence fee; F.O.B. Origin.",  # lower() changes length
    ):
        doc = document_from_text(text)
        got = find_cues(doc)
        want = {cid: len(list(rx.finditer(doc.text))) for cid, rx, _ in cue_patterns()}
        assert {k: v["count"] for k, v in got.items()} == {k: v for k, v in want.items() if v}
        for v in got.values():
            assert all(e["text"] in " ".join(doc.text.split()) for e in v["examples"])
