"""Who may read and write agreements, reports, evaluations, outputs and follow-up surveys.

- R&D managers (`can_manage_rnd`: planners and SBA's rnd_managers) make agreements, decide
  changes, evaluate, and read everything.
- The performer (수행기관) is the selected application's organisation; the people who act for it
  (`acts_for_organisation`, the ONE place that rule lives) read their own agreements, file annual
  reports, record outputs, request changes and answer the follow-up survey.
- Everyone else (other applicants, officers, viewers, evaluators, the public) sees no agreement:
  404, never a hint that it exists. Programme statistics are public (no applicant's data).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rtis.grants.models import Agreement
from rtis.orgs.models import Role
from rtis.rnd.access import can_manage_rnd
from rtis.rnd.models import Application, ApplicationStatus, Organisation


def acts_for_organisation(user: Any, organisation: Organisation | int) -> bool:
    """Tell whether the user may act for the applicant organisation (its performer's people).

    Interim rule until applicant accounts are linked to an Organisation (rnd-apply): an active
    applicant acts for an organisation whose live application they created themselves. This is
    the only function that decides it; switch it to the link when that lands.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if getattr(user, "role", "") != Role.APPLICANT:
        return False
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return Application.objects.filter(organisation_id=organisation_id, created_by=user).exclude(
        status=ApplicationStatus.WITHDRAWN).exists()


def performer_organisation_ids(user: Any) -> list[int]:
    """Return the organisations the user acts for (by the same rule as acts_for_organisation)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", "") != Role.APPLICANT:
        return []
    ids = Application.objects.filter(created_by=user).exclude(
        status=ApplicationStatus.WITHDRAWN).values_list("organisation_id", flat=True)
    return sorted({i for i in ids if acts_for_organisation(user, i)})


def people_acting_for(organisation: Organisation) -> list[Any]:
    """Return the active users who act for the organisation (by acts_for_organisation)."""
    from rtis.orgs.models import User

    candidates = User.objects.filter(is_active=True, role=Role.APPLICANT).distinct()
    return [u for u in candidates if acts_for_organisation(u, organisation)]


def agreements_for_user(user: Any) -> QuerySet[Agreement]:
    """Agreements the user may read: managers all, performers their organisations', else none."""
    agreements = Agreement.objects.select_related(
        "application__organisation", "application__call__programme")
    if can_manage_rnd(user):
        return agreements
    organisations = performer_organisation_ids(user)
    if organisations:
        return agreements.filter(application__organisation_id__in=organisations)
    return agreements.none()


def get_agreement_for_user(user: Any, pk: int) -> Agreement:
    """Return an agreement the user may read or raise Http404."""
    agreement = agreements_for_user(user).filter(pk=pk).first()
    if agreement is None:
        raise Http404(f"협약 {pk}번이 없습니다 / no agreement {pk}")
    return agreement


def is_performer(user: Any, agreement: Agreement) -> bool:
    return acts_for_organisation(user, agreement.application.organisation_id)


def require_performer(user: Any, agreement: Agreement) -> None:
    """Raise PermissionDenied unless the user acts for the agreement's organisation."""
    if not is_performer(user, agreement):
        raise PermissionDenied(f"'{agreement.application.organisation}'의 수행기관 담당자만 할 수 "
                               f"있습니다 / only the performing organisation's people may do this")


def require_performer_or_manager(user: Any, agreement: Agreement) -> None:
    if not (can_manage_rnd(user) or is_performer(user, agreement)):
        raise PermissionDenied("수행기관 담당자나 R&D 사업 관리자만 할 수 있습니다 / only the "
                               "performing organisation's people or R&D managers may do this")
