"""The demo's finished 2021 evaluation, built through the actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rtis.orgs.models import User
from rtis.review.demo import APPLICANT_USER, EVALUATOR_USER, TITLE, do_demo_review
from rtis.review.models import Assignment, ConflictFinding, Result, ScoreRevision, SheetState
from rtis.rnd.actions import do_create_programme
from rtis.rnd.models import Application, Call

pytestmark = pytest.mark.django_db
DEMO_DAY = dt.date(2022, 3, 15)


def test_the_demo_evaluation_is_finished_before_the_demo_day(planner: User) -> None:
    do_create_programme(planner, name="기술상용화 R&D", kind="commercialisation")
    lines = do_demo_review(planner, DEMO_DAY)
    assert any("이해충돌 제외" in line for line in lines)
    call = Call.objects.get(title=TITLE)
    assert call.closes_at.date() < DEMO_DAY and call.state == "published"
    applications = Application.objects.filter(call=call)
    assert applications.count() == 8
    assert set(applications.values_list("status", flat=True)) == {"selected", "not_selected"}
    awarded = sum(a.awarded_won or 0 for a in applications)
    assert 0 < awarded <= call.budget_won
    outcomes = set(Result.objects.values_list("outcome", flat=True))
    assert outcomes == {"selected", "over_budget", "below_pass_mark"}
    assert ConflictFinding.objects.filter(application__call=call).count() >= 1
    assert not Assignment.objects.filter(panel__stage__call=call, state=SheetState.OPEN).exists()
    assert ScoreRevision.objects.filter(assignment__panel__stage__call=call).count() == 1
    assert all(r.decided_at.date() < DEMO_DAY for r in Result.objects.all())
    assert do_demo_review(planner, DEMO_DAY) == []  # once

    evaluator = Client()
    assert evaluator.login(username=EVALUATOR_USER[0], password=EVALUATOR_USER[1])
    assert "2021" in evaluator.get(reverse("review:mine")).content.decode()
    applicant = Client()
    assert applicant.login(username=APPLICANT_USER[0], password=APPLICANT_USER[1])
    mine = applications.get(organisation__name="주식회사 예시로보틱스")
    page = applicant.get(reverse("review:disclosure", args=[mine.pk]))
    assert page.status_code == 200 and "위원 A" in page.content.decode()
    other = applications.exclude(pk=mine.pk).first()
    assert other is not None
    assert applicant.get(reverse("review:disclosure", args=[other.pk])).status_code == 404


def test_no_demo_evaluation_before_its_selection_day(planner: User) -> None:
    do_create_programme(planner, name="기술상용화 R&D", kind="commercialisation")
    assert do_demo_review(planner, dt.date(2021, 10, 1)) == []
