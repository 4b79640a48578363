"""rtis-backup/1: every table of the rtis apps written and read back identically, all or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtis.ingest import backup
from rtis.ingest.backup import (
    EXCLUDED_MODELS,
    FORMAT,
    MANIFEST,
    MIGRATION_FILLED,
    SECRET_FIELDS,
    BackupError,
    exported_models,
    restore_backup,
    write_backup,
)
from rtis.orgs.models import Department, User
from rtis.plans.models import FundingSource, Plan
from rtis.reports.actions import do_generate_report
from rtis.tracking.actions import (
    do_approve_entry,
    do_open_period,
    do_record_status,
    do_save_execution,
    do_submit_entry,
)
from rtis.tracking.models import ExecutionRecord, ExecutionStatus, Notification
from tests.conftest import PASSWORD

SECRET_LOOKING = re.compile(r"password|secret|token|api_?key|otp|hash", re.I)
# Fields whose names look secret but are not: digests of public content.
NOT_SECRETS = {"ingest.importbatch.file_sha256", "reports.reportsnapshot.content_sha256"}


# --- helpers --------------------------------------------------------------------------------


def archive_bytes(**options: Any) -> bytes:
    stream = io.BytesIO()
    write_backup(stream, **options)
    return stream.getvalue()


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def comparable(data: bytes) -> dict[str, Any]:
    """An archive's content without what legitimately differs between two exports."""
    found = entries(data)
    manifest = json.loads(found.pop(MANIFEST))
    del manifest["created_at"], manifest["database"]
    return {"manifest": manifest, **found}


def rows_of(data: bytes, label: str) -> list[dict[str, Any]]:
    text = entries(data)[f"data/{label}.jsonl"].decode("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def rebuild(data: bytes, *, table: str | None = None,
            change: Callable[[list[dict[str, Any]]], None] | None = None,
            manifest_change: Callable[[dict[str, Any]], None] | None = None) -> bytes:
    """The archive with a table's rows changed and its manifest kept consistent (checksums)."""
    found = entries(data)
    manifest = json.loads(found[MANIFEST])
    if table is not None and change is not None:
        name = f"data/{table}.jsonl"
        rows = [json.loads(line) for line in found[name].decode("utf-8").splitlines()]
        change(rows)
        body = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                       for r in rows).encode("utf-8")
        found[name] = body
        for t in manifest["tables"]:
            if t["file"] == name:
                t["sha256"], t["rows"] = hashlib.sha256(body).hexdigest(), len(rows)
    if manifest_change is not None:
        manifest_change(manifest)
    found[MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in found.items():
            archive.writestr(name, body)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in exported_models()}


def empty_the_database() -> None:
    """What `rtis migrate` leaves in a new database: only the rows its migrations write, and
    key sequences starting again at 1."""
    tables = [m._meta.db_table for m in apps.get_models(include_auto_created=True)
              if m._meta.app_label in {"admin", "sessions"}
              or (m._meta.app_config.name.startswith("rtis.")
                  and m._meta.label_lower not in MIGRATION_FILLED)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        sequences = [s for s in connection.introspection.sequence_list() if s["table"] in tables]
        for sql in connection.ops.sequence_reset_by_name_sql(no_style(), sequences):
            cursor.execute(sql)


def restore(data: bytes, **options: Any) -> backup.RestoreSummary:
    return restore_backup(io.BytesIO(data), label="backup.zip", **options)


@pytest.fixture
def tracked(plan: Plan, planner: User, officer: User) -> ExecutionRecord:
    """The sample plan with an approved month, a status, a report and notifications."""
    month = do_open_period(planner, plan, kind="month", year=2019, number=7,
                           due_on=dt.date(2019, 8, 10))
    unit = plan.nodes.get(code="2-1-1")
    record = do_save_execution(officer, unit, month, None, original_budget=1_000_000_000,
                               transfers=-100_000_000, carryover=200_000_000,
                               committed=800_000_000, spent=500_000_000)
    record = do_submit_entry(officer, record)
    record = do_approve_entry(planner, record)
    do_record_status(planner, unit, status="normal", effective_on=dt.date(2019, 7, 1),
                     reason="정상 추진")
    do_generate_report(planner, "plan-tables", plan, dt.date(2019, 7, 31))
    return record


# --- which tables -----------------------------------------------------------------------------


def test_every_model_of_an_rtis_app_is_exported_or_explicitly_excluded() -> None:
    models = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)
              if m.__module__.startswith("rtis.") and not m._meta.proxy}
    # Auto-created many-to-many tables have no module of their own: take them from their owner.
    models |= {f.remote_field.through._meta.label_lower
               for m in apps.get_models() if m.__module__.startswith("rtis.")
               for f in m._meta.local_many_to_many if f.remote_field.through._meta.auto_created}
    exported = {m._meta.label_lower for m in exported_models()}
    assert exported.isdisjoint(EXCLUDED_MODELS)
    assert models - exported - set(EXCLUDED_MODELS) == set(), "neither exported nor excluded"
    assert exported | set(EXCLUDED_MODELS) == models


def test_every_exclusion_names_a_model_and_says_why_in_both_languages() -> None:
    labels = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    for label, reason in EXCLUDED_MODELS.items():
        assert label in labels, f"stale exclusion {label}"
        assert re.search("[가-힣]", reason) and " / " in reason, label
    assert set(MIGRATION_FILLED) <= {m._meta.label_lower for m in exported_models()}
    for label, names in SECRET_FIELDS.items():
        model = apps.get_model(label)
        assert names <= {f.name for f in model._meta.concrete_fields}, label


def test_no_field_that_looks_like_a_secret_is_written_unless_judged_harmless() -> None:
    for model in exported_models():
        for f in backup.columns_of(model):
            name = f"{model._meta.label_lower}.{f.name}"
            if SECRET_LOOKING.search(f.name):
                assert name in NOT_SECRETS, f"{name} looks secret: add it to SECRET_FIELDS"


def test_parents_are_written_before_the_tables_that_refer_to_them() -> None:
    order = [m._meta.label_lower for m in exported_models()]
    assert order.index("plans.plan") < order.index("plans.node")
    assert order.index("plans.node") < order.index("tracking.executionrecord")
    assert order.index("tracking.reportingperiod") < order.index("tracking.executionrecord")
    assert order.index("orgs.user") < order.index("audit.auditevent")


# --- round trip ---------------------------------------------------------------------------------


def test_a_restored_database_exports_exactly_what_was_backed_up(
    tracked: ExecutionRecord,
) -> None:
    first = archive_bytes()
    before = counts()
    assert before["tracking.executionrecord"] == 1
    assert before["tracking.notification"] > 0 and before["reports.reportsnapshot"] == 1
    empty_the_database()
    summary = restore(first)
    assert summary.rows == sum(before.values())
    assert counts() == before
    assert comparable(archive_bytes()) == comparable(first)
    record = ExecutionRecord.objects.get(pk=tracked.pk)
    assert record.status == ExecutionStatus.APPROVED
    assert (record.created_at, record.updated_at) == (tracked.created_at, tracked.updated_at)


def test_funding_source_labels_edited_in_admin_replace_those_of_a_new_database(
    tracked: ExecutionRecord,
) -> None:
    FundingSource.objects.filter(code="city").update(label="서울시비")
    data = archive_bytes()
    empty_the_database()
    FundingSource.objects.filter(code="city").update(label="시비")  # as `rtis migrate` wrote it
    restore(data)
    assert FundingSource.objects.get(code="city").label == "서울시비"


def test_restored_users_keep_roles_and_departments_but_no_password(
    tracked: ExecutionRecord, officer: User,
) -> None:
    data = archive_bytes()
    assert all("password" not in row for row in rows_of(data, "orgs.user"))
    assert b"md5$" not in b"".join(entries(data).values())
    empty_the_database()
    restore(data)
    restored = User.objects.get(username="officer")
    assert restored.role == officer.role
    assert list(restored.departments.values_list("name", flat=True)) == ["신성장산업과"]
    assert not restored.has_usable_password()
    assert not restored.check_password(PASSWORD)


def test_password_hashes_travel_only_when_asked_for(tracked: ExecutionRecord) -> None:
    data = archive_bytes(password_hashes=True)
    assert json.loads(entries(data)[MANIFEST])["password_hashes"] is True
    empty_the_database()
    restore(data)
    assert User.objects.get(username="officer").check_password(PASSWORD)


def test_new_rows_after_a_restore_get_fresh_keys(tracked: ExecutionRecord) -> None:
    data = archive_bytes()
    highest = Department.objects.order_by("-pk").values_list("pk", flat=True)[0]
    empty_the_database()
    restore(data)
    # On PostgreSQL this needs the sequences reset after the import.
    created = Department.objects.create(name="새 부서", kind="department")
    assert created.pk > highest


# --- refusals -------------------------------------------------------------------------------------


def test_it_refuses_a_database_that_is_not_empty_and_writes_nothing(
    tracked: ExecutionRecord,
) -> None:
    data = archive_bytes()
    Plan.objects.filter(slug="sample-plan").update(title="바뀐 제목")
    before = counts()
    with pytest.raises(BackupError, match=r"DB가 비어 있지 않습니다.*--replace") as caught:
        restore(data)
    assert f"plans.plan ({before['plans.plan']})" in str(caught.value)
    assert "not empty" in str(caught.value)
    assert counts() == before
    assert Plan.objects.get(slug="sample-plan").title == "바뀐 제목"


def test_even_a_copy_of_the_archive_is_not_an_empty_database(tracked: ExecutionRecord) -> None:
    data = archive_bytes()
    empty_the_database()
    User.objects.create(username="남은사용자")
    with pytest.raises(BackupError, match=r"not empty \(tables, rows: orgs\.user \(1\)\)"):
        restore(data)
    User.objects.all().delete()
    restore(data)
    with pytest.raises(BackupError, match=r"not empty"):
        restore(data)


def test_replace_erases_the_database_and_restores_the_archive_signing_everyone_out(
    tracked: ExecutionRecord,
) -> None:
    data = archive_bytes()
    Plan.objects.filter(slug="sample-plan").update(title="바뀐 제목")
    Department.objects.create(name="백업 뒤에 생긴 부서", kind="department")
    session = SessionStore()
    session["_auth_user_id"] = str(User.objects.get(username="planner").pk)
    session.create()
    restore(data, replace=True)
    assert Plan.objects.get(slug="sample-plan").title != "바뀐 제목"
    assert not Department.objects.filter(name="백업 뒤에 생긴 부서").exists()
    assert not SessionStore().exists(session.session_key)
    assert comparable(archive_bytes()) == comparable(data)


def test_a_dry_run_checks_everything_and_saves_nothing(tracked: ExecutionRecord) -> None:
    data = archive_bytes()
    empty_the_database()
    before = counts()
    summary = restore(data, dry_run=True)
    assert summary.rows > 0
    assert counts() == before


@pytest.mark.parametrize("cut", [0.0, 0.5, 0.9, 0.999])
def test_it_refuses_a_truncated_archive_clearly_and_writes_nothing(
    tracked: ExecutionRecord, cut: float,
) -> None:
    data = archive_bytes()
    empty_the_database()
    before = counts()
    with pytest.raises(BackupError, match=r"^backup\.zip: .*(손상|잘린).*(damaged|truncated)"):
        restore(data[: int(len(data) * cut)])
    assert counts() == before


def test_it_refuses_an_archive_whose_table_was_changed_after_writing(
    tracked: ExecutionRecord,
) -> None:
    data = archive_bytes()
    found = entries(data)
    name = "data/plans.node.jsonl"
    found[name] = found[name].replace(b'"2-1-1"', b'"2-1-9"')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for entry, body in found.items():
            archive.writestr(entry, body)
    empty_the_database()
    before = counts()
    with pytest.raises(BackupError, match=r"data/plans\.node\.jsonl: SHA-256.*does not match"):
        restore(out.getvalue())
    assert counts() == before


def test_it_names_file_line_and_field_of_a_bad_value(tracked: ExecutionRecord) -> None:
    def spoil(rows: list[dict[str, Any]]) -> None:
        rows[2]["amount_won"] = "삼억"

    data = rebuild(archive_bytes(), table="plans.budgetline", change=spoil)
    empty_the_database()
    before = counts()
    with pytest.raises(BackupError, match=r"data/plans\.budgetline\.jsonl 3행 / line 3, "
                                          r"amount_won: 값 '삼억'"):
        restore(data)
    assert counts() == before


def test_it_refuses_a_reference_to_a_row_that_is_not_there(tracked: ExecutionRecord) -> None:
    def orphan(rows: list[dict[str, Any]]) -> None:
        rows[0]["plan_id"] = 987654

    data = rebuild(archive_bytes(), table="plans.node", change=orphan)
    empty_the_database()
    before = counts()
    with pytest.raises(BackupError, match=r"참조가 맞지 않습니다 / a reference does not hold"):
        restore(data)
    assert counts() == before


def test_it_refuses_another_format_version_and_another_schema(tracked: ExecutionRecord) -> None:
    data = archive_bytes()
    empty_the_database()

    def newer(manifest: dict[str, Any]) -> None:
        manifest["format"] = "rtis-backup/2"

    with pytest.raises(BackupError, match=r"'rtis-backup/2'.*rtis-backup/1"):
        restore(rebuild(data, manifest_change=newer))

    def migrated_further(manifest: dict[str, Any]) -> None:
        manifest["migrations"]["plans"].append("9999_future")

    with pytest.raises(BackupError, match=r"plans: \['9999_future'\].*rtis migrate"):
        restore(rebuild(data, manifest_change=migrated_further))

    def counted_wrong(manifest: dict[str, Any]) -> None:
        manifest["tables"][0]["rows"] += 1

    with pytest.raises(BackupError, match=r"rows, the manifest says"):
        restore(rebuild(data, manifest_change=counted_wrong))


def test_it_refuses_a_zip_that_is_not_an_rtis_backup(db: Any) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("report.xlsx", b"x")
    with pytest.raises(BackupError, match=r"no manifest\.json: not an RTIS backup"):
        restore(out.getvalue())


# --- the archive reader on hostile input (Hypothesis) -------------------------------------------

HYPOTHESIS = settings(max_examples=40, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])


@pytest.fixture
def small_archive(tracked: ExecutionRecord) -> bytes:
    data = archive_bytes()
    empty_the_database()
    return data


@HYPOTHESIS
@given(data=st.data())
def test_a_damaged_archive_is_refused_or_restores_exactly_never_half(
    small_archive: bytes, data: st.DataObject,
) -> None:
    damaged = bytearray(small_archive)
    how = data.draw(st.sampled_from(["cut", "flip", "insert"]))
    at = data.draw(st.integers(0, len(damaged) - 1))
    if how == "cut":
        damaged = damaged[:at]
    elif how == "flip":
        damaged[at] ^= data.draw(st.integers(1, 255))
    else:
        damaged[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    before = counts()
    try:
        restore(bytes(damaged), dry_run=True)
    except BackupError as exc:
        assert str(exc).startswith("backup.zip"), exc
    assert counts() == before


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                               max_size=3),
    max_leaves=5,
)
SPOILED_TABLES = ["plans.budgetline", "plans.node", "tracking.executionrecord", "orgs.user",
                  "audit.auditevent", "tracking.reportingperiod", "plans.indicator"]


@HYPOTHESIS
@given(data=st.data())
def test_any_value_in_any_column_is_restored_or_refused_with_its_place(
    small_archive: bytes, data: st.DataObject,
) -> None:
    table = data.draw(st.sampled_from(SPOILED_TABLES))
    rows = rows_of(small_archive, table)
    index = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(sorted(rows[index])))
    value = data.draw(JSON_VALUES)

    def spoil(found: list[dict[str, Any]]) -> None:
        found[index][column] = value

    before = counts()
    try:
        restore(rebuild(small_archive, table=table, change=spoil), dry_run=True)
    except BackupError as exc:
        assert str(exc).startswith("backup.zip"), exc
    assert counts() == before


# --- the commands ---------------------------------------------------------------------------------


def test_the_commands_export_and_restore_all_and_tell_about_passwords(
    tracked: ExecutionRecord, tmp_path: Any, capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "rtis-backup.zip"
    call_command("export_plan", "all", "-o", str(target))
    err = capsys.readouterr().err
    assert f"{FORMAT}" in err and "changepassword" in err
    assert not list(tmp_path.glob(".rtis-backup.zip.*"))  # no temporary file left
    first = target.read_bytes()
    empty_the_database()
    call_command("import_plan", "all", str(target))
    captured = capsys.readouterr()
    assert "가져옴 / restored" in captured.out
    assert "changepassword" in captured.err and "planner" in captured.err
    assert comparable(archive_bytes()) == comparable(first)


def test_the_import_command_says_nothing_was_saved(db: Any, tmp_path: Any) -> None:
    target = tmp_path / "broken.zip"
    target.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(CommandError, match=r"(?s)broken\.zip: .*손상.*nothing was saved"):
        call_command("import_plan", "all", str(target))


def test_notifications_of_the_approval_travel_with_the_backup(tracked: ExecutionRecord) -> None:
    data = archive_bytes()
    kept = {(n["user_id"], n["key"]) for n in rows_of(data, "tracking.notification")}
    assert kept == set(Notification.objects.values_list("user_id", "key"))


def test_an_archive_of_a_later_zip_version_is_refused_as_damaged(small_archive: bytes) -> None:
    from tests.lib.test_zip_versions import later_version

    before = counts()
    with pytest.raises(BackupError) as refused:
        restore(later_version(small_archive), dry_run=True)
    assert str(refused.value).startswith("backup.zip") and "ZIP" in str(refused.value)
    assert counts() == before


@pytest.mark.parametrize("key", [0, -3])
def test_an_automatic_key_below_one_is_refused_with_its_place(small_archive: bytes,
                                                               key: int) -> None:
    """PostgreSQL cannot set a key sequence below 1: such a key was a database error after the
    rows were written; now it is refused where it stands, on both databases."""
    def spoil(found: list[dict[str, Any]]) -> None:
        found[0]["id"] = key

    before = counts()
    with pytest.raises(BackupError) as refused:
        restore(rebuild(small_archive, table="plans.node", change=spoil), dry_run=True)
    message = str(refused.value)
    assert message.startswith("backup.zip") and "1행" in message and "id" in message
    assert "1 이상" in message and "1 or more" in message
    assert counts() == before
