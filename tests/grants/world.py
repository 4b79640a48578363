"""One object of every kind a grants route names, for tests/reliability/test_route_matrix.py:
two selected applications of an open call, one with an agreement that has a pending change and
a submitted report, one finished (its follow-up survey open), one awaiting its agreement."""

from __future__ import annotations

import datetime as dt

from rtis.config import clock
from rtis.grants.actions import (
    do_final_evaluation,
    do_make_agreement,
    do_request_change,
    do_save_annual_report,
    do_submit_annual_report,
)
from rtis.grants.models import FollowUpSurvey
from rtis.lib.bizno import business_check_digit
from rtis.orgs.models import Role, User
from rtis.rnd.actions import do_create_organisation
from rtis.rnd.models import Call
from tests.conftest import _user
from tests.grants.conftest import applied, select


def grants_world(planner: User, call: Call) -> dict[str, int]:
    """pk_for entries of the grants routes (call must be open now)."""
    performer = _user("matrix_applicant", Role.APPLICANT)
    organisations = []
    for name, nine in (("주식회사 가", "211880153"), ("주식회사 나", "206512345"),
                       ("주식회사 다", "120871234")):
        organisations.append(do_create_organisation(
            planner, name=name, kind="seoul_sme",
            business_number=nine + str(business_check_digit(nine))))
    # One applicant account per organisation: `performer` acts for the first.
    accounts = [performer] + [_user(f"matrix_applicant{n}", Role.APPLICANT) for n in (2, 3)]
    first, second, third = (select(applied(planner, call, o, a), 100_000_000)
                            for o, a in zip(organisations, accounts, strict=True))
    year = clock.today().year
    active = do_make_agreement(planner, first, starts_on=dt.date(year, 1, 1),
                               ends_on=dt.date(year + 1, 12, 31),
                               amounts={year: {"city": 50_000_000}})
    change = do_request_change(performer, active, active.version, kind="approval",
                               reason="감액", amounts={year: {"city": 40_000_000}})
    report = do_save_annual_report(performer, active, year=year, progress="진행")
    report = do_submit_annual_report(performer, report, report.version)
    done = do_make_agreement(planner, second, starts_on=dt.date(year - 3, 1, 1),
                             ends_on=dt.date(year - 2, 12, 31),
                             amounts={year - 3: {"city": 50_000_000}})
    do_final_evaluation(planner, done, grade="A", comment="우수", evaluated_on=clock.today())
    survey = FollowUpSurvey.objects.get(agreement=done, round=1)
    return {"grants:agreement_new": third.pk, "grants:agreement": active.pk,
            "grants:change_request": active.pk, "grants:change_decide": change.pk,
            "grants:report_save": active.pk, "grants:annual_evaluate": report.pk,
            "grants:final_evaluate": active.pk, "grants:output_add": active.pk,
            "grants:survey_submit": survey.pk}
