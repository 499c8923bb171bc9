"""Value parsing: money with billing units, percentages, durations, redactions."""

from __future__ import annotations

import pytest

from classifier.values import is_redacted, parse_durations, parse_money, parse_percents, parse_values


@pytest.mark.parametrize(
    "text, amount, currency, per",
    [
        ("$150.00 per hour", 150.0, "USD", "hour"),
        ("EUR 9,800 per month", 9800.0, "EUR", "month"),
        ("£650 / day", 650.0, "GBP", "day"),
        ("USD 250,000", 250000.0, "USD", None),
        ("$2.5 million", 2_500_000.0, "USD", None),
        ("$4.75 per claim", 4.75, "USD", "claim"),
        ("$12 per device per month", 12.0, "USD", "device"),
        ("twelve thousand dollars ($12,000)", 12000.0, "USD", None),
    ],
)
def test_money(text, amount, currency, per):
    m = parse_money(text)[0]
    assert m["amount"] == amount and m["currency"] == currency and m.get("per") == per


@pytest.mark.parametrize("text", ["$[*] per hour", "$[***]", "USD [REDACTED]"])
def test_money_redacted(text):
    m = parse_money(text)[0]
    assert m.get("redacted") is True and "amount" not in m
    assert is_redacted(text)


@pytest.mark.parametrize(
    "text, expected",
    [("99.9% availability", [99.9]), ("uptime of 99.5 percent", [99.5]), ("10% credit and 5 per cent", [10.0, 5.0])],
)
def test_percents(text, expected):
    assert [p["percent"] for p in parse_percents(text)] == expected


def test_percent_redacted():
    assert parse_percents("[*]% of fees") == [{"redacted": True}]


@pytest.mark.parametrize(
    "text, value, unit, qual",
    [
        ("within 4 hours", 4, "hour", None),
        ("thirty (30) days' notice", 30, "day", None),
        ("three (3) years", 3, "year", None),
        ("15 minutes", 15, "minute", None),
        ("five (5) business days", 5, "day", "business"),
    ],
)
def test_durations(text, value, unit, qual):
    d = parse_durations(text)[0]
    assert d["value"] == value and d["unit"] == unit and d.get("qualifier") == qual


def test_parse_values_by_family():
    v = parse_values("sla.targets", "99.9% uptime; respond within 30 minutes")
    assert v["percent"][0]["percent"] == 99.9 and v["duration"][0]["value"] == 30
    assert "money" not in v
    v = parse_values("pricing.time_and_materials", "$95 per hour [***]")
    assert v["money"][0]["per"] == "hour" and v["redacted"] is True
    assert parse_values("scope.deliverables", "$5 per hour") == {}
