"""An R&D programme with a published call, open from 1 to 31 March 2026 18:00 KST."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rtis.orgs.models import User
from rtis.rnd.actions import (
    do_create_call,
    do_create_organisation,
    do_create_programme,
    do_publish_call,
)
from rtis.rnd.models import Call, Organisation, Programme

SEOUL = ZoneInfo("Asia/Seoul")
OPENS = dt.datetime(2026, 3, 1, 9, 0, tzinfo=SEOUL)
CLOSES = dt.datetime(2026, 3, 31, 18, 0, tzinfo=SEOUL)
STAGES = [
    {"name": "예선", "criteria": [{"name": "기술성", "weight": 60, "max_score": 100},
                                 {"name": "사업성", "weight": 40, "max_score": 100}]},
    {"name": "결선", "criteria": [{"name": "발표 평가", "weight": 100, "max_score": 100}]},
]


def at(moment: dt.datetime) -> Any:
    """A stand-in for rtis.config.clock.now answering one moment."""
    return lambda: moment


@pytest.fixture
def during_the_window(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    moment = dt.datetime(2026, 3, 15, 10, 0, tzinfo=SEOUL)
    monkeypatch.setattr("rtis.config.clock.now", at(moment))
    return moment


@pytest.fixture
def programme(planner: User) -> Programme:
    return do_create_programme(planner, name="기술상용화 R&D", kind="commercialisation",
                               operator="서울산업진흥원", budgets={2026: 14_900_000_000})


@pytest.fixture
def draft_call(programme: Programme, planner: User) -> Call:
    return do_create_call(planner, programme, year=2026, title="2026년 기술상용화 R&D 지원사업 공고",
                          budget_won=3_000_000_000, opens_at=OPENS, closes_at=CLOSES,
                          eligibility=["seoul_sme", "startup"], stages=STAGES,
                          rfp="서울 소재 중소기업의 기술 사업화를 지원합니다.")


@pytest.fixture
def call(draft_call: Call, planner: User, during_the_window: dt.datetime) -> Call:
    return do_publish_call(planner, draft_call, draft_call.version)


@pytest.fixture
def sme(planner: User) -> Organisation:
    return do_create_organisation(planner, name="(주)서울테크", kind="seoul_sme",
                                  business_number="124-81-00998",
                                  corporate_number="130111-0006246")


@pytest.fixture
def university(planner: User) -> Organisation:
    # 220-82-00000 is not a real one: its check digit is computed by the same rule.
    from rtis.lib.bizno import business_check_digit

    number = "22082" + "1234"
    return do_create_organisation(planner, name="서울대학교 산학협력단", kind="university",
                                  business_number=number + str(business_check_digit(number)))


FUNDS = {"2026": 200_000_000, "2027": 150_000_000}


@pytest.fixture
def code_lists(db: Any) -> list[str]:
    """The NTIS code lists (rtis.refdata), loaded the way load_seed loads them."""
    from rtis.ingest.seed import SEED_DIR
    from rtis.refdata.seed import load_refdata

    return load_refdata(None, sorted((SEED_DIR / "refdata").glob("*.yaml")))


@pytest.fixture(autouse=True)
def var_dir(settings: Any, tmp_path: Any) -> Any:
    """Attachments go under a temporary VAR_DIR/media, never the checkout's var/."""
    settings.VAR_DIR = tmp_path
    return tmp_path


def make_applicant(planner: User, organisation: Organisation, username: str) -> User:
    """A confirmed applicant account of the organisation, created by an R&D manager."""
    from rtis.rnd.actions import do_create_applicant
    from tests.conftest import PASSWORD

    return do_create_applicant(planner, organisation, username=username, password=PASSWORD,
                               email=f"{username}@example.com", name=f"{username} 담당").user


@pytest.fixture
def applicant(planner: User, sme: Organisation) -> User:
    """The applicant account of (주)서울테크."""
    return make_applicant(planner, sme, "seoultech")


@pytest.fixture
def other_applicant(planner: User, university: Organisation) -> User:
    """The applicant account of another organisation (a university)."""
    return make_applicant(planner, university, "snu")


PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
