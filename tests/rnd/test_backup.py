"""The R&D tables travel in the whole-database backup and restore identically."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from rtis.ingest.backup import MANIFEST, BackupError, write_backup
from rtis.orgs.models import User
from rtis.rnd.actions import do_attach_file, do_save_application, do_submit_application
from rtis.rnd.models import ATTACHMENTS, Application, Attachment, Call, Organisation
from tests.ingest.test_backup import (
    archive_bytes,
    comparable,
    counts,
    empty_the_database,
    entries,
    rebuild,
    restore,
)
from tests.rnd.conftest import FUNDS, PDF

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


# rnd-pages: the attachment files travel with their rows -----------------------------------------

def test_attachment_files_are_restored_byte_for_byte(
        call: Call, sme: Organisation, planner: User, var_dir: Any) -> None:
    application = do_save_application(planner, call, sme, title="하수관로 진단",
                                      principal_investigator="김연구", requested_funds=FUNDS)
    first_bytes = PDF + b"first"
    second_bytes = b"%PDF-1.4\n" + bytes(range(256)) * 300 + b"\n%%EOF\n"
    first = do_attach_file(planner, application, "계획서.pdf", first_bytes)
    second = do_attach_file(planner, application, "예산.pdf", second_bytes)
    data = archive_bytes()
    manifest = json.loads(entries(data)[MANIFEST])
    assert sorted(f["path"] for f in manifest["files"]) == sorted(
        [first.stored_name, second.stored_name])
    assert manifest["missing_files"] == []
    empty_the_database()
    shutil.rmtree(Path(var_dir) / "media")
    summary = restore(data)
    assert summary.files == 2 and summary.missing_files == []
    for attachment, body in ((first, first_bytes), (second, second_bytes)):
        restored = Attachment.objects.get(pk=attachment.pk)
        with ATTACHMENTS.open(restored.stored_name, "rb") as handle:
            assert handle.read() == body
        assert hashlib.sha256(body).hexdigest() == restored.sha256
    assert not list((Path(var_dir) / "media").glob(".restore-*"))  # no staging left behind
    assert comparable(archive_bytes()) == comparable(data)


def test_a_restore_with_a_changed_file_saves_no_row_and_no_file(
        call: Call, sme: Organisation, planner: User, var_dir: Any) -> None:
    application = do_save_application(planner, call, sme, title="하수관로 진단",
                                      principal_investigator="김연구", requested_funds=FUNDS)
    attachment = do_attach_file(planner, application, "계획서.pdf", PDF)
    found = entries(archive_bytes())
    entry = f"files/rnd.attachment/{attachment.stored_name}"
    found[entry] = PDF.replace(b"0", b"1")  # same size, other bytes
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as archive:
        for name, body in found.items():
            archive.writestr(name, body)
    empty_the_database()
    shutil.rmtree(Path(var_dir) / "media")
    with pytest.raises(BackupError, match=re.escape(entry)):
        restore(tampered.getvalue())
    assert Attachment.objects.count() == 0 and Application.objects.count() == 0
    assert not (Path(var_dir) / "media").exists() or not any(
        p.is_file() for p in (Path(var_dir) / "media").rglob("*"))


def test_a_row_whose_file_the_archive_lacks_is_refused_naming_it(
        call: Call, sme: Organisation, planner: User) -> None:
    application = do_save_application(planner, call, sme, title="하수관로 진단",
                                      principal_investigator="김연구", requested_funds=FUNDS)
    attachment = do_attach_file(planner, application, "계획서.pdf", PDF)
    found = entries(archive_bytes())
    del found[f"files/rnd.attachment/{attachment.stored_name}"]
    manifest = json.loads(found[MANIFEST])
    manifest["files"] = []
    found[MANIFEST] = json.dumps(manifest).encode()
    stripped = io.BytesIO()
    with zipfile.ZipFile(stripped, "w") as archive:
        for name, body in found.items():
            archive.writestr(name, body)
    empty_the_database()
    with pytest.raises(BackupError, match=re.escape(attachment.stored_name)):
        restore(stripped.getvalue())
    assert Attachment.objects.count() == 0


def test_a_file_missing_on_disk_is_reported_by_the_backup_and_the_restore(
        call: Call, sme: Organisation, planner: User) -> None:
    application = do_save_application(planner, call, sme, title="하수관로 진단",
                                      principal_investigator="김연구", requested_funds=FUNDS)
    attachment = do_attach_file(planner, application, "계획서.pdf", PDF)
    ATTACHMENTS.delete(attachment.stored_name)
    stream = io.BytesIO()
    written = write_backup(stream)
    assert written.files == [] and written.missing_files == [
        ("rnd.attachment", attachment.stored_name)]
    empty_the_database()
    summary = restore(stream.getvalue())
    assert summary.missing_files == [("rnd.attachment", attachment.stored_name)]
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_a_stored_name_leaving_its_folder_is_refused(
        call: Call, sme: Organisation, planner: User) -> None:
    application = do_save_application(planner, call, sme, title="하수관로 진단",
                                      principal_investigator="김연구", requested_funds=FUNDS)
    do_attach_file(planner, application, "계획서.pdf", PDF)

    def escape(manifest: dict[str, Any]) -> None:
        manifest["files"][0]["path"] = "../../etc/passwd"
        manifest["files"][0]["entry"] = "files/rnd.attachment/../../etc/passwd"

    data = rebuild(archive_bytes(), manifest_change=escape)
    empty_the_database()
    with pytest.raises(BackupError, match=r"\$\.files\[0\]"):
        restore(data)
    assert Attachment.objects.count() == 0


# rnd-screen: --replace leaves no old attachment file behind -----------------------------------

def test_replace_removes_the_old_files_no_restored_row_names_and_keeps_every_named_one(
        call: Call, sme: Organisation, planner: User, var_dir: Any, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    application = do_save_application(planner, call, sme, title="하수관로 진단",
                                      principal_investigator="김연구", requested_funds=FUNDS)
    kept = do_attach_file(planner, application, "계획서.pdf", PDF + b"kept")
    target = tmp_path / "rtis-backup.zip"
    call_command("export_plan", "all", "-o", str(target))
    # after the backup: two more files, whose rows the archive does not hold
    later = [do_attach_file(planner, application, f"추가{n}.pdf", PDF + bytes([n]))
             for n in range(2)]
    media = Path(var_dir) / "media"
    # files that are not the attachments' own: beside the folder, and outside the storage
    beside = media / "other" / "keep.txt"
    beside.parent.mkdir(parents=True)
    beside.write_bytes(b"not an attachment")
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(PDF)
    link = media / "rnd" / "applications" / "link.pdf"
    link.symlink_to(outside)  # a link inside the folder is neither followed nor removed
    capsys.readouterr()
    call_command("import_plan", "all", str(target), "--replace")
    out = capsys.readouterr().out
    assert "이전 첨부파일 2개 삭제 / removed 2 old stored file(s)" in out
    assert list(Attachment.objects.values_list("stored_name", flat=True)) == [kept.stored_name]
    with ATTACHMENTS.open(kept.stored_name, "rb") as handle:
        assert handle.read() == PDF + b"kept"
    for row in later:
        assert not (media / row.stored_name).exists()
    assert beside.read_bytes() == b"not an attachment" and outside.read_bytes() == PDF
    assert link.is_symlink()
    # a second --replace finds nothing more to remove and still keeps the named file
    summary = restore(target.read_bytes(), replace=True)
    assert summary.removed_files == [] and (media / kept.stored_name).is_file()


def test_replace_dry_run_removes_no_file(
        call: Call, sme: Organisation, planner: User, var_dir: Any) -> None:
    application = do_save_application(planner, call, sme, title="하수관로 진단",
                                      principal_investigator="김연구", requested_funds=FUNDS)
    data = archive_bytes()
    stray = do_attach_file(planner, application, "추가.pdf", PDF)
    summary = restore(data, replace=True, dry_run=True)
    assert summary.removed_files == []
    assert (Path(var_dir) / "media" / stray.stored_name).is_file()
    summary = restore(data, replace=True)
    assert summary.removed_files == [("rnd.attachment", stray.stored_name)]
    assert not (Path(var_dir) / "media" / stray.stored_name).exists()
