"""Seed pledge-5-3-6 (source 003_f04f8081098ea554.txt, pages 366-372): figures and checker.

Spot checks compare the loaded data with the printed document; checker tests pin what
`rtis check --plan pledge-5-3-6` reports (nothing: every printed total of this document adds up,
see docs/seed-findings/pledge-5-3-6.md) and show that the claims catch a broken figure.
"""

from __future__ import annotations

from decimal import Decimal

from rtis.plans.models import BudgetLine, Node, Plan, StatedTable
from tests.seed.helpers import SeedData, labels, seed_fixture
from tests.seed.seed_texts import english_in_seed_file, unconverted_money

SLUG = "pledge-5-3-6"
MILLION = 1_000_000  # (단위 : 백만원)

DATA = SeedData(SLUG)
seeded = seed_fixture(SLUG)
_node, _table, _cell, _figure = DATA.node, DATA.table, DATA.cell, DATA.figure
_labels = labels
_departments, _line, _findings = DATA.departments, DATA.line, DATA.findings


# --- (a) spot checks against the document -------------------------------------------------------

def test_plan_metadata(seeded: None) -> None:
    plan = Plan.objects.get(slug=SLUG)
    # p.366 heading: "5-3-6 창동·상계,홍릉 창업연계 산학협력 구축"
    assert plan.title == "5-3-6 창동·상계,홍릉 창업연계 산학협력 구축"
    # no document number or approval date is printed anywhere (pp.366-372)
    assert plan.document_number == ""
    assert plan.approved_on is None
    # year columns "’14년 … ’18.6월" under "임기 내" (p.366 연차별 추진계획, p.367 tables)
    assert (plan.period_start, plan.period_end) == (2014, 2018)
    # p.372 contact block: "총괄부서 경제정책과장 : 김태희 ☎2133-5210"
    assert plan.department is not None and plan.department.name == "경제정책과"
    assert plan.source_document == "003_f04f8081098ea554.txt"


def test_nodes(seeded: None) -> None:
    assert Node.objects.filter(plan__slug=SLUG).count() == 4
    root = _node("5-3-6")
    # p.366 heading "5-3-6 창동·상계,홍릉 창업연계 산학협력 구축"
    assert root.title == "창동·상계,홍릉 창업연계 산학협력 구축"
    assert root.depth == 1 and root.parent is None
    # p.366 "사업 구분 / 임기 내 / 신규"
    assert root.kind == "신규"
    assert root.level_name == "공약사업"
    # p.366 연차별 추진계획, 단위사업 column: "대학-지역 사회간 협력지원 사업 (산학연협력사업 지원 : 서울형 R&D)"
    first = _node("5-3-6-1")
    assert first.title == "대학-지역 사회간 협력지원 사업(산학연협력사업 지원 : 서울형 R&D)"
    assert first.parent_id == root.pk and first.level_name == "단위사업" and first.kind == ""
    # p.366 단위사업 column: "동북4구 산학협력", "홍릉 산학연 자문단"
    assert _node("5-3-6-2").title == "동북4구 산학협력"
    assert _node("5-3-6-3").title == "홍릉 산학연 자문단"
    assert _node("5-3-6-3").parent_id == root.pk
    # document order: R&D, 동북4구, 홍릉 (p.366, p.367, p.368 tables all print them so)
    codes = list(Node.objects.filter(plan__slug=SLUG).order_by("position")
                 .values_list("code", flat=True))
    assert codes == ["5-3-6", "5-3-6-1", "5-3-6-2", "5-3-6-3"]


def test_node_departments(seeded: None) -> None:
    # p.372 "총괄부서 경제정책과장 : 김태희"
    assert _departments("5-3-6", "owner") == ["경제정책과"]
    # p.372 협조부서: "산업거점조성반장: 김재진", "동북권사업단: 한병준"
    assert _departments("5-3-6", "cooperating") == ["산업거점조성반", "동북권사업단"]
    # no department is printed per 단위사업
    assert _departments("5-3-6-2", "owner") == []


def test_budget_lines(seeded: None) -> None:
    lines = BudgetLine.objects.filter(node__plan__slug=SLUG)
    # p.367 연차별 투자수요(계획): 국비 one cell, 시비 five cells ("-" cells are not lines)
    assert lines.count() == 6
    assert set(lines.values_list("node__code", flat=True)) == {"5-3-6-1"}
    # p.367 "시 비 79,716 18,613 10,733 19,000 21,370 10,000" (’14 … ’18.6월)
    assert _line("5-3-6-1", 2014, "city") == 18_613 * MILLION
    assert _line("5-3-6-1", 2015, "city") == 10_733 * MILLION
    assert _line("5-3-6-1", 2016, "city") == 19_000 * MILLION
    assert _line("5-3-6-1", 2017, "city") == 21_370 * MILLION
    assert _line("5-3-6-1", 2018, "city") == 10_000 * MILLION  # ’18.6월 column
    # p.367 "국 비 5,319 - 5,319 - - -": only ’15년
    assert _line("5-3-6-1", 2015, "national") == 5_319 * MILLION
    assert not lines.filter(source_id="national").exclude(year=2015).exists()
    # p.367 "(단위 : 백만원)": the printed unit is kept in provenance
    line = lines.get(year=2015, source_id="national")
    assert line.provenance["unit"] == "백만원"
    assert line.provenance["source_as_printed"] == "국비"
    # p.367 "소 계 85,035": the lines add up to the printed total
    assert sum(lines.values_list("amount_won", flat=True)) == 85_035 * MILLION


def test_planned_table_cells(seeded: None) -> None:
    key = "planned-by-year-source"
    assert _table(key).unit_as_printed == "백만원"
    # p.367 "소 계 85,035 18,613 16,052 19,000 21,370 10,000"
    assert _cell(key, "소계", "계") == 85035
    assert _cell(key, "소계", "2015") == 16052
    assert _cell(key, "소계", "2018") == 10000
    # p.367 "국 비 5,319 - 5,319 - - -"
    assert _cell(key, "국비", "계") == 5319
    assert _cell(key, "국비", "2014") is None
    # p.367 "시 비 79,716 …"; 임기 후 printed "-"
    assert _cell(key, "시비", "계") == 79716
    assert _cell(key, "시비", "2017") == 21370
    assert _cell(key, "시비", "임기 후") is None


def test_executed_table_cells(seeded: None) -> None:
    key = "executed-by-year-source"
    # p.367 연도별 집행액 "소 계 48,907 16,231 15,622 17,054"
    assert _cell(key, "소계", "계") == 48907
    assert _cell(key, "소계", "2014") == 16231
    assert _cell(key, "소계", "2015") == 15622
    assert _cell(key, "소계", "2016") == 17054
    # p.367 "국 비 5,319 - 5,319 -"
    assert _cell(key, "국비", "2015") == 5319
    # p.367 "시 비 43,588 16,231 10,303 17,054"
    assert _cell(key, "시비", "계") == 43588
    assert _cell(key, "시비", "2015") == 10303
    # ’17년, ’18.6월, 임기 후 printed "-"
    assert _cell(key, "소계", "2017") is None


def test_participation_table_cells(seeded: None) -> None:
    key = "citizen-participation-by-unit"
    rnd = "대학-지역 사회간 협력지원 사업(산학연협력사업 지원 : 서울형 R&D)"
    # p.368 시민 참여실적 (단위 : 횟수): R&D row "3 - 6 144 -"
    assert _cell(key, rnd, "설명회, 공청회 등") == 3
    assert _cell(key, rnd, "만족도 조사") is None
    assert _cell(key, rnd, "민간전문가 자문") == 6
    assert _cell(key, rnd, "언론/방송 보도") == 144
    # 동북4구 row "- - 5 - -"
    assert _cell(key, "동북4구 산학협력", "민간전문가 자문") == 5
    assert _cell(key, "동북4구 산학협력", "언론/방송 보도") is None
    # 홍릉 row "4 - 8 58 -"
    assert _cell(key, "홍릉 산학연 자문단", "설명회, 공청회 등") == 4
    assert _cell(key, "홍릉 산학연 자문단", "민간전문가 자문") == 8
    assert _cell(key, "홍릉 산학연 자문단", "언론/방송 보도") == 58
    assert _cell(key, "홍릉 산학연 자문단", "보고서 발간") is None


def test_stated_figures(seeded: None) -> None:
    # p.366 "총 사업비 … 85,035백만원" (money is stored in won)
    assert _figure("total-project-cost").value == Decimal(85_035 * MILLION)
    assert _figure("total-project-cost").unit_as_printed == "백만원"
    # p.366 "집 행 액 48,907백만원"
    assert _figure("executed-amount").value == Decimal(48_907 * MILLION)
    # p.368 "전문가 및 단체 자문회의 개최 19회", "설명회, 공청회 등 7회", "언론/방송 보도 202회"
    assert _figure("participation-expert-advice-total").value == 19
    assert _figure("participation-briefings-total").value == 7
    assert _figure("participation-media-total").value == 202
    # p.368 "해커톤 개최 관련 112회 언론매체 보도(’16년)", "… 언론매체 보도 30회(’16년) 등"
    assert _figure("media-hackathon-2016").value == 112
    assert _figure("media-fair-forum-2016").value == 30
    # p.369 "’14년 … 64개 과제 149억 지원"
    assert _figure("rnd-support-2014-projects").value == 64
    assert _figure("rnd-support-2014-amount").value == Decimal(149 * 100 * MILLION)
    assert _figure("rnd-support-2014-amount").unit_as_printed == "억원"
    # p.369 "’15년 … 68개 과제 144억 지원(’15.12.)"
    assert _figure("rnd-support-2015-projects").value == 68
    assert _figure("rnd-support-2015-amount").value == Decimal(144 * 100 * MILLION)
    # p.369 "비용 지원(11개 단위사업 97개 과제)"
    assert _figure("rnd-plan-2016-unit-projects").value == 11
    assert _figure("rnd-plan-2016-projects").value == 97
    # p.370 "’16년 … 85개 과제 156억 지원(‘16.12.)"
    assert _figure("rnd-support-2016-projects").value == 85
    assert _figure("rnd-support-2016-amount").value == Decimal(156 * 100 * MILLION)
    # p.369 "서울시 산학연협력포럼 대학 우수기술 625개 DB구축 지원(’14.9.)"
    assert _figure("forum-technology-db").value == 625
    # p.369 "(100개팀 400여명 참여)"
    assert _figure("hackathon-teams").value == 100
    assert _figure("hackathon-participants").value == 400
    # p.370 "시리즈 포럼’ 개최(3회)", "2,000여명 규모"
    assert _figure("series-forums-2016").value == 3
    assert _figure("knowledge-fair-scale").value == 2000
    # p.370 "7개 기관 … 공동협력 협약 체결", "12개 유관기관 대표"
    assert _figure("hongneung-jobs-agreement-institutions").value == 7
    assert _figure("hongneung-development-council-members").value == 12
    # p.371 "… 서울테크노파크 등 11개 대학 산학협력단 참여"
    assert _figure("dongbuk-university-foundations").value == 11
    # p.372 "40개교, 출연연구소 1개", "홍릉포럼 : … 등 16개", "홍릉 바이오 의료 협의체(12개기관)"
    assert _figure("forum-member-universities").value == 40
    assert _figure("forum-member-institutes").value == 1
    assert _figure("hongneung-forum-members").value == 16
    assert _figure("hongneung-council-members-2017").value == 12
    assert _figure("total-project-cost").provenance["page"] == 366


def test_claims_are_loaded(seeded: None) -> None:
    kinds = [c["kind"] for c in _table("planned-by-year-source").claims]
    assert kinds == ["sum", "sum", "data"]
    assert [c["kind"] for c in _table("executed-by-year-source").claims] == ["sum", "sum"]
    assert _figure("total-project-cost").claims[0]["measure"] == "budget"
    assert _figure("participation-media-total").claims[0]["kind"] == "table_sum"


# --- (b) the checker on the real document ------------------------------------------------------

def test_real_document_has_no_findings(seeded: None) -> None:
    # Every printed total adds up (85,035 = 5,319 + 79,716; 48,907 = 5,319 + 43,588; the year
    # columns; 3+4 = 7, 6+5+8 = 19, 144+58 = 202) and the planned table equals the budget lines.
    # The 149억/144억/156억 R&D grant figures are not claimed to be the 집행액 (see the findings doc).
    findings = _findings()
    assert findings == []
    assert sum(1 for f in findings if f["severity"] == "error") == 0


def test_perturbed_budget_line_breaks_the_planned_table(seeded: None) -> None:
    before = _findings()
    BudgetLine.objects.filter(node__plan__slug=SLUG, year=2016, source_id="city").update(
        amount_won=19_500 * MILLION)
    after = [f for f in _findings() if f not in before]
    errors = {(f["rule"], tuple(_labels(f))): f for f in after if f["severity"] == "error"}
    # the 시비 × ’16년 cell of 연차별 투자수요(계획) no longer matches the data
    cell = errors[("data-budget", ("연차별 투자수요(계획) · 시비 · 2016",))]
    assert (cell["stated"], cell["computed"], cell["suggestion"]) == (19000, 19500, "19500")
    # so do the totals that contain it and the headline 총 사업비
    assert ("data-budget", ("연차별 투자수요(계획) · 소계 · 2016",)) in errors
    assert ("data-budget", ("연차별 투자수요(계획) · 시비 · 계",)) in errors
    headline = errors[("figure-budget", ("총 사업비",))]
    assert (headline["stated"], headline["computed"]) == (85035, 85535)
    assert all(f["plan"] == SLUG for f in after)


def test_perturbed_executed_cell_breaks_its_totals(seeded: None) -> None:
    before = _findings()
    table = _table("executed-by-year-source")
    rows = table.rows
    rows[2]["values"][2] = 10403  # 시비 × ’15년, printed 10,303
    StatedTable.objects.filter(pk=table.pk).update(rows=rows)
    after = [f for f in _findings() if f not in before]
    assert after and all(f["rule"] == "sum" and f["severity"] == "error" for f in after)
    by_total = {_labels(f)[0]: f for f in after}
    row_total = by_total["연도별 집행액 · 시비 · 계"]
    assert (row_total["stated"], row_total["computed"]) == (43588, 43688)
    column_total = by_total["연도별 집행액 · 소계 · 2015"]
    assert (column_total["stated"], column_total["computed"]) == (15622, 15722)
    assert all("연도별 집행액 · 시비 · 2015" in _labels(f) for f in after)


def test_one_unit_off_in_executed_table_is_rounding(seeded: None) -> None:
    # executed amounts in 백만원 are rounded from won: a 1 백만원 gap is info, not an error
    table = _table("executed-by-year-source")
    rows = table.rows
    rows[2]["values"][3] = 17055  # 시비 × ’16년, printed 17,054
    StatedTable.objects.filter(pk=table.pk).update(rows=rows)
    findings = _findings()
    assert findings and {f["severity"] for f in findings} == {"info"}


def test_perturbed_executed_total_breaks_the_headline(seeded: None) -> None:
    table = _table("executed-by-year-source")
    rows = table.rows
    rows[0]["values"][0] = 49907  # 소계 × 계, printed 48,907
    StatedTable.objects.filter(pk=table.pk).update(rows=rows)
    findings = _findings()
    headline = [f for f in findings if f["rule"] == "figure-table-sum"]
    assert len(headline) == 1
    assert _labels(headline[0]) == ["집행액"]
    assert (headline[0]["stated"], headline[0]["computed"]) == (48907, 49907)
    assert headline[0]["severity"] == "error"


def test_perturbed_participation_cell_breaks_the_printed_total(seeded: None) -> None:
    before = _findings()
    table = _table("citizen-participation-by-unit")
    rows = table.rows
    rows[1]["values"][2] = 4  # 동북4구 × 민간전문가 자문, printed 5
    StatedTable.objects.filter(pk=table.pk).update(rows=rows)
    after = [f for f in _findings() if f not in before]
    assert len(after) == 1
    finding = after[0]
    assert finding["rule"] == "figure-table-sum" and finding["severity"] == "error"
    assert _labels(finding) == ["전문가 및 단체 자문회의 개최"]
    assert (finding["stated"], finding["computed"], finding["suggestion"]) == (19, 18, "18회")


# --- (c) Korean texts, money in won -------------------------------------------------------------

def test_its_texts_are_korean_not_english_paraphrase() -> None:
    # the table notes and the pledge's reading notes were English ("Executed amounts (all rows …")
    assert english_in_seed_file(f"plans/{SLUG}.yaml") == []


def test_money_in_stated_figures_is_stored_in_won(seeded: None) -> None:
    assert unconverted_money(SLUG) == []
    # p.366 "총 사업비 85,035백만원"; p.369 "64개 과제 149억 지원"
    assert _figure("total-project-cost").value == 85_035 * MILLION
    assert _figure("rnd-support-2014-amount").value == 149 * 100 * MILLION
