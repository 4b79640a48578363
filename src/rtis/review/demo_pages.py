"""The demo's evaluator declarations, people to avoid and join request (rnd-pages), so that the
pages showing them are not empty. Invented, like the rest of the R&D demo; created once.

- the demo evaluator (`evaluator`) has declared a conflict with 주식회사 양재에이아이, an applicant
  of the open 2022 call (a recent advisory contract);
- the draft application of 주식회사 성수수제화 names one person to avoid;
- a newcomer asks to join 주식회사 홍릉바이오랩, the demo applicant's organisation: the request is
  confirmed and waits for `applicant` (or an R&D manager) on /rnd/join-requests/.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from rtis.review.actions import do_declare_organisation_conflict, do_name_avoided_person
from rtis.review.demo import EVALUATOR_USER
from rtis.review.models import AvoidedPerson, DeclaredConflict, Evaluator
from rtis.rnd.actions import do_confirm_join_request, do_request_to_join, join_token
from rtis.rnd.demo import TITLE
from rtis.rnd.models import Application, ApplicationStatus, JoinRequest, Organisation

DECLARED_ORGANISATION = ("주식회사 양재에이아이", "최근 3년 내 기술자문 계약(데모)")
AVOIDED = ("김가상", "가상대학교", "경쟁 과제의 책임자(데모)")
JOINING = ("demo-newcomer", "정신입", "newcomer@example.org", "주식회사 홍릉바이오랩")


def do_demo_rnd_pages(planner: Any, today: dt.date) -> list[str]:
    """Create the demo's declaration, avoidance and join request once each."""
    done: list[str] = []
    evaluator = Evaluator.objects.filter(user__username=EVALUATOR_USER[0]).first()
    if evaluator is not None and not DeclaredConflict.objects.filter(evaluator=evaluator).exists():
        name, reason = DECLARED_ORGANISATION
        do_declare_organisation_conflict(planner, evaluator, organisation=name, reason=reason)
        done.append(f"이해관계 신고 / declared conflict: {evaluator.name} × {name}")
    draft = (Application.objects.select_related("created_by")
             .filter(call__title=TITLE, status=ApplicationStatus.DRAFT).first())
    if draft is not None and draft.created_by is not None \
            and not AvoidedPerson.objects.filter(application=draft).exists():
        name, organisation, reason = AVOIDED
        do_name_avoided_person(draft.created_by, draft, name=name, organisation=organisation,
                               reason=reason)
        done.append(f"기피 신청 / person to avoid: {draft.title} × {name}")
    username, person, email, organisation_name = JOINING
    target = Organisation.objects.filter(name=organisation_name).first()
    if target is not None and not JoinRequest.objects.filter(user__username=username).exists():
        join = do_request_to_join(username=username, password=secrets.token_urlsafe(18),
                                  email=email, name=person, department="기업부설연구소",
                                  position="선임연구원", business_number=target.business_number)
        do_confirm_join_request(join_token(join))
        done.append(f"가입 요청 / join request: {person} → {organisation_name} (승인 대기)")
    return done
