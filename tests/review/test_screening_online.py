"""Conflict screening reads the application as the applicant submitted it online: the
principal investigator's organisation and department, and the participants (name AND
organisation), with what matched recorded beside each reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from rtis.lib import review_rules as rules
from rtis.lib.bizno import business_check_digit, format_business_number
from rtis.orgs.models import Role, User
from rtis.review.actions import (
    do_assign,
    do_create_evaluator,
    do_create_panel,
    do_screen_panel,
    reason_text,
)
from rtis.review.models import ConflictFinding, Evaluator
from rtis.rnd.actions import (
    do_add_person,
    do_create_organisation,
    do_link_applicant,
    do_save_application,
    do_submit_application,
)
from rtis.rnd.models import Application
from tests.review.conftest import Scenario, make_user
from tests.rnd.conftest import SEOUL, at

pytestmark = pytest.mark.django_db


def submitted_online(scenario: Scenario, planner: User,
                     monkeypatch: pytest.MonkeyPatch) -> Application:
    """서울대학교's applicant enters its people and submits, as the online form does."""
    monkeypatch.setattr("rtis.config.clock.now", at(dt.datetime(2026, 3, 20, 10, tzinfo=SEOUL)))
    nine = "119829999"
    organisation = do_create_organisation(
        planner, name="서울대학교", kind="university",
        business_number=format_business_number(nine + str(business_check_digit(nine))))
    applicant = make_user("applicant_snu", Role.APPLICANT)
    do_link_applicant(planner, organisation, applicant)
    lead = do_add_person(applicant, organisation, name="박책임", department="기계공학부")
    member = do_add_person(applicant, organisation, name="김가상", department="재료공학부")
    application = do_save_application(applicant, scenario.call, organisation,
                                      title="초소형 열교환기", pi=lead, participants=[member],
                                      requested_funds={2026: 100_000_000})
    application = do_submit_application(applicant, application, application.version)
    monkeypatch.setattr("rtis.config.clock.now", at(dt.datetime(2026, 4, 6, 10, tzinfo=SEOUL)))
    return application


def test_the_online_applications_department_and_participants_decide_the_conflicts(
        scenario: Scenario, planner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    application = submitted_online(scenario, planner, monkeypatch)

    def pool(username: str, name: str, organisation: str, department: str) -> int:
        return do_create_evaluator(planner, make_user(username, Role.EVALUATOR), name=name,
                                   organisation=organisation, department=department).pk

    same_department = pool("eval_s1", "가상위원하", "서울대학교", "기계 공학부")
    participants_department = pool("eval_s2", "가상위원거", "서울대학교", "재료공학부")
    other_department = pool("eval_s3", "가상위원너", "서울대학교", "화학생물공학부")
    participant = pool("eval_s4", "김가상", "서울대학교", "전기공학부")
    namesake = pool("eval_s5", "김가상", "연세대학교", "재료공학부")  # same name, other org
    panel = do_create_panel(planner, scenario.stage, name="온라인 신청 분과",
                            applications=[application])
    found = do_screen_panel(planner, panel)
    assert found[(same_department, application.pk)] == [rules.SAME_DEPARTMENT]
    assert found[(participants_department, application.pk)] == [rules.SAME_DEPARTMENT]
    assert found[(participant, application.pk)] == [rules.PARTICIPANT]
    assert (other_department, application.pk) not in found
    assert (namesake, application.pk) not in found  # a shared name alone is no conflict
    rows = {r.evaluator_id: r for r in ConflictFinding.objects.filter(panel=panel)}
    assert rows[same_department].matched == {rules.SAME_DEPARTMENT: "서울대학교 기계공학부"}
    assert rows[participants_department].matched == {rules.SAME_DEPARTMENT: "서울대학교 재료공학부"}
    assert rows[participant].matched == {rules.PARTICIPANT: "김가상 (서울대학교)"}
    assert reason_text(rows[same_department].reasons, rows[same_department].matched) == (
        "같은 기관·같은 학과(부서) 소속: 서울대학교 기계공학부 / same organisation and "
        "department: 서울대학교 기계공학부")
    evaluator = rows[same_department].evaluator
    with pytest.raises(ValidationError, match=r"같은 기관·같은 학과\(부서\) 소속: 서울대학교 기계공학부"):
        do_assign(planner, panel, evaluator, application)
    assert do_assign(planner, panel, Evaluator.objects.get(pk=namesake),
                     application).evaluator_id == namesake
    # the managers' list of conflicts over JSON says what matched too
    client = Client()
    client.force_login(planner)
    answer = client.get(f"/api/v1/review/panels/{panel.pk}/conflicts").json()
    texts = {row["evaluator_id"]: row["reason_text"] for row in answer}
    assert texts[participant].startswith("신청 과제 참여자: 김가상 (서울대학교) / ")


def test_an_application_naming_no_department_excludes_its_whole_organisation(
        scenario: Scenario, planner: User) -> None:
    """가온로보틱스's principal investigator has no department: every evaluator of it is out."""
    gaon = scenario.applications[1]
    evaluator = do_create_evaluator(planner, make_user("eval_gaon", Role.EVALUATOR),
                                    name="가상위원더", organisation="(주)가온로보틱스",
                                    department="경영지원팀")
    panel = do_create_panel(planner, scenario.stage, name="제1분과", applications=[gaon])
    found = do_screen_panel(planner, panel)
    assert found[(evaluator.pk, gaon.pk)] == [rules.SAME_ORGANISATION]
    row = ConflictFinding.objects.get(panel=panel, evaluator=evaluator)
    assert row.matched == {rules.SAME_ORGANISATION: "주식회사 가온로보틱스"}
