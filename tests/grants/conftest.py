"""A selected application of (주)서울테크 in the 2026 call, its applicant, another applicant,
an SBA manager, and the agreement made for it. Days are fixed with `on_day`."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rtis.grants.actions import do_make_agreement
from rtis.grants.models import Agreement
from rtis.orgs.models import Role, User
from rtis.rnd.actions import do_save_application, do_submit_application
from rtis.rnd.models import Application, Call, Organisation
from tests.conftest import _user
from tests.rnd.conftest import (  # noqa: F401  (fixtures)
    call,
    draft_call,
    during_the_window,
    programme,
    sme,
    university,
)

SEOUL = ZoneInfo("Asia/Seoul")
AWARD = 300_000_000
AMOUNTS = {2026: {"city": 150_000_000, "private_cash": 30_000_000},
           2027: {"city": 150_000_000, "private_cash": 30_000_000}}
TARGETS = [{"kind": "deliverable", "name": "시제품 1식", "due_on": "2027-10-31"},
           {"kind": "indicator", "name": "특허 출원", "unit": "건", "target": 2}]


def ensure_printed_figures() -> None:
    """Load the seeds' printed figures the way migration grants/0002 does: a transactional test
    (the browser's) empties every table after it, the migration's rows too."""
    from django.apps import apps

    importlib.import_module("rtis.grants.migrations.0002_printed_figures").load(apps, None)


@pytest.fixture(autouse=True)
def printed_figures(db: Any) -> None:
    ensure_printed_figures()


@pytest.fixture
def on_day(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """Move RTIS's today (and now, at 10:00 KST) to a given day."""
    def move(day: dt.date) -> None:
        settings.RTIS_TODAY = day
        moment = dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SEOUL)
        monkeypatch.setattr("rtis.config.clock.now", lambda: moment)
    return move


@pytest.fixture
def applicant(plan: Any) -> User:
    return _user("applicant", Role.APPLICANT)


@pytest.fixture
def other_applicant(plan: Any) -> User:
    return _user("other_applicant", Role.APPLICANT)


@pytest.fixture
def manager(plan: Any) -> User:
    return _user("sba", Role.RND_MANAGER)


def applied(planner: User, call: Call, organisation: Organisation, by: User) -> Application:  # noqa: F811
    """An application saved and submitted for the organisation, whose applicant account is `by`
    (linked by the planner; the planner enters it and `created_by` names the applicant)."""
    from rtis.rnd.actions import do_link_applicant

    if by.role == Role.APPLICANT:
        do_link_applicant(planner, organisation, by)
    application = do_save_application(planner, call, organisation, title=f"{organisation} 과제",
                                      principal_investigator="김연구",
                                      requested_funds={"2026": 200_000_000, "2027": 150_000_000},
                                      private_matching_won=60_000_000)
    Application.objects.filter(pk=application.pk).update(created_by=by)
    application.refresh_from_db()
    return do_submit_application(planner, application, application.version)


def select(application: Application, awarded_won: int = AWARD) -> Application:
    """Does what the evaluation's selection (rnd-review) will do: it sets the submitted
    application's status to `selected` and its `awarded_won`; nothing else."""
    Application.objects.filter(pk=application.pk).update(status="selected",
                                                         awarded_won=awarded_won)
    application.refresh_from_db()
    return application


@pytest.fixture
def selected(planner: User, call: Call, sme: Organisation, applicant: User) -> Application:  # noqa: F811
    """(주)서울테크's application, submitted by `applicant` and then selected with 3억원 (by the
    same two-field update the selection makes)."""
    return select(applied(planner, call, sme, applicant))


@pytest.fixture
def other_organisation(planner: User) -> Organisation:
    from rtis.lib.bizno import business_check_digit
    from rtis.rnd.actions import do_create_organisation

    nine = "120871234"
    return do_create_organisation(planner, name="주식회사 양재에이아이", kind="startup",
                                  business_number=nine + str(business_check_digit(nine)))


@pytest.fixture
def other_selected(planner: User, call: Call, other_organisation: Organisation,  # noqa: F811
                   other_applicant: User) -> Application:
    """Another organisation's selected application, written by `other_applicant`."""
    return select(applied(planner, call, other_organisation, other_applicant), 100_000_000)


@pytest.fixture
def agreement(manager: User, selected: Application) -> Agreement:
    return do_make_agreement(manager, selected, starts_on="2026-05-01", ends_on="2027-12-31",
                             amounts=AMOUNTS, targets=TARGETS,
                             conditions="민간부담금 현금 20% 이상")
