"""Who may see and do what in an evaluation.

Managers (planners, SBA's R&D managers) run evaluations. An evaluator sees only their own
assignments: never another panel's, never an assignment of their own panel to someone else. An
applicant sees the disclosure of their own organisation's applications after selection.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rtis.lib.numbers import ascii_int
from rtis.orgs.models import Role
from rtis.review.models import Assignment, Evaluator, Result
from rtis.rnd.access import applicant_organisation, can_manage_rnd, require_rnd_manager
from rtis.rnd.models import Application, ApplicationStatus

__all__ = ["can_manage_rnd", "require_rnd_manager"]


def evaluator_of(user: Any) -> Evaluator | None:
    """The user's evaluator record, when the user is a signed-in evaluator."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", "") != Role.EVALUATOR:
        return None
    return Evaluator.objects.filter(user=user, active=True).first()


def assignments_for_user(user: Any) -> QuerySet[Assignment]:
    """The assignments a user may open: an evaluator their own, a manager all, others none."""
    rows = Assignment.objects.select_related("panel__stage__call", "application__organisation",
                                             "evaluator")
    if can_manage_rnd(user):
        return rows
    evaluator = evaluator_of(user)
    if evaluator is None:
        return rows.none()
    return rows.filter(evaluator=evaluator)


def get_assignment_for_user(user: Any, pk: int) -> Assignment:
    """An assignment the user may read, or Http404 (another's looks like none at all)."""
    assignment = assignments_for_user(user).filter(pk=pk).first()
    if assignment is None:
        raise Http404(f"평가 배정 {pk}번이 없습니다 / no assignment {pk}")
    return assignment


def require_own_assignment(user: Any, assignment: Assignment) -> None:
    """Only the assigned evaluator writes a score sheet (managers read it)."""
    if assignment.evaluator.user_id != getattr(user, "pk", None):
        raise PermissionDenied("배정된 평가위원만 점수를 입력할 수 있습니다 / only the assigned "
                               "evaluator may score")


def is_applicant_of(user: Any, application: Application) -> bool:
    """Whether the user is a confirmed applicant account of the application's organisation."""
    organisation = applicant_organisation(user)
    return organisation is not None and organisation.pk == application.organisation_id


def get_disclosure_for_user(user: Any, pk: int) -> Application:
    """An application whose evaluation the user may read after selection, or Http404."""
    application = (Application.objects.select_related("call", "organisation")
                   .filter(pk=pk).first())
    if application is None or not (can_manage_rnd(user) or is_applicant_of(user, application)):
        raise Http404(f"신청 과제 {pk}번이 없습니다 / no application {pk}")
    if application.status not in {ApplicationStatus.SELECTED, ApplicationStatus.NOT_SELECTED} \
            or not Result.objects.filter(application=application).exists():
        raise Http404(f"신청 과제 {pk}번의 평가 결과가 아직 공개되지 않았습니다 / the evaluation of "
                      f"application {pk} is not disclosed yet")
    return application


def require_own_evaluator(user: Any) -> Evaluator:
    """The signed-in evaluator's pool record (their own conflicts area), else PermissionDenied."""
    evaluator = evaluator_of(user)
    if evaluator is None:
        raise PermissionDenied("평가위원만 볼 수 있습니다 / for evaluators only")
    return evaluator


def assigned_application(evaluator: Evaluator, pk: Any, field: str = "application"
                         ) -> Application:
    """One of the evaluator's own assigned applications; any other id looks like none (a
    refusal naming the field, never whether the application exists)."""
    from django.core.exceptions import ValidationError

    key = pk if isinstance(pk, int) else ascii_int(str(pk))
    application = (Application.objects.filter(pk=key, assignments__evaluator=evaluator)
                   .distinct().first() if key else None)
    if application is None:
        raise ValidationError({field: "배정받은 과제를 고르세요 / choose an assigned application"})
    return application


def get_avoided_person_for_user(user: Any, pk: int) -> Any:
    """A person named to avoid on an application the user may read (its organisation's
    applicant, managers), or Http404: another organisation's looks like none."""
    from rtis.review.models import AvoidedPerson
    from rtis.rnd.access import get_application_for_user

    row = AvoidedPerson.objects.select_related("application").filter(pk=pk).first()
    if row is None:
        raise Http404(f"기피 신청 {pk}번이 없습니다 / no avoidance {pk}")
    get_application_for_user(user, row.application_id)  # 404 unless the user's own
    return row


def avoidance_editable(user: Any, application: Application) -> bool:
    """Whether the list of people to avoid may still change: an applicant's until it is
    submitted, a manager's until evaluators are assigned (the actions enforce the same)."""
    if can_manage_rnd(user):
        return not application.assignments.exists()
    return application.status == ApplicationStatus.DRAFT
