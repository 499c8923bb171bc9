"""Parse the numbers that matter in contract text: money, rates, percentages, durations.

Redacted values (``[*]``, ``[***]``, ``[REDACTED]``) are recognised as redacted, never
guessed. Spelled-out numbers with a figure in parentheses ("thirty (30) days") use the
figure.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = r"\[\s*\*+\s*\]|\[\s*(?:redacted|omitted|confidential)[^\]]{0,30}\]|\*{3,}"
_RED = re.compile(REDACTED, re.I)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CUR = r"US\$|USD|\$|EUR|€|GBP|£|CAD|AUD"
_SCALE = r"(?:\s?(?:million|thousand|mm|m|k)\b)?"
_UNIT_WORDS = {
    "hour": "hour", "hr": "hour", "hours": "hour", "person-hour": "hour", "man-hour": "hour",
    "labor hour": "hour", "day": "day", "days": "day", "person-day": "day", "man-day": "day",
    "week": "week", "month": "month", "mo": "month", "months": "month", "quarter": "quarter",
    "year": "year", "annum": "year", "yr": "year",
}
_UNIT = (
    r"(?:per|/|an|a|each|every)\s*(?P<unit>person[- ]hour|man[- ]hour|labou?r[- ]hour|hour|hr|"
    r"person[- ]day|man[- ]day|day|week|month|mo|quarter|year|annum|yr|device|user|seat|"
    r"endpoint|server|workstation|desktop|laptop|mailbox|ticket|incident|transaction|claim|"
    r"call|contact|policy|employee|member|site|node|account|invoice|check|page|unit|"
    r"fte|resource|consultant|person|head|license|licence)\b"
)
MONEY = re.compile(
    rf"(?P<cur>{_CUR})\s?(?P<amt>{_NUM}|{REDACTED}){_SCALE}"
    rf"(?:\s*(?:\(\s*[^)]{{0,40}}\)\s*)?{_UNIT})?"
    rf"|(?P<amt2>{_NUM})\s?(?P<cur2>dollars|USD|EUR|GBP)\b(?:\s*{_UNIT.replace('unit>', 'unit2>')})?",
    re.I,
)
PERCENT = re.compile(rf"(?P<v>\d{{1,3}}(?:\.\d+)?|{REDACTED})\s?(?:%|percent\b|per cent\b)", re.I)
# (no leading number-word part such as "thirty" in "thirty (30) days": only the groups are
# read, and an optional word prefix made the regex try a word at every letter)
DURATION = re.compile(
    rf"\(?\s*(?P<v>\d{{1,4}}|{REDACTED})\s*\)?\s*"
    r"(?P<qual>business\s+|working\s+|calendar\s+|consecutive\s+)?"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b",
    re.I,
)


def _to_float(s: str) -> float:
    return float(s.replace(",", ""))


def is_redacted(text: str) -> bool:
    return bool(_RED.search(text))


def parse_money(text: str) -> list[dict[str, Any]]:
    """Money amounts with their currency and billing unit, e.g. ``$150.00 per hour``."""
    out = []
    for m in MONEY.finditer(text):
        amt = m.group("amt") or m.group("amt2")
        cur = (m.group("cur") or m.group("cur2") or "").upper()
        cur = {"$": "USD", "US$": "USD", "DOLLARS": "USD", "€": "EUR", "£": "GBP"}.get(cur, cur)
        unit = (m.group("unit") or m.group("unit2") or "").lower()
        unit = _UNIT_WORDS.get(unit.replace("  ", " "), unit.replace(" ", "-"))
        item: dict[str, Any] = {"currency": cur, "text": m.group(0).strip()}
        if _RED.fullmatch(amt.strip()):
            item["redacted"] = True
        else:
            value = _to_float(amt)
            scale = m.group(0).lower()
            if re.search(r"\d\s?(million|mm|m)\b", scale):
                value *= 1_000_000
            elif re.search(r"\d\s?(thousand|k)\b", scale):
                value *= 1_000
            item["amount"] = value
        if unit:
            item["per"] = unit
        out.append(item)
    return out


def parse_percents(text: str) -> list[dict[str, Any]]:
    out = []
    for m in PERCENT.finditer(text):
        v = m.group("v")
        out.append({"redacted": True} if _RED.fullmatch(v) else {"percent": float(v)})
    return out


# Every duration holds a figure or a redaction mark ([, *) and a unit word: without both,
# skip the full scan (the duration regex tries a word prefix at every letter).
_DUR_FIGURE = re.compile(r"\d|\[|\*")
_DUR_UNIT = re.compile(r"min|hour|hr|day|week|month|year", re.I)


def parse_durations(text: str) -> list[dict[str, Any]]:
    """Durations such as "within 4 hours", "thirty (30) days", "three (3) years"."""
    out: list[dict[str, Any]] = []
    if not _DUR_FIGURE.search(text) or not _DUR_UNIT.search(text):
        return out
    for m in DURATION.finditer(text):
        v = m.group("v")
        unit = m.group("unit").lower().rstrip("s")
        unit = {"min": "minute", "hr": "hour"}.get(unit, unit)
        item: dict[str, Any] = {"unit": unit}
        if m.group("qual"):
            item["qualifier"] = m.group("qual").strip().lower()
        if _RED.fullmatch(v):
            item["redacted"] = True
        else:
            item["value"] = int(v)
        out.append(item)
    return out


# which parsers matter for which family
_FAMILY_PARSERS = {
    "pricing": ("money", "percent"),
    "sla.targets": ("percent", "duration"),
    "sla.remedies": ("percent", "money"),
    "term": ("duration",),
    "personnel.replacement": ("duration",),
    "personnel.conversion": ("money", "percent", "duration"),
}


def parse_values(family: str, text: str) -> dict[str, Any]:
    """The parsed values of one evidence sentence that matter for ``family``."""
    kinds = _FAMILY_PARSERS.get(family) or _FAMILY_PARSERS.get(family.split(".")[0], ())
    values: dict[str, Any] = {}
    if "money" in kinds:
        money = parse_money(text)
        if money:
            values["money"] = money
    if "percent" in kinds:
        pct = parse_percents(text)
        if pct:
            values["percent"] = pct
    if "duration" in kinds:
        dur = parse_durations(text)
        if dur:
            values["duration"] = dur
    if is_redacted(text):
        values["redacted"] = True
    return values
