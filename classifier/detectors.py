"""Signal detection: spaCy rule matches, read in context, with their evidence.

For every clause the shared pipeline (:mod:`classifier.nlp`) proposes matches; each match
is then read in its sentence, as a reviewer would:

* negated or disclaimed ("No service levels apply", "Client shall not direct ...") ->
  ``negated``;
* inside a definition ('"Deliverables" means ...') or a Definitions clause ->
  ``definition``;
* in boilerplate clauses (notices, governing law, counterparts, ...) -> ``boilerplate``;
* next to words that make it a look-alike from another kind of contract (a licence fee
  "per user", goods "accepted" on delivery) -> ``lookalike``;
* in a recital or preamble -> ``recital`` (counts, at half weight);
* otherwise ``operative``.

Tables get their own reading: a rate card (role + rate per hour/day/month) is
time-and-materials evidence, a per-device/user/ticket price table is recurring-unit
evidence, and a service-level table is SLA evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .clauses import TITLE_MAX, clause_ref, first_body_clause
from .nlp import MATCHES_KEY, get_pipeline, patterns_by_id, warm_tokenizer
from .types import Clause, Document, Signal, Table
from .values import parse_money, parse_values

FAMILIES = (
    "control.client_directs",
    "control.vendor_directs",
    "pricing.time_and_materials",
    "pricing.fixed_bid",
    "pricing.recurring_unit",
    "sla.targets",
    "sla.remedies",
    "scope.deliverables",
    "scope.acceptance",
    "scope.change_control",
    "scope.ongoing_function",
    "personnel.named_resources",
    "personnel.replacement",
    "personnel.conversion",
    "ip.assigned_to_client",
    "ip.vendor_retains",
    "term.ongoing_renewal",
    "term.termination_for_convenience",
    "term.transition",
    "risk.client_bears",
)

# Which engagement model each family points toward (domain reference, "points toward").
POINTS_TOWARD = {
    "control.client_directs": ("staff_augmentation",),
    "control.vendor_directs": ("project_outsourcing", "managed_services"),
    "pricing.time_and_materials": ("staff_augmentation",),
    "pricing.fixed_bid": ("project_outsourcing",),
    "pricing.recurring_unit": ("managed_services",),
    "sla.targets": ("managed_services",),
    "sla.remedies": ("managed_services",),
    "scope.deliverables": ("project_outsourcing",),
    "scope.acceptance": ("project_outsourcing",),
    "scope.change_control": ("project_outsourcing",),
    "scope.ongoing_function": ("managed_services",),
    "personnel.named_resources": ("staff_augmentation",),
    "personnel.replacement": ("staff_augmentation",),
    "personnel.conversion": ("staff_augmentation",),
    "ip.assigned_to_client": ("staff_augmentation", "project_outsourcing"),
    "ip.vendor_retains": ("project_outsourcing", "managed_services"),
    "term.ongoing_renewal": ("managed_services",),
    "term.termination_for_convenience": (),
    "term.transition": ("managed_services",),
    "risk.client_bears": ("staff_augmentation",),
}

RECITAL_FACTOR = 0.5
QUOTE_LIMIT = 320
# A preamble (or recital) reads as recital only when numbered clauses follow it and it is
# short; a long unnumbered document is one big "preamble" whose body is operative.
RECITAL_MAX_CHARS = 2500
# The n-th repeat (n = 0, 1, ...) of one pattern in a document weighs ``weight * decay**n``;
# weak patterns (boilerplate-prone, weight < WEAK_WEIGHT) decay faster and stop counting
# after WEAK_MAX_REPEATS positive occurrences.
REPEAT_DECAY = 0.8
WEAK_WEIGHT = 0.5
WEAK_DECAY = 0.5
WEAK_MAX_REPEATS = 3
_OPERATIVE_START = re.compile(
    r"\b(?:now,?\s+therefore|agree[sd]?\s+as\s+follows|hereby\s+agree\s+(?:as\s+follows|that)|"
    r"in\s+consideration\s+of\s+the\s+(?:mutual\s+)?(?:promises|covenants|premises))\b",
    re.I,
)

_NEG_CUE = re.compile(
    r"\b(?:no|not|never|neither|nor|without|none|cannot|nothing|n't|excluding|except\s+for|"
    r"in\s+no\s+event|free\s+from|rather\s+than|instead\s+of)\b|n't\b",
    re.I,
)
_NEG_INSIDE = re.compile(r"\b(?:not|no|never|without|nothing)\b|n't\b", re.I)
_SCOPE_BREAK = re.compile(
    r"[;:,()]|\b(?:but|however|provided|unless|except\s+that|whereas|and\s+(?:shall|will))\b", re.I
)
_NEG_AFTER = re.compile(
    r"^[\s,\"”']*(?:\w+\s+){0,4}?(?:shall|will|do|does|is|are|may)\s+not\s+(?:apply|be\s+(?:provided|applicable|"
    r"included|offered|required|subject|available|used))|^[\s,\"”']*(?:\w+\s+){0,3}?(?:are|is)\s+"
    r"(?:excluded|not\s+applicable|not\s+included|not\s+part|outside\s+the\s+scope)|"
    r"^[\s,\"”']*(?:\w+\s+){0,3}?(?:is|are)\s+not\s+(?:available|applicable|offered|provided|payable)\b|"
    r"^[\s,\"”']*(?:\w+\s+){0,2}?(?:do|does)\s+not\s+apply|^[\s,\"”']*(?:\w+\s+){0,3}?(?:will|shall)\s+not\s+be\s+(?:offered|provided)",
    re.I,
)
_DEFINITION = re.compile(
    r"^\s*(?:\(?[a-z0-9ivx]{1,5}[.)]\s*)*(?:the\s+term\s+)?[\"“”'‘’][^\"“”‘’]{1,80}[\"“”'’]\s*"
    r"(?:\([^)]{0,40}\)\s*)?(?:means|shall\s+mean|has\s+the\s+meaning|have\s+the\s+meanings?|"
    r"refers\s+to|is\s+defined|shall\s+have\s+the\s+meaning|includes|shall\s+include|is\s+as\s+defined)\b",
    re.I,
)
_BOILERPLATE_HEADING = re.compile(
    r"\b(?:notices?|governing\s+law|choice\s+of\s+law|jurisdiction|counterparts?|severab\w+|"
    r"entire\s+agreement|integration|waivers?|headings?|captions?|force\s+majeure|"
    r"miscellaneous|general\s+provisions|publicity|interpretation|table\s+of\s+contents|"
    r"construction|further\s+assurances|survival|relationship\s+of\s+(?:the\s+)?parties|"
    r"independent\s+contractors?)\b",
    re.I,
)
# Families that keep counting under a boilerplate heading (they live there by nature).
_BOILERPLATE_EXEMPT = {"control.vendor_directs", "control.client_directs", "risk.client_bears"}
_DEFINITION_HEADING = re.compile(r"\bdefinitions?\b|\bdefined\s+terms\b", re.I)


def _heading_chain(clauses: Sequence[Clause], index: int) -> str:
    parts = []
    i: int | None = index
    while i is not None:
        parts.append(clauses[i].heading)
        i = clauses[i].parent
    return " / ".join(p for p in parts if p)


# A sentence ends after . ! ? or ; (plus closing quotes/brackets) before whitespace, except
# after a lone initial, a common abbreviation, or a number ("3." in "Section 3. Term" does
# end a heading line, which is kept); a blank line also ends a sentence.
_SENT_END = re.compile(r"[.!?;][\"'”’)\]]*(?=\s)|\n[ \t]*\n")
_NO_END_BEFORE = re.compile(
    r"(?:\b[A-Z]|\b(?:inc|ltd|llc|corp|co|no|nos|vs|mr|ms|dr|st|sec|art|para|pp|fig|e\.g|i\.e|"
    r"etc|u\.s|approx|jr|sr))\Z",
    re.I,
)


def _is_end(text: str, m: re.Match) -> bool:
    if m.group(0)[0] != ".":
        return True
    head = text[max(0, m.start() - 8): m.start()]
    return not _NO_END_BEFORE.search(head) or head[-1:].isupper() and head[-2:-1].isalpha()


def _sentence_bounds_scan(text: str, start: int, end: int) -> tuple[int, int]:
    """Reference for :func:`_sentence_bounds`: scan the text around the match each time."""
    s = 0
    for m in _SENT_END.finditer(text, max(0, start - _SENT_LOOKBACK), start):
        if m.end() <= start and _is_end(text, m):
            s = m.end()
    e = len(text)
    for m in _SENT_END.finditer(text, max(end - 1, start)):
        if _is_end(text, m):
            e = m.end()
            break
    while s < start and text[s].isspace():
        s += 1
    return s, max(e, end)


_SENT_LOOKBACK = 2000
# The sentence ends of the last clause asked about: (text, starts, ends, punct, is_end).
# One scan of a clause serves every match in it (the detectors ask clause by clause).
_SENT_CACHE: list = [None, (), (), (), ()]


def _sentence_ends(text: str):
    c = _SENT_CACHE
    if c[0] is not text and c[0] != text:
        ms = list(_SENT_END.finditer(text))
        c[:] = [text, [m.start() for m in ms], [m.end() for m in ms],
                [m.group(0)[0] != "\n" for m in ms], [_is_end(text, m) for m in ms]]
    return c[1], c[2], c[3], c[4]


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of ``text`` around ``[start, end)`` (a sentence may hold the match).

    The same bounds as :func:`_sentence_bounds_scan`, from one scan of the whole text: a
    scan started at ``lo`` sees the same sentence ends as the whole-text scan unless ``lo``
    falls strictly inside one of them (then the reference scan runs), and stopping the scan
    at ``start`` only loses an end that reaches ``start`` (or, after . ! ? ;, whose
    following whitespace lies at or beyond ``start``).
    """
    import bisect

    starts, ends, punct, is_end = _sentence_ends(text)
    lo = max(0, start - _SENT_LOOKBACK)
    q = max(end - 1, start)
    i = bisect.bisect_right(starts, lo) - 1
    j = bisect.bisect_right(starts, q) - 1
    if (i >= 0 and starts[i] < lo < ends[i]) or (j >= 0 and starts[j] < q < ends[j]):
        return _sentence_bounds_scan(text, start, end)
    s = 0
    k = bisect.bisect_right(ends, start) - 1  # the last end at or before start
    while k >= 0 and starts[k] >= lo:
        if is_end[k] and (ends[k] < start or not punct[k]):
            s = ends[k]
            break
        k -= 1
    e = len(text)
    k = bisect.bisect_left(starts, q)
    while k < len(starts):
        if is_end[k]:
            e = ends[k]
            break
        k += 1
    while s < start and text[s].isspace():
        s += 1
    return s, max(e, end)


# Phrases with a negation word that do not negate what they qualify: bounds ("not less
# than 30 days", "shall not exceed"), and no-fault qualifiers of a right ("without cause",
# "without liability", "without assigning any reason", "with or without cause").
_NON_NEGATING = re.compile(
    r"\b(?:not|no)\s+(?:to\s+)?(?:exceed\w*|more\s+than|less\s+than|later\s+than|earlier\s+than|"
    r"fewer\s+than|greater\s+than|sooner\s+than)\b|"
    r"\b(?:with\s+or\s+)?without\s+(?:any\s+)?(?:cause|reason|liability|penalty|"
    r"(?:the\s+)?(?:payment\s+of\s+)?(?:any\s+)?(?:penalty|termination\s+(?:fee|charge)s?)|"
    r"(?:assigning|giving|stating|specifying)\s+(?:any\s+)?reasons?)\b|"
    r"\bwithout\s+(?:any\s+)?(?:prior\s+)?(?:notice|notification)\b|"
    r"\bfor\s+any\s+or\s+no\s+reason\b|\bfor\s+any\s+reason\s+or\s+(?:for\s+)?no\s+reason\b",
    re.I,
)


def _mask_non_negating(text: str, s_start: int, s_end: int) -> str:
    """``text`` with the non-negating phrases of the sentence ``[s_start, s_end)`` blanked."""
    sentence = text[s_start:s_end]
    if not _NON_NEGATING.search(sentence):
        return text
    blanked = _NON_NEGATING.sub(lambda m: "_" * len(m.group(0)), sentence)
    return text[:s_start] + blanked + text[s_end:]


def read_context(pattern, clause_text: str, m_start: int, m_end: int, s_start: int, s_end: int,
                 heading_chain: str, kind: str) -> str:
    """How one match reads in its sentence and clause (see module docstring)."""
    sentence = clause_text[s_start:s_end]
    if pattern.anti and any(re.search(a, sentence, re.I) for a in pattern.anti):
        return "lookalike"
    if not pattern.negation_ok:
        # quantities and no-fault qualifiers ("not less than", "without cause") hold a
        # negation word but do not negate the match: blank them before reading negation
        masked = _mask_non_negating(clause_text, s_start, s_end)
        inside = masked[m_start:m_end]
        if _NEG_INSIDE.search(inside):
            return "negated"
        prefix = masked[s_start:m_start]
        breaks = list(_SCOPE_BREAK.finditer(prefix))
        if breaks:
            prefix = prefix[breaks[-1].end():]
        words = prefix.split()
        if _NEG_CUE.search(" ".join(words[-8:])):
            return "negated"
        if _NEG_AFTER.search(clause_text[m_end:s_end][:120]):
            return "negated"
    own_heading = heading_chain.split(" / ")[0] if heading_chain else ""
    if _DEFINITION.search(sentence) or _DEFINITION_HEADING.search(own_heading):
        return "definition"
    if pattern.family not in _BOILERPLATE_EXEMPT and heading_chain and _BOILERPLATE_HEADING.search(
        heading_chain
    ):
        return "boilerplate"
    if kind in ("recital", "preamble"):
        return "recital"
    return "operative"


def _quote(text: str, start: int, end: int) -> str:
    q = " ".join(text[start:end].split())
    if len(q) > QUOTE_LIMIT:
        q = q[: QUOTE_LIMIT - 1].rstrip() + "…"
    return q


def recital_extent(clauses: Sequence[Clause], clause: Clause) -> int:
    """How many leading characters of ``clause`` read as recital (0 for body clauses).

    A preamble or recital is recital up to an operative opener ("NOW, THEREFORE", "agree as
    follows"); without one, all of it when numbered clauses follow and it is short
    (< ``RECITAL_MAX_CHARS``), else none of it: an unnumbered document is one big preamble
    whose body is operative.
    """
    if clause.kind not in ("preamble", "recital"):
        return 0
    m = _OPERATIVE_START.search(clause.text)
    if m:
        return m.end()
    numbered_after = any(c.kind not in ("preamble", "recital") for c in clauses[clause.index + 1:])
    if numbered_after and len(clause.text) < RECITAL_MAX_CHARS:
        return len(clause.text)
    return 0


def _clause_signals(doc: Document, clauses: Sequence[Clause], clause: Clause, matches) -> list[Signal]:
    text = clause.text
    chain = _heading_chain(clauses, clause.index)
    ref = clause_ref(clauses, clause.index) or clause.kind
    recital_end = recital_extent(clauses, clause)
    found: list[Signal] = []
    for pat, m_start, m_end in matches:
        s_start, s_end = _sentence_bounds(text, m_start, m_end)
        kind = clause.kind if m_start < recital_end else "clause"
        context = read_context(pat, text, m_start, m_end, s_start, s_end, chain, kind)
        weight = pat.weight * (RECITAL_FACTOR if context == "recital" else 1.0)
        quote = _quote(text, s_start, s_end)
        found.append(
            Signal(
                family=pat.family,
                pattern=pat.id,
                weight=round(weight, 3),
                clause=ref,
                clause_index=clause.index,
                page=doc.page_at(clause.start + m_start),
                start=clause.start + m_start,
                end=clause.start + m_end,
                text=quote,
                match=text[m_start:m_end],
                explanation=pat.explain,
                context=context,
                values=parse_values(pat.family, text[s_start:s_end]),
            )
        )
    return found


# ----------------------------------------------------------------------------- tables
_ROLE_H = re.compile(r"\b(?:role|position|title|labou?r\s+categor|category|resource|consultant|skill|"
                     r"level|personnel|staff|job|discipline|classification)", re.I)
_RATE_H = re.compile(r"\b(?:rate|price|fee|cost|charge|amount|\$)", re.I)
_UNIT_H = re.compile(r"\b(?:unit|per|basis|uom|frequency|billing)\b", re.I)
_SLA_H = re.compile(r"\b(?:service\s+levels?|sla|target|availability|uptime|response|resolution|"
                    r"severity|priority|metric|kpi|measure)", re.I)
_TIME_UNITS = {"hour", "day", "week"}
_PERSON_UNITS = {"fte", "resource", "consultant", "person", "head"}
_SERVICE_UNITS = {"device", "user", "seat", "endpoint", "server", "workstation", "desktop", "laptop",
                  "mailbox", "ticket", "incident", "transaction", "claim", "call", "contact",
                  "policy", "employee", "member", "site", "node", "account", "invoice", "check"}
_HOURLY_H = re.compile(r"\bhourly\b|\bper\s+hour\b|/\s*(?:hr|hour)\b|\bdaily\b|\bper\s+day\b", re.I)
_MONTHLY_H = re.compile(r"\bmonthly\b|\bper\s+month\b|/\s*mo(?:nth)?\b", re.I)
_UNIT_CELL = re.compile(
    r"\bper\s+(?P<u>hour|hr|day|week|month|year|device|user|seat|endpoint|server|workstation|"
    r"desktop|laptop|mailbox|ticket|incident|transaction|claim|call|contact|policy|employee|"
    r"member|site|node|account|invoice|check|fte|resource|consultant|person|unit|license|licence)",
    re.I)
_MONEY_CELL = re.compile(r"(?:US\$|USD|\$|EUR|€|GBP|£)\s?(?:\d|\[)|^\s*\d[\d,]*\.\d{2}\s*$|\[\s*\*+\s*\]")
_SLA_CELL = re.compile(r"\d{2}(?:\.\d+)?\s?%|\b\d+\s*(?:minutes?|mins?|hours?|hrs?|business\s+days?)\b|"
                       r"\b(?:severity|priority|p)\s?[1-4]\b", re.I)


def _locate(doc: Document, table: Table, row: Sequence[str]) -> tuple[int, int]:
    page = doc.pages[table.page - 1] if 0 < table.page <= len(doc.pages) else None
    lo = page.start if page else 0
    for cell in row:
        cell = cell.strip()
        if len(cell) >= 3:
            i = doc.text.find(cell, lo)
            if i >= 0:
                return i, i + len(cell)
    return lo, lo


def table_signals(doc: Document, clauses: Sequence[Clause]) -> list[Signal]:
    """Read rate cards, per-unit price tables and service-level tables."""
    out: list[Signal] = []
    starts = [c.start for c in clauses]
    import bisect

    for table in doc.tables:
        if len(table.rows) < 2:
            continue
        header = " ".join(table.rows[0])
        role_col = bool(_ROLE_H.search(header))
        unit_col = bool(_UNIT_H.search(header))
        sla_head = bool(_SLA_H.search(header))
        header_unit = "hour" if _HOURLY_H.search(header) else ("month" if _MONTHLY_H.search(header) else "")
        for row in table.rows[1:]:
            cells = [c for c in row if c.strip()]
            if not cells:
                continue
            joined = " | ".join(cells)
            family = pattern = explain = None
            values: dict = {}
            has_money = any(_MONEY_CELL.search(c) for c in cells)
            unit_m = _UNIT_CELL.search(joined)
            unit = unit_m.group("u").lower() if unit_m else header_unit
            unit = {"hr": "hour"}.get(unit, unit)
            if has_money and (unit in _TIME_UNITS or (unit in _PERSON_UNITS)) and (role_col or unit_col or header_unit):
                family, pattern = "pricing.time_and_materials", "pricing.time_and_materials.table_rate_card"
                explain = "a rate-card row: a role billed per hour/day or per person"
            elif has_money and unit == "month" and role_col and not any(
                _UNIT_CELL.search(c) and _UNIT_CELL.search(c).group("u").lower() in _SERVICE_UNITS for c in cells
            ):
                family, pattern = "pricing.time_and_materials", "pricing.time_and_materials.table_monthly_role"
                explain = "a rate-card row: a role billed per month"
            elif has_money and unit in _SERVICE_UNITS:
                family, pattern = "pricing.recurring_unit", "pricing.recurring_unit.table_unit_price"
                explain = "a price per device, user, ticket or transaction"
            elif sla_head and any(_SLA_CELL.search(c) for c in cells):
                family, pattern = "sla.targets", "sla.targets.table_service_level"
                explain = "a row of a service-level table"
            if family is None:
                continue
            if family.startswith("pricing"):
                money = parse_money(joined)
                role = cells[0] if not _MONEY_CELL.search(cells[0]) else ""
                values = {"role" if family.endswith("materials") else "item": role,
                          "money": money, "per": unit}
            else:
                values = parse_values("sla.targets", joined)
            start, end = _locate(doc, table, cells)
            ci = max(bisect.bisect_right(starts, start) - 1, 0)
            clause = clauses[ci] if clauses else None
            out.append(
                Signal(
                    family=family, pattern=pattern, weight=0.9,
                    clause=(clause_ref(clauses, ci) or clause.kind) if clause else "",
                    clause_index=ci, page=table.page, start=start, end=end,
                    text=_quote(joined, 0, len(joined)), match=joined[:120],
                    explanation=explain, context="operative", values=values, source="table",
                )
            )
    return out


def detect_signals(
    doc: Document, clauses: Sequence[Clause], *, include_suppressed: bool = False
) -> tuple[Signal, ...]:
    """Find every signal in a document, clause by clause, with its evidence.

    Parameters
    ----------
    doc : Document
    clauses : sequence of Clause
        From :func:`classifier.clauses.split_clauses`.
    include_suppressed : bool
        Also return matches read as negated, definition, boilerplate or look-alike.

    Returns
    -------
    tuple of Signal
        In document order. Overlapping matches of one family in one sentence are merged,
        keeping the strongest.
    """
    found: list[Signal] = []
    nlp = get_pipeline()
    for clause, sdoc in zip(clauses, nlp.pipe(warm_tokenizer(nlp, [c.text for c in clauses]), batch_size=64)):
        found.extend(_clause_signals(doc, clauses, clause, sdoc.user_data.get(MATCHES_KEY, ())))
    found.extend(table_signals(doc, clauses))
    found = _decay_repeats(_merge(_not_claims(found, clauses)))
    if not include_suppressed:
        found = [s for s in found if s.positive]
    return tuple(sorted(found, key=lambda s: (s.start, s.family)))


# Patterns that name an engagement model rather than implement one: in a title or recital
# they are the document's claim (see claims.py), not evidence of what its clauses do.
_MODEL_NAME_PATTERNS = frozenset({"scope.ongoing_function.managed_svc"})


def _not_claims(signals: list[Signal], clauses: Sequence[Clause]) -> list[Signal]:
    """Read matches in the title, and model names in recitals, as claims (not positive)."""
    from dataclasses import replace

    first_body = first_body_clause(clauses)
    # a title exists only above a body: an unstructured snippet is all body
    title_end = min(TITLE_MAX, first_body.start) if first_body else 0
    out = []
    for s in signals:
        if s.source == "text" and s.start < title_end and s.positive:
            s = replace(s, context="title", weight=0.0)
        elif s.pattern in _MODEL_NAME_PATTERNS and s.context == "recital":
            s = replace(s, context="claim", weight=0.0)
        out.append(s)
    return out


def _decay_repeats(signals: list[Signal]) -> list[Signal]:
    """Repeats of one pattern in a document count less and less (see ``REPEAT_DECAY``).

    The first occurrence keeps its weight; weak patterns stop counting (weight 0, still
    reported as evidence) after ``WEAK_MAX_REPEATS`` positive occurrences.
    """
    from dataclasses import replace

    seen: dict[str, int] = {}
    out = []
    for s in sorted(signals, key=lambda s: (s.start, s.family, s.pattern)):
        if not s.positive:
            out.append(s)
            continue
        n = seen.get(s.pattern, 0)
        seen[s.pattern] = n + 1
        if n:
            base = patterns_by_id().get(s.pattern)
            weak = base is not None and base.weight < WEAK_WEIGHT
            if weak and n >= WEAK_MAX_REPEATS:
                factor = 0.0
            else:
                factor = (WEAK_DECAY if weak else REPEAT_DECAY) ** n
            s = replace(s, weight=round(s.weight * factor, 3))
        out.append(s)
    return out


def _merge(signals: list[Signal]) -> list[Signal]:
    """One signal per family per quoted sentence: the positive, strongest match wins."""
    best: dict[tuple, Signal] = {}
    for s in signals:
        key = (s.family, s.clause_index, s.text)
        cur = best.get(key)
        if cur is None or (s.positive, s.weight) > (cur.positive, cur.weight):
            best[key] = s
    return list(best.values())
