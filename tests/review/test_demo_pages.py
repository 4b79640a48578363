"""The demo's declaration, person to avoid and pending join request (rnd-pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rtis.orgs.models import User
from rtis.review.demo import EVALUATOR_USER, do_demo_review
from rtis.review.demo_pages import do_demo_rnd_pages
from rtis.review.models import AvoidedPerson, DeclaredConflict
from rtis.rnd.actions import do_create_programme
from rtis.rnd.demo import DEMO_APPLICANT, do_demo_call
from rtis.rnd.models import JoinRequest, JoinState
from tests.rnd.conftest import SEOUL, at, code_lists  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("code_lists")]
DEMO_DAY = dt.date(2022, 3, 15)


def test_the_demo_fills_the_new_pages_once(planner: User, settings: Any, tmp_path: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr("rtis.config.clock.now", at(dt.datetime(2022, 3, 15, 10, tzinfo=SEOUL)))
    do_create_programme(planner, name="기술상용화 R&D", kind="commercialisation")
    do_demo_call(planner, DEMO_DAY)
    do_demo_review(planner, DEMO_DAY)
    lines = do_demo_rnd_pages(planner, DEMO_DAY)
    assert len(lines) == 3 and do_demo_rnd_pages(planner, DEMO_DAY) == []
    assert DeclaredConflict.objects.get(evaluator__user__username=EVALUATOR_USER[0]).organisation \
        == "주식회사 양재에이아이"
    assert AvoidedPerson.objects.get().application.status == "draft"
    join = JoinRequest.objects.get()
    assert join.state == JoinState.PENDING and join.organisation.name == "주식회사 홍릉바이오랩"

    evaluator = Client()
    assert evaluator.login(username=EVALUATOR_USER[0], password=EVALUATOR_USER[1])
    page = evaluator.get(reverse("review:my_conflicts")).content.decode()
    assert "주식회사 양재에이아이" in page
    applicant = Client()
    assert applicant.login(username=DEMO_APPLICANT[0], password=DEMO_APPLICANT[1])
    page = applicant.get(reverse("rnd:join_requests")).content.decode()
    assert "정신입" in page and f'data-testid="join-approve-{join.pk}"' in page
