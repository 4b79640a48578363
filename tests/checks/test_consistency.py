"""The consistency rules: printed parts must add up to printed totals, rounding aside.

Generated tables carry a *guard* column: each part row gets a distinct power of two (times 1000)
there, and a group row the sum of its members'. No run of rows can then add up to a row above it
by accident, so the nesting heuristic only ever sees the groups a test meant; accidental sums are
tested on their own below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from rtis.checks.run import run_checks
from rtis.lib.consistency import Finding, Table, check_table, is_part
from rtis.plans.models import Plan, StatedTable

PROPERTY = settings(deadline=None, database=None, max_examples=150)
PART_LABELS = ["시비", "국비", "구비", "민자", "기금", "출연금", "융자", "기타", "대학", "연구소",
               "기업", "공공기관", "바이오", "핀테크", "문화콘텐츠", "도시제조"]
RATE_COLUMNS = ["집행률", "증감률", "비중(%)", "전년 대비 증감", "구성비(%)", "달성율", "순위"]
RATE_ROWS = ["증감률", "비중(%)", "전년 대비", "집행률"]
TOTALS = ["계", "합계", "총계", "합 계"]
CELL = st.integers(min_value=0, max_value=10**6)


def number(units: int, decimals: int) -> int | float:
    """A printed cell: whole units, or tenths printed with one decimal."""
    return units if decimals == 0 else float(Decimal(units) / 10)


@dataclass
class Generated:
    table: Table
    total_row: int | None  # index of the 계 row in table.rows
    total_column: int | None  # index of the 계 column in table.columns
    part_rows: list[int]
    year_columns: list[int]  # the first one is the guard column


@st.composite
def consistent_tables(draw: st.DrawFn, total_row: bool | None = None,
                      total_column: bool | None = None, decimals: int | None = None,
                      with_none: bool = True) -> Generated:
    """A table whose 계 row and/or 계 column are exact sums of the parts (in printed units)."""
    if total_row is None and total_column is None:
        total_row, total_column = draw(st.sampled_from([(True, True), (True, False),
                                                        (False, True)]))
    total_row = draw(st.booleans()) if total_row is None else total_row
    total_column = draw(st.booleans()) if total_column is None else total_column
    places = draw(st.sampled_from([0, 1])) if decimals is None else decimals
    n_rows = draw(st.integers(2, 6))
    n_years = draw(st.integers(2, 4))
    labels = draw(st.lists(st.sampled_from(PART_LABELS), min_size=n_rows, max_size=n_rows,
                           unique=True))
    atoms = draw(st.permutations(range(n_rows)))
    maybe_none = st.one_of(st.none(), CELL) if with_none else CELL
    units: list[list[int | None]] = []
    for r in range(n_rows):
        row: list[int | None] = [1000 * 2 ** atoms[r]]
        row += [draw(maybe_none) for _ in range(n_years - 1)]
        units.append(row)
    years = [str(2018 + y) for y in range(n_years)]

    def total_of(cells: list[int | None]) -> int:
        return sum(c for c in cells if c is not None)

    columns = list(years)
    if total_column:
        for row in units:
            row.append(total_of(row))
        columns.append(draw(st.sampled_from(TOTALS)))
    rows = list(zip(labels, units, strict=True))
    if total_row:
        rows.append((draw(st.sampled_from(TOTALS)),
                     [total_of([row[c] for row in units]) for c in range(len(columns))]))
    # Put the totals where documents print them: first or last.
    column_order = list(range(len(columns)))
    if total_column and draw(st.booleans()):
        column_order = [column_order[-1], *column_order[:-1]]
    row_order = list(range(len(rows)))
    if total_row and draw(st.booleans()):
        row_order = [row_order[-1], *row_order[:-1]]
    printed_rows = [(rows[i][0], [None if rows[i][1][c] is None else number(rows[i][1][c], places)
                                  for c in column_order]) for i in row_order]
    table = Table(plan="p", key="t", title="연도별 투자계획", unit="백만원",
                  columns=[columns[c] for c in column_order], rows=printed_rows,
                  provenance={"page": 7})
    new_row = {old: new for new, old in enumerate(row_order)}
    new_column = {old: new for new, old in enumerate(column_order)}
    return Generated(
        table=table,
        total_row=new_row[len(rows) - 1] if total_row else None,
        total_column=new_column[len(columns) - 1] if total_column else None,
        part_rows=[new_row[r] for r in range(n_rows)],
        year_columns=[new_column[c] for c in range(n_years)],
    )


def figure_rows(finding: Finding) -> set[str]:
    return {f["provenance"]["row"] for f in finding.figures}


def figure_columns(finding: Finding) -> set[str]:
    return {f["provenance"]["column"] for f in finding.figures}


# --- consistent tables ----------------------------------------------------------------------


@PROPERTY
@given(consistent_tables())
def test_a_consistent_table_has_no_findings(generated: Generated) -> None:
    assert check_table(generated.table) == []


@PROPERTY
@given(consistent_tables(total_row=True), st.data())
def test_rate_columns_and_rows_are_not_parts_of_a_sum(
    generated: Generated, data: st.DataObject
) -> None:
    table = generated.table
    rate_column = data.draw(st.sampled_from(RATE_COLUMNS))
    at = data.draw(st.integers(0, len(table.columns)))
    table.columns.insert(at, rate_column)
    for _, values in table.rows:
        values.insert(at, data.draw(CELL))
    rate_row = data.draw(st.sampled_from(RATE_ROWS))
    table.rows.insert(data.draw(st.integers(0, len(table.rows))),
                      (rate_row, [data.draw(CELL) for _ in table.columns]))
    assert check_table(table) == []


@pytest.mark.parametrize("label", RATE_COLUMNS + RATE_ROWS + ["평균", "비고", "1인당 평균"])
def test_shares_rates_and_changes_are_not_parts(label: str) -> None:
    assert not is_part(label)


@pytest.mark.parametrize("label", ["2018", "시비", "계", "대학", "효율화 사업"])
def test_years_and_sources_are_parts(label: str) -> None:
    assert is_part(label)


@st.composite
def nested_tables(draw: st.DrawFn) -> Table:
    """A table whose rows are leaves or groups (a group row, then its 2–3 member rows), and a 계."""
    n_years = draw(st.integers(1, 3))
    shapes = draw(st.lists(st.sampled_from([0, 2, 3]), min_size=2, max_size=4))
    atom = iter(range(32))
    labels = iter(f"부문{i}" for i in range(100))
    rows: list[tuple[str, list[int]]] = []
    top: list[list[int]] = []
    for members in shapes:
        if members == 0:
            leaf = [1000 * 2 ** next(atom)] + [draw(CELL) for _ in range(n_years - 1)]
            rows.append((next(labels), leaf))
            top.append(leaf)
            continue
        parts = [[1000 * 2 ** next(atom)] + [draw(CELL) for _ in range(n_years - 1)]
                 for _ in range(members)]
        group = [sum(column) for column in zip(*parts, strict=True)]
        rows.append((next(labels), group))
        rows += [(next(labels), part) for part in parts]
        top.append(group)
    rows.append(("계", [sum(column) for column in zip(*top, strict=True)]))
    return Table(plan="p", key="t", title="기관별 연구개발비", unit="백만원",
                 columns=[str(2018 + y) for y in range(n_years)],
                 rows=[(label, list(values)) for label, values in rows], provenance={})


@PROPERTY
@given(nested_tables())
def test_group_rows_followed_by_their_members_cause_no_findings(table: Table) -> None:
    assert check_table(table) == []


def test_a_printed_group_with_its_members_adds_up() -> None:
    table = Table(plan="p", key="t", title="연구주체별 R&D", unit="억원", columns=["2018", "2019"],
                  rows=[("국공립", [30, 40]), ("대학", [10, 15]), ("연구소", [20, 25]),
                        ("민간", [70, 60]), ("계", [100, 100])], provenance={})
    assert check_table(table) == []


@pytest.mark.parametrize("unit", ["%", " % ", "(%)", "%p", "위", "순위", "배"])
def test_tables_of_shares_or_ranks_are_skipped(unit: str) -> None:
    table = Table(plan="p", key="t", title="분야별 비중", unit=unit, columns=["계", "2018", "2019"],
                  rows=[("바이오", [10, 1, 2]), ("핀테크", [20, 3, 4]), ("계", [99, 50, 50])],
                  provenance={})
    assert check_table(table) == []


@PROPERTY
@given(st.sampled_from(["%", "(%)", "%p", "% "]),
       st.lists(st.lists(st.one_of(st.none(), CELL), min_size=3, max_size=3), min_size=2,
                max_size=5))
def test_any_table_in_percent_is_skipped(unit: str, values: list[list[int | None]]) -> None:
    rows: list[tuple[str, list[Any]]] = [(PART_LABELS[i], list(v)) for i, v in enumerate(values)]
    rows.append(("계", [100, 100, 100]))
    table = Table(plan="p", key="t", title="연도별 구성", unit=unit, columns=["계", "2018", "2019"],
                  rows=rows, provenance={})
    assert check_table(table) == []


# --- perturbed tables -----------------------------------------------------------------------


@PROPERTY
@given(consistent_tables(), st.data())
def test_a_part_cell_off_by_more_than_rounding_is_an_error_naming_that_cell(
    generated: Generated, data: st.DataObject
) -> None:
    table = generated.table
    row = data.draw(st.sampled_from(generated.part_rows))
    column = data.draw(st.sampled_from(generated.year_columns[1:]))  # not the guard
    label, values = table.rows[row]
    # Tolerance is half a unit per term, the total counting as one; whole units, whatever decimals.
    terms = max(len(generated.part_rows), len(generated.year_columns)) + 1
    delta = data.draw(st.integers(min_value=terms // 2 + 1, max_value=10**6))
    delta *= data.draw(st.sampled_from([1, -1]))
    old = values[column] or 0
    values[column] = old + delta if isinstance(old, int) else float(Decimal(str(old)) + delta)
    header = table.columns[column]

    findings = check_table(table)

    assert findings, table
    assert all(f.severity == "error" for f in findings)
    by_rule = {f.rule: f for f in findings}
    assert len(by_rule) == len(findings)
    expected_rules = set()
    if generated.total_column is not None:
        expected_rules.add("total-column")
        across = by_rule["total-column"]
        assert figure_rows(across) == {label}
        assert across.figures[0]["provenance"]["column"] == table.columns[generated.total_column]
        assert across.suggestion
    if generated.total_row is not None:
        expected_rules.add("total-row")
        down = by_rule["total-row"]
        assert figure_columns(down) == {header}
        assert down.figures[0]["provenance"]["row"] == table.rows[generated.total_row][0]
        assert down.suggestion
    assert set(by_rule) == expected_rules
    for finding in findings:
        assert finding.computed - finding.stated in {Decimal(delta), Decimal(-delta)}
        perturbed = [f for f in finding.figures
                     if (f["provenance"]["row"], f["provenance"]["column"]) == (label, header)]
        assert [f["value"] for f in perturbed] == [values[column]]
        assert perturbed[0]["provenance"]["page"] == 7


def test_an_error_message_and_suggestion_read_in_korean_then_english() -> None:
    table = Table(plan="sample", key="t", title="연도별 투자계획", unit="백만원",
                  columns=["계", "2018", "2019"], rows=[("시비", [100, 30, 50])], provenance={})
    [finding] = check_table(table)
    assert (finding.severity, finding.rule, finding.plan) == ("error", "total-column", "sample")
    assert finding.message.index("합계 불일치") < finding.message.index("printed total 100")
    assert finding.suggestion == "계 = 80"
    assert (finding.stated, finding.computed) == (Decimal(100), Decimal(80))


# --- rounding -------------------------------------------------------------------------------

TENTHS = st.integers(min_value=0, max_value=10**5)


@PROPERTY
@given(st.lists(TENTHS, min_size=3, max_size=3), st.sampled_from([-1, 1]))
def test_a_total_off_by_a_tenth_over_three_one_decimal_terms_is_rounding(
    tenths: list[int], sign: int
) -> None:
    stated = sum(tenths) + sign
    row = [number(stated, 1), *(number(t, 1) for t in tenths)]
    table = Table(plan="p", key="t", title="연도별 투자", unit="억원",
                  columns=["계", "2018", "2019", "2020"], rows=[("시비", row)], provenance={})
    [finding] = check_table(table)
    assert finding.severity == "info"
    assert finding.suggestion == ""
    assert abs(finding.stated - finding.computed) == Decimal("0.1")


@PROPERTY
@given(st.lists(CELL, min_size=2, max_size=5), st.sampled_from([-1, 1]))
def test_a_whole_number_total_off_by_one_is_rounding(parts: list[int], sign: int) -> None:
    table = Table(plan="p", key="t", title="연도별 투자", unit="백만원",
                  columns=["계", *(str(2018 + i) for i in range(len(parts)))],
                  rows=[("시비", [sum(parts) + sign, *parts])], provenance={})
    [finding] = check_table(table)
    assert finding.severity == "info"


@PROPERTY
@given(st.lists(TENTHS, min_size=3, max_size=3), st.integers(3, 9), st.sampled_from([-1, 1]))
def test_a_one_decimal_total_off_by_more_than_its_rounding_is_an_error(
    tenths: list[int], off: int, sign: int
) -> None:
    # Four printed terms with one decimal: rounding explains at most 4 × 0.05 = 0.2.
    row = [number(sum(tenths) + sign * off, 1), *(number(t, 1) for t in tenths)]
    table = Table(plan="p", key="t", title="연도별 투자", unit="억원",
                  columns=["계", "2018", "2019", "2020"], rows=[("시비", row)], provenance={})
    [finding] = check_table(table)
    assert finding.severity == "error"
    assert finding.suggestion.startswith("계 = ")


def test_values_printed_with_a_trailing_zero_keep_their_decimal_place() -> None:
    table = Table(plan="p", key="t", title="연도별 투자", unit="억원",
                  columns=["계", "2018", "2019", "2020"], rows=[("시비", [4.0, 1.0, 1.0, 1.0])],
                  provenance={})
    [finding] = check_table(table)
    assert finding.severity == "error"


# --- known false alarms ---------------------------------------------------------------------


def test_a_row_that_happens_to_equal_the_next_rows_is_not_taken_for_a_group() -> None:
    table = Table(plan="p", key="t", title="사업별 예산", unit="백만원", columns=["2018"],
                  rows=[("바이오", [10]), ("핀테크", [4]), ("문화", [6]), ("제조", [20]),
                        ("계", [40])], provenance={})
    assert check_table(table) == []


def test_a_part_whose_name_ends_in_a_rate_syllable_still_counts() -> None:
    table = Table(plan="p", key="t", title="분야별 예산", unit="백만원", columns=["2018", "2019"],
                  rows=[("법률 지원", [10, 1]), ("의료", [4, 2]), ("교육", [6, 3]),
                        ("계", [20, 6])], provenance={})
    assert check_table(table) == []


def test_a_share_column_named_only_by_its_korean_word_is_not_a_part() -> None:
    table = Table(plan="p", key="t", title="재원별 투자", unit="백만원",
                  columns=["계", "2018", "2019", "구성비"],
                  rows=[("시비", [300, 100, 200, 75.0]), ("국비", [100, 50, 50, 25.0]),
                        ("계", [400, 150, 250, 100.0])], provenance={})
    assert check_table(table) == []


# --- against the database -------------------------------------------------------------------


def stated_by_year(plan: Plan) -> Any:
    return StatedTable.objects.filter(plan=plan, key="by-year")


def test_the_sample_plan_is_consistent(plan: Plan) -> None:
    assert [f for f in run_checks("sample-plan") if f.severity == "error"] == []
    assert run_checks("sample-plan") == []


def test_editing_a_part_of_a_stated_table_yields_one_error_per_sum_naming_that_figure(
    plan: Plan,
) -> None:
    rows = stated_by_year(plan).get().rows
    rows[1]["values"][2] = 10500  # 시비 · 2019, printed 10000
    stated_by_year(plan).update(rows=rows)

    errors = [f for f in run_checks("sample-plan") if f.severity == "error"]

    # A part cell sits in a row (계 column) and a column (계 row): each sum breaks once.
    assert sorted(f.rule for f in errors) == ["total-column", "total-row"]
    for finding in errors:
        edited = [f for f in finding.figures if f["label"] == "연도별 투자계획 · 시비 · 2019"]
        assert [f["value"] for f in edited] == [10500]
        assert finding.plan == "sample-plan"
    by_rule = {f.rule: f for f in errors}
    assert (by_rule["total-column"].stated, by_rule["total-column"].computed) == (19400, 19900)
    assert (by_rule["total-row"].stated, by_rule["total-row"].computed) == (12250, 12750)


def test_editing_a_stated_total_without_a_total_row_yields_exactly_one_error(plan: Plan) -> None:
    rows = [row for row in stated_by_year(plan).get().rows if row["label"] != "계"]
    rows[0]["values"][0] = 19900  # 시비 · 계, parts still add up to 19400
    stated_by_year(plan).update(rows=rows)

    [finding] = [f for f in run_checks("sample-plan") if f.severity == "error"]

    assert finding.rule == "total-column"
    assert finding.figures[0]["label"] == "연도별 투자계획 · 시비 · 계"
    assert finding.figures[0]["value"] == 19900
    assert finding.figures[0]["provenance"]["unit"] == "백만원"
    assert finding.suggestion == "계 = 19400"


def test_run_checks_of_an_unknown_plan_finds_nothing(plan: Plan) -> None:
    assert run_checks("no-such-plan") == []


# --- the check_data command -----------------------------------------------------------------

FINDING_KEYS = {"severity", "rule", "message", "plan", "figures", "stated", "computed",
                "suggestion"}


def check_data_json(**options: Any) -> dict[str, Any]:
    out = StringIO()
    call_command("check_data", format="json", stdout=out, **options)
    return json.loads(out.getvalue())


def test_check_data_prints_no_findings_for_a_consistent_plan(plan: Plan) -> None:
    assert check_data_json() == {"findings": []}


def test_check_data_prints_every_finding_as_json_and_exits_normally(plan: Plan) -> None:
    rows = stated_by_year(plan).get().rows
    rows[1]["values"][2] = 10500
    stated_by_year(plan).update(rows=rows)

    report = check_data_json(plan="sample-plan")

    assert set(report) == {"findings"}
    assert len(report["findings"]) == 2
    for finding in report["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] in {"error", "warning", "info"}
        assert finding["plan"] == "sample-plan"
        assert isinstance(finding["stated"], int) and isinstance(finding["computed"], int)
        assert finding["figures"]
        for figure in finding["figures"]:
            assert set(figure) == {"label", "value", "provenance"}


def test_check_data_text_output_counts_findings_in_both_languages(plan: Plan) -> None:
    rows = stated_by_year(plan).get().rows
    rows[1]["values"][2] = 10500
    stated_by_year(plan).update(rows=rows)
    out = StringIO()
    call_command("check_data", stdout=out)
    assert "오류 2 · 경고 0 · 참고 0 / 2 errors, 0 warnings, 0 info" in out.getvalue()
    assert "제안 / suggestion: 계 = 19900" in out.getvalue()
