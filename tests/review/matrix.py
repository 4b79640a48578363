"""Objects for the site-wide route matrix (tests/reliability/test_route_matrix.py): one call
with a scored, selected application, so every evaluation route has something to name."""

from __future__ import annotations

import datetime as dt

from rtis.config import clock
from rtis.lib.bizno import business_check_digit, format_business_number
from rtis.orgs.actions import do_create_user
from rtis.orgs.models import Role, User
from rtis.review.actions import (
    do_assign,
    do_create_evaluator,
    do_create_panel,
    do_run_selection,
    do_save_scores,
)
from rtis.rnd.actions import (
    do_create_call,
    do_create_organisation,
    do_create_programme,
    do_publish_call,
    do_save_application,
    do_submit_application,
)


def review_pks(planner: User) -> dict[str, dict[str, int]]:
    """The pk each evaluation page names ("pages") and the API's path ids ("ids"), after one
    application was scored and selected."""
    programme = do_create_programme(planner, name="평가 시험 사업", kind="other")
    now = clock.now()
    call = do_create_call(planner, programme, year=now.year, title="평가 시험 공고",
                          budget_won=100_000_000, opens_at=now - dt.timedelta(days=1),
                          closes_at=now + dt.timedelta(days=30), eligibility=["seoul_sme"],
                          stages=[{"name": "서면평가", "criteria": [
                              {"name": "기술성", "weight": 100, "max_score": 100}]}])
    call = do_publish_call(planner, call, call.version)
    number = format_business_number("211880099" + str(business_check_digit("211880099")))
    organisation = do_create_organisation(planner, name="시험기업", kind="seoul_sme",
                                          business_number=number)
    application = do_save_application(planner, call, organisation, title="시험 과제",
                                      principal_investigator="시험", requested_funds={
                                          str(now.year): 10_000_000})
    application = do_submit_application(planner, application, application.version)
    stage = call.stages.get()
    user = do_create_user(None, "matrix_evaluator", "rtis-test-password", Role.EVALUATOR, [])
    evaluator = do_create_evaluator(planner, user, name="시험위원", organisation="시험대학교")
    panel = do_create_panel(planner, stage, name="시험분과", applications=[application])
    assignment = do_assign(planner, panel, evaluator, application)
    criterion = stage.criteria.get()
    do_save_scores(user, assignment, assignment.version, scores={str(criterion.pk): 90},
                   submit=True)
    do_run_selection(planner, stage)
    pages = {"review:stage": stage.pk, "review:stage_rule": stage.pk,
             "review:panel_create": stage.pk, "review:ranking": stage.pk,
             "review:select": stage.pk, "review:ranking_xlsx": call.pk,
             "review:panel": panel.pk, "review:panel_screen": panel.pk,
             "review:panel_auto": panel.pk, "review:panel_assign": panel.pk,
             "review:sheet": assignment.pk, "review:recuse": assignment.pk,
             "review:disclosure": application.pk}
    ids = {"stage_id": stage.pk, "panel_id": panel.pk, "assignment_id": assignment.pk,
           "application_id": application.pk}
    return {"pages": pages, "ids": ids}
