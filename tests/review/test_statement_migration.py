"""review.0004: each ApplicantStatement is copied into its application (the department onto
the principal investigator, the participants onto people of the organisation) before the model
is dropped, so screening's one source of truth holds what the statements said."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("review", "0003_declared_application_avoided_people"), ("rnd", "0004_join_requests")]
AFTER = [("review", "0004_statement_into_application")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def test_statements_are_copied_into_the_applications_then_dropped() -> None:
    old = migrate(BEFORE).loader.project_state(BEFORE).apps
    Programme = old.get_model("rnd", "Programme")
    Call = old.get_model("rnd", "Call")
    Organisation = old.get_model("rnd", "Organisation")
    Person = old.get_model("rnd", "Person")
    Application = old.get_model("rnd", "Application")
    Statement = old.get_model("review", "ApplicantStatement")
    moment = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    call = Call.objects.create(programme=Programme.objects.create(name="사업", kind="other"),
                               year=2026, title="공고", budget_won=1, opens_at=moment,
                               closes_at=moment + dt.timedelta(days=1))
    snu = Organisation.objects.create(name="서울대학교", kind="university")
    gaon = Organisation.objects.create(name="(주)가온", kind="startup", business_number="1")
    kept = Person.objects.create(organisation=gaon, name="이책임", department="연구소")
    typed = Application.objects.create(call=call, organisation=snu, title="타이핑한 책임자",
                                       principal_investigator="박책임")
    chosen = Application.objects.create(call=call, organisation=gaon, title="고른 책임자",
                                        principal_investigator="이책임", pi=kept)
    Statement.objects.create(application=typed, department="기계공학부",
                             participants=["김참여", "박책임", " "])
    Statement.objects.create(application=chosen, department="경영지원팀", participants=["김참여"])

    new = migrate(AFTER).loader.project_state(AFTER).apps
    Application = new.get_model("rnd", "Application")
    typed = Application.objects.get(pk=typed.pk)
    assert (typed.pi.name, typed.pi.department, typed.pi.organisation_id) == (
        "박책임", "기계공학부", snu.pk)
    assert [p.name for p in typed.participants.all()] == ["김참여"]
    chosen = Application.objects.get(pk=chosen.pk)
    # the organisation's own person keeps the department it has
    assert chosen.pi_id == kept.pk and chosen.pi.department == "연구소"
    assert [(p.name, p.organisation_id) for p in chosen.participants.all()] == [
        ("김참여", gaon.pk)]  # the other organisation's namesake is another person
    assert "review_applicantstatement" not in connection.introspection.table_names()
