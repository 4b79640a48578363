"""Writes of the evaluation: permission, validation, audit and one transaction each.

Refusals name the field and the value, Korean then English. The rules themselves (aggregation,
ties, cut-off, budget, conflict screening, member choice) live in rtis.lib.review_rules.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast

from rtis.audit.log import (
    record_change,
    record_create,
    record_creates,
    record_deletes,
    record_row_changes,
)
from rtis.audit.rows import insert_rows
from rtis.audit.versioned import update_versioned
from rtis.config import clock
from rtis.lib import review_rules as rules
from rtis.lib.korean import particle
from rtis.lib.numbers import ascii_int
from rtis.orgs.models import Role
from rtis.review.access import is_applicant_of, require_own_assignment
from rtis.review.models import (
    Aggregation,
    Assignment,
    AvoidedPerson,
    AvoidRequest,
    ConflictFinding,
    CoWork,
    DeclaredConflict,
    Evaluator,
    Outcome,
    Panel,
    Result,
    ScoreRevision,
    SheetState,
    StageRule,
)
from rtis.rnd.access import can_manage_rnd, require_rnd_manager
from rtis.rnd.models import (
    Application,
    ApplicationStatus,
    CallStage,
    EvaluationCriterion,
)

REASON_LABELS = {
    rules.SAME_DEPARTMENT: ("같은 기관·같은 학과(부서) 소속", "same organisation and department"),
    rules.SAME_ORGANISATION: ("같은 기관 소속(신청 부서 미기재)",
                              "same organisation (the application names no department)"),
    rules.PARTICIPANT: ("신청 과제 참여자", "takes part in the application"),
    rules.DECLARED: ("평가위원이 신고한 이해관계", "conflict declared by the evaluator"),
    rules.AVOIDED: ("신청자의 회피 요청", "the applicant asked to avoid this evaluator"),
    rules.PAST_COWORK: ("최근 RTIS 과제 공동 수행", "recent co-work on an RTIS project"),
}
OUTCOME_OF = {rules.SELECTED: Outcome.SELECTED, rules.BELOW_PASS_MARK: Outcome.BELOW_PASS_MARK,
              rules.OVER_BUDGET: Outcome.OVER_BUDGET}


def reason_text(codes: Iterable[str], matched: Mapping[str, str] | None = None) -> str:
    """'한국어 사유: 일치한 내용 · … / English reason: what matched; …' for conflict reason codes
    and what matched for each (ConflictFinding.matched), e.g. '같은 기관·같은 학과(부서) 소속:
    서울대학교 기계공학부 / same organisation and department: 서울대학교 기계공학부'."""
    codes = list(codes)
    matched = matched or {}

    def label(code: str, language: int) -> str:
        text = REASON_LABELS.get(code, (code, code))[language]
        return f"{text}: {matched[code]}" if matched.get(code) else text

    korean = " · ".join(label(c, 0) for c in codes)
    english = "; ".join(label(c, 1) for c in codes)
    return f"{korean} / {english}"


def _text(value: Any, field: str, label: str, english: str, *, required: bool = True,
          limit: int = 300) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationError({field: f"{particle(label, '을를')} 입력하세요 / enter {english}"})
    if len(text) > limit:
        raise ValidationError({field: f"{particle(label, '은는')} {limit:,}자 이내여야 합니다 / "
                                      f"{english}: at most {limit:,} characters"})
    return text


def _names(values: Iterable[Any]) -> list[str]:
    return [v.strip() for v in dict.fromkeys(str(x) for x in values) if v.strip()]


# --- the pool --------------------------------------------------------------------------------

@transaction.atomic
def do_create_evaluator(actor: Any | None, user: Any, *, name: str, organisation: str,
                        department: str = "", expertise: Iterable[str] = ()) -> Evaluator:
    """Add a person with the evaluator role to the pool."""
    if actor is not None:
        require_rnd_manager(actor)
    if getattr(user, "role", "") != Role.EVALUATOR:
        raise ValidationError({"user": f"평가위원 역할의 사용자만 등록할 수 있습니다: {user} / only a "
                                       f"user with the evaluator role can join the pool: {user}"})
    if Evaluator.objects.filter(user=user).exists():
        raise ValidationError({"user": f"이미 평가위원으로 등록된 사용자입니다: {user} / {user} is "
                                       f"already in the pool"})
    evaluator = Evaluator.objects.create(
        user=user, name=_text(name, "name", "성명", "the name", limit=100),
        organisation=_text(organisation, "organisation", "소속기관", "the organisation", limit=200),
        department=_text(department, "department", "학과·부서", "the department", required=False,
                         limit=200),
        expertise=_names(expertise))
    record_create(actor, evaluator)
    return evaluator


@transaction.atomic
def do_declare_conflict(actor: Any, evaluator: Evaluator, *, organisation: str,
                        reason: str) -> DeclaredConflict:
    """An evaluator (or a manager for them) declares a conflict with an organisation."""
    if not can_manage_rnd(actor) and evaluator.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("본인 또는 관리자만 이해관계를 신고할 수 있습니다 / only the evaluator "
                               "or a manager may declare a conflict")
    row = DeclaredConflict.objects.create(
        evaluator=evaluator,
        organisation=_text(organisation, "organisation", "기관명", "the organisation", limit=200),
        reason=_text(reason, "reason", "사유", "the reason"))
    record_create(actor, row)
    return row


@transaction.atomic
def do_record_cowork(actor: Any | None, evaluator: Evaluator, *, organisation: str, year: int,
                     note: str = "") -> CoWork:
    """Record an evaluator's co-work with an organisation on an RTIS project."""
    if actor is not None:
        require_rnd_manager(actor)
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationError({"year": f"연도가 올바르지 않습니다: {year!r} / invalid year: {year!r}"})
    row = CoWork.objects.create(
        evaluator=evaluator, year=year, note=note.strip()[:300],
        organisation=_text(organisation, "organisation", "기관명", "the organisation", limit=200))
    record_create(actor, row)
    return row


# --- the stage's rule and the applicant's statement -------------------------------------------

@transaction.atomic
def do_set_stage_rule(actor: Any | None, stage: CallStage, *, aggregation: str, pass_mark: int,
                      lookback_years: int = 3, disclose_panel: bool = True,
                      disclose_comments: bool = True) -> StageRule:
    """Set how a stage is aggregated, its pass mark and its disclosure policy."""
    if actor is not None:
        require_rnd_manager(actor)
    errors = {}
    if aggregation not in Aggregation.values:
        errors["aggregation"] = (f"집계 방식은 {', '.join(Aggregation.values)} 중 하나입니다: "
                                 f"{aggregation!r} / the aggregation must be one of "
                                 f"{', '.join(Aggregation.values)}: {aggregation!r}")
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
        errors["pass_mark"] = (f"합격 기준점은 0~100 사이의 정수입니다: {pass_mark!r} / the pass "
                               f"mark must be a whole number within 0–100: {pass_mark!r}")
    if isinstance(lookback_years, bool) or not isinstance(lookback_years, int) \
            or not 0 <= lookback_years <= 20:
        errors["lookback_years"] = (f"공동 수행 확인 기간은 0~20년입니다: {lookback_years!r} / the "
                                    f"co-work look-back must be 0–20 years: {lookback_years!r}")
    if errors:
        raise ValidationError(errors)
    if Result.objects.filter(stage=stage).exists():
        raise ValidationError({"stage": f"선정이 끝난 단계의 평가 기준은 바꿀 수 없습니다: '{stage}' / "
                                        f"the selection of '{stage}' is done: its rule is fixed"})
    values = {"aggregation": aggregation, "pass_mark": pass_mark,
              "lookback_years": lookback_years, "disclose_panel": disclose_panel,
              "disclose_comments": disclose_comments}
    rule = StageRule.objects.filter(stage=stage).first()
    if rule is None:
        rule = StageRule.objects.create(stage=stage, **values)
        record_create(actor, rule)
        return rule
    return update_versioned(actor, rule, rule.version, values)


def stage_rule(stage: CallStage) -> StageRule:
    """The stage's rule, or the default (trimmed mean, pass mark 70) when none was set."""
    return StageRule.objects.filter(stage=stage).first() or StageRule(stage=stage)


@transaction.atomic
def do_set_avoid_requests(actor: Any, application: Application,
                          avoid: Sequence[tuple[Evaluator, str]]) -> list[AvoidRequest]:
    """The evaluators of the pool the application is not to be evaluated by, with reasons (a
    manager recording an avoidance, or the applicant), before panels are built. The department
    and the people screening compares are the application's own (rtis.rnd: its principal
    investigator and participants as submitted online), never entered here."""
    if not (can_manage_rnd(actor) or is_applicant_of(actor, application)):
        raise PermissionDenied("신청기관 또는 관리자만 입력할 수 있습니다 / only the applicant or a "
                               "manager may enter this")
    if application.assignments.exists():
        raise ValidationError({"application": "평가위원 배정이 시작되어 바꿀 수 없습니다 / "
                                              "evaluators are assigned: this can no longer change"})
    rows = [AvoidRequest(application=application, evaluator=evaluator,
                         reason=_text(reason, "avoid", "회피 사유", "the reason to avoid"))
            for evaluator, reason in avoid]
    old_requests = list(AvoidRequest.objects.filter(application=application))
    record_deletes(actor, old_requests)
    AvoidRequest.objects.filter(application=application).delete()
    created = AvoidRequest.objects.bulk_create(rows)
    record_creates(actor, created)
    return created


# --- conflicts --------------------------------------------------------------------------------

def evaluator_facts(evaluators: QuerySet[Evaluator]) -> list[rules.EvaluatorFacts]:
    """The rule's view of evaluators, read as plain values (three queries, however many: the
    evaluators' own query is the others' subquery, so no id list is bound)."""
    rows = list(evaluators.values_list("pk", "user_id", "name", "organisation", "department"))
    chosen = evaluators.order_by().values("pk")
    declared: dict[int, set[str]] = defaultdict(set)
    cowork: dict[int, dict[str, int]] = defaultdict(dict)
    for pk, organisation in DeclaredConflict.objects.filter(
            evaluator_id__in=chosen, application__isnull=True).values_list(
            "evaluator_id", "organisation"):
        declared[pk].add(rules.name_key(organisation))
    for pk, organisation, year in CoWork.objects.filter(evaluator_id__in=chosen).values_list(
            "evaluator_id", "organisation", "year"):
        key = rules.name_key(organisation)
        cowork[pk][key] = max(cowork[pk].get(key, 0), year)
    return [rules.EvaluatorFacts(key=pk, user_key=user, name=name, organisation=organisation,
                                 department=department, declared=frozenset(declared[pk]),
                                 cowork=cowork[pk])
            for pk, user, name, organisation, department in rows]


def application_facts(applications: QuerySet[Application]) -> list[rules.ApplicationFacts]:
    """The rule's view of applications, read as plain values from the application as the
    applicant submitted it online: its organisation, its principal investigator (the person
    chosen, with the department given for them; or the name typed, with no department) and
    its participants with their organisation and department. A constant number of queries
    per 900 applications, however many people."""
    rows = list(applications.values_list(
        "pk", "organisation__name", "principal_investigator", "created_by_id", "pi__name",
        "pi__organisation__name", "pi__department"))
    avoid: dict[int, set[int]] = defaultdict(set)
    people: dict[int, set[rules.Member]] = defaultdict(set)
    chosen = applications.order_by().values("pk")  # a subquery: no id lists to bind
    named, declared = _named_and_declared(chosen)
    for pk, evaluator in AvoidRequest.objects.filter(application_id__in=chosen).values_list(
            "application_id", "evaluator_id"):
        avoid[pk].add(evaluator)
    for pk, name, organisation, department in Application.participants.through.objects.filter(
            application_id__in=chosen).values_list(
            "application_id", "person__name", "person__organisation__name",
            "person__department"):
        people[pk].add(rules.Member(name.strip(), organisation, department.strip()))
    facts = []
    for pk, organisation, typed, creator, pi_name, pi_organisation, pi_department in rows:
        department = (pi_department or "").strip()
        pi = rules.Member((pi_name or typed).strip(), pi_organisation or organisation,
                          department)
        facts.append(rules.ApplicationFacts(
            key=pk, organisation=organisation, department=department,
            people=frozenset({pi, *people[pk]} if pi.name else people[pk]),
            creator_key=creator, avoid=frozenset(avoid[pk]),
            avoid_people=frozenset(named.get(pk, ())),
            declared_by=frozenset(declared.get(pk, ()))))
    return facts


def _chunks(keys: list[int], size: int = 900) -> Iterator[list[int]]:
    """Id lists short enough for SQLite's bound-parameter limit."""
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


def _pool() -> QuerySet[Evaluator]:
    return Evaluator.objects.filter(active=True)


def _panel_applications(panel: Panel) -> QuerySet[Application]:
    return panel.applications.all()


def findings_of(panel: Panel, evaluators: QuerySet[Evaluator] | None = None
                ) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """Screen evaluators (default: the active pool) against the panel's applications: each
    conflicting pair's reasons with what matched."""
    rule = stage_rule(panel.stage)
    return rules.screen_explained(
        evaluator_facts(evaluators if evaluators is not None else _pool()),
        application_facts(_panel_applications(panel)), year=panel.stage.call.year,
        lookback_years=rule.lookback_years)


def conflicts_of(panel: Panel, evaluators: QuerySet[Evaluator] | None = None
                 ) -> dict[tuple[int, int], list[str]]:
    """findings_of() as reason codes only."""
    return {pair: [code for code, _ in reasons]
            for pair, reasons in findings_of(panel, evaluators).items()}


def _record_conflicts(panel: Panel, found: Mapping[tuple[int, int], list[tuple[str, str]]]
                      ) -> int:
    now = clock.now()
    ConflictFinding.objects.filter(panel=panel).delete()
    rows = ConflictFinding.objects.bulk_create([
        ConflictFinding(panel=panel, evaluator_id=e, application_id=a,
                        reasons=[code for code, _ in reasons],
                        matched={code: text for code, text in reasons if text}, found_at=now)
        for (e, a), reasons in sorted(found.items())])
    return len(rows)


# --- panels and assignments ---------------------------------------------------------------------

@transaction.atomic
def do_create_panel(actor: Any, stage: CallStage, *, name: str, applications: Iterable[Application],
                    fields: Iterable[str] = (), size: int = 5) -> Panel:
    """Create a panel of a stage for submitted applications of its call."""
    require_rnd_manager(actor)
    name = _text(name, "name", "위원회명", "the panel's name", limit=100)
    chosen = list(applications)
    wrong = [str(a) for a in chosen if a.call_id != stage.call_id
             or a.status != ApplicationStatus.SUBMITTED]
    if wrong or not chosen:
        raise ValidationError({"applications": f"이 공고에 제출된 신청만 배정할 수 있습니다: "
                                               f"{wrong or '없음'} / only applications submitted to "
                                               f"this call can be evaluated: {wrong or 'none'}"})
    taken = list(Application.objects.filter(pk__in=[a.pk for a in chosen],
                                            panels__stage=stage).values_list("title", flat=True))
    if taken:
        raise ValidationError({"applications": f"이미 이 단계의 다른 위원회에 배정된 신청입니다: "
                                               f"{taken} / already in another panel of this stage: "
                                               f"{taken}"})
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 30:
        raise ValidationError({"size": f"위원 수는 1~30명입니다: {size!r} / a panel has 1–30 "
                                       f"members: {size!r}"})
    panel = Panel.objects.create(stage=stage, name=name, fields=_names(fields), size=size)
    panel.applications.set(chosen)
    record_create(actor, panel, {"stage": stage.pk, "name": name, "size": size,
                                 "applications": [a.pk for a in chosen]})
    return panel


@transaction.atomic
def do_screen_panel(actor: Any, panel: Panel) -> dict[tuple[int, int], list[str]]:
    """Screen the whole active pool against the panel's applications; record what was found."""
    require_rnd_manager(actor)
    found = findings_of(panel)
    count = _record_conflicts(panel, found)
    record_change(actor, panel, {"conflicts": [None, count]}, reason="이해충돌 확인 / screening")
    return {pair: [code for code, _ in reasons] for pair, reasons in found.items()}


def _refuse_if_conflict(panel: Panel, evaluator: Evaluator, application: Application) -> None:
    found = rules.screen_explained(
        evaluator_facts(_pool().filter(pk=evaluator.pk)),
        application_facts(_panel_applications(panel).filter(pk=application.pk)),
        year=panel.stage.call.year, lookback_years=stage_rule(panel.stage).lookback_years)
    reasons = found.get((evaluator.pk, application.pk))
    if reasons:
        korean, english = reason_text([c for c, _ in reasons],
                                      {c: t for c, t in reasons if t}).split(" / ", 1)
        raise ValidationError({"evaluator": (
            f"{evaluator.name} 위원은 '{application}' 과제와 이해충돌이 있어 배정할 수 없습니다 "
            f"({korean}) / {evaluator.name} has a conflict of interest with '{application}' "
            f"and cannot be assigned ({english})")})


def _require_open_panel(panel: Panel) -> None:
    if Result.objects.filter(stage=panel.stage).exists():
        raise ValidationError({"panel": f"선정이 끝난 단계입니다: '{panel.stage}' / the selection of "
                                        f"'{panel.stage}' is done"})


@transaction.atomic
def do_assign(actor: Any, panel: Panel, evaluator: Evaluator,
              application: Application) -> Assignment:
    """Assign one evaluator to one application of the panel; a conflict is refused with its
    reasons."""
    require_rnd_manager(actor)
    _require_open_panel(panel)
    if not panel.applications.filter(pk=application.pk).exists():
        raise ValidationError({"application": f"'{application}'은(는) 이 위원회의 과제가 아닙니다 / "
                                              f"'{application}' is not in this panel"})
    if not evaluator.active:
        raise ValidationError({"evaluator": f"활동하지 않는 평가위원입니다: {evaluator.name} / "
                                            f"{evaluator.name} is not active"})
    _refuse_if_conflict(panel, evaluator, application)
    if Assignment.objects.filter(panel=panel, evaluator=evaluator,
                                 application=application).exists():
        raise ValidationError({"evaluator": f"이미 배정되었습니다: {evaluator.name} → "
                                            f"'{application}' / already assigned"})
    panel.members.add(evaluator)
    assignment = Assignment.objects.create(panel=panel, evaluator=evaluator,
                                           application=application)
    record_create(actor, assignment)
    return assignment


@transaction.atomic
def do_auto_assign(actor: Any, panel: Panel) -> list[Assignment]:
    """Screen the pool, choose `size` members balancing the panel's fields of expertise and each
    evaluator's open load, and assign each member every application without a conflict. An
    evaluator in conflict with every application of the panel is never chosen."""
    require_rnd_manager(actor)
    _require_open_panel(panel)
    pool = list(_pool())
    explained = findings_of(panel)
    _record_conflicts(panel, explained)
    found = {pair: [code for code, _ in reasons] for pair, reasons in explained.items()}
    app_ids = set(panel.applications.values_list("pk", flat=True))
    blocked = frozenset(e.pk for e in pool
                        if all((e.pk, a) in found for a in app_ids))
    loads = dict(Assignment.objects.filter(state=SheetState.OPEN).values("evaluator")
                 .annotate(n=Count("pk")).values_list("evaluator", "n"))
    already = set(panel.members.values_list("pk", flat=True))
    wanted = max(panel.size - len(already), 0)
    chosen = rules.choose_members(
        [(e.pk, frozenset(e.expertise), loads.get(e.pk, 0)) for e in pool],
        frozenset(panel.fields), wanted, excluded=blocked | frozenset(already))
    panel.members.add(*chosen)
    existing = set(Assignment.objects.filter(panel=panel)
                   .values_list("evaluator_id", "application_id"))
    created = Assignment.objects.bulk_create([
        Assignment(panel=panel, evaluator_id=e, application_id=a)
        for e in sorted(already | set(chosen)) for a in sorted(app_ids)
        if (e, a) not in found and (e, a) not in existing])
    record_creates(actor, created)
    return created


@transaction.atomic
def do_recuse(actor: Any, assignment: Assignment, *, reason: str) -> Assignment:
    """An evaluator recuses themselves from an assignment (자진 회피), with the reason."""
    require_own_assignment(actor, assignment)
    reason = _text(reason, "reason", "회피 사유", "the reason for recusal")
    if assignment.state != SheetState.OPEN:
        raise ValidationError({"state": "평가중인 배정만 회피할 수 있습니다 / only an open "
                                        "assignment can be recused"})
    return update_versioned(actor, assignment, assignment.version,
                            {"state": SheetState.RECUSED, "recusal_reason": reason},
                            reason=reason)


# --- score sheets ------------------------------------------------------------------------------

def criteria_of(stage: CallStage) -> list[EvaluationCriterion]:
    return list(EvaluationCriterion.objects.filter(stage=stage).order_by("order"))


def _clean_sheet(assignment: Assignment, scores: Mapping[Any, Any], comments: Mapping[Any, Any],
                 *, complete: bool) -> tuple[dict[str, int], dict[str, str]]:
    criteria = criteria_of(assignment.panel.stage)
    by_key = {c.pk: c for c in criteria}
    parsed: dict[int, Any] = {}
    for raw, value in scores.items():
        key = ascii_int(str(raw))
        key = -1 if key is None else key
        parsed[key] = None if value in (None, "") else value
    missing, bad, unknown = rules.missing_or_out_of_range(
        {k: v for k, v in parsed.items() if v is not None},
        [rules.Criterion(c.pk, c.weight, c.max_score) for c in criteria])
    errors = {}
    if unknown:
        errors["scores"] = (f"이 단계에 없는 평가항목입니다: {unknown} / criteria not in this "
                            f"stage: {unknown}")
    if bad:
        labels = ", ".join(f"{by_key[k].name}(0~{by_key[k].max_score}): {parsed[k]!r}" for k in bad)
        errors["scores"] = (f"점수는 항목별 배점 안의 정수여야 합니다: {labels} / a score must be a "
                            f"whole number within the criterion's range: {labels}")
    if complete and missing:
        labels = ", ".join(by_key[k].name for k in missing)
        errors["scores"] = (f"모든 평가항목에 점수를 입력해야 제출할 수 있습니다. 빠진 항목: {labels} / "
                            f"score every criterion before submitting; missing: {labels}")
    if errors:
        raise ValidationError(errors)
    clean_comments = {}
    for raw, text in comments.items():
        key = ascii_int(str(raw))
        key = -1 if key is None else key
        if key not in by_key:
            raise ValidationError({"comments": f"이 단계에 없는 평가항목입니다: {raw!r} / not a "
                                               f"criterion of this stage: {raw!r}"})
        value = _text(text, "comments", "항목별 의견", "a criterion's comment", required=False,
                      limit=2000)
        if value:
            clean_comments[str(key)] = value
    return ({str(k): v for k, v in sorted(parsed.items()) if v is not None}, clean_comments)


def _sheet_writable(actor: Any, assignment: Assignment) -> None:
    require_own_assignment(actor, assignment)
    _require_open_panel(assignment.panel)
    if assignment.state == SheetState.RECUSED:
        raise ValidationError({"state": "회피한 배정에는 점수를 입력할 수 없습니다 / a recused "
                                        "assignment takes no scores"})


@transaction.atomic
def do_save_scores(actor: Any, assignment: Assignment, expected_version: int, *,
                   scores: Mapping[Any, Any], comments: Mapping[Any, Any] | None = None,
                   comment: str = "", submit: bool = False) -> Assignment:
    """Save an open score sheet (a draft may miss criteria) or submit it (every criterion
    scored); a submitted sheet is locked: change it with do_revise_scores and a reason."""
    _sheet_writable(actor, assignment)
    if assignment.state == SheetState.SUBMITTED:
        raise ValidationError({"state": "제출된 평가표는 잠겨 있습니다. 수정 사유와 함께 수정하세요 / "
                                        "a submitted score sheet is locked: revise it with a "
                                        "reason"})
    clean, notes = _clean_sheet(assignment, scores, comments or {}, complete=submit)
    changes: dict[str, Any] = {"scores": clean, "comments": notes,
                               "comment": _text(comment, "comment", "종합 의견", "the comment",
                                                required=False, limit=4000)}
    if submit:
        changes.update(state=SheetState.SUBMITTED, submitted_at=clock.now())
    return update_versioned(actor, assignment, expected_version, changes)


@transaction.atomic
def do_revise_scores(actor: Any, assignment: Assignment, expected_version: int, *,
                     scores: Mapping[Any, Any], reason: str,
                     comments: Mapping[Any, Any] | None = None,
                     comment: str | None = None) -> Assignment:
    """Change a submitted sheet: the old and new scores are kept with the reason."""
    _sheet_writable(actor, assignment)
    if assignment.state != SheetState.SUBMITTED:
        raise ValidationError({"state": "제출된 평가표만 수정 이력으로 고칩니다 / only a submitted "
                                        "sheet is revised"})
    reason = _text(reason, "reason", "수정 사유", "the reason for the revision")
    clean, notes = _clean_sheet(assignment, scores,
                                assignment.comments if comments is None else comments,
                                complete=True)
    new_comment = assignment.comment if comment is None else _text(
        comment, "comment", "종합 의견", "the comment", required=False, limit=4000)
    old = (dict(assignment.scores), dict(assignment.comments), assignment.comment)
    updated = update_versioned(actor, assignment, expected_version,
                               {"scores": clean, "comments": notes, "comment": new_comment},
                               reason=reason)
    revision = ScoreRevision.objects.create(
        assignment=updated, old_scores=old[0], new_scores=clean, old_comments=old[1],
        new_comments=notes, old_comment=old[2], new_comment=new_comment, reason=reason,
        revised_by=actor, revised_at=clock.now())
    record_create(actor, revision, reason=reason)
    return updated


# --- aggregation, ranking and selection --------------------------------------------------------

def rounded(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.001"), rounding=ROUND_HALF_UP)


def stage_candidates(stage: CallStage) -> tuple[list[rules.Candidate], list[str]]:
    """The stage's candidates from submitted sheets, and what is still missing (open sheets,
    applications without any submitted sheet)."""
    rule = stage_rule(stage)
    criteria = [rules.Criterion(c.pk, c.weight, c.max_score) for c in criteria_of(stage)]
    sheets: dict[int, list[dict[int, int]]] = {}
    open_count = 0
    assigned: set[int] = set()
    # .order_by(): the models' default orderings would join panel, stage, call, application,
    # organisation and evaluator only to sort 14,000 rows nobody needs sorted (most of the read).
    # The scores come as JSON text and are decoded in one json.loads of all of them: one C call
    # instead of a field converter and a decode per sheet.
    rows = list(Assignment.objects.filter(panel__stage=stage).exclude(state=SheetState.RECUSED)
                .order_by().values_list("application_id", "state",
                                        Cast("scores", output_field=TextField())))
    decoded = json.loads(f"[{','.join(text for _app, _state, text in rows)}]")
    for (app_id, state, _text), scores in zip(rows, decoded, strict=True):
        assigned.add(app_id)
        if state != SheetState.SUBMITTED:
            open_count += 1
            continue
        sheets.setdefault(app_id, []).append(dict(zip(map(int, scores), scores.values(),
                                                      strict=True)))
    missing = []
    if open_count:
        missing = [f"{who} → {title}" for who, title in Assignment.objects.filter(
            panel__stage=stage, state=SheetState.OPEN).values_list(
            "evaluator__name", "application__title")[:20]]
        missing += ["…"] * max(open_count - 20, 0)
    apps = {a["pk"]: a for a in Application.objects.filter(panels__stage=stage).order_by()
            .values("pk", "requested_funds", "submitted_at")}
    if not assigned.issuperset(apps):  # titles in the applications' order, each once
        titles = dict(Application.objects.filter(panels__stage=stage).values_list("pk", "title"))
        missing += [f"'{title}' (평가표 없음 / no sheet)" for pk, title in titles.items()
                    if pk not in assigned]
    candidates = []
    for pk, app in apps.items():
        if pk not in sheets:
            continue
        total, top = rules.evaluate(sheets[pk], criteria, rule.aggregation)
        candidates.append(rules.Candidate(
            key=pk, total=total, top_criterion=top,
            requested_won=sum(int(v) for v in app["requested_funds"].values()),
            submitted_at=app["submitted_at"] or clock.now()))
    return candidates, missing


def remaining_budget(stage: CallStage) -> int:
    """The call's budget less what its selected applications were awarded."""
    call = stage.call
    awarded = Application.objects.filter(call=call, status=ApplicationStatus.SELECTED).aggregate(
        s=Sum("awarded_won"))["s"] or 0
    return int(call.budget_won) - int(awarded)


@transaction.atomic
def do_run_selection(actor: Any, stage: CallStage) -> list[Result]:
    """Aggregate, rank, cut at the pass mark and select within the call's remaining budget; the
    last stage of the call sets each application's status (선정/미선정) and awarded funds."""
    require_rnd_manager(actor)
    if Result.objects.filter(stage=stage).exists():
        raise ValidationError({"stage": f"이미 선정을 마친 단계입니다: '{stage}' / the selection of "
                                        f"'{stage}' is already done"})
    candidates, missing = stage_candidates(stage)
    if missing:
        shown = ", ".join(missing[:5]) + (f" 외 {len(missing) - 5}건" if len(missing) > 5 else "")
        raise ValidationError({"stage": f"제출되지 않은 평가표가 {len(missing)}건 있습니다: {shown} / "
                                        f"{len(missing)} score sheet(s) are not submitted: {shown}"})
    if not candidates:
        raise ValidationError({"stage": f"평가된 과제가 없습니다: '{stage}' / nothing was scored in "
                                        f"'{stage}'"})
    rule = stage_rule(stage)
    is_last = not CallStage.objects.filter(call_id=stage.call_id, order__gt=stage.order).exists()
    budget = remaining_budget(stage) if is_last else sum(c.requested_won for c in candidates)
    decisions = rules.select(candidates, pass_mark=rule.pass_mark, budget_won=max(budget, 0))
    counts = dict(Assignment.objects.filter(panel__stage=stage, state=SheetState.SUBMITTED)
                  .values("application").annotate(n=Count("pk"))
                  .values_list("application", "n"))
    by_key = {c.key: c for c in candidates}
    # Set-wise writes, a constant number of statements however many applications: the results
    # in one insert, the statuses in one UPDATE from them, the audit events in one insert.
    decided = clock.now()
    insert_rows(Result, ["stage_id", "application_id", "total", "rank", "outcome", "tie",
                         "awarded_won", "evaluators", "decided_at"], [
        (stage.pk, d.key, rounded(by_key[d.key].total), d.rank, OUTCOME_OF[d.outcome], d.tie,
         d.awarded_won, counts.get(d.key, 0), decided) for d in decisions])
    # The results are the record of the run: one event names it; each application's status
    # change below is audited one by one (its own history).
    record_change(actor, stage, {"selection": [None, {
        "results": len(decisions), "selected": sum(d.outcome == rules.SELECTED for d in decisions),
        "awarded_won": sum(d.awarded_won for d in decisions), "budget_won": budget,
        "pass_mark": rule.pass_mark, "aggregation": rule.aggregation}]},
        reason="선정 / selection")
    if is_last:
        _set_selected_statuses(actor, stage, decisions)
    return list(Result.objects.filter(stage=stage).order_by("rank", "pk"))


def _set_selected_statuses(actor: Any, stage: CallStage, decisions: list[rules.Decision]) -> None:
    """선정 with the awarded funds, or 미선정, for every application the stage's results name:
    one UPDATE reading the results, the old values read (and locked) once for the audit."""
    decided = Application.objects.filter(
        pk__in=Result.objects.filter(stage=stage).values("application_id"))
    old = {pk: (status, awarded, title) for pk, status, awarded, title in
           decided.select_for_update().order_by().values_list("pk", "status", "awarded_won",
                                                                 "title")}
    result = Result.objects.filter(stage=stage, application=OuterRef("pk"),
                                   outcome=Outcome.SELECTED)
    decided.update(status=Case(When(Exists(result), then=Value(ApplicationStatus.SELECTED)),
                               default=Value(ApplicationStatus.NOT_SELECTED)),
                   awarded_won=Subquery(result.values("awarded_won")[:1]),
                   version=F("version") + 1)
    changes: list[tuple[int, str, dict[str, list[Any]]]] = []
    for d in decisions:
        status, awarded, title = old[d.key]
        chosen = d.outcome == rules.SELECTED
        changes.append((d.key, title, {
            "status": [status, ApplicationStatus.SELECTED if chosen
                       else ApplicationStatus.NOT_SELECTED],
            "awarded_won": [awarded, d.awarded_won if chosen else None]}))
    record_row_changes(actor, Application, changes, reason="선정 / selection")


@transaction.atomic
def do_award_passed_over(actor: Any, result: Result, *, awarded_won: int,
                         reason: str) -> Result:
    """Select an application passed over for budget (above the pass mark) with an amount that
    fits in the call's remaining budget, e.g. after another award was reduced; anything beyond
    the remaining budget is refused."""
    require_rnd_manager(actor)
    reason = _text(reason, "reason", "사유", "the reason")
    if result.outcome != Outcome.OVER_BUDGET:
        raise ValidationError({"result": f"예산 초과로 미선정된 과제만 추가 선정할 수 있습니다: "
                                         f"'{result.application}' / only an application passed "
                                         f"over for budget can be added"})
    application = Application.objects.select_for_update().get(pk=result.application_id)
    remaining = remaining_budget(result.stage)
    if isinstance(awarded_won, bool) or not isinstance(awarded_won, int) or awarded_won <= 0:
        raise ValidationError({"awarded_won": f"지원금은 양의 원 단위 정수입니다: {awarded_won!r} / "
                                              f"the award must be a positive number of won: "
                                              f"{awarded_won!r}"})
    if awarded_won > remaining:
        raise ValidationError({"awarded_won": (
            f"잔여 예산({remaining:,}원)을 넘는 지원금({awarded_won:,}원)은 선정할 수 없습니다 / "
            f"the award ({awarded_won:,} won) exceeds the remaining budget ({remaining:,} won)")})
    if awarded_won > application.requested_total_won:
        raise ValidationError({"awarded_won": (
            f"신청액({application.requested_total_won:,}원)보다 많이 지원할 수 없습니다 / the award "
            f"exceeds the request ({application.requested_total_won:,} won)")})
    old = (result.outcome, result.awarded_won)
    result.outcome, result.awarded_won = Outcome.SELECTED, awarded_won
    result.save(update_fields=["outcome", "awarded_won"])
    record_change(actor, result, {"outcome": [old[0], result.outcome],
                                  "awarded_won": [old[1], awarded_won]}, reason=reason)
    update_versioned(actor, application, application.version,
                     {"status": ApplicationStatus.SELECTED, "awarded_won": awarded_won},
                     reason=reason)
    return result


def reason_for(result: Result, rule: StageRule) -> str:
    """The specific reason shown to the applicant (Korean; the page translates the frame)."""
    if result.outcome == Outcome.SELECTED:
        return (f"종합 점수 {result.total}점(기준 {rule.pass_mark}점)으로 {result.rank}위, "
                f"지원금 {result.awarded_won:,}원으로 선정되었습니다.")
    if result.outcome == Outcome.BELOW_PASS_MARK:
        return (f"종합 점수 {result.total}점이 합격 기준점 {rule.pass_mark}점에 미달하여 "
                f"선정되지 않았습니다({result.rank}위).")
    return (f"종합 점수 {result.total}점으로 기준점({rule.pass_mark}점)을 넘었으나, {result.rank}위 "
            f"차례에 남은 예산이 신청액보다 적어 선정되지 않았습니다.")


# --- rnd-pages: declarations by the evaluator, people the applicant names to avoid ------------

MAX_AVOIDED_PEOPLE = 3  # per application: each name shrinks the pool the panel is drawn from


def _named_and_declared(chosen: QuerySet[Any]) -> tuple[dict[int, set[tuple[str, str]]],
                                                       dict[int, set[int]]]:
    """Per application of `chosen` (a subquery of application ids): the (name, organisation)
    keys its applicant named to avoid, and the evaluators who declared a conflict with it
    alone."""
    named: dict[int, set[tuple[str, str]]] = defaultdict(set)
    declared: dict[int, set[int]] = defaultdict(set)
    for pk, name, organisation in AvoidedPerson.objects.filter(
            application_id__in=chosen).values_list("application_id", "name", "organisation"):
        named[pk].add(rules.person_key(name, organisation))
    for pk, evaluator in DeclaredConflict.objects.filter(
            application_id__in=chosen).values_list("application_id", "evaluator_id"):
        declared[pk].add(evaluator)
    return named, declared


def _recuse_for_declaration(actor: Any, assignments: Iterable[Assignment],
                            reason: str) -> list[Assignment]:
    """Recuse the evaluator's sheets a declaration covers (open or submitted, before the
    selection: a submitted sheet of a conflicted evaluator must not count)."""
    done = []
    for assignment in assignments:
        if assignment.state == SheetState.RECUSED:
            continue
        _require_open_panel(assignment.panel)
        done.append(update_versioned(actor, assignment, assignment.version,
                                     {"state": SheetState.RECUSED, "recusal_reason": reason},
                                     reason=reason))
    return done


def _require_self_or_manager(actor: Any, evaluator: Evaluator) -> None:
    if not can_manage_rnd(actor) and evaluator.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("본인 또는 관리자만 이해관계를 신고할 수 있습니다 / only the evaluator "
                               "or a manager may declare a conflict")


@transaction.atomic
def do_declare_organisation_conflict(actor: Any, evaluator: Evaluator, *, organisation: str,
                                     reason: str) -> tuple[DeclaredConflict, list[Assignment]]:
    """Declare a conflict with an organisation and recuse from its applications assigned to the
    evaluator; screening excludes the organisation's applications from then on."""
    _require_self_or_manager(actor, evaluator)
    key = rules.name_key(organisation if isinstance(organisation, str) else "")
    if key and any(rules.name_key(o) == key for o in DeclaredConflict.objects.filter(
            evaluator=evaluator, application__isnull=True).values_list("organisation", flat=True)):
        raise ValidationError({"organisation": f"이미 신고한 기관입니다: {organisation} / a conflict "
                                               f"with {organisation} is already declared"})
    row = do_declare_conflict(actor, evaluator, organisation=organisation, reason=reason)
    mine = [a for a in Assignment.objects.filter(evaluator=evaluator).select_related(
        "panel__stage", "application__organisation")
        if rules.name_key(a.application.organisation.name) == key]
    return row, _recuse_for_declaration(actor, mine, row.reason)


@transaction.atomic
def do_declare_application_conflict(actor: Any, evaluator: Evaluator, application: Application,
                                    *, reason: str) -> tuple[DeclaredConflict, list[Assignment]]:
    """Declare a conflict with one application assigned to the evaluator and recuse from it;
    the organisation's other applications stay open to the evaluator (IRIS 2024: narrow)."""
    _require_self_or_manager(actor, evaluator)
    mine = list(Assignment.objects.filter(evaluator=evaluator, application=application)
                .select_related("panel__stage"))
    if not mine and not can_manage_rnd(actor):
        raise ValidationError({"application": "배정받은 과제에만 이해관계를 신고할 수 있습니다 / a "
                                              "conflict can be declared only with an assigned "
                                              "application"})
    if DeclaredConflict.objects.filter(evaluator=evaluator, application=application).exists():
        raise ValidationError({"application": f"이미 신고한 과제입니다: '{application}' / a conflict "
                                              f"with '{application}' is already declared"})
    reason = _text(reason, "reason", "사유", "the reason")
    row = DeclaredConflict.objects.create(evaluator=evaluator, application=application,
                                          reason=reason)
    record_create(actor, row)
    return row, _recuse_for_declaration(actor, mine, reason)


def _require_may_name(actor: Any, application: Application) -> None:
    if can_manage_rnd(actor):
        if application.assignments.exists():
            raise ValidationError({"application": "평가위원 배정이 시작되어 바꿀 수 없습니다 / "
                                                  "evaluators are assigned: this can no longer "
                                                  "change"})
        return
    if not is_applicant_of(actor, application):
        raise PermissionDenied("신청기관 또는 관리자만 입력할 수 있습니다 / only the applicant or a "
                               "manager may enter this")
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError({"application": "기피 신청은 제출 전에만 할 수 있습니다 / evaluators to "
                                              "avoid are named before submission only"})


@transaction.atomic
def do_name_avoided_person(actor: Any, application: Application, *, name: str,
                           organisation: str, reason: str) -> AvoidedPerson:
    """The applicant names a person not to be evaluated by (기피 신청), before submission.
    Whether the person is in the pool is never told: screening matches name and organisation."""
    _require_may_name(actor, application)
    name = _text(name, "name", "성명", "the name", limit=100)
    organisation = _text(organisation, "organisation", "소속기관", "the organisation", limit=200)
    reason = _text(reason, "reason", "사유", "the reason")
    rows = list(AvoidedPerson.objects.select_for_update().filter(application=application))
    key = rules.person_key(name, organisation)
    if any(rules.person_key(r.name, r.organisation) == key for r in rows):
        raise ValidationError({"name": f"이미 기피 신청한 사람입니다: {name} ({organisation}) / "
                                       f"{name} ({organisation}) is already named"})
    if len(rows) >= MAX_AVOIDED_PEOPLE:
        raise ValidationError({"name": f"기피 신청은 과제당 {MAX_AVOIDED_PEOPLE}명까지입니다 / at most "
                                       f"{MAX_AVOIDED_PEOPLE} people per application"})
    row = AvoidedPerson.objects.create(application=application, name=name,
                                       organisation=organisation, reason=reason,
                                       named_by=actor if getattr(actor, "pk", None) else None)
    record_create(actor, row)
    return row


@transaction.atomic
def do_remove_avoided_person(actor: Any, row: AvoidedPerson) -> None:
    """Withdraw a person from the application's avoidance list, before submission."""
    _require_may_name(actor, row.application)
    record_deletes(actor, [row])
    row.delete()
