"""The R&D tables travel in the whole-database backup and restore identically."""

from __future__ import annotations

import datetime as dt

import pytest

from rtis.orgs.models import User
from rtis.rnd.actions import do_save_application, do_submit_application
from rtis.rnd.models import Application, Call, Organisation
from tests.ingest.test_backup import archive_bytes, comparable, counts, empty_the_database, restore
from tests.rnd.conftest import FUNDS

pytestmark = pytest.mark.django_db


def test_a_call_with_a_submitted_application_survives_a_backup_and_restore(
        call: Call, sme: Organisation, planner: User, during_the_window: dt.datetime) -> None:
    application = do_save_application(planner, call, sme, title="하수관로 진단",
                                      principal_investigator="김연구", requested_funds=FUNDS)
    do_submit_application(planner, application, application.version)
    first = archive_bytes()
    before = counts()
    assert before["rnd.application"] == 1 and before["rnd.evaluationcriterion"] == 3
    empty_the_database()
    restore(first)
    assert counts() == before
    assert comparable(archive_bytes()) == comparable(first)
    restored = Application.objects.get(pk=application.pk)
    assert restored.requested_funds == FUNDS and restored.submitted_at == during_the_window
    assert restored.call.closes_at == call.closes_at and restored.version == 2
