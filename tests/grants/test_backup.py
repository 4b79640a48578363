"""The grants tables travel in the whole-database backup and restore identically."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from rtis.grants.actions import do_final_evaluation, do_record_output
from rtis.grants.models import Agreement, PrintedFigure
from rtis.orgs.models import User
from tests.ingest.test_backup import archive_bytes, comparable, counts, empty_the_database, restore

pytestmark = pytest.mark.django_db


def test_an_agreement_with_outputs_and_surveys_survives_a_backup_and_restore(
        agreement: Agreement, manager: User, applicant: User,
        on_day: Callable[[dt.date], None]) -> None:
    on_day(dt.date(2028, 2, 1))
    do_record_output(applicant, agreement, kind="sales", title="매출", occurred_on="2027-10-01",
                     evidence="세금계산서", amount_won=50_000_000)
    do_final_evaluation(manager, agreement, grade="D", comment="미흡", evaluated_on="2028-01-20",
                        failure_causes=["market"], failure_analysis="수요 부족")
    first = archive_bytes()
    before = counts()
    assert before["grants.followupsurvey"] == 5 and before["grants.printedfigure"] >= 20
    empty_the_database()
    restore(first)
    assert counts() == before
    assert comparable(archive_bytes()) == comparable(first)
    assert PrintedFigure.objects.filter(year=2014, measure="projects").get().value == 64
