"""The demo's R&D call: one call of the 기술상용화 programme open on the demo's day.

Invented for the demo (the documents print programmes and yearly figures, not calls): a call that
opened two weeks before the demo's day and closes at the end of March, with two applications
submitted and one still a draft, entered through the actions like any planner would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from rtis.config import clock
from rtis.lib.bizno import business_check_digit, format_business_number
from rtis.rnd.actions import (
    do_create_call,
    do_create_organisation,
    do_publish_call,
    do_save_application,
    do_submit_application,
)
from rtis.rnd.models import Call, Organisation, Programme, ProgrammeKind

SEOUL = ZoneInfo("Asia/Seoul")
TITLE = "2022년 서울형 R&D 기술상용화 지원사업 공고"
STAGES = [
    {"name": "서면평가", "criteria": [{"name": "기술성", "weight": 40, "max_score": 100},
                                  {"name": "사업성", "weight": 35, "max_score": 100},
                                  {"name": "수행역량", "weight": 25, "max_score": 100}]},
    {"name": "발표평가", "criteria": [{"name": "발표·질의응답", "weight": 100, "max_score": 100}]},
]
# (name, kind, first nine digits of the business number, title, PI, funds by year, matching)
APPLICANTS = [
    ("주식회사 홍릉바이오랩", "seoul_sme", "211880153", "체외진단용 미세유체 칩의 양산 공정 개발",
     "김서연", {2022: 180_000_000, 2023: 120_000_000}, 60_000_000, True),
    ("주식회사 양재에이아이", "startup", "120871234", "도시 교통 영상 분석 AI의 현장 실증",
     "박준호", {2022: 150_000_000}, 30_000_000, True),
    ("주식회사 성수수제화", "seoul_sme", "206512345", "3D 족형 측정 기반 맞춤 수제화 제작 시스템",
     "이민정", {2022: 90_000_000}, 18_000_000, False),
]


def do_demo_call(planner: Any, today: dt.date) -> list[str]:
    """Create the demo's call and applications once (the call's title is the key)."""
    if Call.objects.filter(title=TITLE).exists():
        return []
    programme = Programme.objects.filter(kind=ProgrammeKind.COMMERCIALISATION).first()
    if programme is None:
        return []
    opens = dt.datetime(today.year, 3, 2, 9, 0, tzinfo=SEOUL)
    closes = dt.datetime(today.year, 3, 31, 18, 0, tzinfo=SEOUL)
    if not opens <= clock.now() < closes:
        return []  # only on the demo's own day (RTIS_TODAY), when the call is open
    call = do_create_call(planner, programme, year=today.year, title=TITLE,
                          budget_won=3_000_000_000, opens_at=opens, closes_at=closes,
                          eligibility=["seoul_sme", "startup"], stages=STAGES,
                          rfp="서울 소재 중소기업과 창업기업의 기술을 시장 검증(전문가 평가)을 거쳐 "
                              "사업화하도록 지원합니다. 과제당 연 2억원 이내, 민간부담금 20% 이상.")
    call = do_publish_call(planner, call, call.version)
    done = [f"공고 / call: {call.title}"]
    for name, kind, nine, title, pi, funds, matching, submit in APPLICANTS:
        number = format_business_number(nine + str(business_check_digit(nine)))
        organisation = (Organisation.objects.filter(name=name).first()
                        or do_create_organisation(planner, name=name, kind=kind,
                                                  business_number=number))
        application = do_save_application(
            planner, call, organisation, title=title, principal_investigator=pi,
            requested_funds=funds, private_matching_won=matching,
            summary=f"{title}을(를) 위한 연구개발과 현장 검증.")
        if submit:
            application = do_submit_application(planner, application, application.version)
        done.append(f"신청 / application: {name} ({application.get_status_display()})")
    return done
