"""A closed call with five submitted applications, a pool of six evaluators and their users."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from rtis.lib.bizno import business_check_digit, format_business_number
from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Role, User
from rtis.review.actions import (
    do_assign,
    do_create_evaluator,
    do_create_panel,
    do_run_selection,
    do_save_scores,
)
from rtis.review.models import Assignment, Evaluator, Panel
from rtis.rnd.actions import (
    do_add_person,
    do_create_call,
    do_create_organisation,
    do_create_programme,
    do_link_applicant,
    do_publish_call,
    do_save_application,
    do_submit_application,
)
from rtis.rnd.models import Application, Call, CallStage, EvaluationCriterion
from tests.rnd.conftest import CLOSES, OPENS, SEOUL, at

PASSWORD = "rtis-test-password"
STAGE = [{"name": "서면평가", "criteria": [{"name": "기술성", "weight": 40, "max_score": 100},
                                       {"name": "사업성", "weight": 35, "max_score": 50},
                                       {"name": "수행역량", "weight": 25, "max_score": 20}]}]
# (organisation, kind, nine digits, department, title, requested)
APPLICANTS = [
    ("서울대학교 산학협력단", "university", "119820001", "기계공학과", "소형 수소 연료전지 스택", 300_000_000),
    ("주식회사 가온로보틱스", "startup", "220870002", "", "물류 로봇 군집 제어", 200_000_000),
    ("주식회사 다온바이오", "seoul_sme", "120810003", "연구소", "체외진단 키트 양산", 150_000_000),
    ("주식회사 라온소프트", "seoul_sme", "211860004", "", "공공데이터 품질 진단", 100_000_000),
    ("주식회사 마루에너지", "seoul_sme", "104810005", "", "건물 에너지 관리 AI", 120_000_000),
]
# (username, name, organisation, department, expertise)
POOL = [
    ("eval_a", "가상위원가", "서울대학교 산학협력단", "기계공학과", ["에너지", "기계"]),
    ("eval_b", "가상위원나", "연세대학교", "전기전자공학부", ["AI", "로봇"]),
    ("eval_c", "가상위원다", "고려대학교", "생명공학과", ["바이오"]),
    ("eval_d", "가상위원라", "한국과학기술원", "전산학부", ["AI", "소프트웨어"]),
    ("eval_e", "가상위원마", "서울과학기술대학교", "경영학과", ["사업화"]),
    ("eval_f", "가상위원바", "한양대학교", "기계공학부", ["기계", "로봇"]),
]


@dataclass
class Scenario:
    call: Call
    stage: CallStage
    applications: list[Application]
    evaluators: list[Evaluator]
    applicants: list[User] = field(default_factory=list)

    def criteria(self) -> list[EvaluationCriterion]:
        return list(self.stage.criteria.order_by("order"))

    def full(self, *values: int) -> dict[str, int]:
        return {str(c.pk): v for c, v in zip(self.criteria(), values, strict=True)}


def make_user(username: str, role: str) -> User:
    return do_create_user(None, username, PASSWORD, role, [])


@pytest.fixture
def scenario(planner: User, monkeypatch: pytest.MonkeyPatch) -> Scenario:
    monkeypatch.setattr("rtis.config.clock.now", at(dt.datetime(2026, 3, 10, 9, tzinfo=SEOUL)))
    programme = do_create_programme(planner, name="기술상용화 R&D", kind="commercialisation")
    call = do_create_call(planner, programme, year=2026, title="2026년 기술상용화 공고",
                          budget_won=600_000_000, opens_at=OPENS, closes_at=CLOSES,
                          eligibility=["seoul_sme", "startup", "university"], stages=STAGE)
    call = do_publish_call(planner, call, call.version)
    applications = []
    applicants = []
    for n, (org, kind, nine, dept, title, requested) in enumerate(APPLICANTS):
        monkeypatch.setattr("rtis.config.clock.now",
                            at(dt.datetime(2026, 3, 10 + n, 9, tzinfo=SEOUL)))
        number = format_business_number(nine + str(business_check_digit(nine)))
        organisation = do_create_organisation(planner, name=org, kind=kind,
                                              business_number=number)
        # the online application's own people: the PI with its department, a participant
        lead = do_add_person(planner, organisation, name=f"책임자{n}", department=dept)
        member = do_add_person(planner, organisation, name=f"연구원{n}", department=dept)
        application = do_save_application(planner, call, organisation, title=title, pi=lead,
                                          participants=[member],
                                          requested_funds={2026: requested})
        application = do_submit_application(planner, application, application.version)
        user = make_user(f"applicant{n}", Role.APPLICANT)
        do_link_applicant(planner, organisation, user)
        applicants.append(user)
        applications.append(application)
    monkeypatch.setattr("rtis.config.clock.now", at(dt.datetime(2026, 4, 6, 10, tzinfo=SEOUL)))
    evaluators = [do_create_evaluator(planner, make_user(u, Role.EVALUATOR), name=name,
                                      organisation=org, department=dept, expertise=fields)
                  for u, name, org, dept, fields in POOL]
    return Scenario(call=call, stage=call.stages.get(), applications=applications,
                    evaluators=evaluators, applicants=applicants)


def score_all(scenario: Scenario, assignments: Any, values: dict[int, tuple[int, int, int]]
              ) -> None:
    """Submit every assignment's sheet with the values given per application index."""
    index = {a.pk: n for n, a in enumerate(scenario.applications)}
    for assignment in assignments:
        do_save_scores(assignment.evaluator.user, assignment, assignment.version,
                       scores=scenario.full(*values[index[assignment.application_id]]),
                       comment="synthetic", submit=True)


ROLES = ("manager", "evaluator", "other_evaluator", "applicant", "other_applicant", "officer",
         "viewer", "public")
MANAGER = frozenset({"manager"})
EVALUATOR = frozenset({"evaluator"})


@dataclass
class World:
    scenario: Scenario
    panel: Panel
    other_panel: Panel
    mine: Assignment
    theirs: Assignment
    users: dict[str, User | None]


@pytest.fixture
def world(scenario: Scenario, planner: User, officer: User, viewer: User) -> World:
    apps = scenario.applications
    panel = do_create_panel(planner, scenario.stage, name="제1분과", applications=[apps[1]])
    other = do_create_panel(planner, scenario.stage, name="제2분과", applications=[apps[3]])
    b, c = scenario.evaluators[1], scenario.evaluators[2]
    mine = do_assign(planner, panel, b, apps[1])
    theirs = do_assign(planner, other, c, apps[3])
    for assignment, evaluator in ((mine, b), (theirs, c)):
        do_save_scores(evaluator.user, assignment, assignment.version,
                       scores=scenario.full(80, 40, 16), comment="의견", submit=True)
    users: dict[str, User | None] = {
        "manager": planner, "evaluator": b.user, "other_evaluator": c.user,
        "applicant": scenario.applicants[1], "other_applicant": scenario.applicants[3],
        "officer": officer, "viewer": viewer, "public": None}
    return World(scenario, panel, other, mine, theirs, users)


def client_as(world: World, role: str) -> Client:
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def refused(response: Any) -> bool:
    if response.status_code in {403, 404}:
        return True
    return response.status_code == 302 and "/login/" in response.get("Location", "")


@pytest.fixture
def selected(world: World) -> World:
    do_run_selection(world.users["manager"], world.scenario.stage)
    return world
