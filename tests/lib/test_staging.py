"""Mapping extracted grids onto budget lines: every bad cell is named, nothing half-accepted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtis.lib.staging import TableMapping, candidates_from, guess_mapping, year_of_header

GRID = [
    ["사업명", "계", "2018", "’19", "2020년"],
    ["도심제조 스마트앵커 조성", "8,100", "7,900", "200", "-"],
    ["서울 패션혁신허브 조성", "190", "190", "", "0"],
]
TITLES = {"1-1-1": "도심제조 스마트앵커 조성", "1-2-1": "서울 패션혁신허브 조성"}


def test_it_guesses_year_columns_and_rows_by_title() -> None:
    mapping = guess_mapping(0, GRID, TITLES)
    assert mapping.header_row == 0
    assert mapping.columns == {2: 2018, 3: 2019, 4: 2020}
    assert mapping.rows == {1: "1-1-1", 2: "1-2-1"}


def test_mapped_cells_become_lines_in_won_and_blanks_are_skipped() -> None:
    candidates, problems = candidates_from([GRID], [guess_mapping(0, GRID, TITLES)],
                                           set(TITLES))
    assert problems == []
    assert [(c.node, c.year, c.amount_won) for c in candidates] == [
        ("1-1-1", 2018, 7_900_000_000), ("1-1-1", 2019, 200_000_000),
        ("1-2-1", 2018, 190_000_000), ("1-2-1", 2020, 0)]


def test_every_bad_cell_is_named_with_table_row_column_and_reason() -> None:
    grid = [["사업명", "2018", "2019"], ["A", "12a", "-5"], ["B", "1.0000005", "99"]]
    mapping = TableMapping(table=0, rows={1: "1-1-1", 2: "9-9"}, columns={1: 2018, 2: 2019})
    candidates, problems = candidates_from([grid], [mapping], {"1-1-1"})
    assert candidates == []
    where = {(p.row, p.column) for p in problems}
    assert where == {(1, 1), (1, 2), (2, None)}
    assert any("9-9" in p.reason for p in problems)
    assert problems[0].where().startswith("표 1, 2행")


def test_fractions_of_a_won_are_refused() -> None:
    grid = [["x", "2018"], ["A", "0.0000001"]]
    _, problems = candidates_from([grid], [TableMapping(0, rows={1: "n"}, columns={1: 2018})],
                                  {"n"})
    assert len(problems) == 1 and "원" in problems[0].reason


def test_the_same_line_mapped_twice_is_refused() -> None:
    grid = [["x", "2018"], ["A", "1"], ["A again", "2"]]
    _, problems = candidates_from([grid], [TableMapping(0, rows={1: "n", 2: "n"},
                                                        columns={1: 2018})], {"n"})
    assert len(problems) == 1 and "같은" in problems[0].reason


def test_an_unknown_source_or_table_is_refused() -> None:
    _, problems = candidates_from([GRID], [TableMapping(0, source="bitcoin"),
                                           TableMapping(5)], set(TITLES))
    assert [p.table for p in problems] == [0, 5]


@settings(max_examples=80, deadline=None, database=None)
@given(st.text(max_size=12))
def test_any_header_text_reads_as_a_year_or_nothing(text: str) -> None:
    year = year_of_header(text)
    assert year is None or 1900 <= year <= 2199


@settings(max_examples=80, deadline=None, database=None)
@given(amounts=st.lists(st.integers(0, 10**9), min_size=1, max_size=6))
def test_any_printed_amounts_round_trip_to_won(amounts: list[int]) -> None:
    grid = [["사업", *[str(2018 + i) for i in range(len(amounts))]],
            ["A", *[f"{a:,}" for a in amounts]]]
    mapping = TableMapping(0, unit="백만원", rows={1: "n"},
                           columns={i + 1: 2018 + i for i in range(len(amounts))})
    candidates, problems = candidates_from([grid], [mapping], {"n"})
    assert problems == []
    assert [c.amount_won for c in candidates] == [a * 1_000_000 for a in amounts]


def test_a_mapping_survives_its_json_form() -> None:
    mapping = guess_mapping(0, GRID, TITLES)
    assert TableMapping.from_dict(mapping.to_dict()) == mapping


# --- rows matched by title, whatever numbering and spacing the table prints ---------------------

PLAN_TITLES = {"1": "도심제조 활력 도시", "1-1": "도심제조 스마트 앵커 조성",
               "1-1-1": "도심제조 스마트앵커 조성", "2-1-1": "글로벌협력동 신축",
               "3": "4차 산업혁명 대응", "3-1": "기반 조성", "4-1": "기반 조성"}


@pytest.mark.parametrize(("label", "code"), [
    ("① 글로벌협력동 신축", "2-1-1"),
    ("1. 글로벌협력동 신축(신규)", "2-1-1"),
    ("(2) 글로벌협력동신축", "2-1-1"),
    ("가. 글로벌 협력동 신축", "2-1-1"),
    ("□ 4차 산업혁명 대응", "3"),
    ("Ⅱ. 4차 산업혁명 대응", "3"),
    ("도심제조 스마트앵커 조성", "1-1-1"),  # spelt exactly: not its parent's spaced title
    ("4-1 기반 조성", "4-1"),  # two nodes share the title: the printed code tells them apart
])
def test_a_row_label_is_matched_to_a_node_title_through_numbering_and_spacing(
        label: str, code: str) -> None:
    grid = [["사업명", "2018", "2019"], [label, "1", "2"]]
    assert guess_mapping(0, grid, PLAN_TITLES).rows == {1: code}


@pytest.mark.parametrize("label", ["1", "2-1-1", "1-1", "기반 조성", "도심제조 앵커"])
def test_a_bare_number_an_ambiguous_or_unknown_title_is_left_for_the_planner(label: str
                                                                            ) -> None:
    grid = [["사업명", "2018", "2019"], [label, "1", "2"]]
    assert guess_mapping(0, grid, PLAN_TITLES).rows == {}


def test_a_tables_own_numbering_does_not_pick_the_node() -> None:
    # The table numbers its rows 1, 2; the plan's codes differ: the titles decide.
    grid = [["번호", "사업명", "2018", "2019"],
            ["1", "글로벌협력동 신축", "1", "2"],
            ["2", "도심제조 스마트앵커 조성", "3", "4"]]
    mapping = guess_mapping(0, grid, PLAN_TITLES)
    assert mapping.rows == {1: "2-1-1", 2: "1-1-1"}
    assert mapping.label_column == 1


def test_a_printed_hierarchy_maps_each_row_to_its_most_specific_title() -> None:
    # Merged area cells repeat down the rows; the rightmost title is the row's own.
    grid = [["분야", "사업명", "2018", "2019"],
            ["도심제조 활력 도시", "도심제조 스마트앵커 조성", "1", "2"],
            ["도심제조 활력 도시", "글로벌협력동 신축", "3", "4"]]
    assert guess_mapping(0, grid, PLAN_TITLES).rows == {1: "1-1-1", 2: "2-1-1"}


def test_each_node_is_proposed_for_its_first_row_only() -> None:
    grid = [["사업명", "2018", "2019"], ["글로벌협력동 신축", "1", "2"],
            ["글로벌협력동 신축", "3", "4"]]
    assert guess_mapping(0, grid, PLAN_TITLES).rows == {1: "2-1-1"}
