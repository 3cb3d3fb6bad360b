"""The order of ``ls --include/--exclude`` read from the command line (pure)."""

from __future__ import annotations

from b2kit import Filter
from b2kit.cli._listing import filters_in_order, name_filters


def test_filters_in_order_keeps_the_command_line_order():
    args = ["-r", "--include", "*.jpg", "--exclude=d/*", "--json", "--include", "x", "--", "--exclude", "y"]
    assert filters_in_order(args) == [Filter.include("*.jpg"), Filter.exclude("d/*"), Filter.include("x")]


def test_name_filters_trusts_click_when_the_scan_disagrees():
    ordered = [Filter.exclude("a"), Filter.include("b")]
    assert name_filters(ordered, ("b",), ("a",)) == ordered
    assert name_filters([], ("b",), ("a",)) == [Filter.include("b"), Filter.exclude("a")]
