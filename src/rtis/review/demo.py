"""The demo's finished evaluation: a 2021 call of 기술상용화 R&D, evaluated and selected.

Everything here is invented for the demo (the documents print programmes and yearly totals, not
applications or evaluators): eight applicant organisations, a pool of ten evaluators whose names
say they are made up (김가상, 이예시, 박샘플 …), one evaluator excluded for a conflict (same
university and department as an applicant), every score sheet submitted (one revised with its
reason) and the selection made in November 2021, before the demo's day (2022-03-15).

It goes through the actions like a manager would, each step at its own moment of autumn 2021.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from rtis.config import clock
from rtis.lib.bizno import business_check_digit, format_business_number
from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Role, User
from rtis.review.actions import (
    do_auto_assign,
    do_create_evaluator,
    do_create_panel,
    do_declare_conflict,
    do_revise_scores,
    do_run_selection,
    do_save_scores,
    do_set_stage_rule,
)
from rtis.review.models import Assignment, Evaluator
from rtis.rnd.actions import (
    do_add_person,
    do_create_call,
    do_create_organisation,
    do_link_applicant,
    do_publish_call,
    do_save_application,
    do_submit_application,
)
from rtis.rnd.models import Call, Organisation, Programme, ProgrammeKind

SEOUL = ZoneInfo("Asia/Seoul")
TITLE = "2021년 서울형 R&D 기술상용화 지원사업 공고 (평가 완료, 가상 자료)"
EVALUATOR_USER = ("evaluator", "rtis-demo-evaluator")
APPLICANT_USER = ("applicant2021", "rtis-demo-applicant")
SELECTED_ON = dt.datetime(2021, 11, 10, 15, 0, tzinfo=SEOUL)
STAGES = [{"name": "서면·발표 평가", "criteria": [
    {"name": "기술성", "weight": 40, "max_score": 100},
    {"name": "사업성", "weight": 35, "max_score": 100},
    {"name": "수행역량", "weight": 25, "max_score": 100}]}]
# (organisation, kind, first nine digits, department, title, PI, requested won, quality 0..1)
APPLICANTS = [
    ("서울가상대학교 산학협력단", "university", "119821001", "기계공학과",
     "소형 수소 연료전지 스택의 내구성 향상", "한가상", 280_000_000, 0.86),
    ("주식회사 예시로보틱스", "startup", "220871002", "", "물류창고 군집 로봇 경로 제어 실증",
     "오예시", 240_000_000, 0.80),
    ("주식회사 샘플바이오", "seoul_sme", "120811003", "진단연구소", "체외진단 키트 자동 양산 공정",
     "문샘플", 300_000_000, 0.78),
    ("주식회사 견본소프트", "seoul_sme", "211861004", "", "공공데이터 품질 자동 진단 도구",
     "배견본", 150_000_000, 0.74),
    ("주식회사 모의에너지", "seoul_sme", "104811005", "", "건물 에너지 관리 AI 현장 적용",
     "서모의", 200_000_000, 0.72),
    ("주식회사 허구모빌리티", "startup", "220881006", "", "전동 킥보드 주차 인식 카메라",
     "남허구", 180_000_000, 0.69),
    ("주식회사 연습푸드테크", "startup", "120871007", "", "식품 유통기한 예측 센서 태그",
     "유연습", 120_000_000, 0.62),
    ("주식회사 임시소재", "seoul_sme", "206511008", "", "재활용 플라스틱 고강도 복합소재",
     "진임시", 260_000_000, 0.58),
]
# (name, organisation, department, expertise)
POOL = [
    ("김가상", "한빛가상대학교", "전기전자공학부", ["AI", "로봇"]),
    ("이예시", "누리예시대학교", "생명공학과", ["바이오", "의료기기"]),
    ("박샘플", "서울가상대학교 산학협력단", "기계공학과", ["에너지", "기계"]),
    ("최견본", "가람견본연구원", "소재연구실", ["소재", "화학"]),
    ("정가명", "다솜가명대학교", "경영학과", ["사업화", "투자"]),
    ("강임시", "미래임시기술원", "정보통신연구실", ["AI", "소프트웨어"]),
    ("조모의", "바른모의회계법인", "감사본부", ["사업화", "재무"]),
    ("윤허구", "한결허구대학교", "식품공학과", ["식품", "바이오"]),
    ("장연습", "푸른연습대학교", "기계시스템공학과", ["기계", "모빌리티"]),
    ("임시험", "새봄시험연구원", "에너지연구실", ["에너지", "소재"]),
]


@contextlib.contextmanager
def _at(moment: dt.datetime) -> Iterator[None]:
    """Run the enclosed actions as at a past moment (their timestamps and window checks)."""
    original = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = original


def _user(username: str, password: str, role: str) -> User:
    existing = User.objects.filter(username=username).first()
    return existing or do_create_user(None, username, password, role, [])


def do_demo_review(planner: Any, today: dt.date) -> list[str]:
    """Create the finished 2021 call once (its title is the key), after its selection day."""
    if Call.objects.filter(title=TITLE).exists() or today <= SELECTED_ON.date():
        return []
    programme = Programme.objects.filter(kind=ProgrammeKind.COMMERCIALISATION).first()
    if programme is None:
        return []
    done: list[str] = []
    opens = dt.datetime(2021, 9, 1, 9, 0, tzinfo=SEOUL)
    closes = dt.datetime(2021, 9, 30, 18, 0, tzinfo=SEOUL)
    with _at(dt.datetime(2021, 8, 25, 10, 0, tzinfo=SEOUL)):
        call = do_create_call(planner, programme, year=2021, title=TITLE,
                              budget_won=1_000_000_000, opens_at=opens, closes_at=closes,
                              eligibility=["seoul_sme", "startup", "university"], stages=STAGES,
                              rfp="서울 소재 중소기업·창업기업·대학의 기술을 전문가 평가로 검증해 "
                                  "사업화를 지원합니다(가상 공고).")
        call = do_publish_call(planner, call, call.version)
        stage = call.stages.get()
        do_set_stage_rule(planner, stage, aggregation="trimmed_mean", pass_mark=70,
                          lookback_years=3)
    done.append(f"공고 / call: {call.title}")
    applications = []
    for n, (name, kind, nine, dept, title, pi, requested, _q) in enumerate(APPLICANTS):
        with _at(dt.datetime(2021, 9, 6 + 3 * n, 14, 0, tzinfo=SEOUL)):
            number = format_business_number(nine + str(business_check_digit(nine)))
            organisation = (Organisation.objects.filter(name=name).first()
                            or do_create_organisation(planner, name=name, kind=kind,
                                                      business_number=number))
            # the online application's own people: the PI with the department screening
            # compares, and one participant
            lead = organisation.people.filter(name=pi).first() or do_add_person(
                planner, organisation, name=pi, department=dept, position="연구책임자")
            member = organisation.people.filter(name=f"{pi[0]}연구원").first() or do_add_person(
                planner, organisation, name=f"{pi[0]}연구원", department=dept)
            application = do_save_application(
                planner, call, organisation, title=title, pi=lead, participants=[member],
                requested_funds={2022: requested}, private_matching_won=requested // 5,
                summary=f"{title}: 시제품 개발과 현장 실증(가상 과제).")
            application = do_submit_application(planner, application, application.version)
        applications.append(application)
    done.append(f"신청 / applications: {len(applications)}건 제출")
    applicant = _user(*APPLICANT_USER, Role.APPLICANT)
    with _at(dt.datetime(2021, 10, 1, 10, 0, tzinfo=SEOUL)):
        do_link_applicant(planner, applications[1].organisation, applicant)
        evaluators = []
        for n, (name, org, dept, fields) in enumerate(POOL):
            user = (_user(*EVALUATOR_USER, Role.EVALUATOR) if n == 0
                    else _user(f"demo_eval_{n:02}", "rtis-demo-pool", Role.EVALUATOR))
            evaluator = (Evaluator.objects.filter(user=user).first()
                         or do_create_evaluator(planner, user, name=name, organisation=org,
                                                department=dept, expertise=fields))
            evaluators.append(evaluator)
        do_declare_conflict(evaluators[6].user, evaluators[6], organisation="주식회사 허구모빌리티",
                            reason="2020년 해당 기업 회계 자문(가상)")
    with _at(dt.datetime(2021, 10, 12, 10, 0, tzinfo=SEOUL)):
        panel = do_create_panel(planner, stage, name="기술상용화 제1분과", applications=applications,
                                fields=["AI", "바이오", "에너지", "기계", "사업화", "소재"], size=7)
        do_auto_assign(planner, panel)
    excluded = panel.conflicts.select_related("evaluator", "application")
    for finding in excluded:
        done.append(f"이해충돌 제외 / conflict excluded: {finding.evaluator.name} × "
                    f"{finding.application.organisation.name} ({', '.join(finding.reasons)})")
    rng = random.Random(2021)
    criteria = list(stage.criteria.order_by("order"))
    quality = {a.pk: q for a, (*_rest, q) in zip(applications, APPLICANTS, strict=True)}
    sheets = list(Assignment.objects.filter(panel=panel).select_related("evaluator__user")
                  .order_by("application_id", "evaluator_id"))
    for n, sheet in enumerate(sheets):
        base = quality[sheet.application_id] * 100
        scores = {str(c.pk): max(0, min(c.max_score, round(base + rng.uniform(-9, 9))))
                  for c in criteria}
        with _at(dt.datetime(2021, 10, 20 + n % 7, 10 + n % 6, 0, tzinfo=SEOUL)):
            do_save_scores(sheet.evaluator.user, sheet, sheet.version, scores=scores,
                           comments={str(criteria[0].pk): "기술 목표가 구체적임(가상 의견)"},
                           comment="시장 검증 계획을 보완하면 좋겠음(가상 의견).", submit=True)
    revised = sheets[0]
    revised.refresh_from_db()
    with _at(dt.datetime(2021, 10, 28, 11, 0, tzinfo=SEOUL)):
        scores = dict(revised.scores)
        scores[str(criteria[1].pk)] = max(0, scores[str(criteria[1].pk)] - 5)
        do_revise_scores(revised.evaluator.user, revised, revised.version, scores=scores,
                         reason="발표 평가에서 판매 계획 근거 부족 확인(가상)")
    done.append(f"평가표 / score sheets: {len(sheets)}건 제출, 1건 수정(사유 기록)")
    with _at(SELECTED_ON):
        results = do_run_selection(planner, stage)
    chosen = [r for r in results if r.outcome == "selected"]
    done.append(f"선정 / selected: {len(chosen)}건, "
                f"{sum(r.awarded_won for r in chosen):,}원 (예산 {call.budget_won:,}원)")
    done.append(f"데모 사용자 / demo user: {EVALUATOR_USER[0]} / {EVALUATOR_USER[1]} / "
                f"{Role.EVALUATOR} ({evaluators[0].name})")
    done.append(f"데모 사용자 / demo user: {APPLICANT_USER[0]} / {APPLICANT_USER[1]} / "
                f"{Role.APPLICANT} ({applications[1].organisation.name})")
    return done
