"""The demo's R&D call: one call of the 기술상용화 programme open on the demo's day.

Invented for the demo (the documents print programmes and yearly figures, not calls): a call that
opened two weeks before the demo's day and closes at the end of March. Each applicant organisation
has an applicant account (registered by the planner, as an SBA manager would), and its
application is written by that account through the same actions as the online form: two
submitted with a short synthetic PDF attached, one still a draft. The first organisation's
account is the demo's applicant user (`applicant` / `rtis-demo-applicant`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from rtis.config import clock
from rtis.lib.bizno import business_check_digit, format_business_number
from rtis.orgs.models import User
from rtis.rnd.actions import (
    do_attach_file,
    do_create_call,
    do_publish_call,
    do_register_applicant,
    do_save_application,
    do_submit_application,
)
from rtis.rnd.models import Applicant, Call, Organisation, Programme, ProgrammeKind

SEOUL = ZoneInfo("Asia/Seoul")
TITLE = "2022년 서울형 R&D 기술상용화 지원사업 공고"
DEMO_APPLICANT = ("applicant", "rtis-demo-applicant")
STAGES = [
    {"name": "서면평가", "criteria": [{"name": "기술성", "weight": 40, "max_score": 100},
                                  {"name": "사업성", "weight": 35, "max_score": 100},
                                  {"name": "수행역량", "weight": 25, "max_score": 100}]},
    {"name": "발표평가", "criteria": [{"name": "발표·질의응답", "weight": 100, "max_score": 100}]},
]
# (name, kind, first nine digits of the business number, title, PI, funds by year, matching,
#  submitted, NTIS codes (과학기술표준분류, 6T, 연구개발단계, 연구수행주체), account)
APPLICANTS = [
    ("주식회사 홍릉바이오랩", "seoul_sme", "211880153", "체외진단용 미세유체 칩의 양산 공정 개발",
     "김서연", {2022: 180_000_000, 2023: 120_000_000}, 60_000_000, True,
     ("LC", "BT", "개발", "중소기업"), DEMO_APPLICANT[0]),
    ("주식회사 양재에이아이", "startup", "120871234", "도시 교통 영상 분석 AI의 현장 실증",
     "박준호", {2022: 150_000_000}, 30_000_000, True,
     ("EE", "IT", "개발", "중소기업"), "demo-yangjae"),
    ("주식회사 성수수제화", "seoul_sme", "206512345", "3D 족형 측정 기반 맞춤 수제화 제작 시스템",
     "이민정", {2022: 90_000_000}, 18_000_000, False,
     ("EA", "IT", "응용", "중소기업"), "demo-seongsu"),
]
# A minimal PDF: the demo's attachment says what it is.
DEMO_PDF = (b"%PDF-1.4\n% RTIS demo: synthetic business plan (not a real document)\n"
            b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def _account(planner: Any, username: str, organisation_name: str, kind: str, number: str,
             pi: str) -> User:
    """The organisation's applicant account, registered once (the first is the demo's user)."""
    link = Applicant.objects.select_related("user").filter(user__username=username).first()
    if link is not None:
        return link.user
    password = (DEMO_APPLICANT[1] if username == DEMO_APPLICANT[0]
                else secrets.token_urlsafe(18))  # the other accounts are not for signing in
    return do_register_applicant(planner, username=username, password=password,
                                 email=f"{number.replace('-', '')}@example.org", name=pi,
                                 department="기업부설연구소", position="연구책임자",
                                 organisation_name=organisation_name, kind=kind,
                                 business_number=number).user


def do_demo_call(planner: Any, today: dt.date) -> list[str]:
    """Create the demo's call and its applicants' applications once (the call's title is the key)."""
    if Call.objects.filter(title=TITLE).exists():
        return [_account_line()]
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
    for (name, kind, nine, title, pi, funds, matching, submit, codes,
         username) in APPLICANTS:
        number = format_business_number(nine + str(business_check_digit(nine)))
        account = _account(planner, username, name, kind, number, pi)
        organisation = Organisation.objects.get(applicants__user=account)
        person = organisation.people.filter(name=pi).first()
        last_year = max(funds)
        application = do_save_application(
            account, call, organisation, title=title, pi=person, requested_funds=funds,
            private_matching_won=matching, summary=f"{title}을(를) 위한 연구개발과 현장 검증.",
            period_start=dt.date(today.year, 5, 1), period_end=dt.date(last_year, 12, 31),
            codes=dict(zip(("science_class", "six_t", "development_phase", "performer_type"),
                           codes, strict=True)),
            indicators=[{"name": "시제품 제작", "unit": "건", "target": 1},
                        {"name": "특허 출원", "unit": "건", "target": 2}])
        if submit:
            do_attach_file(account, application, "사업계획서(데모).pdf", DEMO_PDF)
            application = do_submit_application(account, application, application.version)
        done.append(f"신청 / application: {name} ({application.get_status_display()}) "
                    f"by {username}")
    done.append(_account_line())
    return done


def _account_line() -> str:
    username, password = DEMO_APPLICANT
    return (f"신청자 데모 사용자 / demo applicant: {username} / {password} / applicant "
            f"({APPLICANTS[0][0]})")
