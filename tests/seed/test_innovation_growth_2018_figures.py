"""Seed innovation-growth-2018 (source 000_0aceb20338ea57e3.txt): figures and checker.

"서울 미래 혁신성장 프로젝트 추진계획" (경제정책과-2332, 2018.2.24.). The spot checks compare the loaded
data with the printed document; each assertion quotes where the figure is printed (the source text
has no page breaks, so places are given by section, Ⅰ–Ⅶ, and by the table's caption). The checker
tests pin what `rtis check --plan innovation-growth-2018` reports (2 errors, 18 info, see
docs/seed-findings/innovation-growth-2018.md) and show that the claims catch a broken figure.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from rtis.plans.models import (
    Indicator,
    IndicatorTarget,
    Node,
    Plan,
)
from tests.seed.helpers import SeedData, labels, seed_fixture
from tests.seed.seed_texts import english_in_seed_file, unconverted_money

SLUG = "innovation-growth-2018"
MILLION = 1_000_000  # (단위: 백만원)
EOK = 100 * MILLION  # (단위 : 억원)

DATA = SeedData(SLUG)
seeded = seed_fixture(SLUG)
_node, _table, _cell, _figure = DATA.node, DATA.table, DATA.cell, DATA.figure
_labels = labels
_departments, _lines, _line = DATA.departments, DATA.lines, DATA.line
_set_cell, _findings = DATA.set_cell, DATA.findings


def _sum(**filters: Any) -> int:
    return sum(_lines(**filters).values_list("amount_won", flat=True))


def _target(node: str, name: str, year: int) -> Decimal | None:
    found = IndicatorTarget.objects.filter(indicator__node__plan__slug=SLUG,
                                           indicator__node__code=node, indicator__name=name,
                                           year=year).first()
    return found.value if found else None


def _by_first_label(findings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {_labels(f)[0]: f for f in findings}


# --- (a) spot checks against the document -------------------------------------------------------

def test_plan_metadata(seeded: None) -> None:
    plan = Plan.objects.get(slug=SLUG)
    # title page: "서울 미래 혁신성장 프로젝트 추진계획"
    assert plan.title == "서울 미래 혁신성장 프로젝트 추진계획"
    # "문서번호 경제정책과-2332 결재일자 2018.2.24."
    assert plan.document_number == "경제정책과-2332"
    assert plan.approved_on == datetime.date(2018, 2, 24)
    # Ⅵ "재정 투자계획 총 3조 4천 4백억원 투자('18년~'22년)"; budget tables 2018년 … 2022년
    assert (plan.period_start, plan.period_end) == (2018, 2022)
    # "2018. 2 경제진흥본부 (경제정책과)"
    assert plan.department is not None and plan.department.name == "경제정책과"
    assert plan.source_document == "000_0aceb20338ea57e3.txt"


def test_tree_shape(seeded: None) -> None:
    nodes = Node.objects.filter(plan__slug=SLUG)
    # Ⅴ "< 6대 프로젝트 23개 전략과제(신규 19, 확대 4) >"
    assert nodes.filter(depth=1).count() == 6
    assert nodes.filter(depth=2).count() == 23
    assert nodes.filter(depth=2, kind="신규").count() == 19
    assert nodes.filter(depth=2, kind="확대").count() == 4
    # one 단위사업 per budget-table row group (34 rows under the six "연차별 소요예산" tables)
    assert nodes.filter(depth=3).count() == 34
    # Ⅳ 6대 프로젝트: "도심제조 활력 도시 바이오 의료 벤처도시 글로벌 R&D 허브도시 …"
    assert [n.title for n in nodes.filter(depth=1).order_by("position")] == [
        "도심제조 활력 도시", "바이오 의료 벤처도시", "글로벌 R&D 허브도시", "문화콘텐츠 융성도시",
        "혁신창업 친화도시", "테스트베드 도시"]
    assert _node("1").level_name == "프로젝트"
    assert _node("1-1").level_name == "전략과제"
    assert _node("1-1-1").level_name == "단위사업"


def test_strategic_tasks(seeded: None) -> None:
    # Ⅴ table: "1-1 도심제조 스마트 앵커 조성 신규 경제정책과"
    assert (_node("1-1").title, _node("1-1").kind) == ("도심제조 스마트 앵커 조성", "신규")
    assert _departments("1-1", "owner") == ["경제정책과"]
    # "1-2 서울 패션혁신허브 조성 신규 문화융합경제과"
    assert _node("1-2").title == "서울 패션혁신허브 조성"
    assert _departments("1-2", "owner") == ["문화융합경제과"]
    # "2-1 홍릉 서울바이오허브 조성 확대 신성장산업과"
    assert (_node("2-1").title, _node("2-1").kind) == ("홍릉 서울바이오허브 조성", "확대")
    # "2-4 창동?상계 글로벌 바이오?ICT 첨단산업단지 조성 신규 신성장산업과 동북권사업반"
    assert _node("2-4").title == "창동·상계 글로벌 바이오·ICT 첨단산업단지 조성"
    assert _departments("2-4", "owner") == ["신성장산업과", "동북권사업반"]
    # "3-2 양재 R&D 혁신허브 활성화로 글로벌 인재육성 확대 경제정책과"
    assert (_node("3-2").title, _node("3-2").kind) == ("양재 R&D 혁신허브 활성화로 글로벌 인재육성",
                                                       "확대")
    # "3-3 마곡 산업단지 강소기업 지원시설 확충 신규 서남권사업과"
    assert _departments("3-3", "owner") == ["서남권사업과"]
    # "3-5 4차산업혁명 선도 인재 양성 확대 경제정책과 (서울산업진흥원)"
    assert _node("3-5").kind == "확대"
    assert _departments("3-5", "owner") == ["경제정책과"]
    assert _departments("3-5", "cooperating") == ["서울산업진흥원"]
    # "4-3 DMC 디지털콘텐츠 기술 융합거점 조성 신규 신성장산업과"
    assert _node("4-3").title == "DMC 디지털콘텐츠 기술 융합거점 조성"
    # "5-2 캠퍼스타운 조성 확대 캠퍼스타운조성단"
    assert (_node("5-2").kind, _departments("5-2", "owner")) == ("확대", ["캠퍼스타운조성단"])
    # "5-3 혁신펀드(4차 산업혁명?창업?재기) 조성 신규 경제정책과 디지털창업과 (서울산업진흥원)"
    assert _node("5-3").title == "혁신펀드(4차 산업혁명·창업·재기) 조성"
    assert _departments("5-3", "owner") == ["경제정책과", "디지털창업과"]
    assert _departments("5-3", "cooperating") == ["서울산업진흥원"]
    # "6-3 자율주행 테스트베드 조성 신규 교통정보과", "6-4 … 신규 해외도시협력담당관"
    assert _departments("6-3", "owner") == ["교통정보과"]
    assert _node("6-4").title == "서울 솔루션으로 혁신기업 세계 진출"
    assert _departments("6-4", "owner") == ["해외도시협력담당관"]
    # the four 확대 tasks: 2-1, 3-2, 3-5, 5-2
    assert set(Node.objects.filter(plan__slug=SLUG, depth=2, kind="확대")
               .values_list("code", flat=True)) == {"2-1", "3-2", "3-5", "5-2"}


def test_unit_projects(seeded: None) -> None:
    # Ⅴ-③ 연차별 소요예산: "지식산업센터(1개소) 및 도전숙 복합건립 SH공사 224,135 …"
    assert _node("3-3-2").title == "지식산업센터(1개소) 및 도전숙 복합건립"
    assert _node("3-3-2").parent == _node("3-3")
    # Ⅴ-④: "VR/AR센터 설립 시비 60 60 추후확정 …"
    assert _node("4-3-2").title == "VR/AR센터 설립"
    # Ⅴ-⑥: "신기술 공공테스트베드 시비 100,000 …" under task 6-2 신기술 공공구매 및 판로지원
    assert _node("6-2-1").title == "신기술 공공테스트베드"
    assert _node("6-2-1").parent == _node("6-2")
    # Ⅴ-⑤: "혁신성장 펀드 조성 합계 … 4차산업혁명 펀드 계 … 창업펀드 계 … 재기펀드 계"
    assert [n.title for n in _node("5-3").children.order_by("position")] == [
        "4차산업혁명 펀드", "창업펀드", "재기펀드"]
    # 2-4 창동·상계 has no row in the Ⅴ-② budget table
    assert not _node("2-4").children.exists()
    assert not _lines(node__code__startswith="2-4").exists()


def test_budget_lines_project_1(seeded: None) -> None:
    # Ⅴ-① "시 비 99,100 7,900 14,400 24,000 24,000 28,800" (도심제조 스마트앵커 조성)
    assert _line("1-1-1", 2018, "city") == 7_900 * MILLION
    assert _line("1-1-1", 2022, "city") == 28_800 * MILLION
    # "SH공사 100 100 - - - -"
    assert _line("1-1-1", 2018, "sh") == 100 * MILLION
    assert not _lines(node__code="1-1-1", source_id="sh", year__gt=2018).exists()
    # "국 비 91,200 - 14,400 24,000 24,000 28,800"; "민 자 121,600 - 19,200 32,000 32,000 38,400"
    assert _line("1-1-1", 2019, "national") == 14_400 * MILLION
    assert _line("1-1-1", 2022, "private") == 38_400 * MILLION
    # 서울 패션혁신허브 조성 "국비 33,560 - - 1,770 14,500 17,290"
    assert _line("1-2-1", 2020, "national") == 1_770 * MILLION
    assert _line("1-2-1", 2021, "city") == 15_700 * MILLION  # "시비 38,570 190 420 1,970 15,700 …"
    # "메이드인 서울 브랜드 구축 및 소공인 협업화 사업 … 시비 4,720 720 1,000 1,000 1,000 1,000"
    assert _line("1-3-1", 2018, "city") == 720 * MILLION
    # "도심제조 스마트앵커 조성 소계 312,000": the four lines add up to it
    assert _sum(node__code="1-1-1") == 312_000 * MILLION


def test_budget_lines_project_2(seeded: None) -> None:
    # Ⅴ-② "신관 리모델링 및 별관신축 시 비 39,977 19,977 5,000 5,000 5,000 5,000"
    assert _line("2-1-1", 2018, "city") == 19_977 * MILLION
    # "글로벌협력동 신축 시 비 79,241 1,689 200 25,784 25,784 25,784 (~23)"
    assert _line("2-1-2", 2019, "city") == 200 * MILLION
    assert _line("2-1-2", 2022, "city") == 25_784 * MILLION
    # "(~23)" is kept as the line's note: the 2022 column runs to 2023
    assert set(_lines(node__code="2-1-2").values_list("note", flat=True)) == {"(~23)"}
    assert set(_lines(node__code="2-1-3").values_list("note", flat=True)) == {"(~23)"}
    assert set(_lines(node__code="2-2-2").values_list("note", flat=True)) == {"(~23)"}
    # "공용연구장비실 구축 시비 30,000 7,000 3,000 3,000 2,000 15,000 (~23)"
    assert _line("2-1-3", 2022, "city") == 15_000 * MILLION
    # "BT-IT 융합센터 시비 5,986 344 5,642 - - -"
    assert _line("2-2-1", 2019, "city") == 5_642 * MILLION
    # "첨단의료기기개발센터 SH공사 14,200 - - 1,000 6,600 6,600 (~23)"
    assert _line("2-2-2", 2020, "sh") == 1_000 * MILLION
    # "제2호 서울 바이오펀드 조성 … 국비/민자 90,000 18,000 …": coded private, print kept
    bio = _lines(node__code="2-3-1", year=2020, source_id="private").get()
    assert bio.amount_won == 18_000 * MILLION
    assert bio.provenance["source_as_printed"] == "국비/민자"
    assert bio.provenance["unit"] == "백만원"


def test_budget_lines_project_3(seeded: None) -> None:
    # Ⅴ-③ "국제 아이디어 공모 시비 2,000 - 2,000 - - -"
    assert _line("3-1-1", 2019, "city") == 2_000 * MILLION
    assert _lines(node__code="3-1-1").count() == 1
    # "양곡 도매시장 이전 시비 33,177 165 14,691 17,991 330 -"
    assert _line("3-1-2", 2020, "city") == 17_991 * MILLION
    # "건립공사 SH공사 399,804 300 1,200 18,304 190,000 190,000"
    assert _line("3-1-3", 2021, "sh") == 190_000 * MILLION
    # "공공산업지원시설 건립 시비 61,271 11,271 26,000 24,000 - -"
    assert _line("3-3-1", 2018, "city") == 11_271 * MILLION
    # "지식산업센터(1개소) 및 도전숙 복합건립 SH공사 224,135 535 6,100 72,500 72,500 72,500"
    assert _line("3-3-2", 2018, "sh") == 535 * MILLION
    # "두산길 지하차도 건설 시비 68,457 34,577 6,110 13,000 14,770 -"
    assert _line("3-4-1", 2018, "city") == 34_577 * MILLION
    # "도로 확장 및 교량 신설 시비 23,450 150 0 955 11,000 11,345": the printed 0 is a line of 0
    assert _line("3-4-2", 2019, "city") == 0
    # "4차산업혁명 인재양성 시비 25,000 1,740 4,610 5,150 6,050 7,450"
    assert _line("3-5-1", 2022, "city") == 7_450 * MILLION


def test_budget_lines_projects_4_to_6(seeded: None) -> None:
    # Ⅴ-④ "서울애니메이션센터 재건축 시 비 60,078 2,730 16,318 16,795 12,361 11,874"
    assert _line("4-1-1", 2019, "city") == 16_318 * MILLION
    # "애니콘텐츠팩토리 조성 시 비 7,170 20 20 20 20 7,090"
    assert _line("4-1-2", 2022, "city") == 7_090 * MILLION
    # "문화콘텐츠 펀드 조성 … 민자 90,000 18,000 18,000 18,000 18,000 18,000"
    assert _line("4-2-1", 2021, "private") == 18_000 * MILLION
    # "VR/AR센터 설립 시비 60 60 추후확정 추후확정 추후확정 추후확정": one line, 2018 only
    vrar = _lines(node__code="4-3-2").get()
    assert (vrar.year, vrar.amount_won, vrar.note) == (2018, 60 * MILLION, "추후확정")
    # "5G, 디지털사이니지 시범사업 시비 3,250 610 630 650 670 690"
    assert _line("4-3-3", 2022, "city") == 690 * MILLION
    # Ⅴ-⑤ "특화 창업인프라 확충 … 국비 20,116 3,658 6,000 4,458 3,000 3,000"
    assert _line("5-1-1", 2018, "national") == 3_658 * MILLION
    # "캠퍼스타운 조성 시비 144,827 12,020 34,440 25,480 37,400 35,487"
    assert _line("5-2-1", 2022, "city") == 35_487 * MILLION
    # "4차산업혁명 펀드 계 … 민자·모태 405,000 45,000 90,000 …": coded private, print kept
    fund = _lines(node__code="5-3-1", year=2018, source_id="private").get()
    assert fund.amount_won == 45_000 * MILLION
    assert fund.provenance["source_as_printed"] == "민자·모태"
    # "청년 창업 지원 프로그램 시비 19,855 1,595 3,080 5,060 5,060 5,060"
    assert _line("5-4-1", 2018, "city") == 1_595 * MILLION
    # Ⅴ-⑥ "신기술 공공테스트베드 시비 100,000 4,600 20,000 20,000 20,000 35,400"
    assert _line("6-2-1", 2022, "city") == 35_400 * MILLION
    # "자율주행 테스트베드 조성 … 국비 17,600 4,000 7,500 6,100 - -"
    assert _line("6-3-1", 2019, "national") == 7_500 * MILLION
    # "서울 솔루션 해외 진출 시비 3,800 - 650 1,050 1,050 1,050"
    assert not _lines(node__code="6-4-1", year=2018).exists()


def test_budget_aggregates(seeded: None) -> None:
    # all lines: 3,447,222 백만원 = 34,472.22억원; Ⅵ 연도별 투자계획 prints "계 34,472"
    assert _sum() == 3_447_222 * MILLION
    # Ⅴ-⑤ "혁신성장 펀드 조성 합계 1,000,000" = 혁신펀드 "1조원"
    assert _sum(node__code__startswith="5-3-") == 1_000_000 * MILLION
    # Ⅵ "SH공사 6,382 9 73 918 2,691 2,691": SH lines are 6,382.39억원
    assert _sum(source_id="sh") == 638_239 * MILLION
    # Ⅴ-② "소요예산 : 300억원(’18년도 70억원, ’19~’23 230억원)" = node 2-1-3
    assert _sum(node__code="2-1-3") == 300 * EOK
    assert _sum(node__code="2-1-3", year__gte=2019) == 230 * EOK
    # Ⅴ-① "건립비 1개소당 약 156억원" × 20개 = "도심제조 스마트앵커 조성 소계 312,000"
    assert _sum(node__code="1-1-1") == 20 * 156 * EOK


def test_indicator_targets(seeded: None) -> None:
    # Ⅳ 핵심사업 정책지표 "도심제조 활력도시 입주기업수 개 1,000 - 200 250 250 300"
    assert _target("1", "입주기업수", 2018) is None
    assert _target("1", "입주기업수", 2022) == 300
    # "앵커시설조성 개소 20 4 5 5 6 0": 2022 printed 0, kept as a target of 0
    assert _target("1", "앵커시설조성", 2022) == 0
    assert _target("1", "앵커시설조성", 2018) == 4
    # "조성연면적 ㎡ 118,000 20,400 29,500 29,500 38,600 -"
    assert _target("1", "조성연면적", 2021) == 38_600
    # "일자리창출 명 5,060 - 952 1,190 1,240 1,678"
    assert _target("1", "일자리창출", 2022) == 1_678
    # "바이오의료 벤처도시 … 조성연면적 ㎡ 9,328 6,328 3,000 - - -"
    assert _target("2", "조성연면적", 2018) == 6_328
    # "글로벌 R&D허브도시 … 조성연면적 ㎡ 94,022 - - - 21,680 72,342"
    assert _target("3", "조성연면적", 2022) == 72_342
    # "… 일자리창출 명 8,155 437 825 1,181 1,999 3,713"
    assert _target("3", "일자리창출", 2021) == 1_999
    # "문화콘텐츠 융성도시 … 문화콘텐츠펀드조성 억원 1,000 200 200 200 200 200"
    fund = Indicator.objects.get(node__plan__slug=SLUG, node__code="4", name="문화콘텐츠펀드조성")
    assert fund.unit == "억원"
    assert _target("4", "문화콘텐츠펀드조성", 2020) == 200
    # "혁신창업 친화도시 입주기업수 개 7,600 1,302 1,408 1,580 1,630 1,680"
    assert _target("5", "입주기업수", 2018) == 1_302
    # "앵커시설조성 개소 39 11 9 8 6 5"; "조성연면적 ㎡ 40,999 11,818 6,691 17,008 2,891 2,591"
    assert _target("5", "앵커시설조성", 2018) == 11
    assert _target("5", "조성연면적", 2020) == 17_008
    # "일자리창출 명 42,786 6,379 8,865 9,098 9,242 9,202"
    assert _target("5", "일자리창출", 2022) == 9_202
    # "테스트베드 도시 입주기업수 개 - - - - - -"
    assert not IndicatorTarget.objects.filter(indicator__node__plan__slug=SLUG,
                                              indicator__node__code="6",
                                              indicator__name="입주기업수").exists()
    # "… 일자리창출 명 3,468 226 728 728 648 1,138"
    assert _target("6", "일자리창출", 2018) == 226
    # the six 일자리창출 rows add up to 62,534 (the headline prints 62,533)
    jobs = IndicatorTarget.objects.filter(indicator__node__plan__slug=SLUG,
                                          indicator__name="일자리창출")
    assert sum(jobs.values_list("value", flat=True)) == 62_534


def test_fiscal_summary_tables(seeded: None) -> None:
    key = "fiscal-investment-by-year-source"
    assert _table(key).unit_as_printed == "억원"
    # Ⅵ 연도별 투자계획 (단위 : 억원) "계 34,472 3,824 5,440 6,928 8,906 9,374"
    assert _cell(key, "계", "계") == 34472
    assert _cell(key, "계", "2018") == 3824
    # "국 비 1,625 77 279 363 415 491"
    assert _cell(key, "국 비", "2018") == 77
    # "시 비 14,003 1,938 2,646 3,054 3,037 3,328"
    assert _cell(key, "시 비", "계") == 14003
    # "SH공사 6,382 9 73 918 2,691 2,691"
    assert _cell(key, "SH공사", "2021") == 2691
    # "민 자 12,462 1,800 2,442 2,593 2,763 2,864"
    assert _cell(key, "민 자", "2020") == 2593
    key = "fiscal-investment-by-field"
    # 분야별 투자계획 "도심제조 4,335 89 494 871 1,305 1,576"
    assert _cell(key, "도심제조", "2018") == 89
    # "바이오의료 2,694 490 339 547 594 724"
    assert _cell(key, "바이오의료", "2019") == 339
    # "R&D 8,505 511 634 1,546 2,974 2,840"
    assert _cell(key, "R&D", "계") == 8505
    # "문화콘텐츠 1,995 259 449 451 405 431"
    assert _cell(key, "문화콘텐츠", "2021") == 405
    # "혁신창업 15,104 2,332 3,093 3,094 3,297 3,288"
    assert _cell(key, "혁신창업", "계") == 15104
    # "테스트베드 1,839 143 431 419 331 515"
    assert _cell(key, "테스트베드", "2022") == 515


def test_budget_subtotal_tables(seeded: None) -> None:
    # Ⅴ-① "서울 패션혁신허브 조성 소계 116,810 190 420 6,100 49,500 60,600"
    assert _cell("budget-1-subtotals", "서울 패션혁신허브 조성 소계", "계") == 116810
    assert _cell("budget-1-subtotals", "서울 패션혁신허브 조성 소계", "2020") == 6100
    # Ⅴ-③ "양재 R&D 캠퍼스 조성 계 434,981 465 17,891 36,295 190,330 190,000"
    assert _cell("budget-3-subtotals", "양재 R&D 캠퍼스 조성 계", "2021") == 190330
    # "IoT융복합거점 G밸리 활성화 계 91,907 34,727 6,110 13,955 25,770 11,345"
    assert _cell("budget-3-subtotals", "IoT융복합거점 G밸리 활성화 계", "계") == 91907
    # Ⅴ-③ printed 계 of one line: "건립공사 SH공사 399,804"
    assert _cell("budget-3-line-totals", "건립공사 / SH공사", "계") == 399804
    # Ⅴ-④ "VR/AR센터 설립 시비 60 60 추후확정 …": the printed 계 is 60
    assert _cell("budget-4-line-totals", "VR/AR센터 설립 / 시비", "계") == 60
    # Ⅴ-⑤ "혁신성장 펀드 조성 합계 1,000,000 160,000 210,000 …"
    assert _cell("budget-5-subtotals", "혁신성장 펀드 조성 합계", "계") == 1000000
    assert _cell("budget-5-subtotals", "4차산업혁명 펀드 계", "2018") == 50000
    # Ⅴ-⑥ "자율주행 테스트베드 조성 계 29,000 7,700 12,500 8,800 - -"
    assert _cell("budget-6-subtotals", "자율주행 테스트베드 조성 계", "2020") == 8800
    assert _cell("budget-6-subtotals", "자율주행 테스트베드 조성 계", "2021") is None


def test_core_indicator_table(seeded: None) -> None:
    key = "core-indicators"
    # Ⅳ "핵심사업 정책지표(앵커 66개, 입주기업 9,396개, 일자리 62,533개)"
    assert _table(key).title == "핵심사업 정책지표(앵커 66개, 입주기업 9,396개, 일자리 62,533개)"
    assert _table(key).columns == ["소계", "2018", "2019", "2020", "2021", "2022"]
    # "도심제조 활력도시 … 앵커시설조성 개소 20 4 5 5 6 0"
    assert _cell(key, "도심제조 활력도시 / 앵커시설조성 (개소)", "2022") == 0
    # "혁신창업 친화도시 … 앵커시설조성 개소 39 11 9 8 6 5"
    assert _cell(key, "혁신창업 친화도시 / 앵커시설조성 (개소)", "소계") == 39
    # "조성연면적 ㎡ 40,999 …"
    assert _cell(key, "혁신창업 친화도시 / 조성연면적 (㎡)", "소계") == 40999
    # "혁신창업 친화도시 … 일자리창출 명 42,786 …"
    assert _cell(key, "혁신창업 친화도시 / 일자리창출 (명)", "소계") == 42786
    # "테스트베드 도시 … 앵커시설조성 개소 1 - 1 - - -"
    assert _cell(key, "테스트베드 도시 / 앵커시설조성 (개소)", "2019") == 1
    assert _cell(key, "테스트베드 도시 / 앵커시설조성 (개소)", "2018") is None
    # the six 일자리창출 소계 add up to 62,534
    jobs = [_cell(key, r["label"], "소계") for r in _table(key).rows if "일자리창출" in r["label"]]
    assert jobs == [5060, 722, 8155, 2343, 42786, 3468]
    assert sum(jobs) == 62534


def test_context_and_itemised_tables(seeded: None) -> None:
    # Ⅱ "2010년 289조 7,187억원 (29백만원) 244천명 (4.7%) 87천명 (8.4%) 90.146 27억$"
    key = "seoul-economy-indicators-2010-2016"
    assert _cell(key, "2010년", "지역내총생산(억원)") == 2897187
    assert _cell(key, "2016년", "청년실업률(%)") == pytest.approx(10.3)
    assert _cell(key, "2016년", "소비자 물가지수(’15년=100)") == pytest.approx(101.18)
    # Ⅱ 글로벌 파워도시 지수 "경 제 10위 9위 8위 11위 8위 13위 17위"
    key = "global-power-city-index-2011-2017"
    assert _cell(key, "경 제", "’14년") == 11
    assert _cell(key, "종합", "’11년") == 7
    # only 종합, 경 제, 연구개발 are printed under the "6개 분야" header
    assert [r["label"] for r in _table(key).rows] == ["종합", "경 제", "연구개발"]
    # Ⅴ-② "규모 1,000억원(市100억원, 정부·민간900억원) 630억원(市 252억원 출자)"
    key = "bio-fund-comparison"
    assert _cell(key, "정부·민간 (억원)", "제2호 서울 바이오펀드") == 900
    assert _cell(key, "市 출자 (억원)", "제1호 서울 바이오펀드") == 252
    # "존속기간 ’10년(투자5년, 회수5년)" for both funds
    assert _cell(key, "존속기간 (년)", "제2호 서울 바이오펀드") == 10
    # Ⅴ-⑤ "4차산업혁명펀드 … 4,500억원 … 창업펀드 … 5,000억원 재기펀드 … 500억원"
    assert _cell("innovation-funds", "창업펀드", "조성규모 (민·관, 5년간)") == 5000
    assert _cell("innovation-funds", "재기펀드", "조성규모 (민·관, 5년간)") == 500


def test_stated_figures(seeded: None) -> None:
    # Ⅳ 목표 "① 2022년까지 혁신인프라 66개 조성 ② 중소?창업기업 9,396개 입주 지원
    #          ③ 좋은 일자리 62,533개 창출"
    assert _figure("goal-innovation-infrastructure").value == 66
    assert _figure("goal-tenant-companies").value == 9396
    assert _figure("goal-jobs").value == 62533
    assert _figure("core-indicators-jobs").value == 62533
    # Ⅵ "재정 투자계획 총 3조 4천 4백억원 투자('18년~'22년)": money is stored in won
    total = _figure("total-investment")
    assert total.value == Decimal(34_400 * EOK)
    assert total.unit_as_printed == "억원"
    # Ⅴ-⑤ "혁신펀드 1조원 조성 운영(’18~’22)"
    assert _figure("innovation-fund-total").value == Decimal(10**12)
    # Ⅴ-③ "지식산업센터(15개) : 임대 수요형 강소기업 800개 입주"
    assert _figure("magok-knowledge-centers-count").value == 15
    assert _figure("magok-knowledge-centers-tenants").value == 800
    # Ⅴ-⑤ "창업지원시설을 48개소(176,422㎡)에서 90개소(284,329㎡)로 확충"
    assert _figure("startup-facilities-current").value == 48
    assert _figure("startup-facilities-current-area").value == 176422
    assert _figure("startup-facilities-target-2022").value == 90
    assert _figure("startup-facilities-target-2022-area").value == 284329
    # "창업보육센터(4) … 창업카페 등 창업정보?교류공간(21), 창업기업 업무?주거공간(17)"
    assert (_figure("new-incubation-centers").value + _figure("new-startup-cafes").value
            + _figure("new-startup-work-housing").value) == 90 - 48
    # Ⅴ-④ "존속기간 : 7년 이상 장기투자(투자4년, 회수 3년 이상)"
    assert _figure("content-fund-duration").value == 7
    # Ⅴ-② "고용유발효과가 15.8명/10억원(제조업 9.4명)"
    assert _figure("bio-employment-inducement").value == Decimal("15.8")
    # Ⅰ "합계출산율 0.94명(OECD 최저)"
    assert _figure("total-fertility-rate").value == Decimal("0.94")
    # Ⅴ-⑥ "소요예산 : 5년간 1,000억원 규모(’18년 46억원)"
    assert _figure("public-procurement-2018").value == Decimal(46 * EOK)
    # Ⅶ "대 상 : 혁신성장 프로젝트 세부 전략과제 23개 사업"
    assert _figure("performance-management-tasks").value == 23


def test_claims_are_loaded(seeded: None) -> None:
    assert [c["kind"] for c in _table("fiscal-investment-by-year-source").claims] == [
        "sum", "sum", "data"]
    assert [c["kind"] for c in _table("core-indicators").claims] == ["sum", "data", "data"]
    assert _figure("goal-jobs").claims[0]["measure"] == "indicator_target"
    assert _figure("core-indicators-jobs").claims[0]["kind"] == "table_sum"
    assert _figure("total-investment").claims[0]["precision"] == 100
    assert _figure("strategic-tasks-new").claims[0]["filters"] == {"depth": 2, "node_kind": "신규"}


# --- (b) the checker on the real document ------------------------------------------------------

# The 17 summary cells in 억원 that differ by one from the budget lines rounded (stated, computed).
ROUNDING_CELLS = {
    "연도별 투자계획 · 계 · 2018": (3824, 3823),
    "연도별 투자계획 · 계 · 2020": (6928, 6929),
    "연도별 투자계획 · 시 비 · 계": (14003, 14002),
    "연도별 투자계획 · 시 비 · 2018": (1938, 1937),
    "연도별 투자계획 · 민 자 · 계": (12462, 12463),
    "연도별 투자계획 · 민 자 · 2020": (2593, 2594),
    "분야별 투자계획 · 계 · 2018": (3824, 3823),
    "분야별 투자계획 · 계 · 2020": (6928, 6929),
    "분야별 투자계획 · 바이오의료 · 2019": (339, 338),
    "분야별 투자계획 · 바이오의료 · 2020": (547, 548),
    "분야별 투자계획 · R&D · 계": (8505, 8504),
    "분야별 투자계획 · 문화콘텐츠 · 계": (1995, 1996),
    "분야별 투자계획 · 문화콘텐츠 · 2021": (405, 406),
    "분야별 투자계획 · 혁신창업 · 계": (15104, 15105),
    "분야별 투자계획 · 혁신창업 · 2021": (3297, 3298),
    "분야별 투자계획 · 테스트베드 · 계": (1839, 1838),
    "분야별 투자계획 · 테스트베드 · 2019": (431, 432),
}


def test_real_document_errors(seeded: None) -> None:
    findings = _findings()
    errors = [f for f in findings if f["severity"] == "error"]
    # exactly the two documented errors: the jobs headline 62,533 vs 62,534
    assert len(errors) == 2
    by_rule = {f["rule"]: f for f in errors}
    assert set(by_rule) == {"figure-indicator_target", "figure-table-sum"}
    goal = by_rule["figure-indicator_target"]
    assert _labels(goal) == ["좋은 일자리 창출"]
    assert (goal["stated"], goal["computed"], goal["suggestion"]) == (62533, 62534, "62534개")
    assert goal["figures"][0]["provenance"]["printed"] == "③ 좋은 일자리 62,533개 창출"
    caption = by_rule["figure-table-sum"]
    assert _labels(caption) == ["핵심사업 정책지표 일자리"]
    assert (caption["stated"], caption["computed"], caption["suggestion"]) == (
        62533, 62534, "62534개")
    assert all(f["plan"] == SLUG for f in findings)


def test_real_document_warnings_and_info(seeded: None) -> None:
    findings = _findings()
    assert not [f for f in findings if f["severity"] == "warning"]
    info = [f for f in findings if f["severity"] == "info"]
    assert len(info) == 18
    cells = {_labels(f)[0]: (f["stated"], f["computed"]) for f in info
             if f["rule"] == "data-budget"}
    assert cells == ROUNDING_CELLS
    assert all(abs(stated - computed) == 1 for stated, computed in cells.values())
    # the "3조 4천 4백억원" headline: the lines add up to 34,472.22억원
    headline = [f for f in info if f["rule"] == "figure-budget"]
    assert len(headline) == 1
    assert _labels(headline[0]) == ["재정 투자계획 총액 (2018~2022)"]
    assert (headline[0]["stated"], headline[0]["computed"]) == (34400, 34472.22)
    # rounding carries no suggestion
    assert all(f["suggestion"] == "" for f in info)


def test_perturbed_budget_line_breaks_the_printed_subtotals(seeded: None) -> None:
    before = _findings()
    # 서울 패션혁신허브 조성 시비 × 2020, printed 1,970 (Ⅴ-①)
    _lines(node__code="1-2-1", year=2020, source_id="city").update(amount_won=2_970 * MILLION)
    after = [f for f in _findings() if f not in before]
    errors = _by_first_label([f for f in after if f["severity"] == "error"])
    # the printed subtotal "서울 패션혁신허브 조성 소계 … 6,100" (2020) no longer matches the lines
    cell = errors["연차별 소요예산 · 서울 패션혁신허브 조성 소계 · 2020"]
    assert cell["rule"] == "data-budget"
    assert (cell["stated"], cell["computed"], cell["suggestion"]) == (6100, 7100, "7100")
    # nor does its 계 116,810, nor the line's printed 계 "시비 38,570"
    assert errors["연차별 소요예산 · 서울 패션혁신허브 조성 소계 · 계"]["computed"] == 117810
    line_total = errors["연차별 소요예산 (행별 계) · 서울 패션혁신허브 조성 / 시비 · 계"]
    assert (line_total["stated"], line_total["computed"]) == (38570, 39570)
    # 10억원 more also breaks the 억원 summaries: 시 비 × 2020 and 도심제조 × 2020
    assert errors["연도별 투자계획 · 시 비 · 2020"]["stated"] == 3054
    assert errors["분야별 투자계획 · 도심제조 · 2020"]["computed"] == 881
    assert all(f["plan"] == SLUG for f in after)


def test_perturbed_subtotal_cell_breaks_its_sum(seeded: None) -> None:
    before = _findings()
    # "양재 R&D 캠퍼스 조성 계 … 36,295" (2020) printed as 37,295
    _set_cell("budget-3-subtotals", "양재 R&D 캠퍼스 조성 계", "2020", 37295)
    after = [f for f in _findings() if f not in before]
    assert after and all(f["severity"] == "error" for f in after)
    by_rule = {f["rule"]: f for f in after}
    assert set(by_rule) == {"sum", "data-budget"}
    # the printed 계 434,981 no longer equals its five years
    assert _labels(by_rule["sum"])[0] == "연차별 소요예산 · 양재 R&D 캠퍼스 조성 계 · 계"
    assert (by_rule["sum"]["stated"], by_rule["sum"]["computed"]) == (434981, 435981)
    assert "연차별 소요예산 · 양재 R&D 캠퍼스 조성 계 · 2020" in _labels(by_rule["sum"])
    # and the cell no longer equals the lines of 3-1
    assert _labels(by_rule["data-budget"]) == ["연차별 소요예산 · 양재 R&D 캠퍼스 조성 계 · 2020"]
    assert (by_rule["data-budget"]["stated"], by_rule["data-budget"]["computed"]) == (37295, 36295)


def test_perturbed_indicator_cell_breaks_the_caption(seeded: None) -> None:
    before = _findings()
    # "혁신창업 친화도시 … 앵커시설조성 개소 39 11 …": 2018 printed as 12
    _set_cell("core-indicators", "혁신창업 친화도시 / 앵커시설조성 (개소)", "2018", 12)
    after = [f for f in _findings() if f not in before]
    assert after and all(f["severity"] == "error" for f in after)
    by_rule = {f["rule"]: f for f in after}
    assert set(by_rule) == {"sum", "data-indicator_target"}
    # the row's 소계 39 no longer adds up (counts add up exactly)
    row = by_rule["sum"]
    assert _labels(row)[0] == ("핵심사업 정책지표(앵커 66개, 입주기업 9,396개, 일자리 62,533개) · "
                               "혁신창업 친화도시 / 앵커시설조성 (개소) · 소계")
    assert (row["stated"], row["computed"]) == (39, 40)
    # and the cell no longer equals the indicator target
    cell = by_rule["data-indicator_target"]
    assert (cell["stated"], cell["computed"], cell["suggestion"]) == (12, 11, "11")


def test_perturbed_indicator_total_breaks_the_headline(seeded: None) -> None:
    before = _findings()
    # "혁신창업 친화도시 … 앵커시설조성 개소 39": the 소계 printed as 40
    _set_cell("core-indicators", "혁신창업 친화도시 / 앵커시설조성 (개소)", "소계", 40)
    after = [f for f in _findings() if f not in before]
    caption = [f for f in after if f["rule"] == "figure-table-sum"]
    assert len(caption) == 1
    assert _labels(caption[0]) == ["핵심사업 정책지표 앵커"]
    assert (caption[0]["stated"], caption[0]["computed"]) == (66, 67)
    assert caption[0]["severity"] == "error"


def test_real_difference_in_the_eok_tables_is_an_error(seeded: None) -> None:
    before = _findings()
    # 캠퍼스타운 조성 × 2021, printed 37,400 (Ⅴ-⑤), raised by 10,000백만원 = 100억원
    _lines(node__code="5-2-1", year=2021).update(amount_won=47_400 * MILLION)
    after = [f for f in _findings() if f not in before]
    errors = _by_first_label([f for f in after if f["severity"] == "error"])
    # the 억원 summaries: "혁신창업 … 3,297" (2021) vs 3,398, not rounding any more
    field = errors["분야별 투자계획 · 혁신창업 · 2021"]
    assert (field["stated"], field["computed"], field["suggestion"]) == (3297, 3398, "3398")
    assert errors["연도별 투자계획 · 시 비 · 2021"]["computed"] == 3137
    # and "총 3조 4천 4백억원" is now 172억원 short of the lines: beyond its printed precision
    headline = errors["재정 투자계획 총액 (2018~2022)"]
    assert (headline["stated"], headline["computed"]) == (34400, 34572.22)


# --- (c) Korean texts, money in won -------------------------------------------------------------

def test_its_texts_are_korean_not_english_paraphrase() -> None:
    # table notes were English ("Subtotal rows of nodes …", "Mixed units (per column) …")
    assert english_in_seed_file(f"plans/{SLUG}.yaml") == []


def test_the_plan_page_shows_the_table_notes_in_korean(seeded: None, client: Any) -> None:
    response = client.get(f"/plans/{SLUG}/")
    assert response.status_code == 200
    assert "원문의 소계 행(단위사업 1-1-1, 1-2-1, 1-3-1)." in response.text
    assert "Subtotal rows" not in response.text and "Mixed units" not in response.text


def test_money_in_stated_figures_is_stored_in_won(seeded: None) -> None:
    assert unconverted_money(SLUG) == []
    # Ⅴ-② "건립비 1개소당 약 156억원 소요"; Ⅴ-⑤ "고용보조금 월 1백만원 지급"
    assert _figure("smart-anchor-cost-each").value == 156 * EOK
    assert _figure("foreign-hire-subsidy-monthly").value == MILLION
