"""Seed econ-office-report-2022 (source 004_a83344de83f6b86a.txt, lines 1-1564: sections I-IV
주요 업무 추진계획; the 행정사무감사 part is another file): figures and checker.

Spot checks compare the loaded data with the printed document; checker tests pin what
`rtis check --plan econ-office-report-2022` reports for this part of the document (see
docs/seed-findings/econ-office-report-2022.md) and show that the claims catch a broken figure.
Findings of the council follow-up table (oversight/, loaded onto the same plan) are not this
file's and are left out here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rtis.checks.run import run_checks
from rtis.plans.models import (
    BudgetLine,
    Indicator,
    IndicatorTarget,
    Node,
    Plan,
    StatedFigure,
    StatedTable,
)
from tests.seed.helpers import SeedData, labels, seed_fixture

SLUG = "econ-office-report-2022"
MILLION = 1_000_000  # 백만원
EOK = 100_000_000  # 억원

DATA = SeedData(SLUG)
seeded = seed_fixture(SLUG)
_node, _table, _cell, _figure = DATA.node, DATA.table, DATA.cell, DATA.figure
_labels = labels
_line, _set_cell = DATA.line, DATA.set_cell


def _dec(value: Any) -> Decimal:
    """A stored JSON cell as a Decimal (decimals come back as floats)."""
    return Decimal(str(value))


def _target(code: str, name: str, year: int) -> Decimal:
    return IndicatorTarget.objects.get(indicator__node__plan__slug=SLUG,
                                       indicator__node__code=code, indicator__name=name,
                                       year=year).value


def _from_council_table(finding: dict[str, Any]) -> bool:
    """The 행정사무감사 처리결과 총괄 table is transcribed under oversight/, not in this file."""
    return finding["rule"].startswith("data-audit") or any(
        "행정사무감사" in str(f.get("provenance", {}).get("table", ""))
        for f in finding["figures"])


def _findings() -> list[dict[str, Any]]:
    return [f for f in (x.as_dict() for x in run_checks(SLUG)) if not _from_council_table(f)]


# --- (a) spot checks against the document -------------------------------------------------------

def test_plan_metadata(seeded: None) -> None:
    plan = Plan.objects.get(slug=SLUG)
    # cover: "주요 업무보고 … 경제정책실"
    assert plan.title == "경제정책실 주요 업무보고"
    assert plan.department is not None and plan.department.name == "경제정책실"
    # cover: "제305회 시의회 임시회 기획경제위원회 '22.2.9.(수) 10:00"
    assert plan.approved_on == date(2022, 2, 9)
    # the report plans 2022 ("'22년 예산", "'22년 추진계획")
    assert (plan.period_start, plan.period_end) == (2022, 2022)
    assert plan.document_number == ""
    assert plan.source_document == "004_a83344de83f6b86a.txt"


def test_top_level_nodes(seeded: None) -> None:
    # IV. 주요 업무 추진계획 lists five areas "1." … "5."
    roots = list(Node.objects.filter(plan__slug=SLUG, depth=1).order_by("position")
                 .values_list("code", "title"))
    assert roots == [
        ("1", "코로나19 대응 민생경제 활력 회복 지원"),
        ("2", "기업수요 대응 인재양성 및 민간 연계 취업지원 강화"),
        ("3", "글로벌 경쟁력을 갖춘 투자·창업생태계 구축"),
        ("4", "신산업의 전략적 육성을 통한 미래 성장동력 확보"),
        ("5", "서울 산업생태계 지속성장 기반 강화"),
    ]
    assert _node("1").level_name == "주요 업무"
    assert _node("1").kind == ""  # no 신규/확대/계속 is printed
    assert Node.objects.filter(plan__slug=SLUG).count() == 59


def test_programme_nodes(seeded: None) -> None:
    # "1 취약계층 공공일자리 제공을 통한 고용안전망 강화"
    assert _node("1-1").title == "취약계층 공공일자리 제공을 통한 고용안전망 강화"
    assert _node("1-1").level_name == "사업" and _node("1-1").parent == _node("1")
    # "2 중소기업 판로지원 「ON서울 마켓」 시즌3 추진"
    assert _node("1-2").title == "중소기업 판로지원 「ON서울 마켓」 시즌3 추진"
    # "4 서울형 뉴딜일자리 사업 추진"
    assert _node("2-4").title == "서울형 뉴딜일자리 사업 추진"
    # "4 청년창업 · 지역경제를 활성화하는 캠퍼스타운 조성"
    assert _node("3-4").title == "청년창업 · 지역경제를 활성화하는 캠퍼스타운 조성"
    # "1 양재일대를 산업혁명의 기반시설, AI 서울 플랫폼 조성"
    assert _node("4-1").title == "양재일대를 산업혁명의 기반시설, AI 서울 플랫폼 조성"
    # "② 서울로봇 인공지능과학관 건립"
    assert _node("4-5-2").title == "서울로봇 인공지능과학관 건립"
    assert _node("4-5-2").level_name == "세부사업"
    # "5 가락시장 시설현대화를 통한 신유통 환경 대응"
    assert _node("5-5").title == "가락시장 시설현대화를 통한 신유통 환경 대응"
    # "'22년 예산 : 262억원(인프라 조성 142, 민간위탁 68, 임차·관리 등 52)": purpose split
    assert [n.title for n in _node("4-1").children.order_by("position")] == [
        "인프라 조성", "민간위탁", "임차·관리 등"]
    assert _node("4-1-1").level_name == "예산 내역"
    # "위탁방식 : 중부·남부 통합 위탁 및 동부, 북부 개별 위탁"
    assert [n.title for n in _node("2-5").children.order_by("position")] == [
        "중부+남부", "동부", "북부"]
    # no programme page prints its owning department
    assert not _node("1-1").department_roles.exists()


def test_budget_lines(seeded: None) -> None:
    assert BudgetLine.objects.filter(node__plan__slug=SLUG).count() == 41
    # IV-1-1 "소요예산 : 57,229백만원"; 추진실적 "총 72,281백만원 중 72,059백만원 지출"
    assert _line("1-1", 2022) == 57_229 * MILLION
    assert _line("1-1", 2021) == 72_281 * MILLION
    # IV-1-2 "소요예산 : 3,849백만원(서울산업진흥원 출연금)"
    assert _line("1-2", 2022) == 3_849 * MILLION
    line = BudgetLine.objects.get(node__plan__slug=SLUG, node__code="1-2")
    assert line.provenance["source_as_printed"] == "서울산업진흥원 출연금"
    assert line.provenance["unit"] == "백만원"
    # IV-1-3 ① "소요예산 : 400백만원", ② "488백만원", ③ "250백만원"
    assert _line("1-3-1", 2022) == 400 * MILLION
    assert _line("1-3-2", 2022) == 488 * MILLION
    assert _line("1-3-3", 2022) == 250 * MILLION
    # IV-2-4 "사업규모 : 76,527백만원 / 3,700명"
    assert _line("2-4", 2022) == 76_527 * MILLION
    # IV-2-5 운영예산 "8,000백만원 | 5,572백만원 | 4,798백만원"
    assert _line("2-5-1", 2022) == 8_000 * MILLION
    assert _line("2-5-3", 2022) == 4_798 * MILLION
    # IV-3-4 "'22년 38,846백만원 (종합형 29,562/ 단위형 7,368 / 기타 1,916)"
    assert _line("3-4-1", 2022) == 29_562 * MILLION
    assert _line("3-4-3", 2022) == 1_916 * MILLION
    # IV-4-1 "262억원(인프라 조성 142, 민간위탁 68, 임차·관리 등 52)"
    assert _line("4-1-1", 2022) == 142 * EOK
    assert _line("4-1-2", 2022) == 68 * EOK
    # IV-4-2 "352억원(인프라 조성 268, 앵커시설 운영 84)"
    assert _line("4-2-1", 2022) == 268 * EOK
    # IV-4-3 "기술교류 성과 사업화 지원(4개 프로젝트, 총 2억원)"
    assert _line("4-3-1", 2022) == 2 * EOK
    # IV-4-4 "(소요예산) 256백만원"
    assert _line("4-4-2", 2022) == 256 * MILLION
    # IV-4-5 ② "소요예산 : 43,697백만원('22년 예산 : 14,312백만원)": the '22 figure is the line
    assert _line("4-5-2", 2022) == 14_312 * MILLION
    # IV-5-2 "12,759백만원(위탁금 6,866, 시설·감리비 3,732, 사무관리비 2,161)"
    assert _line("5-2-1-1", 2022) == 6_866 * MILLION
    assert _line("5-2-1-3", 2022) == 2_161 * MILLION
    # IV-5-3 "14,894백만원(인프라 10,051, 미디어·게임센터 3,466, 인재양성 1,377)"
    assert _line("5-3-1", 2022) == 10_051 * MILLION
    # IV-5-4 "'22년예산 : 14,062백만원"
    assert _line("5-4", 2022) == 14_062 * MILLION
    # IV-5-5 "총사업비 : 9,853억원('21년 204억원 → '22년 506억원)", sources not split by year
    assert _line("5-5", 2022, "other") == 506 * EOK
    assert _line("5-5", 2021, "other") == 204 * EOK


def test_indicator_targets(seeded: None) -> None:
    # IV-1-1 "목표인원 : 7,830명"; 추진실적 "목표(11,374명)"
    assert _target("1-1", "안심일자리 참여인원", 2022) == 7830
    assert _target("1-1", "안심일자리 참여인원", 2021) == 11374
    # IV-1-2 "추진목표 : 총 17,000개사 지원, 매출액 6천억 달성"
    assert _target("1-2", "지원기업 수", 2022) == 17000
    assert _target("1-2", "매출액", 2022) == 6000
    # IV-3-1 "350개('22) ⇨ 500개('23) ⇨ 1천개('24)"
    assert _target("3-1", "스타트업-CVC 등 투자매칭 (누적)", 2024) == 1000
    # IV-5-3 "('22) 50명, ('23) 150명, ('24) 200명, ('25) 300명"
    assert _target("5-3", "실감콘텐츠 실무인재 양성", 2025) == 300
    # IV-5-5 "('22년 공정률 59.6% 달성 목표)"
    assert _target("5-5", "채소2동 건설공사 공정률", 2022) == Decimal("59.6")
    indicator = Indicator.objects.get(node__plan__slug=SLUG, node__code="3-5", name="고용창출")
    # IV-3-5 table "고용창출 60명 77명 144명 245명 224명 750명"
    assert indicator.actuals.get(period="2020").value == 245


def test_staffing_and_budget_tables(seeded: None) -> None:
    key = "staffing-by-department"
    # 인력현황 "계 307/295 여성(149) 254/245 26/22 25/25 2/3"
    assert _cell(key, "계", "합계 정원") == 307
    assert _cell(key, "계", "합계 현원") == 295
    assert _cell(key, "계", "여성") == 149
    assert _cell(key, "계", "관리운영 현원") == 3
    # "경제정책과 39/42 (18) 31/35 7/6 - 1/1"
    assert _cell(key, "경제정책과", "합계 현원") == 42
    assert _cell(key, "경제정책과", "지도/연구 정원") is None
    # "농업기술센터 32/31 (18) 6/6 2/2 24/23 -"
    assert _cell(key, "농업기술센터", "지도/연구 현원") == 23
    key = "budget-execution-by-department"
    assert _table(key).as_of == date(2022, 1, 21)  # "'22.1.21. 기준"
    # 예산 "계 753,976 41,181 19,488 5.5 2.6"
    assert _cell(key, "계", "예산현액") == 753976
    assert _cell(key, "계", "원인행위액") == 41181
    assert _dec(_cell(key, "계", "집행률 원인행위액")) == Decimal("5.5")
    # "금 용 투 자 과 26,920 26 269 1.0 1.0" (the label is kept as printed)
    assert _cell(key, "금용투자과", "원인행위액") == 26
    assert _cell(key, "금용투자과", "지출액") == 269
    assert _cell(key, "금용투자과", "집행률 원인행위액") == 1
    # "캠 퍼 스타 운 활 성 화 과 38,846 6,407 6,407 16.5 16.5"
    assert _dec(_cell(key, "캠퍼스타운활성화과", "집행률 지출액")) == Decimal("16.5")
    # footnote "본예산(708,321백만원) + 예산 이체(3,087백만원) + 이월액(42,568백만원)"
    assert _cell("budget-current-composition", "계", "이월액") == 42568


def test_programme_tables(seeded: None) -> None:
    # IV-1-1 "인원 14,093 (100.0%) 7,701 (54.6%) 3,062 (21.7%) 2,946 (20.9%) 384 (2.7%)"
    assert _cell("anshim-jobs-2021-by-field", "인원", "환경정비 등") == 7701
    assert _dec(_cell("anshim-jobs-2021-by-field", "인원 (%)", "디지털 일자리")) == Decimal("2.7")
    # IV-1-2 "매출액(백만원) 566,832 563,397 325 3,110"
    assert _cell("on-seoul-market-2021-results", "매출액(백만원)", "T-커머스") == 3110
    # IV-1-4 "15,635 4,015 2,862 4,378 4,380"
    assert _cell("rent-reduction-support-2020-2021", "지원금액", "4차('21.7~12)") == 4380
    # IV-2-5 "훈련인원 37개학과 1,768명 | 26개 학과 1,215명 | 29개 학과 1,251명"
    assert _cell("tech-institutes-commission", "훈련인원 (명)", "동부") == 1215
    # IV-3-4 "(추진계획) '22년 32개소 캠퍼스타운 조성·운영 (종합형 15, 단위형 17)"
    assert _cell("campus-town-2022-plan", "캠퍼스타운 (개소)", "단위형") == 17
    assert _cell("campus-town-2022-plan", "캠퍼스타운 (개소)", "기타") is None
    # IV-3-5 "투자유치 19억원 30억원 44억원 127억원 95억원 315억원"
    assert _cell("food-startup-center-tenant-results", "투자유치 (억원)", "2020년") == 127
    # IV-4-3 "산업 729, 지원 82, 공원 76, 기타 237"
    assert _cell("magok-area", "면적", "기타") == 237
    # IV-4-4 "총사업비 154억원(국 55억, 시30억, 구69억)"
    assert _cell("gvalley-gym-cost", "총사업비", "구") == 69
    # IV-5-2 "1,728㎡(약 523평)"
    assert _cell("fashion-hub-spaces", "규모 (약 평)", "배움뜰") == 523
    # IV-5-5 "'21. 8~12월 … 10.3%"
    assert _dec(_cell("garak-vegetable2-progress-2021", "공정률", "'21. 8~12월")) == Decimal("10.3")


def test_stated_figures(seeded: None) -> None:
    # I "정원 307 / 현원 295명 (△12)"
    assert _figure("staff-authorized").value == 307
    assert _figure("staff-shortfall").value == 12
    # I footnote "본예산(708,321백만원)": money is stored in won
    assert _figure("budget-original").value == 708_321 * MILLION
    assert _figure("budget-original").unit_as_printed == "백만원"
    # II "'22년 한국 경제성장률 3.1%(기재부)"
    assert _figure("korea-growth-forecast-2022").value == Decimal("3.1")
    # IV-1-1 "14,093명 일자리 제공, 목표(11,374명) 대비 124% 초과 달성"
    assert _figure("anshim-achievement-2021").value == 124
    # IV-1-2 "5,668억원 매출지원"
    assert _figure("onseoul-sales-2021").value == 5_668 * EOK
    # IV-3-5 "라이브방송 67회, 총 112,818뷰(방송 당 평균 1,683뷰)"
    assert _figure("food-centre-live-views-2021").value == 112818
    assert _figure("food-centre-live-views-avg-2021").value == 1683
    # IV-4-2 "총사업비 : 53,419백만원('22년 26,788백만원)", "15,900백만원(’22년 350백만원)"
    assert _figure("bio-global-building-2022").value == 26_788 * MILLION
    assert _figure("hongneung-rnd-centre-2022").value == 350 * MILLION
    # IV-4-4 "12개 과제(과제별 2천만원 이내), ▶(소요예산) 256백만원"
    assert _figure("gvalley-scaleup-projects-2022").value == 12
    assert _figure("gvalley-scaleup-cap-2022").value == 20_000_000
    assert _figure("gvalley-scaleup-cap-2022").unit_as_printed == "천만원"
    # Money printed with 억 or 만원 in running text is stored in won too, shown as printed:
    # IV-3-4 "50억 투자유치(고려대 수호, 5월)", IV-1-3 "업체별 300만원 지원"
    assert _figure("campus-town-investment-case").value == 50 * EOK
    assert _figure("campus-town-investment-case").display_value == "50"
    assert _figure("fashion-support-per-firm").value == 3_000_000
    assert _figure("fashion-support-per-firm").display_value == "300"
    # IV-2-4 "월 최대 236만원 지급"; IV-3-5 "총 43억 기관 투자 유치"
    assert _figure("newdeal-monthly-max-2022").value == 2_360_000
    assert _figure("food-centre-case1-total").value == 43 * EOK
    # IV-4-5 "현 공정률 22.8%(터파기공사 중)"
    assert _figure("robot-museum-progress").value == Decimal("22.8")
    # IV-5-5 "총사업비 : 9,853억원"
    assert _figure("garak-total-cost").value == 9_853 * EOK
    assert _figure("garak-total-cost").provenance["section"] == "IV-5-5"


def test_claims_are_loaded(seeded: None) -> None:
    assert [c["kind"] for c in _table("staffing-by-department").claims] == ["sum", "sum", "sum"]
    assert [c["kind"] for c in _table("budget-execution-by-department").claims] == ["execution"]
    assert _table("yangjae-budget-2022").claims[0]["measure"] == "budget"
    assert _figure("programmes-area-4").claims[0]["measure"] == "node_count"
    assert _figure("food-centre-ip-total").claims[0]["kind"] == "table_sum"
    claimed = sum(len(t.claims) for t in StatedTable.objects.filter(plan__slug=SLUG))
    claimed += sum(len(f.claims) for f in StatedFigure.objects.filter(plan__slug=SLUG))
    assert claimed == 114


# --- (b) the checker on the real document ------------------------------------------------------

def test_documented_errors_are_reported(seeded: None) -> None:
    findings = _findings()
    errors = [f for f in findings if f["severity"] == "error"]
    # the three errors documented in docs/seed-findings/econ-office-report-2022.md
    assert len(errors) == 3
    by_rule = {f["rule"]: f for f in errors}
    # 원인행위액 column: printed 계 41,181, the departments add up to 40,937
    total = by_rule["total-row"]
    assert (total["stated"], total["computed"]) == (41181, 40937)
    assert _labels(total)[0] == "예산 · 계 · 원인행위액"
    # 예산 table: "금 용 투 자 과 26,920 26 269": 지출액 269 > 원인행위액 26
    order = by_rule["execution-order"]
    assert (order["stated"], order["computed"]) == (269, 26)
    assert _labels(order) == ["예산 · 금용투자과 · 지출액", "예산 · 금용투자과 · 원인행위액"]
    assert order["figures"][0]["provenance"]["section"] == "I"
    # printed rate 1.0 but 26 ÷ 26,920 = 0.1%
    rate = by_rule["execution-rate"]
    assert _labels(rate)[0] == "예산 · 금용투자과 · 집행률 원인행위액"
    assert rate["stated"] == 1
    # printed "1.0": the loader keeps its decimal, so the rate is judged to 0.1%
    assert rate["computed"] == 0.1 and rate["suggestion"] == "0.1"


def test_only_explained_infos_and_no_warnings(seeded: None) -> None:
    findings = _findings()
    assert not [f for f in findings if f["severity"] == "warning"]
    infos = [f for f in findings if f["severity"] == "info"]
    # the 2021 lines (72,281백만원 안심일자리 execution; 가락시장 204억원) lie outside 2022-2022
    assert sorted((f["rule"], f["message"].split(" ")[0]) for f in infos) == [
        ("budget-outside-period", "1-1"), ("budget-outside-period", "5-5")]


def test_perturbed_budget_line_breaks_the_yangjae_table_and_headline(seeded: None) -> None:
    before = _findings()
    BudgetLine.objects.filter(node__plan__slug=SLUG, node__code="4-1-2", year=2022).update(
        amount_won=70 * EOK)  # printed "민간위탁 68"
    after = [f for f in _findings() if f not in before]
    errors = {(f["rule"], tuple(_labels(f))): f for f in after if f["severity"] == "error"}
    cell = errors[("data-budget", ("'22년 예산 - 양재 AI · '22년 예산 · 민간위탁",))]
    assert (cell["stated"], cell["computed"], cell["suggestion"]) == (68, 70, "70")
    total = errors[("data-budget", ("'22년 예산 - 양재 AI · '22년 예산 · 계",))]
    assert (total["stated"], total["computed"]) == (262, 264)
    headline = errors[("figure-budget", ("'22년 예산",))]
    assert (headline["stated"], headline["computed"]) == (262, 264)
    assert len(after) == 3


def test_perturbed_staffing_cell_breaks_both_totals(seeded: None) -> None:
    before = _findings()
    # printed "31/35"; ten more, because the sum rule still lets a small gap pass as rounding
    # even in a table of head counts (see the findings doc, "rule problems")
    _set_cell("staffing-by-department", "경제정책과", "일반직 정원", 41)
    after = [f for f in _findings() if f not in before]
    assert after and all(f["rule"] == "sum" and f["severity"] == "error" for f in after)
    by_total = {_labels(f)[0]: f for f in after}
    column_total = by_total["인력현황 · 계 · 일반직 정원"]
    assert (column_total["stated"], column_total["computed"]) == (254, 264)
    row_total = by_total["인력현황 · 경제정책과 · 합계 정원"]
    assert (row_total["stated"], row_total["computed"]) == (39, 49)
    assert len(after) == 2


def test_perturbed_execution_cell_breaks_order_and_rate(seeded: None) -> None:
    before = _findings()
    _set_cell("budget-execution-by-department", "창업정책과", "지출액", 1200)  # printed 994
    after = [f for f in _findings() if f not in before]
    rules = sorted(f["rule"] for f in after)
    # the order and rate of the row, and the 지출액 column no longer adding up to its 계
    assert rules == ["execution-order", "execution-rate", "total-row"]
    assert all("예산 · 창업정책과 · 지출액" in _labels(f) or
               "예산 · 창업정책과 · 집행률 지출액" in _labels(f) for f in after)
    assert all(f["rule"] != "total-row" or f["stated"] == 19488 for f in after)


def test_perturbed_campus_town_cell_breaks_total_and_data(seeded: None) -> None:
    before = _findings()
    _set_cell("campus-town-2022-plan", "사업예산 (백만원)", "종합형", 29662)  # printed 29,562
    after = [f for f in _findings() if f not in before]
    by_rule = {f["rule"]: f for f in after}
    # the printed 계 38,846 no longer equals 종합형 + 단위형 + 기타
    row = by_rule["total-column"]
    assert (row["stated"], row["computed"]) == (38846, 38946)
    # and the cell no longer equals the budget line of 3-4-1
    cell = by_rule["data-budget"]
    assert _labels(cell) == ["캠퍼스타운 '22년 추진계획·사업예산 · 사업예산 (백만원) · 종합형"]
    assert (cell["stated"], cell["computed"]) == (29662, 29562)


def test_perturbed_food_centre_total_breaks_the_headline(seeded: None) -> None:
    before = _findings()
    _set_cell("food-startup-center-tenant-results", "지적재산권 (건)", "계", 485)  # printed 475
    after = [f for f in _findings() if f not in before]
    by_rule = {f["rule"]: f for f in after}
    assert set(by_rule) == {"total-column", "figure-table-sum"}
    headline = by_rule["figure-table-sum"]
    assert _labels(headline) == ["지적재산권 계 ('17~'21)"]
    assert (headline["stated"], headline["computed"]) == (475, 485)
