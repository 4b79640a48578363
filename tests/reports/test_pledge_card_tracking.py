"""The pledge card is built from tracking data, for any node of any plan, at an as-of date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from rtis.lib.report_model import Paragraph, Report, TableBlock
from rtis.orgs.models import User
from rtis.plans.models import FundingSource, Node, Plan
from rtis.reports.actions import build_report, do_generate_report, snapshot_report
from rtis.reports.render import FORMATS, renderer
from rtis.tracking.actions import (
    do_approve_execution,
    do_open_period,
    do_save_execution,
    do_submit_execution,
)
from rtis.tracking.models import (
    AnnualExecution,
    ExecutionStatus,
    Milestone,
    MilestoneState,
    NodeStatus,
    ParticipationEvent,
    ParticipationKind,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    StatusChange,
)
from tests.seed.helpers import SeedData, seed_fixture
from tests.tracking.conftest import AMOUNTS

pytestmark = pytest.mark.django_db

SLUG = "pledge-5-3-6"
AS_OF = dt.date(2017, 3, 1)
MILLION = 1_000_000
DATA = SeedData(SLUG)
seeded = seed_fixture(SLUG)


def card(code: str, as_of: dt.date = AS_OF, slug: str = SLUG) -> Report:
    return build_report("pledge-card", Plan.objects.get(slug=slug), as_of, code)


def table(report: Report, key: str) -> TableBlock:
    return next(t for t in report.tables() if t.key == key)


def has_table(report: Report, key: str) -> bool:
    return any(t.key == key for t in report.tables())


def texts(report: Report, heading: str) -> list[str]:
    section = next(s for s in report.sections if s.heading == heading)
    return [b.text for b in section.blocks if isinstance(b, Paragraph)]


def printed(key: str) -> Decimal:
    """A figure the document prints, in its printed unit (백만원 or 회)."""
    figure = DATA.figure(key)
    return figure.value / MILLION if figure.unit_as_printed == "백만원" else figure.value


# --- seed 003: the card prints the document's totals from the data ----------------------------------

def test_the_card_follows_the_sections_of_the_pledge_sheet(seeded: None) -> None:
    headings = [(s.level, s.heading) for s in card("5-3-6").sections]
    assert headings == [(1, "추진 상황"), (1, "최종 목표 및 정책 개요"), (2, "최종 목표"),
                        (2, "추진계획(정책개요)"), (2, "단위사업"), (1, "연차별 투자계획 및 집행"),
                        (1, "분기별 추진계획 대비 실적"), (1, "시민 참여실적"),
                        (1, "소관·협조부서 및 담당자"), (1, "성과지표")]


def test_the_status_is_the_latest_on_or_before_the_as_of_date(seeded: None) -> None:
    report = card("5-3-6")
    status = texts(report, "추진 상황")
    assert status[0] == "이행 후 계속추진 (2016. 12. 31. 기준)"
    assert "사업 구분: 임기 내 / 신규" in status
    # p.366 "총 사업비 85,035백만원", "집 행 액 48,907백만원", computed from the data
    assert "총 사업비: 85,035백만원, 집행액: 48,907백만원" in status
    assert table(report, "status-history").rows[0].cells == ["2016. 12. 31.", "이행 후 계속추진", "-"]
    before = card("5-3-6", dt.date(2016, 12, 30))
    assert texts(before, "추진 상황")[0] == "입력된 추진 상황이 없습니다."
    assert not has_table(before, "status-history")


def test_executed_money_equals_the_printed_executed_table(seeded: None) -> None:
    report = card("5-3-6")
    executed = table(report, "executed")
    assert executed.columns == ["연도", "계", "시비", "국비"]
    # p.367 연도별 집행액 "소 계 48,907 16,231 15,622 17,054", "시 비 43,588 …", "국 비 5,319 …"
    assert executed.rows[0].cells == ["계", Decimal(48907), Decimal(43588), Decimal(5319)]
    assert executed.rows[0].cells[1] == printed("executed-amount") == DATA.cell(
        "executed-by-year-source", "소계", "계")
    assert [r.cells for r in executed.rows[1:]] == [
        ["2014", Decimal(16231), Decimal(16231), None],
        ["2015", Decimal(15622), Decimal(10303), Decimal(5319)],
        ["2016", Decimal(17054), Decimal(17054), None]]
    assert executed.footnote == ""  # no monthly execution is involved


def test_the_plan_is_compared_with_the_executed_money_by_year(seeded: None) -> None:
    report = card("5-3-6")
    # p.366 "총 사업비 85,035백만원" = the budget lines of the node's subtree
    assert table(report, "investment-plan").rows[0].cells[1] == printed("total-project-cost")
    comparison = table(report, "plan-vs-executed")
    assert comparison.rows[0].cells == ["계", Decimal(85035), Decimal(48907), None]
    by_year = {r.cells[0]: r.cells[1:] for r in comparison.rows[1:]}
    # p.367: ’14 planned 18,613, executed 16,231 (87.2 %); ’17 nothing executed yet
    assert by_year["2014"] == [Decimal(18613), Decimal(16231), Decimal("87.2")]
    assert by_year["2015"] == [Decimal(16052), Decimal(15622), Decimal("97.3")]
    assert by_year["2017"] == [Decimal(21370), None, None]


def test_participation_totals_equal_the_printed_totals(seeded: None) -> None:
    report = card("5-3-6")
    participation = table(report, "citizen-participation")
    assert participation.columns == ["단위사업", "계", "설명회·공청회", "만족도 조사",
                                     "민간전문가 자문", "언론/방송 보도", "보고서 발간"]
    total = dict(zip(participation.columns, participation.rows[0].cells, strict=True))
    # p.368 "자문회의 개최 19회", "설명회, 공청회 등 7회", "언론/방송 보도 202회"
    assert total["민간전문가 자문"] == printed("participation-expert-advice-total") == 19
    assert total["설명회·공청회"] == printed("participation-briefings-total") == 7
    assert total["언론/방송 보도"] == printed("participation-media-total") == 202
    assert total["만족도 조사"] is None and total["보고서 발간"] is None
    assert total["계"] == 228
    rows = {r.cells[0]: r.cells[1:] for r in participation.rows[1:]}
    # p.368 홍릉 산학연 자문단 "4 - 8 58 -"
    assert rows["5-3-6-3 홍릉 산학연 자문단"] == [70, 4, None, 8, 58, None]
    assert rows["5-3-6-2 동북4구 산학협력"] == [5, None, None, 5, None, None]
    assert "민간전문가 자문 19회 (R&D성과분석 관련 자문회의; 동북4구 관련 자문회의; " \
           "홍릉관련 자문회의)" in texts(report, "시민 참여실적")


def test_quarterly_plans_and_results_of_the_subtree_are_listed(seeded: None) -> None:
    report = card("5-3-6")
    milestones = table(report, "milestones")
    assert len(milestones.rows) == 36
    first = milestones.rows[0].cells
    # p.366 ’15년 1분기 "계획 수립"; p.368 추진 실적 "사업 설명회"
    assert first == ["5-3-6-1", "2015", "1분기", "계획 수립", "사업 설명회", "완료", ""]
    inferred = [r for r in milestones.rows if r.cells[6] == "추정"]
    assert len(inferred) == 16 and "(16건)" in milestones.footnote
    assert ["5-3-6-3", "2017", "4분기", "운영", "-", "미착수", ""] in [
        r.cells for r in milestones.rows]
    # the ’16 동북4구 plan the document does not place in quarters is a note, as printed
    notes = texts(report, "분기별 추진계획 대비 실적")
    assert notes == ["5-3-6-2 2016년 계획 (원문에서 분기를 알 수 없음): 계약체결 / 후속사업 "
                     "실행방안 / 사업계획(안) 마련 / 계획 수립 / 협력사업 추진 / 협력사업 추진"]


def test_goal_overview_and_contacts_come_from_the_profile(seeded: None) -> None:
    report = card("5-3-6")
    assert texts(report, "최종 목표") == [
        "서울형 R&D사업 및 대학연계를 통한 창업지원형 산학협력체계 구축"]
    assert texts(report, "추진계획(정책개요)")[0] == (
        "창업-기업성장 선순환체계 확립을 통한 산학연 협력사업 지원")
    contacts = table(report, "contacts")
    assert contacts.caption == "담당자"
    assert contacts.rows[0].cells == ["총괄부서", "경제정책과", "경제정책과장", "김태희", "2133-5210"]
    assert len(contacts.rows) == 9
    assert "협조부서: 산업거점조성반, 동북권사업단" in texts(report, "소관·협조부서 및 담당자")


def test_a_unit_project_card_shows_its_own_data_and_the_pledges_status(seeded: None) -> None:
    report = card("5-3-6-2")
    assert texts(report, "추진 상황")[0] == (
        "이행 후 계속추진 (2016. 12. 31. 기준) (상위 과제 5-3-6 기준)")
    assert texts(report, "최종 목표 및 정책 개요")[0].startswith("동북4구 소재 대학 산학협력단과의")
    assert {r.cells[0] for r in table(report, "milestones").rows} == {"5-3-6-2"}
    assert table(report, "citizen-participation").rows[0].cells == [
        "계", 5, None, None, 5, None, None]
    assert table(report, "contacts").caption == "담당자 (상위 과제 5-3-6 기준)"
    money = texts(report, "연차별 투자계획 및 집행")
    assert money == ["소요예산이 입력되지 않았습니다.", "입력된 집행 실적이 없습니다."]
    rnd = card("5-3-6-1")
    assert table(rnd, "executed").rows[0].cells[1] == Decimal(48907)
    assert texts(rnd, "분기별 추진계획 대비 실적") == []  # the unplaced note is 5-3-6-2's


def test_the_card_reads_a_bounded_number_of_queries(seeded: None,
                                                    django_assert_max_num_queries: Any) -> None:
    plan = Plan.objects.get(slug=SLUG)
    with django_assert_max_num_queries(16):
        build_report("pledge-card", plan, AS_OF, "5-3-6")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_the_card_from_its_snapshot(seeded: None, fmt: str) -> None:
    snapshot = do_generate_report(None, "pledge-card", Plan.objects.get(slug=SLUG), AS_OF,
                                  "5-3-6")
    report = snapshot_report(snapshot)
    assert report.to_dict() == card("5-3-6").to_dict()
    data = renderer(fmt)(report)
    assert data
    if fmt == "html":
        html = data.decode("utf-8")
        assert "48,907" in html and "이행 후 계속추진" in html and "김태희" in html
        assert "thead { display: table-header-group; }" in html and "<nav" not in html
        assert "@page { size: A4;" in html and "break-after: avoid" in html


# --- any node of any plan: nothing entered, monthly execution, as-of filtering ----------------------

def test_a_node_without_tracking_data_gets_lines_not_errors(plan: Plan) -> None:
    report = card("2-1-1", dt.date(2019, 12, 31), plan.slug)
    assert texts(report, "추진 상황")[0] == "입력된 추진 상황이 없습니다."
    assert "입력된 집행 실적이 없습니다." in texts(report, "연차별 투자계획 및 집행")
    assert texts(report, "분기별 추진계획 대비 실적") == ["입력된 분기별 추진 실적이 없습니다."]
    assert texts(report, "시민 참여실적") == ["입력된 시민 참여실적이 없습니다."]
    assert "입력된 담당자가 없습니다." in texts(report, "소관·협조부서 및 담당자")
    assert table(report, "investment-plan").rows[0].cells[1] == Decimal(3750)
    for fmt in FORMATS:
        assert renderer(fmt)(report)


def _approved(planner: User, node: Node, period: ReportingPeriod, **amounts: int) -> None:
    record = do_save_execution(planner, node, period, None, **{**AMOUNTS, **amounts})
    record = do_submit_execution(planner, record)
    do_approve_execution(planner, record)


def test_years_without_settled_spending_use_the_latest_approved_month(
        plan: Plan, planner: User) -> None:
    unit, other = plan.nodes.get(code="2-1-1"), plan.nodes.get(code="1-1-1")
    june = do_open_period(planner, plan, kind="month", year=2019, number=6,
                          due_on=dt.date(2019, 7, 10))
    july = do_open_period(planner, plan, kind="month", year=2019, number=7,
                          due_on=dt.date(2019, 8, 10))
    august = do_open_period(planner, plan, kind="month", year=2019, number=8,
                            due_on=dt.date(2019, 9, 10))
    _approved(planner, unit, june, spent=100_000_000)
    _approved(planner, unit, july, spent=300_000_000)  # year to date: replaces June's
    do_save_execution(planner, unit, august, None, **AMOUNTS)  # a draft is not a figure
    _approved(planner, other, july, spent=700_000_000)  # another subtree
    AnnualExecution.objects.create(node=unit, year=2018, amount_won=1_400_000_000,
                                   source=FundingSource.objects.get(code="city"))
    report = card("2", dt.date(2019, 12, 31), plan.slug)
    executed = table(report, "executed")
    assert [r.cells for r in executed.rows] == [
        ["계", Decimal(1700), Decimal(1400), None],
        ["2018", Decimal(1400), Decimal(1400), None],
        ["2019 (월별 집행실적)", Decimal(300), None, None]]
    assert executed.columns == ["연도", "계", "시비", "국비"]
    assert "2019-07" in executed.footnote
    comparison = {r.cells[0]: r.cells[1:] for r in table(report, "plan-vs-executed").rows}
    assert comparison["2019"] == [Decimal(2250), Decimal(300), Decimal("13.3")]
    # as of June only June's record counts
    june_card = card("2", dt.date(2019, 6, 30), plan.slug)
    assert table(june_card, "executed").rows[-1].cells[:2] == ["2019 (월별 집행실적)", Decimal(100)]
    # a year with settled spending ignores its monthly records
    AnnualExecution.objects.create(node=unit, year=2019, amount_won=2_000_000_000,
                                   source=FundingSource.objects.get(code="national"))
    settled = table(card("2", dt.date(2019, 12, 31), plan.slug), "executed")
    assert settled.rows[-1].cells == ["2019", Decimal(2000), None, Decimal(2000)]


def test_history_drafts_and_later_events_follow_the_as_of_date(plan: Plan) -> None:
    node = plan.nodes.get(code="2-1")
    unit = plan.nodes.get(code="2-1-1")
    StatusChange.objects.create(node=node, status=NodeStatus.NORMAL,
                                effective_on=dt.date(2019, 1, 1))
    StatusChange.objects.create(node=node, status=NodeStatus.DELAYED, reason="부지 협의 지연",
                                effective_on=dt.date(2019, 9, 1))
    quarter = ReportingPeriod.objects.create(plan=plan, kind=PeriodKind.QUARTER, year=2019,
                                             number=3, due_on=dt.date(2019, 10, 10),
                                             state=PeriodState.OPEN)
    Milestone.objects.create(node=unit, period=quarter, planned="설계 공모", achieved="",
                             state=MilestoneState.IN_PROGRESS, status=ExecutionStatus.DRAFT)
    ParticipationEvent.objects.create(node=unit, kind=ParticipationKind.BRIEFING, count=2,
                                      held_on=dt.date(2019, 5, 2), description="주민 설명회")
    ParticipationEvent.objects.create(node=unit, kind=ParticipationKind.BRIEFING, count=1,
                                      held_on=dt.date(2019, 11, 2))
    report = card("2-1", dt.date(2019, 10, 1), plan.slug)
    assert texts(report, "추진 상황")[:2] == ["지연 (2019. 9. 1. 기준)", "사유: 부지 협의 지연"]
    assert [r.cells for r in table(report, "status-history").rows] == [
        ["2019. 9. 1.", "지연", "부지 협의 지연"], ["2019. 1. 1.", "정상추진", "-"]]
    # a draft milestone is not yet a figure of the card
    assert texts(report, "분기별 추진계획 대비 실적") == ["입력된 분기별 추진 실적이 없습니다."]
    # the November briefing is after the as-of date
    assert table(report, "citizen-participation").rows[0].cells[:3] == ["계", 2, 2]
    Milestone.objects.update(status=ExecutionStatus.APPROVED)
    approved = table(card("2-1", dt.date(2019, 10, 1), plan.slug), "milestones")
    assert approved.rows[0].cells == ["2-1-1", "2019", "3분기", "설계 공모", "-", "진행", ""]
    earlier = card("2-1", dt.date(2019, 8, 31), plan.slug)
    assert texts(earlier, "추진 상황")[0] == "정상추진 (2019. 1. 1. 기준)"


def test_the_card_stays_korean_when_made_from_the_english_interface(seeded: None) -> None:
    from django.utils import translation

    with translation.override("en"):
        executed = table(card("5-3-6"), "executed")
    assert executed.columns == ["연도", "계", "시비", "국비"]  # reports stay Korean
