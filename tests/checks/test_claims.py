"""Property tests of the claim rules: consistent tables pass, a perturbed cell is named, rounding is info."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rtis.lib.claims import (
    TABLE_CLAIM_MODELS,
    check_execution,
    check_share,
    check_sum,
    check_table_claims,
    validate_claims,
)
from rtis.lib.consistency import Table

SETTINGS = settings(max_examples=60, deadline=None, database=None)
amounts = st.integers(min_value=0, max_value=10**7)


class Lines:
    """An in-memory DataSource over (year, source, won) lines printed in 백만원."""

    def __init__(self, lines: list[tuple[int, str, int]]) -> None:
        self.lines = lines

    def budget(self, filters: dict[str, Any]) -> tuple[int, int]:
        won = sum(w for y, s, w in self.lines
                  if filters.get("year", y) == y and filters.get("source", s) == s)
        return won, 1_000_000

    def node_count(self, filters: dict[str, Any]) -> int:
        return 0

    def indicator_target(self, filters: dict[str, Any]) -> Decimal | None:
        return None

    def area_code(self, label: str) -> str | None:
        return None

    def table(self, key: str) -> Table | None:
        return None

    def audit_items(self, filters: dict[str, Any]) -> int:
        return 0


def table_of(columns: list[str], rows: list[tuple[str, list[Any]]], unit: str = "백만원") -> Table:
    return Table(plan="p", key="t", title="표", unit=unit, columns=columns, rows=rows,
                 provenance={})


@SETTINGS
@given(parts=st.lists(amounts, min_size=2, max_size=6), which=st.integers(0, 5),
       delta=st.integers(min_value=2, max_value=1000))
def test_a_declared_total_row_fails_exactly_where_a_part_was_changed(
    parts: list[int], which: int, delta: int
) -> None:
    labels = [f"부문{i}" for i in range(len(parts))]
    rows = [("총점", [sum(parts)]), *[(label, [p]) for label, p in zip(labels, parts, strict=True)]]
    claim = {"kind": "sum", "row": "총점"}
    counted = table_of(["2016"], rows, unit="개")  # counts add up exactly
    assert check_sum(counted, claim, Lines([])) == []
    i = which % len(parts)
    rows[i + 1] = (labels[i], [parts[i] + delta])
    findings = check_sum(table_of(["2016"], rows, unit="개"), claim, Lines([]))
    assert [f.severity for f in findings] == ["error"]
    assert findings[0].stated == sum(parts) and findings[0].computed == sum(parts) + delta
    assert any(fig["provenance"]["row"] == labels[i] for fig in findings[0].figures)


@SETTINGS
@given(parts=st.lists(st.integers(0, 10**5), min_size=2, max_size=5))
def test_a_total_within_half_a_printed_unit_per_term_is_rounding(parts: list[int]) -> None:
    # Parts printed with one decimal; the total is off by one last digit: rounding, not error.
    printed = [Decimal(p) / 10 for p in parts]
    total = sum(printed, Decimal(0)) + Decimal("0.1")
    rows = [("계", [total]), *[(f"r{i}", [v]) for i, v in enumerate(printed)]]
    findings = check_sum(table_of(["2018"], rows), {"kind": "sum", "row": "계"}, Lines([]))
    assert [f.severity for f in findings] == ["info"]


@SETTINGS
@given(part=st.integers(10**4, 10**7), extra=st.integers(10**4, 10**7))
def test_a_share_printed_from_its_part_and_whole_passes_and_a_wrong_one_fails(
    part: int, extra: int
) -> None:
    whole = part + extra
    share = (Decimal(part) / whole * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    amounts_table = table_of(["2015"], [("서울", [part]), ("전국", [whole])])

    class Source(Lines):
        def table(self, key: str) -> Table | None:
            return amounts_table

    claim = {"kind": "share", "source": "amounts", "whole": "전국", "rows": {"비중": "서울"}}
    good = table_of(["2015"], [("비중", [share])], unit="%")
    assert check_share(good, claim, Source([])) == []
    wrong = table_of(["2015"], [("비중", [share + 5])], unit="%")
    findings = check_share(wrong, claim, Source([]))
    assert [f.severity for f in findings] == ["error"] and findings[0].computed == share


@SETTINGS
@given(budget=st.integers(1, 10**6), committed_share=st.integers(0, 100),
       spent_share=st.integers(0, 100))
def test_execution_rows_that_keep_the_order_and_rates_pass(
    budget: int, committed_share: int, spent_share: int
) -> None:
    committed = budget * committed_share // 100
    spent = committed * spent_share // 100
    rate = lambda x: (Decimal(x) / budget * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)  # noqa: E731
    columns = ["예산현액", "원인행위액", "지출액", "원인행위율", "지출률"]
    claim = {"kind": "execution", "columns": {
        "budget": "예산현액", "committed": "원인행위액", "spent": "지출액",
        "committed_rate": "원인행위율", "spent_rate": "지출률"}}
    row = ("과", [budget, committed, spent, rate(committed), rate(spent)])
    assert check_execution(table_of(columns, [row]), claim, Lines([])) == []
    swapped = ("과", [budget, spent, committed + 1, rate(spent), rate(committed + 1)])
    findings = check_execution(table_of(columns, [swapped]), claim, Lines([]))
    assert "execution-order" in {f.rule for f in findings}


@SETTINGS
@given(lines=st.lists(st.tuples(st.sampled_from([2018, 2019, 2020]),
                                st.sampled_from(["city", "national"]),
                                st.integers(0, 10**6).map(lambda m: m * 1_000_000)),
                      min_size=1, max_size=12))
def test_a_summary_in_millions_restating_the_lines_passes_and_a_changed_cell_is_named(
    lines: list[tuple[int, str, int]],
) -> None:
    data = Lines(lines)
    years = [2018, 2019, 2020]

    def won(year: int | None, source: str | None) -> int:
        return data.budget({k: v for k, v in (("year", year), ("source", source)) if v})[0]

    columns = ["계", *[str(y) for y in years]]
    rows = [("계", [won(None, None) // 10**6, *[won(y, None) // 10**6 for y in years]]),
            ("시비", [won(None, "city") // 10**6, *[won(y, "city") // 10**6 for y in years]]),
            ("국비", [won(None, "national") // 10**6,
                     *[won(y, "national") // 10**6 for y in years]])]
    claim = {"kind": "data", "measure": "budget", "rows": "source", "columns": "year"}
    assert check_table_claims(table_of(columns, rows), [claim], data) == []
    rows[1][1][2] += 7  # 시비 × 2019 misprinted
    findings = check_table_claims(table_of(columns, rows), [claim], data)
    assert [(f.severity, f.figures[0]["provenance"]["row"], f.figures[0]["provenance"]["column"])
            for f in findings] == [("error", "시비", "2019")]


def test_an_invalid_claim_is_refused_with_its_index() -> None:
    problems = validate_claims([{"kind": "sum"}, {"kind": "magic"}], TABLE_CLAIM_MODELS)
    assert problems[0].startswith("claims[0]") and "row/column" in problems[0]
    assert problems[1].startswith("claims[1].kind")
