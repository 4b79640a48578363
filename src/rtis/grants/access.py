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
from rtis.rnd.access import applicant_organisation, can_manage_rnd
from rtis.rnd.models import Organisation


def acts_for_organisation(user: Any, organisation: Organisation | int) -> bool:
    """Tell whether the user acts for the applicant organisation (a confirmed applicant account
    of it, rnd.Applicant): the only function that decides it."""
    own = applicant_organisation(user)
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    return own is not None and own.pk == organisation_id


def performer_organisation_ids(user: Any) -> list[int]:
    """Return the organisations the user acts for (none, or their applicant account's one)."""
    own = applicant_organisation(user)
    return [own.pk] if own is not None else []


def people_acting_for(organisation: Organisation) -> list[Any]:
    """Return the active, confirmed applicant accounts of the organisation."""
    from rtis.orgs.models import User

    return list(User.objects.filter(is_active=True, role=Role.APPLICANT,
                                    rnd_applicant__organisation=organisation,
                                    rnd_applicant__confirmed_at__isnull=False).order_by("pk"))


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
