"""Who may open what, for EVERY route: the rules are read off the URL configuration and the
OpenAPI document, so a route added without a rule here fails this test.

Each page route names the roles that may use it and how (GET, or POST for actions); the test
asks as the public, a viewer (council), an officer of another department, the owning officer and
a planner, and checks that the allowed get an answer and everyone else is refused (sent to the
login page, 401, 403 or 404) with nothing written.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook

from rtis.audit.models import AuditEvent
from rtis.config import clock
from rtis.ingest.staging import do_stage_import
from rtis.ntis.models import Project
from rtis.orgs.models import Department, User
from rtis.plans.models import BudgetLine, Indicator, Plan
from rtis.portal.actions import do_publish_report
from rtis.reports.actions import do_generate_report
from rtis.rnd.actions import do_create_call, do_create_programme, do_publish_call
from rtis.rnd.models import Call
from rtis.tracking.actions import (
    do_open_period,
    do_save_execution,
    do_save_participation,
    do_submit_entry,
)
from rtis.tracking.models import Notification
from tests.grants.world import grants_world
from tests.oversight.conftest import COUNCIL_ITEMS, KEY
from tests.review.matrix import review_pks
from tests.tracking.conftest import AMOUNTS

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "viewer", "other_officer", "officer", "planner")
EVERYONE = frozenset(ROLES)
STAFF = frozenset(ROLES[1:])
OWNER = frozenset({"officer", "planner"})  # the department owning the object, and planners
PLANNER = frozenset({"planner"})
READERS = frozenset({"viewer", "planner"})  # council members and auditors read reports
NOBODY: frozenset[str] = frozenset()  # of these roles: the admin site is for admins only


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    method: str = "GET"


# Every named route of the site. A new route fails the test until it has a rule here.
PAGE_RULES: dict[str, Rule] = {
    ":home": Rule(EVERYONE),
    ":start": Rule(STAFF),  # where one lands after signing in
    ":session_status": Rule(EVERYONE),  # the public just hears "signed out"
    ":login": Rule(EVERYONE),
    ":logout": Rule(EVERYONE, "POST"),
    ":set_language": Rule(EVERYONE, "POST"),
    "plans:list": Rule(EVERYONE),
    "plans:detail": Rule(EVERYONE),
    "plans:budget": Rule(EVERYONE),
    "plans:publish": Rule(PLANNER, "POST"),
    "plans:node": Rule(EVERYONE),
    "plans:node_edit": Rule(OWNER),
    "plans:line_save": Rule(OWNER, "POST"),
    "plans:line_delete": Rule(OWNER, "POST"),
    "checks:index": Rule(PLANNER),
    "orgs:list": Rule(EVERYONE),
    "orgs:detail": Rule(EVERYONE),
    "oversight:list": Rule(EVERYONE),
    "oversight:detail": Rule(EVERYONE),
    "oversight:overdue": Rule(EVERYONE),
    "oversight:item": Rule(EVERYONE),
    "oversight:item_edit": Rule(OWNER, "POST"),
    "reports:index": Rule(READERS),
    "reports:download": Rule(READERS),
    "ingest:index": Rule(PLANNER),
    "ingest:batch": Rule(PLANNER),
    "tracking:my_work": Rule(STAFF),
    "tracking:approvals": Rule(PLANNER),
    "tracking:approvals_decide": Rule(PLANNER, "POST"),
    "tracking:approve": Rule(PLANNER, "POST"),
    "tracking:return": Rule(PLANNER, "POST"),
    "tracking:notification_read": Rule(frozenset({"officer"}), "POST"),  # one's own only
    "tracking:bulk_index": Rule(frozenset({"other_officer", "officer", "planner"})),
    "tracking:bulk_template": Rule(frozenset({"other_officer", "officer", "planner"})),
    "tracking:bulk_upload": Rule(frozenset({"other_officer", "officer", "planner"}), "POST"),
    "tracking:plan": Rule(STAFF),
    "tracking:plan_settings": Rule(PLANNER, "POST"),
    "tracking:plan_generate": Rule(PLANNER, "POST"),
    "tracking:period_move": Rule(PLANNER, "POST"),
    "tracking:node": Rule(STAFF),
    "tracking:execution_save": Rule(OWNER, "POST"),
    "tracking:execution_correct": Rule(PLANNER, "POST"),
    "tracking:indicator_save": Rule(OWNER, "POST"),
    "tracking:milestone_save": Rule(OWNER, "POST"),
    "tracking:status_save": Rule(OWNER, "POST"),
    "tracking:participation_add": Rule(OWNER, "POST"),
    "tracking:participation_delete": Rule(OWNER, "POST"),
    "dashboards:index": Rule(STAFF),
    "dashboards:execution": Rule(STAFF),
    "dashboards:execution_records": Rule(STAFF),
    "dashboards:projection": Rule(STAFF),
    "dashboards:projection_records": Rule(STAFF),
    "dashboards:indicators": Rule(STAFF),
    "dashboards:indicator_records": Rule(STAFF),
    "dashboards:milestones": Rule(STAFF),
    "dashboards:milestone_records": Rule(STAFF),
    "rnd:calls": Rule(EVERYONE),
    "rnd:call": Rule(EVERYONE),  # a published call; drafts are 404 but to planners
    "rnd:call_publish": Rule(PLANNER, "POST"),
    "rnd:call_applications": Rule(PLANNER),  # applicants' data: R&D managers only
    # portal
    "portal:progress": Rule(EVERYONE),
    "portal:node_progress": Rule(EVERYONE),
    "portal:publication": Rule(PLANNER, "POST"),
    "portal:withhold": Rule(PLANNER, "POST"),
    "portal:data": Rule(EVERYONE),
    "portal:bundle_zip": Rule(EVERYONE),
    "portal:bundle_sqlite": Rule(EVERYONE),
    "portal:dataset_plans": Rule(EVERYONE),
    "portal:dataset_nodes": Rule(EVERYONE),
    "portal:dataset_budget": Rule(EVERYONE),
    "portal:dataset_indicators": Rule(EVERYONE),
    "portal:dataset_milestones": Rule(EVERYONE),
    "portal:dataset_council_items": Rule(EVERYONE),
    "portal:dataset_departments": Rule(EVERYONE),
    # facilities
    "facilities:list": Rule(EVERYONE),
    "facilities:dashboard": Rule(EVERYONE),
    "facilities:funds": Rule(EVERYONE),
    "facilities:detail": Rule(EVERYONE),  # a published facility; tenants' names to staff only
    "facilities:edit": Rule(OWNER),  # the operating department's officers and planners
    "facilities:outcomes": Rule(OWNER),
    "facilities:outcome_template": Rule(OWNER),
    "facilities:outcome_upload": Rule(OWNER, "POST"),
    "lineage:portfolio": Rule(STAFF),
    "lineage:node": Rule(STAFF),  # spans unpublished plans: the city's staff only
    "lineage:link": Rule(PLANNER, "POST"),
    # rnd-review (evaluators and applicants in tests/review/test_pages.py)
    "review:calls": Rule(PLANNER),
    "review:pool": Rule(PLANNER),
    "review:stage": Rule(PLANNER),
    "review:stage_rule": Rule(PLANNER, "POST"),
    "review:panel_create": Rule(PLANNER, "POST"),
    "review:ranking": Rule(PLANNER),
    "review:select": Rule(PLANNER, "POST"),
    "review:ranking_xlsx": Rule(PLANNER),
    "review:panel": Rule(PLANNER),
    "review:panel_screen": Rule(PLANNER, "POST"),
    "review:panel_auto": Rule(PLANNER, "POST"),
    "review:panel_assign": Rule(PLANNER, "POST"),
    "review:mine": Rule(PLANNER),
    "review:sheet": Rule(PLANNER),  # managers read a sheet; only its evaluator writes
    "review:recuse": Rule(NOBODY, "POST"),  # the assigned evaluator only
    "review:disclosure": Rule(PLANNER),  # and the applicant's organisation
    # rnd-award: agreements are R&D managers' (and performers', who are applicants: see
    # tests/grants/test_pages.py); statistics are public
    "grants:agreements": Rule(PLANNER),
    "grants:agreement_new": Rule(PLANNER),
    "grants:agreement": Rule(PLANNER),
    "grants:change_request": Rule(PLANNER, "POST"),
    "grants:change_decide": Rule(PLANNER, "POST"),
    "grants:report_save": Rule(PLANNER, "POST"),  # and the performer
    "grants:annual_evaluate": Rule(PLANNER, "POST"),
    "grants:final_evaluate": Rule(PLANNER, "POST"),
    "grants:output_add": Rule(PLANNER, "POST"),
    "grants:survey_submit": Rule(PLANNER, "POST"),
    "grants:surveys": Rule(PLANNER),
    "grants:survey_remind": Rule(PLANNER, "POST"),
    "grants:statistics": Rule(EVERYONE),
    "grants:statistics_download": Rule(EVERYONE),
    # rnd-apply: applicants' pages are for applicant accounts (none of these roles); managers
    # read and enter applications; the sign-up is public (a bad confirmation token is a 400).
    "rnd:call_close": Rule(PLANNER, "POST"),
    "rnd:apply": Rule(PLANNER),
    "rnd:sign_up": Rule(EVERYONE),
    "rnd:sign_up_confirm": Rule(EVERYONE),
    "rnd:my_applications": Rule(NOBODY),
    "rnd:person_add": Rule(NOBODY, "POST"),
    "rnd:application": Rule(PLANNER),
    "rnd:application_submit": Rule(PLANNER, "POST"),
    "rnd:attachment_upload": Rule(PLANNER, "POST"),
    "rnd:attachment": Rule(PLANNER),
    "rnd:attachment_delete": Rule(PLANNER, "POST"),
    "rnd:call_import": Rule(PLANNER),
    "rnd:applicant_new": Rule(PLANNER),
    # search
    "search:page": Rule(EVERYONE),  # the public finds published data only (tests/search)
    # perf
    "plans:subtree": Rule(EVERYONE),  # the plan page's rows below a node (htmx)
    # ntis
    "ntis:stats": Rule(EVERYONE),  # aggregates only
    "ntis:stats_download": Rule(EVERYONE),
    "ntis:projects": Rule(STAFF),  # a project names its principal investigator
    "ntis:project": Rule(STAFF),
    # facilities-ui
    "facilities:tenancy_new": Rule(OWNER),
    "facilities:leavers": Rule(STAFF),  # names tenants: the city's staff only
    "facilities:publish": Rule(PLANNER, "POST"),
    "facilities:tenancy_end": Rule(OWNER),
    "facilities:outcome_edit": Rule(OWNER),
    "facilities:tenants": Rule(STAFF),
    "facilities:tenant_edit": Rule(OWNER),  # officers of a facility it used, and planners
    "facilities:computed": Rule(STAFF),
    "facilities:computed_preview": Rule(PLANNER),
    "facilities:computed_declare": Rule(PLANNER, "POST"),
    "facilities:computed_recompute": Rule(PLANNER, "POST"),
    "facilities:fund_new": Rule(PLANNER),
    "facilities:fund": Rule(EVERYONE),  # a published fund; its investments to staff only
    "facilities:fund_edit": Rule(PLANNER),
    "facilities:commitment_add": Rule(PLANNER, "POST"),
    "facilities:call_add": Rule(PLANNER, "POST"),
    "facilities:investment_add": Rule(PLANNER, "POST"),
    "facilities:exit_add": Rule(PLANNER, "POST"),
    # portal
    "portal:public_report": Rule(EVERYONE),  # a published report (unpublished: 404 to all)
    "portal:dataset_reports": Rule(EVERYONE),  # published reports only, for every reader
    "portal:report_publication": Rule(PLANNER, "POST"),
    # rnd-pages: join requests for R&D managers and the organisation's applicant; the
    # evaluator's conflict pages for evaluators only; people to avoid for the applicant and
    # managers (every R&D role in tests/rnd/test_permission_matrix.py)
    "rnd:join_confirm": Rule(EVERYONE),  # a bad token answers 400
    "rnd:join_requests": Rule(PLANNER),
    "rnd:join_decide": Rule(PLANNER, "POST"),
    "review:my_conflicts": Rule(NOBODY),
    "review:declare_conflict": Rule(NOBODY, "POST"),
    "review:avoid": Rule(PLANNER),
    "review:avoid_delete": Rule(PLANNER, "POST"),
}
# The admin site's own routes: for admins only (is_staff), whatever they are.
ADMIN_NAMESPACE = "admin"
# The API's routes are listed by the OpenAPI document and checked below.
API_NAMESPACE = "api-1.0.0"
API_OWN_ROUTES = {"api-1.0.0:openapi-json": Rule(EVERYONE), "api-1.0.0:api-root": Rule(EVERYONE)}

# Every API operation: readers are the public for plans, signed-in staff for tracking; writes
# (PUT/POST) refuse the public here; who among staff may write is in tests/api/test_tracking_api.py.
API_RULES: dict[tuple[str, str], Rule] = {
    ("get", "/api/v1/plans"): Rule(EVERYONE),
    ("get", "/api/v1/plans/{slug}"): Rule(EVERYONE),
    ("get", "/api/v1/plans/{slug}/nodes"): Rule(EVERYONE),
    ("get", "/api/v1/plans/{slug}/nodes/{code}"): Rule(EVERYONE),
    ("get", "/api/v1/plans/{slug}/budget-lines"): Rule(EVERYONE),
    ("get", "/api/v1/plans/{slug}/budget-summary"): Rule(EVERYONE),
    ("get", "/api/v1/plans/{slug}/indicators"): Rule(EVERYONE),
    ("get", "/api/v1/plans/{slug}/export"): Rule(EVERYONE),
    ("get", "/api/v1/tracking/plans/{slug}/periods"): Rule(STAFF),
    ("get", "/api/v1/tracking/plans/{slug}/execution-by-department"): Rule(STAFF),
    ("get", "/api/v1/tracking/execution/{record_id}"): Rule(STAFF),
    ("put", "/api/v1/tracking/execution"): Rule(OWNER, "PUT"),
    ("post", "/api/v1/tracking/entries/{kind}/{entry_id}/submit"): Rule(OWNER, "POST"),
    ("post", "/api/v1/tracking/entries/{kind}/{entry_id}/approve"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/tracking/entries/{kind}/{entry_id}/return"): Rule(PLANNER, "POST"),
    ("get", "/api/v1/tracking/my-entries"): Rule(STAFF),
    ("put", "/api/v1/tracking/indicator-reports"): Rule(OWNER, "PUT"),
    ("put", "/api/v1/tracking/milestones"): Rule(OWNER, "PUT"),
    ("post", "/api/v1/tracking/plans/{slug}/nodes/{code}/status"): Rule(OWNER, "POST"),
    ("get", "/api/v1/tracking/plans/{slug}/nodes/{code}/status"): Rule(STAFF),
    # facilities
    ("get", "/api/v1/facilities"): Rule(EVERYONE),
    ("get", "/api/v1/facilities/funds"): Rule(EVERYONE),
    ("get", "/api/v1/facilities/{facility_id}"): Rule(EVERYONE),  # published; tenancies to staff
    # rnd-review (every R&D role in tests/review/test_api.py)
    ("get", "/api/v1/review/evaluators"): Rule(PLANNER),
    ("get", "/api/v1/review/stages/{stage_id}/panels"): Rule(PLANNER),
    ("get", "/api/v1/review/panels/{panel_id}/conflicts"): Rule(PLANNER),
    ("post", "/api/v1/review/panels/{panel_id}/assignments"): Rule(PLANNER, "POST"),
    ("get", "/api/v1/review/my-assignments"): Rule(PLANNER),
    ("get", "/api/v1/review/assignments/{assignment_id}"): Rule(PLANNER),
    ("put", "/api/v1/review/assignments/{assignment_id}/scores"): Rule(NOBODY, "PUT"),
    ("post", "/api/v1/review/assignments/{assignment_id}/recuse"): Rule(NOBODY, "POST"),
    ("get", "/api/v1/review/stages/{stage_id}/ranking"): Rule(PLANNER),
    ("post", "/api/v1/review/stages/{stage_id}/selection"): Rule(PLANNER, "POST"),
    ("get", "/api/v1/review/applications/{application_id}/disclosure"): Rule(PLANNER),
    # rnd-award: R&D managers (planners here) and performers; statistics are public
    ("get", "/api/v1/grants/agreements"): Rule(PLANNER),
    ("get", "/api/v1/grants/agreements/{agreement_id}"): Rule(PLANNER),
    ("post", "/api/v1/grants/applications/{application_id}/agreement"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/grants/agreements/{agreement_id}/changes"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/grants/changes/{change_id}/decision"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/grants/agreements/{agreement_id}/reports"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/grants/reports/{report_id}/evaluation"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/grants/agreements/{agreement_id}/final-evaluation"): Rule(PLANNER, "POST"),
    ("get", "/api/v1/grants/agreements/{agreement_id}/outputs"): Rule(PLANNER),
    ("post", "/api/v1/grants/agreements/{agreement_id}/outputs"): Rule(PLANNER, "POST"),
    ("get", "/api/v1/grants/surveys"): Rule(PLANNER),
    ("post", "/api/v1/grants/surveys/{survey_id}/answer"): Rule(PLANNER, "POST"),
    ("get", "/api/v1/grants/statistics"): Rule(EVERYONE),
    # rnd-apply: calls are public; applications are for R&D managers and their own applicants
    # (applicants' isolation: tests/rnd/test_permission_matrix.py)
    ("get", "/api/v1/rnd/calls"): Rule(EVERYONE),
    ("get", "/api/v1/rnd/calls/{call_id}"): Rule(EVERYONE),
    ("get", "/api/v1/rnd/applications"): Rule(PLANNER),
    ("get", "/api/v1/rnd/applications/{application_id}"): Rule(PLANNER),
    ("post", "/api/v1/rnd/calls/{call_id}/applications"): Rule(PLANNER, "POST"),
    ("put", "/api/v1/rnd/applications/{application_id}"): Rule(PLANNER, "PUT"),
    ("post", "/api/v1/rnd/applications/{application_id}/submit"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/rnd/applications/{application_id}/attachments"): Rule(PLANNER, "POST"),
    # rnd-screen: the API of the rnd-pages screens (every R&D role in tests/rnd and tests/review):
    # an evaluator's own conflicts (evaluators only), people to avoid (the applicant and R&D
    # managers), join requests and an organisation's people (R&D managers and its applicant)
    ("get", "/api/v1/review/my-conflicts"): Rule(NOBODY),
    ("post", "/api/v1/review/my-conflicts/organisations"): Rule(NOBODY, "POST"),
    ("post", "/api/v1/review/my-conflicts/applications"): Rule(NOBODY, "POST"),
    ("get", "/api/v1/review/applications/{application_id}/avoided-people"): Rule(PLANNER),
    ("post", "/api/v1/review/applications/{application_id}/avoided-people"): Rule(PLANNER,
                                                                                   "POST"),
    ("delete", "/api/v1/review/avoided-people/{avoided_id}"): Rule(PLANNER, "DELETE"),
    ("get", "/api/v1/rnd/join-requests"): Rule(PLANNER),
    ("post", "/api/v1/rnd/join-requests/{join_id}/decision"): Rule(PLANNER, "POST"),
    ("get", "/api/v1/rnd/people"): Rule(PLANNER),
    ("post", "/api/v1/rnd/people"): Rule(PLANNER, "POST"),
    # search
    ("get", "/api/v1/search"): Rule(EVERYONE),
    # ntis
    ("get", "/api/v1/ntis/share"): Rule(EVERYONE),
    ("get", "/api/v1/ntis/series"): Rule(EVERYONE),
    ("get", "/api/v1/ntis/series/{series_key}"): Rule(EVERYONE),
    # facilities-ui (who among staff: tests/facilities/test_api_writes.py)
    ("post", "/api/v1/facilities/{facility_id}/tenancies"): Rule(OWNER, "POST"),
    ("patch", "/api/v1/facilities/tenancies/{occupancy_id}"): Rule(OWNER, "PATCH"),
    ("post", "/api/v1/facilities/tenancies/{occupancy_id}/outcomes"): Rule(OWNER, "POST"),
    ("patch", "/api/v1/facilities/tenants/{tenant_id}"): Rule(OWNER, "PATCH"),
    ("post", "/api/v1/facilities/funds"): Rule(PLANNER, "POST"),
    ("patch", "/api/v1/facilities/funds/{fund_id}"): Rule(PLANNER, "PATCH"),
    ("post", "/api/v1/facilities/funds/{fund_id}/commitments"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/facilities/funds/{fund_id}/capital-calls"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/facilities/funds/{fund_id}/investments"): Rule(PLANNER, "POST"),
    ("post", "/api/v1/facilities/investments/{investment_id}/exits"): Rule(PLANNER, "POST"),
}


def named_routes() -> dict[str, URLPattern]:
    """Every named route of the URL configuration, as 'namespace:name'."""
    found: dict[str, URLPattern] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found[f"{namespace}:{pattern.name}"] = pattern

    walk(get_resolver().url_patterns, "")
    return found


def test_every_route_has_a_rule() -> None:
    routes = set(named_routes())
    ruled = set(PAGE_RULES) | set(API_OWN_ROUTES)
    unruled = sorted(r for r in routes - ruled
                     if not r.startswith(f"{ADMIN_NAMESPACE}:")
                     and not (r.startswith(f"{API_NAMESPACE}:") and r not in API_OWN_ROUTES
                              and r.split(":", 1)[1] not in {"openapi-json", "api-root"}))
    assert not unruled, f"routes without an access rule in {__name__}: {unruled}"
    stale = sorted(ruled - routes)
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_every_api_operation_has_a_rule(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {(method, path) for path, item in paths.items() for method in item
                  if method in {"get", "put", "post", "patch", "delete"}}
    assert operations - set(API_RULES) == set(), "API operations without an access rule"
    assert set(API_RULES) - operations == set(), "rules for API operations that are gone"


@pytest.fixture
def world(plan: Plan, planner: User, officer: User, other_officer: User,
          viewer: User) -> dict[str, Any]:
    """One object of every kind a route can name, owned by the officer's department."""
    from rtis.oversight.actions import do_import_council_session

    do_import_council_session(None, {"key": KEY, "title": "시험 행정사무감사", "year": 2021,
                                     "plan": plan.slug, "committee": "기획경제위원회"},
                              COUNCIL_ITEMS, summary={"columns": [], "rows": [], "claims": []})
    unit = plan.nodes.get(code="2-1-1")
    indicator = Indicator.objects.create(node=unit, name="창업기업 수", unit="개")
    month = do_open_period(planner, plan, kind="month", year=2019, number=7,
                           due_on=dt.date(2019, 8, 10))
    record = do_save_execution(officer, unit, month, None, **AMOUNTS)
    do_submit_entry(officer, record)
    event = do_save_participation(officer, unit, None, None, kind="survey", count=3,
                                  today=dt.date(2019, 12, 1))
    sheet = Workbook()
    sheet.active.append(["과제", "2020"])
    sheet.active.append(["글로벌협력동 신축", 10])
    data = io.BytesIO()
    sheet.save(data)
    batch = do_stage_import(planner, plan, "table.xlsx", data.getvalue())
    snapshot = do_generate_report(planner, "plan-tables", plan, dt.date(2021, 12, 31))
    public_report = published_report(planner)  # portal
    call = rnd_call(planner)
    facility = published_facility()
    review = review_pks(planner)
    grants = grants_world(planner, call)
    rnd_apply = rnd_application_pks(planner, call)
    note = Notification.objects.create(user=officer, key="matrix", kind="returned",
                                       message="확인", url="/tracking/")
    ntis_project = ntis_world()
    rnd_pages = rnd_pages_pks(planner, rnd_apply)
    return {
        "slug": plan.slug, "code": "2-1-1", "key": KEY, "category": "corrective", "number": 2,
        "line_id": BudgetLine.objects.filter(node=unit).first().pk,  # type: ignore[union-attr]
        "pk_for": {"orgs:detail": Department.objects.get(name="신성장산업과").pk,
                   "reports:download": snapshot.pk, "ingest:batch": batch.pk,
                   "portal:public_report": public_report,
                   "portal:report_publication": public_report,
                   "tracking:notification_read": note.pk,
                   "tracking:participation_delete": event.pk,
                   "tracking:period_move": month.pk, "tracking:approve": record.pk,
                   "tracking:return": record.pk,
                   "rnd:call": call.pk, "rnd:call_publish": call.pk,
                   "rnd:call_applications": call.pk,
                   **dict.fromkeys(["facilities:detail", "facilities:edit", "facilities:outcomes",
                                    "facilities:outcome_template", "facilities:outcome_upload"],
                                   facility.pk),
                   "lineage:node": unit.pk, "lineage:link": unit.pk, **review["pages"],
                   **facilities_ui_pks(facility),
                   **grants, **rnd_apply, **rnd_pages},
        "facility_id": facility.pk, "call_id": call.pk, **FACILITIES_UI_IDS,
        "period_id": month.pk, "indicator_id": indicator.pk,
        "kind": "execution", "move": "close", "fmt": "html", "record_id": record.pk,
        "entry_id": record.pk, **review["ids"],
        "ntis_fmt": "csv", "ntis_no": ntis_project.project_no, "ntis_year": ntis_project.year,
        "series_key": "r-costi",
        "users": {"viewer": viewer, "other_officer": other_officer, "officer": officer,
                  "planner": planner},
        # The grants API names its own objects under the same keys (application_id).
        "grants_ids": {key: grants[f"grants:{route}"] for key, route in GRANTS_IDS.items()},
        "rnd_ids": {"application_id": rnd_apply["rnd:application"]},
        "avoided_id": rnd_pages["review:avoid_delete"], "join_id": rnd_pages["rnd:join_decide"],
    }


def published_report(planner: User) -> int:
    """A published report of a second published plan (portal): the routes before it withdraw
    the sample plan with their empty POSTs, which would hide a report of that plan."""
    from tests.conftest import import_doc
    from tests.factories import sample_plan_doc

    other = import_doc(sample_plan_doc(slug="report-plan", title="보고서 계획"))
    snapshot = do_generate_report(planner, "plan-tables", other, dt.date(2021, 12, 31))
    do_publish_report(planner, snapshot, None)
    return int(snapshot.pk)


def published_facility() -> Any:
    """A published facility operated by the officer's department (facilities)."""
    from rtis.facilities.actions import do_create_facility

    return do_create_facility(None, name="시험 허브", published=True,
                              operating_department=Department.objects.get(name="신성장산업과"))


# rnd-award: the grants API's path ids, from the page route that names the same object
GRANTS_IDS = {"agreement_id": "agreement", "application_id": "agreement_new",
              "change_id": "change_decide", "report_id": "annual_evaluate",
              "survey_id": "survey_submit"}


def rnd_call(planner: User) -> Call:
    """A published R&D call open around now, with one stage."""
    programme = do_create_programme(planner, name="기술상용화 R&D", kind="commercialisation")
    now = clock.now()
    call = do_create_call(planner, programme, year=now.year, title="시험 공고", budget_won=1,
                          opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=30),
                          eligibility=["seoul_sme"],
                          stages=[{"name": "서면평가",
                                   "criteria": [{"name": "기술성", "weight": 100,
                                                 "max_score": 100}]}])
    return do_publish_call(planner, call, call.version)


def ntis_world() -> Project:
    """One national project-year (ntis): its page names a person, so staff only."""
    return Project.objects.create(project_no="1711000001", year=2021, title="시험 국가과제",
                                  manager="홍길동", total_funds=1000, gov_funds=1000,
                                  private_funds=0, region_code="11")


def url_for(name: str, pattern: URLPattern, world: dict[str, Any]) -> str:
    kwargs = {}
    for key in pattern.pattern.regex.groupindex:
        kwargs[key] = world["pk_for"][name] if key == "pk" else world[key]
    return reverse(name.lstrip(":"), kwargs=kwargs)


def client_as(role: str, world: dict[str, Any]) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def refused(response: Any) -> bool:
    if response.status_code in {401, 403, 404}:
        return True
    location = response.get("Location", "") if response.status_code == 302 else ""
    return "/login/" in location and "next=" in location  # not logout's own redirect


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_its_rules_allow(role: str, world: dict[str, Any]) -> None:
    routes = named_routes()
    wrong: list[str] = []
    for name, rule in PAGE_RULES.items():
        url = url_for(name, routes[name], world)
        client = client_as(role, world)
        writes = AuditEvent.objects.count()
        response = client.get(url) if rule.method == "GET" else client.post(url, {})
        if response.status_code >= 500:
            wrong.append(f"{name} {url}: {response.status_code}")
        elif role in rule.allowed and refused(response):
            wrong.append(f"{name} {url}: refused ({response.status_code}) but allowed")
        elif role not in rule.allowed:
            if not refused(response):
                wrong.append(f"{name} {url}: {response.status_code}, should be refused")
            if AuditEvent.objects.count() != writes:
                wrong.append(f"{name} {url}: refused but something was written")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_site_is_for_admins_only(role: str, world: dict[str, Any]) -> None:
    response = client_as(role, world).get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_each_api_operation_answers_each_role_by_its_rule(role: str,
                                                         world: dict[str, Any]) -> None:
    wrong: list[str] = []
    for (method, template), rule in API_RULES.items():
        path = template
        ids = world
        if template.startswith("/api/v1/grants"):
            ids = {**world, **world["grants_ids"]}
        elif template.startswith("/api/v1/rnd"):
            ids = {**world, **world["rnd_ids"]}
        for key in ("slug", "code", "record_id", "kind", "entry_id", "facility_id", "stage_id",
                    "panel_id", "assignment_id", "application_id", "call_id", "series_key",
                    "avoided_id", "join_id", *GRANTS_IDS, *FACILITIES_UI_IDS):
            if "{" + key + "}" in path:
                path = path.replace("{" + key + "}", str(ids[key]))
        assert "{" not in path, f"no id for a parameter of {template}"
        client = client_as(role, world)
        if method == "get":
            response = client.get(path)
            if role in rule.allowed and refused(response):
                wrong.append(f"{method} {path}: refused ({response.status_code}) but allowed")
            elif role not in rule.allowed and not refused(response):
                wrong.append(f"{method} {path}: {response.status_code}, should be refused")
        elif role == "anonymous":  # writes: the public is refused before anything is read
            writes = AuditEvent.objects.count()
            response = client.generic(method.upper(), path, "{}",
                                      content_type="application/json")
            if response.status_code != 401 or AuditEvent.objects.count() != writes:
                wrong.append(f"{method} {path}: {response.status_code} for the public")
        if method == "get" and response.status_code >= 500:
            wrong.append(f"{method} {path}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


# rnd-apply ------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def rnd_attachments_in_tmp(settings: Any, tmp_path: Any) -> None:
    """R&D attachments are written under a temporary VAR_DIR, never the checkout's var/."""
    settings.VAR_DIR = tmp_path


def rnd_application_pks(planner: User, call: Call) -> dict[str, int]:
    """A draft application with one attachment, entered by the planner: the pks its routes take."""
    from rtis.lib.bizno import business_check_digit
    from rtis.rnd.actions import do_attach_file, do_create_organisation, do_save_application

    organisation = do_create_organisation(planner, name="(주)시험", kind="seoul_sme",
                                          business_number="124810099"
                                          + str(business_check_digit("124810099")))
    application = do_save_application(planner, call, organisation, title="시험 과제",
                                      principal_investigator="김연구",
                                      requested_funds={str(call.year): 1})
    attachment = do_attach_file(planner, application, "a.pdf", b"%PDF-1.4\n%%EOF")
    return {"rnd:call_close": call.pk, "rnd:apply": call.pk, "rnd:call_import": call.pk,
            "rnd:application": application.pk,
            "rnd:application_submit": application.pk,
            "rnd:attachment_upload": application.pk, "rnd:attachment": attachment.pk,
            "rnd:attachment_delete": attachment.pk}


# facilities-ui -------------------------------------------------------------------------------

FACILITIES_UI_IDS: dict[str, int] = {}


def facilities_ui_pks(facility: Any) -> dict[str, int]:
    """A tenancy at the officer's facility and a published fund with an investment: the pks the
    management routes take (the API's ids are kept in FACILITIES_UI_IDS for this test's world)."""
    from rtis.facilities.actions import (
        do_add_commitment,
        do_add_investment,
        do_add_occupancy,
        do_create_fund,
        do_register_tenant,
    )

    tenant = do_register_tenant(None, facility, name="시험 입주기업", business_number="1248100998")
    occupancy = do_add_occupancy(None, facility, tenant, space="101호",
                                 moved_in_on=dt.date(2019, 1, 1))
    fund = do_create_fund(None, name="시험 펀드", target_size_won=10, published=True)
    do_add_commitment(None, fund, contributor="서울시", contributor_kind="city", amount_won=10,
                      committed_on=dt.date(2019, 1, 1))
    investment = do_add_investment(None, fund, company="가", amount_won=1,
                                   invested_on=dt.date(2019, 2, 1), stage="seed")
    FACILITIES_UI_IDS.update({"occupancy_id": occupancy.pk, "tenant_id": tenant.pk,
                              "fund_id": fund.pk, "investment_id": investment.pk})
    return {**dict.fromkeys(["facilities:tenancy_new", "facilities:leavers",
                             "facilities:publish"], facility.pk),
            "facilities:tenancy_end": occupancy.pk, "facilities:outcome_edit": occupancy.pk,
            "facilities:tenant_edit": tenant.pk,
            **dict.fromkeys(["facilities:fund", "facilities:fund_edit",
                             "facilities:commitment_add", "facilities:call_add",
                             "facilities:investment_add", "facilities:exit_add"], fund.pk)}
# rnd-pages ------------------------------------------------------------------------------------

def rnd_pages_pks(planner: User, rnd_apply: dict[str, int]) -> dict[str, int]:
    """A confirmed join request and a person named to avoid on the draft application."""
    from rtis.review.actions import do_name_avoided_person
    from rtis.rnd.actions import do_confirm_join_request, do_request_to_join, join_token
    from rtis.rnd.models import Application

    application = Application.objects.select_related("organisation").get(
        pk=rnd_apply["rnd:application"])
    join = do_request_to_join(username="matrix_join", password="rtis-test-password",
                              email="join@example.com", name="가입요청",
                              business_number=application.organisation.business_number)
    do_confirm_join_request(join_token(join))
    avoided = do_name_avoided_person(planner, application, name="김가상", organisation="가온",
                                     reason="경쟁사")
    return {"rnd:join_decide": join.pk, "review:avoid": application.pk,
            "review:avoid_delete": avoided.pk}
