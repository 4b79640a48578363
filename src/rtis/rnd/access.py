"""Who may read and write R&D programmes, calls, applications and attachments.

Planners and SBA's R&D managers manage programmes and calls and read every application. An
applicant account acts for its own organisation only: its applications, people and attachments;
anything of another organisation answers 404, as if it did not exist. The public, viewers,
officers and evaluators read published calls.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from rtis.orgs.access import is_planner
from rtis.orgs.models import Role
from rtis.rnd.models import (
    Applicant,
    Application,
    Attachment,
    Call,
    JoinRequest,
    JoinState,
    Organisation,
)
from rtis.rnd.queries import calls_for_user
from rtis.web.requestmemo import forget, request_memo


def get_call_for_user(user: Any, pk: int) -> Call:
    """Return a call the user may read or raise Http404 (drafts exist for planners only)."""
    # By primary key: no ORDER BY (the default ordering costs Django a compile and the database
    # a sort for one row).
    call = calls_for_user(user).filter(pk=pk).order_by().first()
    if call is None:
        raise Http404(f"공고 {pk}번이 없습니다 / no call {pk}")
    return call


def can_manage_rnd(user: Any) -> bool:
    """Tell whether the user manages R&D programmes, calls and applications (planners, SBA)."""
    return is_planner(user) or (getattr(user, "is_authenticated", False)
                                and getattr(user, "role", "") == Role.RND_MANAGER)


def require_rnd_manager(user: Any) -> None:
    """Raise PermissionDenied unless the user manages R&D (planners, SBA's R&D managers)."""
    if not can_manage_rnd(user):
        raise PermissionDenied("R&D 사업 관리 권한이 없습니다 (기획 담당자·R&D 사업 관리자만) / "
                               "only planners and R&D managers may manage R&D programmes, calls "
                               "and applications")


MEMO_KEY = "rnd.applicant_organisation"


def applicant_organisation(user: Any) -> Organisation | None:
    """Return the organisation an active applicant account acts for, or None.

    Read once per request (rtis.web.requestmemo): an API write asks it in the authentication,
    the view and the action, three or four queries for one answer. A save of any applicant link
    or organisation during the request drops the memo.
    """
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", "") != Role.APPLICANT:
        return None
    memo, key = request_memo(), (MEMO_KEY, user.pk)
    if memo is not None and key in memo:
        return memo[key]
    link = Applicant.objects.select_related("organisation").filter(
        user_id=user.pk, confirmed_at__isnull=False).order_by("pk").first()
    organisation = link.organisation if link is not None else None
    if memo is not None:
        memo[key] = organisation
    return organisation


@receiver(post_save, sender=Applicant, dispatch_uid="rnd-applicant-memo-save")
@receiver(post_delete, sender=Applicant, dispatch_uid="rnd-applicant-memo-delete")
@receiver(post_save, sender=Organisation, dispatch_uid="rnd-organisation-memo-save")
@receiver(post_delete, sender=Organisation, dispatch_uid="rnd-organisation-memo-delete")
def _forget_applicant_organisations(**_: Any) -> None:
    forget(MEMO_KEY)


def can_act_for(user: Any, organisation: Organisation) -> bool:
    """Tell whether the user may write the organisation's applications and people."""
    if can_manage_rnd(user):
        return True
    own = applicant_organisation(user)
    return own is not None and own.pk == organisation.pk


def require_act_for(user: Any, organisation: Organisation) -> None:
    """Raise PermissionDenied unless the user is an R&D manager or the organisation's applicant."""
    if not can_act_for(user, organisation):
        raise PermissionDenied("이 기관의 신청을 다룰 권한이 없습니다 (그 기관의 신청자·R&D 사업 "
                               "관리자만) / only the organisation's applicants and R&D managers "
                               "may do this")


def get_application_for_user(user: Any, pk: int) -> Application:
    """Return an application the user may read (managers: all; applicants: their own) or 404."""
    rows = Application.objects.select_related("call__programme", "organisation", "stage", "pi")
    if not can_manage_rnd(user):
        own = applicant_organisation(user)
        if own is None:
            raise Http404(f"신청 {pk}번이 없습니다 / no application {pk}")
        rows = rows.filter(organisation=own)
    application = rows.filter(pk=pk).order_by().first()
    if application is None:
        raise Http404(f"신청 {pk}번이 없습니다 / no application {pk}")
    return application


def get_attachment_for_user(user: Any, pk: int) -> Attachment:
    """Return an attachment the owning applicant or an R&D manager may download, or 404."""
    rows = Attachment.objects.select_related("application")
    if not can_manage_rnd(user):
        own = applicant_organisation(user)
        if own is None:
            raise Http404(f"첨부파일 {pk}번이 없습니다 / no attachment {pk}")
        rows = rows.filter(application__organisation=own)
    attachment = rows.filter(pk=pk).order_by().first()
    if attachment is None:
        raise Http404(f"첨부파일 {pk}번이 없습니다 / no attachment {pk}")
    return attachment


# rnd-pages: join requests ------------------------------------------------------------------

def join_requests_for_user(user: Any) -> QuerySet[JoinRequest]:
    """The join requests a user decides: an R&D manager every organisation's, an applicant their
    own organisation's; never one whose e-mail is unconfirmed (nobody vouched for it yet)."""
    rows = (JoinRequest.objects.select_related("organisation", "decided_by")
            .exclude(state=JoinState.UNCONFIRMED))
    if can_manage_rnd(user):
        return rows
    own = applicant_organisation(user)
    if own is None:
        raise PermissionDenied("신청자 계정과 R&D 사업 관리자만 볼 수 있습니다 / applicant accounts "
                               "and R&D managers only")
    return rows.filter(organisation=own)


def get_join_request_for_user(user: Any, pk: int) -> JoinRequest:
    """A join request the user decides, or Http404 (another organisation's looks like none)."""
    request = join_requests_for_user(user).filter(pk=pk).first()
    if request is None:
        raise Http404(f"가입 요청 {pk}번이 없습니다 / no join request {pk}")
    return request
