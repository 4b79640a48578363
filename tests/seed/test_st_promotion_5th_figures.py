"""Seed file st-promotion-5th: spot checks against the document, and what `rtis check` reports.

Source: shared/seeds/001_a43e24d910e99ac0.txt, 「제5차 지방과학기술진흥종합계획 서울특별시
추진계획」 (경제정책과-11734, 2017.11.1.). Quotes in the comments are as printed there (the
converter turned "·" into "?"). The findings asserted below are documented, with a judgement, in
docs/seed-findings/st-promotion-5th.md.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from rtis.checks.run import run_checks
from rtis.lib.consistency import Finding
from rtis.plans.models import BudgetLine, Node, Plan, StatedFigure, StatedTable
from tests.conftest import load_seed_of, module_data
from tests.seed.seed_texts import english_in_seed_file, english_prose, unconverted_money

SLUG = "st-promotion-5th"
MILLION = 1_000_000  # 백만원
EOK = 100_000_000  # 억원


seeded_once = module_data(load_seed_of(SLUG), share=True)  # once per process (tests.conftest)


@pytest.fixture
def seeded(seeded_once: None) -> Plan:
    return Plan.objects.get(slug=SLUG)


def node(code: str) -> Node:
    return Node.objects.get(plan__slug=SLUG, code=code)


def line_won(code: str, year: int, source: str = "other") -> int | None:
    found = BudgetLine.objects.filter(node__plan__slug=SLUG, node__code=code, year=year,
                                      source_id=source).first()
    return found.amount_won if found else None


def table_cell(key: str, row: str, column: str) -> Any:
    table = StatedTable.objects.get(plan__slug=SLUG, key=key)
    index = table.columns.index(column)
    return next(r["values"][index] for r in table.rows if r["label"] == row)


def figure(key: str) -> Decimal:
    return StatedFigure.objects.get(plan__slug=SLUG, key=key).value


def num(value: Any) -> Decimal:
    return Decimal(str(value))


# --- (a) spot checks against the document ------------------------------------------------------


def test_plan_header(seeded: Plan) -> None:
    # "- 제5차 지방과학기술진흥종합계획 - 서울특별시 추진계획"
    assert seeded.title == "제5차 지방과학기술진흥종합계획 서울특별시 추진계획"
    # "문서번호 경제정책과-11734 결재일자 2017.11.1."
    assert seeded.document_number == "경제정책과-11734"
    assert seeded.approved_on == datetime.date(2017, 11, 1)
    # "투자계획('18~'22, 백만원)"
    assert (seeded.period_start, seeded.period_end) == (2018, 2022)
    # "경제진흥본부 (경제정책과)"
    assert seeded.department.name == "경제정책과"


def test_tree_shape(seeded: Plan) -> None:
    nodes = Node.objects.filter(plan=seeded)
    # "추진 전략 6 大 프 로 젝 트" ①..⑥
    assert nodes.filter(depth=1).count() == 6
    # Ⅲ lists 2 + 4 + 2 + 4 + 4 + 2 = 18 세부추진과제 under the six projects
    assert nodes.filter(depth=2).count() == 18
    # Ⅳ-3-1 table "사 업 명": 양재, 홍릉, 개포, 마곡
    assert nodes.filter(depth=3).count() == 4
    assert nodes.count() == 28
    # no 신규/확대 marks are printed anywhere
    assert set(nodes.values_list("kind", flat=True)) == {""}


NODES = [  # (code, title, level_name, depth)
    # "① R&D 투자확대"
    ("1", "R&D 투자확대", "프로젝트", 1),
    # Ⅳ-1 "2 R&D분야 투자확대 : 4차 산업혁명 지원 펀드 조성 추진"
    ("1-2", "R&D분야 투자확대 : 4차 산업혁명 지원 펀드 조성 추진", "세부추진과제", 2),
    # "② R&D 기획 및 관리체제 정비"
    ("2", "R&D 기획 및 관리체제 정비", "프로젝트", 1),
    # Ⅳ-2 "4 서울 R&D 정보시스템(RTIS)-국가R&D 정보시스템(NTIS) 연계 추진"
    ("2-4", "서울 R&D 정보시스템(RTIS)-국가R&D 정보시스템(NTIS) 연계 추진", "세부추진과제", 2),
    # "③ R&D 거점기관 효율화 및 개방형 혁신촉진"
    ("3", "R&D 거점기관 효율화 및 개방형 혁신촉진", "프로젝트", 1),
    # Ⅳ-3-1 table: "양재R&CD 혁신지구육성"
    ("3-1-1", "양재R&CD 혁신지구육성", "사업", 3),
    # "홍릉 바이오 의료 R&D 클러스터조성"
    ("3-1-2", "홍릉 바이오 의료 R&D 클러스터조성", "사업", 3),
    # "개포디지털 혁신파크운영"
    ("3-1-3", "개포디지털 혁신파크운영", "사업", 3),
    # "마곡첨단기술 R&D 클러스터조성"
    ("3-1-4", "마곡첨단기술 R&D 클러스터조성", "사업", 3),
    # "3 서울혁신챌린지(Seoul Innovation Challenge)"
    ("4-3", "서울혁신챌린지(Seoul Innovation Challenge)", "세부추진과제", 2),
    # "4 중소기업 지식재산권 확보 지원사업"
    ("4-4", "중소기업 지식재산권 확보 지원사업", "세부추진과제", 2),
    # "⑤ 우수인력 육성?활용 강화 및 지역문화 확산" ("?" is the converted "·")
    ("5", "우수인력 육성·활용 강화 및 지역문화 확산", "프로젝트", 1),
    # "4 서울시립과학관 운영 등 과학기술문화 채널 다양화 및 콘텐츠 확대"
    ("5-4", "서울시립과학관 운영 등 과학기술문화 채널 다양화 및 콘텐츠 확대", "세부추진과제", 2),
    # "⑥ 지역기반 창업 및 기술사업화 활성화" / "? 공공테스트 베드 제공"
    ("6", "지역기반 창업 및 기술사업화 활성화", "프로젝트", 1),
    ("6-2", "공공테스트 베드 제공", "세부추진과제", 2),
]


def test_nodes(seeded: Plan) -> None:
    found = {n.code: (n.code, n.title, n.level_name, n.depth)
             for n in Node.objects.filter(plan=seeded)}
    assert [found.get(code) for code, *_ in NODES] == NODES


def test_unit_projects_hang_under_task_3_1(seeded: Plan) -> None:
    # Ⅳ-3 "1 R&D 거점기관의 조직 및 운영과 클러스터 효율화" holds the four 사업 rows
    parent = node("3-1")
    assert parent.title == "R&D 거점기관의 조직 및 운영과 클러스터 효율화"
    assert sorted(parent.children.values_list("code", flat=True)) == [
        "3-1-1", "3-1-2", "3-1-3", "3-1-4"]


BUDGET = [  # (node code, year, amount in 백만원; None = printed "-")
    # Ⅴ "4차 산업혁명 관련 펀드 조성 5,000 10,000 15,000 - -"
    ("1-2", 2018, 5_000), ("1-2", 2020, 15_000), ("1-2", 2021, None),
    # "R&D 정보시스템 NTIS 연계추진 7,000 7,000 2,000 2,000 2,000"
    ("2-4", 2018, 7_000), ("2-4", 2022, 2_000),
    # "양재 R&CD 혁신지구 조성 123,159 174,537 169,550 17,220 -"
    ("3-1-1", 2018, 123_159), ("3-1-1", 2019, 174_537), ("3-1-1", 2022, None),
    # "홍릉 바이오 의료 클러스터 조성 13,964 3,000 3,000 2,000 -"
    ("3-1-2", 2018, 13_964), ("3-1-2", 2022, None),
    # "마곡 R&D단지 활성화 16,361 28,559 22,342 2,268 2,268"
    ("3-1-4", 2019, 28_559), ("3-1-4", 2021, 2_268),
    # "개포 디지털 혁신파크 운영 1,254 1,554 1,254 1,254 1,254"
    ("3-1-3", 2019, 1_554),
    # "기술상용화 R&D 4,000 4,500 4,500 5,000 5,000"
    ("4-1", 2021, 5_000),
    # "도시문제해결 R&D 6,500 5,000 5,000 7,500 7,500"
    ("4-2", 2018, 6_500),
    # "서울혁신챌린지 2,940 3,040 4,560 4,660 4,760"
    ("4-3", 2022, 4_760),
    # "중소기업 지식재산권 창출지원사업 3,008 3,020 3,020 3,020 3,020"
    ("4-4", 2018, 3_008),
    # "4차산업혁명 핵심인재 양성 2,300 3,850 5,650 4,250 4,450"
    ("5-1", 2020, 5_650),
    # "산학협력포럼 활성화 300 300 350 350 350"
    ("5-2", 2020, 350),
    # "재외한인과학자 단체와의 협업 60 60 120 120 120"
    ("5-3", 2018, 60),
    # "서울시립과학관 운영 2,144 2,214 2,289 2,365 2,445"
    ("5-4", 2021, 2_365),
    # "서울창업허브 운영 7,856 8,642 9,506 10,456 11,502"
    ("6-1", 2022, 11_502),
    # "공공테스트 베드 6,000 15,000 20,000 25,000 30,000"
    ("6-2", 2022, 30_000),
]


def test_budget_lines(seeded: Plan) -> None:
    found = [(code, year, line_won(code, year)) for code, year, _ in BUDGET]
    assert found == [(code, year, None if amount is None else amount * MILLION)
                     for code, year, amount in BUDGET]


def test_budget_lines_are_one_undivided_source(seeded: Plan) -> None:
    # Ⅴ prints one amount per task and year, no 시비/국비 split: all lines are `other`
    lines = BudgetLine.objects.filter(node__plan=seeded)
    assert set(lines.values_list("source_id", flat=True)) == {"other"}
    # 16 rows × 5 years minus the four "-" cells (펀드 '21 '22, 양재 '22, 홍릉 '22)
    assert lines.count() == 76
    # tasks without a row in Ⅴ: 1-1, 2-1, 2-2, 2-3, 3-2
    for code in ("1-1", "2-1", "2-2", "2-3", "3-2"):
        assert not lines.filter(node__code=code).exists()


CELLS = [  # (stated table key, row, column, value as printed)
    # Ⅴ "합 계 201,846 270,276 268,141 87,463 74,669"
    ("investment-plan-total-by-year", "합 계", "2018", 201_846),
    ("investment-plan-total-by-year", "합 계", "2022", 74_669),
    # "합 계 9,231,294 18.50 10,030,638 15.21"
    ("rd-expenditure-by-performer", "합 계", "2015", 10_030_638),
    ("rd-expenditure-by-performer-national-share", "합 계", "2011", 18.50),
    # "공공연구소 1.256.679 18.83"
    ("rd-expenditure-by-performer", "공공연구소", "2011", 1_256_679),
    # "?정부출연 942,438 18.27 801,469 11.50"
    ("rd-expenditure-by-performer", "정부출연 (공공연구소)", "2015", 801_469),
    ("rd-expenditure-by-performer-national-share", "정부출연 (공공연구소)", "2015", 11.50),
    # "?민간기업 6,033,836 16.06 6,577,711 13.02"
    ("rd-expenditure-by-performer", "민간기업 (기업)", "2011", 6_033_836),
    # "투자금액(억원) ... 35,714 37,481 38,577 38,053 36,485 (25.2) (24.7) (23.8) (22.6) (20.1)"
    ("gov-rd-investment-seoul", "투자금액(억원)", "2011", 35_714),
    ("gov-rd-investment-seoul-national-share", "전국대비 비중(%)", "2015", 20.1),
    # "전국 148,528 159,064 169,139 176,395 188,747"
    ("gov-rd-investment-seoul", "전국", "2015", 188_747),
    # "서울시 총예산 ... (억) 189,502 198,902 196,667 205,832 143,423 150,153 180,746"
    ("st-budget-seoul", "서울시 총예산 (억)", "2011", 189_502),
    ("st-budget-seoul", "서울시 총예산 (억)", "평균", 180_746),
    # "총 과학기술관련 예산(억) 1,050 1,115 1,082 1,014 438 1,607 1,051"
    ("st-budget-seoul", "총 과학기술관련 예산(억)", "2015", 438),
    # "지역예산 대비 과학기술관련 예산 비율(%) 0.37 0.36 0.32 0.53 0.31 1 0.48"
    ("st-budget-seoul-ratios", "지역예산 대비 과학기술관련 예산 비율(%)", "2014", 0.53),
    ("st-budget-seoul-ratios", "지역예산 대비 과학기술관련 예산 비율(%)", "2016", 1),
    # "지역 총 과학기술예산 대비 지방비 투자비중(%) 67 64.7 59.06 56.7 52.39 89.28 64.86"
    ("st-budget-seoul-ratios", "지역 총 과학기술예산 대비 지방비 투자비중(%)", "2016", 89.28),
    # "종합순위 2위 1위 2위 2위"
    ("r-costi-rank", "종합순위", "2014", 1),
    # "총점 15,926 점 (100.0%)"
    ("r-costi-points", "총점", "2013", 15_926),
    # "네트워크부문 1,864 점 (11.7%) 1,816 점 (9.9%)"
    ("r-costi-points", "네트워크부문", "2014", 1_816),
    ("r-costi-shares", "네트워크부문", "2014", 9.9),
    # "성과부문 ... 4,043 점 (24.7%)"
    ("r-costi-points", "성과부문", "2016", 4_043),
    # "거주 6위 24위 23위 23위 24위 24위 26위"
    ("global-power-city-index-seoul", "거주", "2016", 6),
    ("global-power-city-index-seoul", "거주", "2015", 24),
    # "경제 9위 8위 11위 8위 13위 17위 16위"
    ("global-power-city-index-seoul", "경제", "2010", 16),
]


def test_stated_table_cells(seeded: Plan) -> None:
    found = [(key, row, column, num(table_cell(key, row, column))) for key, row, column, _ in CELLS]
    assert found == [(key, row, column, num(value)) for key, row, column, value in CELLS]


FIGURES = [  # (stated figure key, value; money in won)
    # "’15년 서울의 총 연구개발비는 10조 306억 원으로 전국의 15.21%를 차지" (stored in won)
    ("total-rd-expenditure-2015", 100_306 * EOK),
    ("total-rd-expenditure-2015-national-share", Decimal("15.21")),
    # "편드규모(안) : 300억"
    ("fund-4ir-size", 300 * EOK),
    # "서울시(중소기업육성기금 40억, SBA기금 30억)"
    ("fund-4ir-city-sme-fund", 40 * EOK),
    # "참여기관 : 41개 대학(동부(10)?서부(7)?중부(11)?북부(12)), 1연구원"
    ("forum-member-universities", 41),
    ("forum-member-universities-central", 11),
    # "회 원 수 : 7,148명"
    ("ksea-members", 7_148),
    # "청년창업1000프로젝트(146.4억원)"
    ("plan4-2015-project-youth-startup-1000", Decimal("146.4") * EOK),
    # "창조전문인력 11,220명 및 녹색기술인력 726명 양성"
    ("plan4-2015-creative-professionals-trained", 11_220),
    # "서울은 32.8%를 기록 전국 평균인 27.7%를 상회"
    ("r-costi-2016-efficiency-seoul", Decimal("32.8")),
    # "6년간 매년 평균 1,000억원 수준 유지"
    ("st-budget-annual-average-level", 1_000 * EOK),
]


def test_stated_figures(seeded: Plan) -> None:
    assert [(key, figure(key)) for key, _ in FIGURES] == [(key, Decimal(v)) for key, v in FIGURES]


# --- (b) what the checker reports ----------------------------------------------------------------

# (rule, "table title · row · column" of the printed figure, stated, computed)
GOV = "서울시 정부연구개발투자 현황(2015) 전국대비 비중 · 전국대비 비중(%)"
RATIO = "서울시 과학기술관련 예산 현황 및 추이(2011~2016) 비율 · 지역예산 대비 과학기술관련 예산 비율(%)"
POINTS = "2013~2016년 서울시 지역과학기술혁신 역량평가(R-COSTI) 결과"
SHARES = "2013~2016년 서울시 지역과학기술혁신 역량평가(R-COSTI) 결과 부문별 비중"
EXPECTED_ERRORS = {
    # printed 전국대비 비중 vs 투자금액 ÷ 전국 of the same table
    ("share", f"{GOV} · 2011", "25.2", "24.0"),
    ("share", f"{GOV} · 2012", "24.7", "23.6"),
    ("share", f"{GOV} · 2013", "23.8", "22.8"),
    ("share", f"{GOV} · 2014", "22.6", "21.6"),
    ("share", f"{GOV} · 2015", "20.1", "19.3"),
    # printed 예산 비율 vs 총 과학기술관련 예산 ÷ 서울시 총예산
    ("share", f"{RATIO} · 2011", "0.37", "0.55"),
    ("share", f"{RATIO} · 2012", "0.36", "0.56"),
    ("share", f"{RATIO} · 2013", "0.32", "0.55"),
    ("share", f"{RATIO} · 2014", "0.53", "0.49"),
    # (the 평균 column is the mean of the yearly ratios, not 평균 ÷ 평균: the share rule skips it)
    # R-COSTI 총점 vs the five sectors
    ("sum", f"{POINTS} · 총점 · 2013", "15926", "16423"),
    ("sum", f"{POINTS} · 총점 · 2014", "16711", "16827"),
    # 총점 (100.0%) vs the sector shares
    ("sum", f"{SHARES} · 총점 · 2013", "100.0", "103.1"),
    # sector shares vs points ÷ 총점
    ("share", f"{SHARES} · 자원부문 · 2014", "30.9", "31.0"),
    ("share", f"{SHARES} · 네트워크부문 · 2014", "9.9", "10.9"),
    ("share", f"{SHARES} · 환경부문 · 2014", "22.9", "22.6"),
}


def value_of(value: Any) -> Decimal | str:
    """A finding's stated/computed value as a number; printed forms ("1.256.679") stay text."""
    try:
        return num(value)
    except ArithmeticError:
        return str(value)


def key_of(finding: Finding) -> tuple[str, str, Decimal | str, Decimal | str]:
    label = finding.figures[0]["label"] if finding.figures else ""
    return (finding.rule, label, value_of(finding.stated), value_of(finding.computed))


def as_keys(expected: set[tuple[str, str, str, str]],
            ) -> set[tuple[str, str, Decimal | str, Decimal | str]]:
    return {(rule, label, num(stated), num(computed)) for rule, label, stated, computed in expected}


def by_severity(findings: list[Finding], severity: str) -> list[Finding]:
    return [f for f in findings if f.severity == severity]


def test_documented_errors_are_reported(seeded: Plan) -> None:
    errors = by_severity(run_checks(SLUG), "error")
    assert {key_of(f) for f in errors} == as_keys(EXPECTED_ERRORS)
    # the number of errors equals the number documented in docs/seed-findings/st-promotion-5th.md
    assert len(errors) == len(EXPECTED_ERRORS) == 15
    assert all(f.suggestion for f in errors)


def test_gov_rd_share_error_names_its_inputs(seeded: Plan) -> None:
    finding = next(f for f in run_checks(SLUG) if f.rule == "share"
                   and f.figures[0]["label"] == f"{GOV} · 2011")
    assert finding.severity == "error"
    assert finding.suggestion == "24.0"  # the printed precision is kept
    # the part and the whole are named with their provenance
    assert [fig["provenance"]["row"] for fig in finding.figures[1:]] == ["투자금액(억원)", "전국"]
    assert [fig["value"] for fig in finding.figures[1:]] == [35_714, 148_528]
    assert finding.figures[0]["provenance"]["section"] == "Ⅰ-3"


def test_r_costi_total_error(seeded: Plan) -> None:
    finding = next(f for f in run_checks(SLUG) if f.rule == "sum"
                   and f.figures[0]["label"] == f"{POINTS} · 총점 · 2013")
    assert finding.severity == "error"
    assert (num(finding.stated), num(finding.computed)) == (Decimal(15926), Decimal(16423))
    assert finding.suggestion == "16423"
    # the five sector cells are listed as the parts
    assert [fig["provenance"]["row"] for fig in finding.figures[1:]] == [
        "자원부문", "활동부문", "네트워크부문", "환경부문", "성과부문"]


def test_printed_form_warning(seeded: Plan) -> None:
    warnings = by_severity(run_checks(SLUG), "warning")
    # "공공연구소 1.256.679 18.83": dots for thousands separators
    assert [(f.rule, f.stated, num(f.computed)) for f in warnings] == [
        ("printed-form", "1.256.679", Decimal(1_256_679))]
    assert warnings[0].figures[0]["label"] == (
        "서울시 연구기관별 연구개발비-지출현황(2015) · 공공연구소 · 2011")


def test_rounding_info(seeded: Plan) -> None:
    infos = by_severity(run_checks(SLUG), "info")
    assert {key_of(f) for f in infos} == {
        # 2015 sectors add up to 16,331 against 총점 16,332 (points rounded from decimals)
        ("sum", f"{POINTS} · 총점 · 2015", Decimal(16332), Decimal(16331)),
        # 2015 shares add up to 100.1 against 100.0
        ("sum", f"{SHARES} · 총점 · 2015", Decimal("100.0"), Decimal("100.1")),
        # "6년간 매년 평균 1,000억원 수준" against the table's 평균 1,051
        ("figure-table-sum", "서울시 과학기술 관련 예산 6년간 매년 평균 수준", Decimal(1000),
         Decimal(1051)),
    }
    assert all(not f.suggestion for f in infos)


def test_consistent_claims_stay_silent(seeded: Plan) -> None:
    labels = " ".join(fig["label"] for f in run_checks(SLUG) for fig in f.figures)
    # the investment plan 합계 equals the 16 lines in every year
    assert "연차별 투자계획 합계" not in labels
    # the nested R&D expenditure table adds up (합 계 = 대학 + 공공연구소 + 기업, each group its rows)
    assert "연구기관별 연구개발비-지출현황(2015) · 합 계" not in labels
    # 6大 프로젝트 = 6 areas; 펀드 300억 = the fund row 5,000 + 10,000 + 15,000 백만원;
    # 서울(6) = GPCI 종합 '16; 15.21% = the table's 합 계 share
    for label in ("6大 프로젝트", "4차 산업혁명 지원 펀드 규모(안)",
                  "’16년 종합경쟁력 순위(모리재단) 서울", "’15년 서울 총 연구개발비의 전국대비 비중"):
        assert label not in labels


def test_perturbed_budget_line_breaks_the_printed_total(seeded: Plan) -> None:
    before = {key_of(f) for f in run_checks(SLUG)}
    # 양재 R&CD 혁신지구 조성 '19: 174,537 → 175,537 백만원
    BudgetLine.objects.filter(node__plan=seeded, node__code="3-1-1", year=2019).update(
        amount_won=175_537 * MILLION)
    new = [f for f in run_checks(SLUG) if key_of(f) not in before]
    assert len(new) == 1
    finding = new[0]
    assert (finding.severity, finding.rule) == ("error", "data-budget")
    assert finding.figures[0]["label"] == "연차별 투자계획 합계 · 합 계 · 2019"
    assert (num(finding.stated), num(finding.computed)) == (Decimal(270_276), Decimal(271_276))


def test_perturbed_table_cell_breaks_its_group_total(seeded: Plan) -> None:
    before = {key_of(f) for f in run_checks(SLUG)}
    table = StatedTable.objects.get(plan=seeded, key="rd-expenditure-by-performer")
    rows = [dict(r) for r in table.rows]
    for r in rows:
        if r["label"] == "민간기업 (기업)":
            r["values"] = [r["values"][0], 6_577_811]  # printed 6,577,711
    StatedTable.objects.filter(pk=table.pk).update(rows=rows)
    new = [f for f in run_checks(SLUG) if key_of(f) not in before]
    assert len(new) == 1
    finding = new[0]
    assert (finding.severity, finding.rule) == ("error", "sum")
    assert finding.figures[0]["label"] == "서울시 연구기관별 연구개발비-지출현황(2015) · 기업 · 2015"
    assert (num(finding.stated), num(finding.computed)) == (Decimal(6_614_019), Decimal(6_614_119))


# --- (c) Korean texts, money in won -------------------------------------------------------------

# Ⅳ-4-3 heading "서울혁신챌린지(Seoul Innovation Challenge)": printed in English by the document
PRINTED_IN_ENGLISH = ["Seoul Innovation Challenge"]


def test_its_texts_are_korean_not_english_paraphrase() -> None:
    # budget notes ("no source split printed (total per task)") and the statistics tables'
    # notes ("statistics series; …") were English
    assert english_in_seed_file(f"plans/{SLUG}.yaml", PRINTED_IN_ENGLISH) == []


def test_the_budget_line_notes_are_korean(seeded: Plan) -> None:
    notes = set(BudgetLine.objects.filter(node__plan__slug=SLUG).values_list("note", flat=True))
    assert "원문 행 '서울혁신챌린지': 재원 구분 없이 과제별 합계만 인쇄됨." in notes
    assert not [n for n in notes if english_prose(n)]


def test_money_in_stated_figures_is_stored_in_won(seeded: Plan) -> None:
    assert unconverted_money(SLUG) == []
    # Ⅳ-1-2 "편드규모(안) : 300억", "산학연협력기업부설연구소 설치지원(28.6억원)",
    # Ⅰ-3 "10조 306억 원"
    assert figure("fund-4ir-size") == 300 * EOK
    assert figure("plan4-2014-project-corporate-labs") == num("28.6") * EOK
    assert figure("total-rd-expenditure-2015") == 100_306 * EOK
