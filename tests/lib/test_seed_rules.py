"""Seed validator rules: Korean documents stay Korean, and printed money is always stored in won."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from rtis.ingest.seed import SEED_DIR
from rtis.lib.seed_language import english_fields
from rtis.lib.seed_schema import SeedError, SeedPlanFile, parse_seed_text, seed_to_plan_doc
from rtis.lib.yamlines import load_with_lines

ECON = SEED_DIR / "plans" / "econ-office-report-2022.yaml"

PLAN = """\
format: rtis-seed/1
document: 999_test.txt
{language}plan:
  slug: test-plan
  title: 시험 계획
  period: [2022, 2022]
  department: 경제정책과
  summary: {summary}
departments:
  - name: 경제정책과
nodes:
  - code: "1"
    title: 시험 과제
    level_name: 사업
    description: 시험 과제를 추진한다.
    note_en: Checked against page 3 of the print.
stated_tables:
  - key: a-table
    title: 시험 표
    unit: 백만원
    columns: ["계"]
    rows:
      - {{label: "계", values: [1]}}
    note: 원문 그대로
    note_en: Rows add up in every column.
stated_figures:
{figures}"""


def plan_text(*, summary: str = "시험 계획의 요약", language: str = "",
              figures: str = '  - {key: f, label: 인원, value: 3, unit: "명", printed: "3명"}\n'
              ) -> str:
    return PLAN.format(summary=summary, language=f"language: {language}\n" if language else "",
                       figures=figures)


def figure(value: Any, unit: str, printed: str) -> str:
    return (f'  - {{key: f, label: 금액, value: {value}, unit: "{unit}", '
            f'printed: "{printed}"}}\n')


def problems(text: str, name: str = "plans/test-plan.yaml") -> list[tuple[str, int | None, str, str]]:
    with pytest.raises(SeedError) as caught:
        parse_seed_text(text, name)
    return caught.value.problems


def plan_doc(text: str) -> dict[str, Any]:
    parsed = parse_seed_text(text, "plans/test-plan.yaml")
    assert isinstance(parsed, SeedPlanFile)
    return seed_to_plan_doc(parsed)


# --- Korean documents stay Korean --------------------------------------------------------------

def test_it_refuses_english_prose_naming_file_line_path_and_value() -> None:
    text = plan_text(summary="The office's work report to the council")
    [(file, line, path, message)] = problems(text)
    assert (file, line, path) == ("plans/test-plan.yaml", 8, "plan.summary")
    assert "English prose" in message and "영어" in message
    assert "The office's work report to the council" in message


def test_it_names_every_english_text_of_a_file_at_once() -> None:
    text = plan_text(summary="Funded by the city").replace(
        "description: 시험 과제를 추진한다.", "description: Public jobs for the vulnerable")
    paths = sorted(path for _file, _line, path, _message in problems(text))
    assert paths == ["nodes[0].description", "plan.summary"]


def test_it_refuses_an_english_footnote_in_a_table_and_a_figures_printed_words() -> None:
    text = plan_text(figures=figure(5, "개", "(table, 5 columns)")).replace(
        "note: 원문 그대로", "note: 2021 from 추진실적")
    assert {path for _f, _l, path, _m in problems(text)} == {"stated_tables[0].note",
                                                               "stated_figures[0].printed"}


def test_maintainers_notes_go_to_note_en_and_never_reach_the_data() -> None:
    doc = plan_doc(plan_text())
    assert "note_en" not in json.dumps(doc)
    assert "Rows add up" not in json.dumps(doc) and "page 3" not in json.dumps(doc)


def test_a_document_declared_english_may_be_english() -> None:
    doc = plan_doc(plan_text(summary="A report printed in English", language="en"))
    assert doc["plan"]["summary"] == "A report printed in English"


def test_it_refuses_an_unknown_language() -> None:
    [(_file, _line, path, _message)] = problems(plan_text(language="fr"))
    assert path == "language"


def test_council_follow_up_files_are_checked_too() -> None:
    text = """\
format: rtis-audit/1
document: 999_test.txt
session: {key: audit-test, title: 2021년 행정사무감사, year: 2021}
summary_table:
  key: summary
  title: 처리결과 총괄
  columns: [계]
  rows: [{label: 계, values: [1]}]
  note: Counts of items; unit column absent in print.
items:
  - number: 1
    category: corrective
    title: 계획 수립 필요
    departments: [경제정책과]
    status: 완료
    actions: 계획 수립 완료('21.12.)
    note_en: The printed answer repeats item 2.
"""
    [(file, line, path, message)] = problems(text, "oversight/audit-test.yaml")
    assert (file, line, path) == ("oversight/audit-test.yaml", 9, "summary_table.note")
    assert "Counts of items" in message


def test_reference_files_are_checked_too() -> None:
    text = """\
format: rtis-references/1
document: 999_test.txt
references:
  - key: a-study
    title: 서울 바이오 클러스터 연구
    summary: A study of the cluster and its firms.
"""
    [(_file, _line, path, _message)] = problems(text, "plans/references.yaml")
    assert path == "references[0].summary"


def test_the_2022_work_report_seed_is_korean() -> None:
    data, _lines = load_with_lines(ECON.read_text(encoding="utf-8"), str(ECON))
    assert list(english_fields(data)) == []
    assert isinstance(parse_seed_text(ECON.read_text(encoding="utf-8"), str(ECON)), SeedPlanFile)


# --- Money in stated figures is in won ---------------------------------------------------------

@pytest.mark.parametrize(("value", "unit", "printed", "won"), [
    (50, "억", "50억 투자유치(고려대 수호, 5월)", 5_000_000_000),
    (300, "만원", "업체별 300만원 지원", 3_000_000),
    (2, "천만원", "과제별 2천만원 이내", 20_000_000),
    (6000, "억원", "매출액 6천억 달성", 600_000_000_000),
    (6, "천억", "매출액 6천억 달성", 600_000_000_000),
    (1.5, "억원", "1.5억원", 150_000_000),
    (9160, "원", "(시간당 9,160원)", 9160),
])
def test_a_printed_amount_is_stored_in_won_with_its_printed_unit(value: Any, unit: str,
                                                                printed: str, won: int) -> None:
    [stored] = plan_doc(plan_text(figures=figure(value, unit, printed)))["stated_figures"]
    assert Decimal(str(stored["value"])) == won
    assert (stored["unit_as_printed"], stored["printed"]) == (unit, printed)


def test_it_refuses_printed_money_kept_as_a_bare_number() -> None:
    [(file, line, path, message)] = problems(plan_text(figures=figure(50, "개", "50억 투자유치")))
    assert (file, line, path) == ("plans/test-plan.yaml", 27, "stated_figures[0].unit")
    assert "50억" in message and "write unit: 억" in message


def test_it_refuses_a_money_unit_it_cannot_convert() -> None:
    [(_f, _l, path, message)] = problems(plan_text(figures=figure(50, "억원(추정)", "약 50억원")))
    assert path == "stated_figures[0].unit" and "unknown money unit" in message


def test_it_refuses_a_money_unit_that_disagrees_with_the_print() -> None:
    [(_f, _l, path, message)] = problems(plan_text(figures=figure(50, "만원", "총 50억 기관 투자 유치")))
    assert path == "stated_figures[0].unit" and "disagrees" in message


def test_it_refuses_a_fraction_of_a_won() -> None:
    [(_f, _l, path, _m)] = problems(plan_text(figures=figure(1.5, "원", "1.5원")))
    assert path == "stated_figures[0].value"


@pytest.mark.parametrize(("value", "unit", "printed"), [
    (1, "억뷰", "1억뷰, 500만$ 수주 달성"),  # views, not won
    (500, "만$", "500만$ 수주"),  # dollars: kept as printed, the document gives no rate
    (15.8, "명/10억원", "고용유발효과가 15.8명/10억원"),  # a ratio per money, not money
    (51, "팀", "연매출액 10억 또는 투자유치 3억 이상 기록한 성장유망기업 51팀 발굴"),
])
def test_other_units_keep_the_printed_number(value: Any, unit: str, printed: str) -> None:
    [stored] = plan_doc(plan_text(figures=figure(value, unit, printed)))["stated_figures"]
    assert Decimal(str(stored["value"])) == Decimal(str(value))


def test_the_2022_work_report_states_its_money_in_won() -> None:
    parsed = parse_seed_text(ECON.read_text(encoding="utf-8"), str(ECON))
    assert isinstance(parsed, SeedPlanFile)
    figures = {f["key"]: f for f in seed_to_plan_doc(parsed)["stated_figures"]}
    # IV-3-4 "50억 투자유치(고려대 수호, 5월)"; IV-3-5 "총 43억 기관 투자 유치", "총 50억 …"
    assert figures["campus-town-investment-case"]["value"] == 5_000_000_000
    assert figures["food-centre-case1-total"]["value"] == 4_300_000_000
    assert figures["food-centre-case2-total"]["value"] == 5_000_000_000
    # IV-1-3 "업체별 300만원 지원"; IV-2-4 "월 최대 236만원 지급"; IV-4-4 "과제별 2천만원 이내"
    assert figures["fashion-support-per-firm"]["value"] == 3_000_000
    assert figures["newdeal-monthly-max-2022"]["value"] == 2_360_000
    assert figures["gvalley-scaleup-cap-2022"]["value"] == 20_000_000
    assert figures["gvalley-scaleup-cap-2022"]["unit_as_printed"] == "천만원"
