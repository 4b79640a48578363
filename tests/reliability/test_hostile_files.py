"""Every hostile file of the generated corpus, fed to every reader of uploaded or imported files.

The readers: the table import page (/imports/ → do_stage_import → extract_tables), the XLSX bulk
entry upload (/tracking/bulk/upload/ → read_upload), the plan file reader (`rtis import plan
FILE --replace`) and the backup archive reader (`rtis import all FILE --replace`). Each item must
be refused with a message in Korean and English (or, for the table import, read harmlessly),
never answered with a server error, never leave a row or an audit event behind, and cost
bounded time and memory. The heavy items run only in the soak mode (RTIS_SOAK=1).
"""

from __future__ import annotations

import functools
import os
import resource
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rtis.audit.models import AuditEvent
from rtis.ingest.models import ImportBatch
from rtis.ingest.tables import TableImportError, extract_tables
from rtis.orgs.models import Department, User
from rtis.plans.models import BudgetLine, Indicator, Node, Plan
from rtis.tracking.models import ExecutionRecord, IndicatorReport, Milestone
from tests.conftest import client_for
from tests.reliability import hostile

ITEM_SECONDS = 5.0  # per item and reader, on a loaded machine
ITEM_MEMORY = 256 * 1024 * 1024  # growth of the process's peak resident memory, per item
SECRET_FILES = [Path("/tmp/rtis-hostile-traversal.txt"), Path("/tmp/rtis-hostile-absolute.txt")]

# What the table import page must say for each refusal (a phrase of the Korean half).
SAYS = {
    "not-zip": "ZIP 파일이 아니거나", "legacy-format": "옛 형식", "encrypted": "암호가 걸린",
    "corrupt-zip": "손상된 ZIP", "zip-bomb": "압축 폭탄", "unsupported-compression": "압축 방식",
    "unknown-format": "습니다", "xml-doctype": "DOCTYPE", "xml-depth": "깊게 중첩",
    "xml-malformed": "XML이 손상", "formula": "수식이 든 칸", "too-many-cells": "칸이 너무 많습니다",
    "too-much-text": "글자가 너무 많습니다", "unreadable": "XLSX를 읽을 수 없습니다",
}
UPLOAD_NAME_SAYS = {"upload-name-cp949": "파일 이름을 읽을 수 없어",
                    "upload-name-5000-chars": "파일 이름이 너무 깁니다"}


@functools.cache
def item(item_id: str) -> hostile.Hostile:
    return hostile.build(item_id)


def selection(soak: bool) -> list[str]:
    """The fast items, or (soak) only the heavy ones: together, the whole corpus."""
    heavy = set(hostile.ids()) - set(hostile.ids(soak=False))
    return sorted(heavy) if soak else hostile.ids(soak=False)


MODES = [pytest.param(False, id="fast"), pytest.param(True, id="heavy", marks=pytest.mark.soak)]


def counts() -> dict[str, int]:
    """Rows every reader could write, and the audit trail."""
    models: list[Any] = [AuditEvent, ImportBatch, Plan, Node, BudgetLine, Indicator, Department,
                         User, ExecutionRecord, IndicatorReport, Milestone]
    return {m._meta.label_lower: m.objects.count() for m in models}


def bounded(run: Callable[[], Any], what: str) -> Any:
    """Run *run*, asserting it took under ITEM_SECONDS and grew peak memory under ITEM_MEMORY."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.monotonic()
    try:
        return run()
    finally:
        elapsed = time.monotonic() - started
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak
        assert elapsed < ITEM_SECONDS, f"{what}: {elapsed:.1f} s"
        assert grown < ITEM_MEMORY, f"{what}: peak memory grew by {grown:,} bytes"


def multipart(fields: dict[str, str], file_name: bytes, data: bytes) -> tuple[bytes, str]:
    """A multipart body whose file name is sent as raw bytes (as an old client would)."""
    boundary = "rtis-hostile-7d1f0c"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items())
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
             + file_name + b'"\r\nContent-Type: application/octet-stream\r\n\r\n' + data
             + f"\r\n--{boundary}--\r\n".encode())
    return body, f"multipart/form-data; boundary={boundary}"


def post_file(client: Client, path: str, fields: dict[str, str], entry: hostile.Hostile) -> Any:
    body, content_type = multipart(fields, entry.upload_name, entry.data)
    return client.post(path, data=body, content_type=content_type)


def each(ids: list[str]) -> Iterator[tuple[str, hostile.Hostile]]:
    for item_id in ids:
        yield item_id, item(item_id)


def check_all(ids: list[str], probe: Callable[[hostile.Hostile], str | None]) -> None:
    """Run *probe* on every item; report every item that failed, not just the first."""
    failures = []
    for item_id, entry in each(ids):
        try:
            problem = probe(entry)
        except AssertionError as exc:
            problem = str(exc)
        if problem:
            failures.append(f"{item_id}: {problem}")
    assert not failures, "\n".join(failures)


def test_the_corpus_covers_what_the_probe_promises() -> None:
    names = hostile.ids()
    for family in ("bomb-", "xxe", "billion-laughs", "formula", "traversal", "absolute",
                   "symlink", "huge-cell", "many-rows", "many-columns", "truncated", "corrupt",
                   "pdf-named-hwpx", "empty-file", "non-utf8", "very-long", "xlsm", "encrypted"):
        assert any(family in name for name in names), family
    assert len(names) == len(set(names))


@pytest.mark.parametrize("soak", MODES)
def test_the_table_extractor_answers_each_item_as_expected(soak: bool) -> None:
    def probe(entry: hostile.Hostile) -> str | None:
        try:
            tables = bounded(lambda: extract_tables(entry.data, entry.name), "extract_tables")
        except TableImportError as exc:
            if exc.code != entry.table_import:
                return f"refused as {exc.code}, expected {entry.table_import}: {exc}"
            if " / " not in exc.reason:
                return f"message not in Korean and English: {exc}"
            return None
        if entry.table_import != hostile.HARMLESS:
            return f"read, expected a refusal ({entry.table_import})"
        text = "".join(cell for table in tables for row in table.cells for cell in row)
        return "a file outside the upload leaked into a table" if hostile.SECRET_MARK in text \
            else None

    check_all(selection(soak), probe)


@pytest.mark.parametrize("soak", MODES)
def test_the_table_import_page_refuses_or_harmlessly_stages_every_item(
        soak: bool, planner: User, plan: Plan) -> None:
    client = client_for(planner)

    def probe(entry: hostile.Hostile) -> str | None:
        before = counts()
        response = bounded(lambda: post_file(client, "/imports/", {"plan": plan.slug}, entry),
                           "/imports/")
        after = counts()
        if response.status_code >= 500:
            return f"server error {response.status_code}"
        if any(path.exists() for path in SECRET_FILES):
            return "a member was written outside the upload"
        if response.status_code == 302:  # staged: only a harmless file may get here
            batch = ImportBatch.objects.latest("pk")
            if entry.table_import != hostile.HARMLESS:
                return f"staged, expected a refusal ({entry.table_import})"
            if hostile.SECRET_MARK in str(batch.tables):
                return "a file outside the upload leaked into the staged tables"
            return None
        if response.status_code != 400:
            return f"status {response.status_code}"
        if after != before:
            return f"refused but wrote: {before} → {after}"
        page = response.content.decode()
        expected = UPLOAD_NAME_SAYS.get(entry.id) or SAYS.get(entry.table_import)
        if expected and expected not in page:
            return f"the page does not say {expected!r}"
        return None

    check_all(selection(soak), probe)


@pytest.mark.parametrize("soak", MODES)
def test_the_bulk_entry_upload_refuses_every_item_and_saves_nothing(
        soak: bool, officer: User) -> None:
    client = client_for(officer)

    def probe(entry: hostile.Hostile) -> str | None:
        before = counts()
        response = bounded(lambda: post_file(client, "/tracking/bulk/upload/", {}, entry),
                           "/tracking/bulk/upload/")
        if response.status_code != 400:
            return f"status {response.status_code}, expected 400"
        if counts() != before:
            return f"refused but wrote: {before} → {counts()}"
        page = response.content.decode()
        if not any(word in page for word in ("습니다", "십시오")):
            return "no message in Korean"
        return None

    check_all(selection(soak), probe)


def refused_by_command(path: Path, kind: str, label: str,
                       says: Callable[[str], str | None]) -> str | None:
    """Run `rtis import KIND PATH --replace`; describe what went wrong, or None if refused well."""
    before = counts()
    try:
        bounded(lambda: call_command("import_plan", kind, str(path), "--replace"), label)
    except CommandError as exc:
        message = str(exc)
    else:
        return "accepted"
    if counts() != before:
        return f"refused but wrote: {before} → {counts()}"
    return says(message)


@pytest.mark.parametrize("soak", MODES)
def test_the_plan_file_reader_refuses_every_item_and_writes_nothing(
        soak: bool, plan: Plan, tmp_path: Path) -> None:
    def probe(entry: hostile.Hostile) -> str | None:
        path = tmp_path / f"{entry.id}.json"
        path.write_bytes(entry.data)

        def says(message: str) -> str | None:
            if str(path) not in message or " / " not in message:
                return f"the message names neither the file nor both languages: {message[:200]}"
            return None

        return refused_by_command(path, "plan", "import plan", says)

    check_all(selection(soak), probe)


@pytest.mark.parametrize("soak", MODES)
def test_the_backup_reader_refuses_every_item_and_writes_nothing(
        soak: bool, plan: Plan, tmp_path: Path) -> None:
    def probe(entry: hostile.Hostile) -> str | None:
        path = tmp_path / f"{entry.id}.zip"
        path.write_bytes(entry.data)

        def says(message: str) -> str | None:
            if "아무것도 저장하지 않았습니다 / nothing was saved" not in message:
                return f"does not say nothing was saved: {message[:200]}"
            return None

        return refused_by_command(path, "all", "import all", says)

    check_all(selection(soak), probe)


# --- regressions the probe found --------------------------------------------------------------


def test_a_merged_cell_cannot_multiply_its_text_into_gigabytes() -> None:
    # Before: 500,000 characters merged over 100,000 cells came back as 50 billion characters,
    # which staging then tried to write as one JSON value.
    for item_id in ("xlsx-merge-amplifies-long-text", "hwpx-span-amplifies-long-text"):
        with pytest.raises(TableImportError) as caught:
            extract_tables(item(item_id).data, "병합.xlsx")
        assert caught.value.code == "too-much-text"
        assert "글자가 너무 많습니다" in str(caught.value) and "too much table text" in str(
            caught.value)


def test_a_password_protected_workbook_is_called_encrypted_not_legacy() -> None:
    with pytest.raises(TableImportError) as caught:
        extract_tables(item("encrypted-ooxml").data, "암호.xlsx")
    assert caught.value.code == "encrypted"
    assert "암호" in str(caught.value) and "password" in str(caught.value)


@pytest.mark.parametrize("item_id", ["json-deep-nesting", "json-huge-number"])
def test_the_plan_reader_refuses_json_python_cannot_decode_with_a_message(
        item_id: str, db: Any, tmp_path: Path) -> None:
    # Before: RecursionError and ValueError tracebacks instead of a refusal.
    path = tmp_path / "plan.json"
    path.write_bytes(item(item_id).data)
    with pytest.raises(CommandError) as caught:
        call_command("import_plan", "plan", str(path))
    assert "plan.json" in str(caught.value) and " / " in str(caught.value)


def test_the_backup_reader_refuses_a_deeply_nested_manifest(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "backup.zip"
    path.write_bytes(item("backup-deep-manifest").data)
    with pytest.raises(CommandError, match=r"너무 깊게 중첩.* / JSON nested too deeply"):
        call_command("import_plan", "all", str(path))


@pytest.mark.parametrize("item_id", ["backup-manifest-bomb", "backup-line-bomb"])
def test_the_backup_reader_refuses_a_bomb_without_holding_it(
        item_id: str, db: Any, tmp_path: Path) -> None:
    # Before: the 200 MB manifest was joined and decoded whole (hundreds of MB resident).
    path = tmp_path / "backup.zip"
    path.write_bytes(item(item_id).data)
    with pytest.raises(CommandError, match="nothing was saved"):
        bounded(lambda: call_command("import_plan", "all", str(path)), item_id)


@pytest.fixture
def july(plan: Plan, planner: User) -> Any:
    from tests.tracking.conftest import open_month

    return open_month(planner, plan, 7)


def test_a_dde_formula_in_a_real_bulk_template_is_refused_naming_its_cell(
        officer: User, july: Any) -> None:
    from tests.tracking.test_bulk import counts as bulk_counts
    from tests.tracking.test_bulk import fill, submit, template_for

    data = fill(template_for(july.plan, "신성장산업과", july),
                {"2-1-1": {"spent": "=cmd|' /C calc'!A0", "committed": 1000}})
    before = bulk_counts()
    saved, problems = submit(officer, data)
    assert saved == 0 and bulk_counts() == before
    assert [(p.sheet, p.column[:1]) for p in problems] == [("집행실적", "I")]
    assert " / " in problems[0].reason


def test_the_bulk_upload_calls_a_password_protected_workbook_encrypted(officer: User) -> None:
    from rtis.tracking.bulk import BulkRefused, read_upload

    with pytest.raises(BulkRefused) as caught:
        read_upload(officer, item("encrypted-ooxml").data, "암호.xlsx")
    reason = caught.value.problems[0].reason
    assert "암호가 걸린 파일" in reason and "password-protected" in reason


@pytest.mark.parametrize("kind", ["plan", "all"])
def test_the_command_readers_name_a_file_whose_name_is_not_utf8(
        kind: str, plan: Plan, tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + "/예산".encode("cp949") + b".bin"
    Path(os.fsdecode(raw)).write_bytes(item("random-bytes").data)
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command("import_plan", kind, os.fsdecode(raw), "--replace")
    assert os.fsdecode(raw) in str(caught.value) and " / " in str(caught.value)
    assert counts() == before
