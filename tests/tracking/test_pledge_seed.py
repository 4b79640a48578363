"""Seed 003's pledge section becomes tracking data: profile, status, quarters, participation, money.

Figures are those printed in 003_f04f8081098ea554.txt (pages 366-372), as transcribed in
src/rtis/seed/plans/pledge-5-3-6.yaml.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from rtis.audit.models import AuditEvent
from rtis.ingest.seed import SEED_DIR, load_seed, read_seed
from rtis.lib.seed_schema import (
    ParticipationLabel,
    PledgeStatus,
    SeedError,
    SeedPledge,
    parse_seed_text,
    pledge_reported_on,
)
from rtis.orgs.models import User
from rtis.plans.models import Plan
from rtis.tracking.models import (
    AnnualExecution,
    ContactRole,
    ExecutionStatus,
    Milestone,
    MilestoneState,
    NodeContact,
    NodeStatus,
    ParticipationEvent,
    ParticipationKind,
    PeriodKind,
    PeriodState,
    PledgeProfile,
    ReportingPeriod,
    StatusChange,
)
from rtis.tracking.pledge import (
    KIND_BY_LABEL,
    STATUS_BY_LABEL,
    do_load_pledge_seed,
    quarter_due_on,
)
from tests.seed.helpers import SeedData, seed_fixture

pytestmark = pytest.mark.django_db

SLUG = "pledge-5-3-6"
MILLION = 1_000_000  # (단위 : 백만원)
SEED_FILE = SEED_DIR / "plans" / f"{SLUG}.yaml"
DATA = SeedData(SLUG)
seeded = seed_fixture(SLUG)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.filter(**{lookup: SLUG}).count() for model, lookup in (
        (PledgeProfile, "node__plan__slug"), (StatusChange, "node__plan__slug"),
        (ReportingPeriod, "plan__slug"), (Milestone, "node__plan__slug"),
        (ParticipationEvent, "node__plan__slug"), (NodeContact, "node__plan__slug"),
        (AnnualExecution, "node__plan__slug"))}


EXPECTED = {"PledgeProfile": 1, "StatusChange": 1, "ReportingPeriod": 12, "Milestone": 36,
            "ParticipationEvent": 7, "NodeContact": 9, "AnnualExecution": 4}


# --- what is loaded ------------------------------------------------------------------------------

def test_it_loads_every_part_of_the_pledge_section(seeded: None) -> None:
    assert _counts() == EXPECTED


def test_the_profile_sits_on_the_pledge_root(seeded: None) -> None:
    profile = PledgeProfile.objects.get(node__plan__slug=SLUG)
    assert profile.node == DATA.node("5-3-6")
    assert profile.number == "5-3-6"
    # p.366 "최종목표 ○ 서울형 R&D사업 및 대학연계를 통한 창업지원형 산학협력체계 구축"
    assert profile.final_goal == "서울형 R&D사업 및 대학연계를 통한 창업지원형 산학협력체계 구축"
    # p.366 추진계획(정책개요): three ○ headings
    assert profile.overview_items[0] == "창업-기업성장 선순환체계 확립을 통한 산학연 협력사업 지원"
    assert len(profile.overview_items) == 3
    assert profile.overview.startswith("창업-기업성장 선순환체계를 세워")
    # p.366 "사업 구분 / 임기 내 / 신규"
    assert (profile.kind, profile.term) == ("신규", "임기 내")
    assert profile.provenance["document"] == "003_f04f8081098ea554.txt"
    assert profile.provenance["path"] == "pledge"


def test_the_status_is_continuing_as_of_the_last_reported_quarter(seeded: None) -> None:
    change = StatusChange.objects.get(node__plan__slug=SLUG)
    # p.366 "추진 상황 / 이행 후 계속추진"
    assert change.node == DATA.node("5-3-6")
    assert change.status == NodeStatus.CONTINUING
    # No date is printed; the sheet reports achievements to ’16년 4분기.
    assert change.effective_on == dt.date(2016, 12, 31)
    assert change.recorded_by is None and change.reason == ""
    assert change.provenance["status_as_printed"] == "이행 후 계속추진"
    assert change.provenance["effective_on_basis"] == "end of the last reported quarter"


def test_quarter_periods_are_locked_and_due_ten_days_after_the_quarter(seeded: None) -> None:
    periods = ReportingPeriod.objects.filter(plan__slug=SLUG)
    assert {p.kind for p in periods} == {PeriodKind.QUARTER}
    assert {p.state for p in periods} == {PeriodState.LOCKED}
    assert sorted(p.label for p in periods)[:2] == ["2015-Q1", "2015-Q2"]
    assert sorted(p.label for p in periods)[-1] == "2017-Q4"
    assert periods.get(year=2015, number=1).due_on == dt.date(2015, 4, 10)
    assert periods.get(year=2016, number=4).due_on == dt.date(2017, 1, 10)
    assert quarter_due_on(2016, 3) == dt.date(2016, 10, 10)


def test_milestones_hold_plan_and_achievement_as_printed(seeded: None) -> None:
    milestones = Milestone.objects.filter(node__plan__slug=SLUG).select_related("node", "period")
    assert {m.status for m in milestones} == {ExecutionStatus.APPROVED}
    # reported quarters (’15, ’16) are done, the ’17 plans not started
    states = Counter((m.period.year, m.state) for m in milestones)
    assert states == {(2015, MilestoneState.DONE): 12, (2016, MilestoneState.DONE): 12,
                      (2017, MilestoneState.NOT_STARTED): 12}
    rnd = milestones.get(node__code="5-3-6-1", period__year=2015, period__number=2)
    # p.366 ’15년 2분기 "사업 공고"; p.368 추진 실적 2분기 "개별 공고 선정 평가"
    assert (rnd.planned, rnd.achieved) == ("사업 공고", "개별공고 선정평가")
    assert "placement" not in rnd.provenance
    assert rnd.provenance["path"] == "pledge.quarterly_plans[1]"
    inferred = milestones.get(node__code="5-3-6-1", period__year=2016, period__number=2)
    assert inferred.planned == "개별공고·선정평가, 연구개발지원단 지원"
    assert inferred.provenance["placement"] == "inferred"
    later = milestones.get(node__code="5-3-6-3", period__year=2017, period__number=1)
    # p.371 ’17년 1분기 "발전 협의회 개최", nothing achieved yet
    assert (later.planned, later.achieved) == ("발전 협의회 개최", "")
    assert sum(1 for m in milestones if m.provenance.get("placement") == "inferred") == 16


def test_the_unplaced_2016_plan_of_dongbuk_is_a_note_not_a_milestone(seeded: None) -> None:
    dongbuk = Milestone.objects.filter(node__code="5-3-6-2", period__year=2016,
                                       node__plan__slug=SLUG)
    # the four ’16 quarters print achievements only; the six plan items are not placed
    assert [m.planned for m in dongbuk] == ["", "", "", ""]
    assert [m.achieved for m in dongbuk] == ["운영"] * 4
    assert not Milestone.objects.filter(planned__contains="계약체결").exists()
    notes = PledgeProfile.objects.get(node__plan__slug=SLUG).provenance[
        "unplaced_quarterly_plans"]
    assert len(notes) == 1
    assert notes[0]["node"] == "5-3-6-2" and notes[0]["year"] == 2016
    assert notes[0]["planned"].startswith("계약체결 / 후속사업 실행방안")


def test_participation_counts_are_cumulative_and_add_up_to_the_printed_totals(
        seeded: None) -> None:
    events = ParticipationEvent.objects.filter(node__plan__slug=SLUG)
    assert {e.held_on for e in events} == {None}
    totals = dict(events.values_list("kind").annotate(total=Sum("count")))
    # p.368 "자문회의 개최 19회", "설명회, 공청회 등 7회", "언론/방송 보도 202회"
    assert totals == {ParticipationKind.ADVISORY: 19, ParticipationKind.BRIEFING: 7,
                      ParticipationKind.MEDIA: 202}
    media = events.get(node__code="5-3-6-1", kind=ParticipationKind.MEDIA)
    assert media.count == 144
    assert media.description.startswith("해커톤 관련 112회")
    briefing = events.get(node__code="5-3-6-1", kind=ParticipationKind.BRIEFING)
    assert briefing.provenance["kind_as_printed"] == "설명회, 공청회 등"
    # printed "-" cells (만족도 조사, 보고서 발간, 동북4구 설명회) are not events
    assert not events.filter(kind=ParticipationKind.SURVEY).exists()
    assert not events.filter(node__code="5-3-6-2", kind=ParticipationKind.BRIEFING).exists()


def test_contacts_are_on_the_root_in_printed_order_with_departments_linked(seeded: None) -> None:
    contacts = list(NodeContact.objects.filter(node__plan__slug=SLUG).select_related("node",
                                                                                     "department"))
    assert {c.node.code for c in contacts} == {"5-3-6"}
    # p.372 "총괄부서 경제정책과장 : 김태희 ☎2133-5210 …"
    first = contacts[0]
    assert (first.role, first.department_name, first.position, first.name, first.phone) == (
        ContactRole.LEAD, "경제정책과", "경제정책과장", "김태희", "2133-5210")
    assert first.department is not None and first.department.name == "경제정책과"
    assert Counter(c.role for c in contacts) == {ContactRole.LEAD: 3, ContactRole.COOPERATING: 6}
    # "동북권사업단: 한병준 ☎2133-8275" prints no position
    hahn = next(c for c in contacts if c.name == "한병준")
    assert hahn.position == "" and hahn.department is not None
    assert [c.order for c in contacts] == list(range(9))


def test_settled_spending_comes_from_the_printed_executed_table(seeded: None) -> None:
    rows = {(a.node.code, a.year, a.source_id): a.amount_won
            for a in AnnualExecution.objects.filter(node__plan__slug=SLUG).select_related("node")}
    # p.367 연도별 집행액: 국비 ’15 5,319; 시비 16,231 / 10,303 / 17,054 (소계, 계 are totals)
    assert rows == {("5-3-6-1", 2015, "national"): 5_319 * MILLION,
                    ("5-3-6-1", 2014, "city"): 16_231 * MILLION,
                    ("5-3-6-1", 2015, "city"): 10_303 * MILLION,
                    ("5-3-6-1", 2016, "city"): 17_054 * MILLION}
    # p.366 "집 행 액 48,907백만원"
    assert sum(rows.values()) == 48_907 * MILLION == DATA.figure("executed-amount").value
    row = AnnualExecution.objects.get(node__plan__slug=SLUG, year=2015, source_id="national")
    assert row.provenance["unit"] == "백만원" and row.provenance["row_as_printed"] == "국비"
    assert row.provenance["page"] == 367


def test_every_created_row_is_in_the_audit_trail(seeded: None) -> None:
    events = AuditEvent.objects.filter(action="create", reason__startswith="seed seed/plans/",
                                       plan_id=Plan.objects.get(slug=SLUG).pk)
    by_type = Counter(e.target_type for e in events)
    assert by_type == {"tracking.pledgeprofile": 1, "tracking.statuschange": 1,
                       "tracking.reportingperiod": 12, "tracking.milestone": 36,
                       "tracking.participationevent": 7, "tracking.nodecontact": 9,
                       "tracking.annualexecution": 4}
    assert {e.actor_name for e in events} == {"system"}


# --- idempotent, replaceable, all or nothing --------------------------------------------------------

def test_loading_again_keeps_the_tracking_data(seeded: None) -> None:
    before = set(Milestone.objects.values_list("pk", flat=True))
    report = load_seed(only=SLUG)
    assert report.kept == [SLUG]
    assert _counts() == EXPECTED
    assert set(Milestone.objects.values_list("pk", flat=True)) == before


def test_replacing_the_plan_reloads_its_tracking_data(seeded: None) -> None:
    before = set(Milestone.objects.values_list("pk", flat=True))
    report = load_seed(replace=True, only=SLUG)
    assert report.replaced == [SLUG]
    assert _counts() == EXPECTED
    assert not before & set(Milestone.objects.values_list("pk", flat=True))
    deleted = AuditEvent.objects.filter(action="delete", target_type="tracking.milestone")
    assert deleted.count() == 36 and {e.reason for e in deleted} == {"plan replaced by seed"}


def _broken_copy(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    copy = tmp_path / "seed"
    shutil.copytree(SEED_DIR, copy)
    target = copy / "plans" / f"{SLUG}.yaml"
    lines = target.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if old in line)
    lines[index] = lines[index].replace(old, new, 1)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy, index + 1


@pytest.mark.parametrize(("old", "new", "path"), [
    ("status: 이행 후 계속추진", "status: 잘 되고 있음", "pledge.status"),
    ('{node: "5-3-6-1", year: 2015, quarter: 1,', '{node: "5-3-6-9", year: 2015, quarter: 1,',
     "pledge.quarterly_plans[0].node"),
    ("year: 2015, quarter: 4, planned: 사업 추진", "year: 2015, quarter: 5, planned: 사업 추진",
     "pledge.quarterly_plans[3].quarter"),
    ("kind: 만족도 조사, count: null", "kind: 만족도조사, count: null",
     "pledge.participation[1].kind"),
    ("position: 과학기술팀장", "position: 과학기술팀장, mood: 좋음", "pledge.contacts[1].mood"),
    ("{role: 총괄부서, department: 경제정책과, position: 경제정책과장",
     "{role: 총괄부서, department: 경제정책국, position: 경제정책과장",
     "pledge.contacts[0].department"),
    ('{label: "시비", values: [43588', '{label: "로또", values: [43588',
     "stated_tables[1].rows[2].label"),
])
def test_a_broken_pledge_names_file_line_and_path_and_loads_nothing(
        db: Any, tmp_path: Path, old: str, new: str, path: str) -> None:
    copy, line = _broken_copy(tmp_path, old, new)
    with pytest.raises(SeedError) as caught:
        load_seed(directory=copy, only=SLUG)
    problems = {(p[2], p[1]) for p in caught.value.problems}
    assert any(found == path for found, _line in problems), problems
    file, found_line = next((p[0], p[1]) for p in caught.value.problems if p[2] == path)
    assert file.endswith(f"{SLUG}.yaml") and found_line == line
    assert not Plan.objects.exists() and not Milestone.objects.exists()


def test_a_quarter_row_needs_a_state_and_a_reported_row_an_achievement(db: Any) -> None:
    text = SEED_FILE.read_text(encoding="utf-8")
    text = text.replace("achieved: 협약 체결, state: reported}", "achieved: null, state: reported}",
                        1)
    text = text.replace("planned: 운영비 교부 및 운영, achieved: null, state: planned}",
                        "planned: 운영비 교부 및 운영, achieved: null}", 1)
    with pytest.raises(SeedError) as caught:
        parse_seed_text(text, "pledge.yaml")
    paths = {p[2] for p in caught.value.problems}
    assert "pledge.quarterly_plans[3].achieved" in paths
    assert "pledge.quarterly_plans[21].state" in paths


def test_a_stated_reporting_date_wins_over_the_derived_one() -> None:
    seed = read_seed(only=SLUG)[0][0][1]
    assert seed.pledge is not None
    assert pledge_reported_on(seed.pledge) == (dt.date(2016, 12, 31),
                                               "end of the last reported quarter")
    stated = SeedPledge.model_validate({**seed.pledge.model_dump(),
                                        "reported_on": dt.date(2017, 1, 20)})
    assert pledge_reported_on(stated) == (dt.date(2017, 1, 20), "stated")


def test_every_printed_status_and_kind_has_a_model_value() -> None:
    assert set(STATUS_BY_LABEL) == set(get_args(PledgeStatus))
    assert set(STATUS_BY_LABEL.values()) == set(NodeStatus)
    assert set(KIND_BY_LABEL) == set(get_args(ParticipationLabel))
    assert set(KIND_BY_LABEL.values()) == set(ParticipationKind)


def test_only_planners_load_pledge_data(officer: User, plan: Plan) -> None:
    seed = read_seed(only=SLUG)[0][0][1]
    with pytest.raises(PermissionDenied):
        do_load_pledge_seed(officer, plan, seed, "test")
    assert not PledgeProfile.objects.exists()


def test_the_executed_table_must_name_a_node_of_the_plan(db: Any, tmp_path: Path) -> None:
    copy, _line = _broken_copy(tmp_path, "모든 행이 단위사업 5-3-6-1의 자료",
                               "모든 행이 node 5-3-6-7의 자료")
    with pytest.raises(SeedError) as caught:
        load_seed(directory=copy, only=SLUG)
    problem = next(p for p in caught.value.problems if p[2] == "stated_tables[1].note")
    assert "5-3-6-7" in problem[3] and problem[1] is not None
    assert not Plan.objects.exists()
