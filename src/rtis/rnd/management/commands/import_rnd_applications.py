"""`rtis rnd-import CALL_ID FILE --as USER [--dry-run]`: applications received outside RTIS,
imported from XLSX and submitted. If anything fails, nothing gets saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.ingest.tables import MAX_FILE_BYTES
from rtis.orgs.models import User
from rtis.rnd.actions import do_import_applications
from rtis.rnd.importing import ImportRefused
from rtis.rnd.models import Call


class Command(BaseCommand):
    help = ("R&D 신청 가져오기 (XLSX '신청' 시트, 전부 아니면 전무) / import R&D applications from "
            "XLSX (sheet '신청'); if anything fails, nothing gets saved")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("call_id", type=int, help="공고 번호 / the call's id")
        parser.add_argument("file", type=Path, help="XLSX 파일 / the XLSX file")
        parser.add_argument("--as", dest="username", required=True,
                            help="가져오는 R&D 관리자 아이디 / the R&D manager importing")
        parser.add_argument("--dry-run", action="store_true",
                            help="점검만 하고 저장하지 않음 / check only, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        call = Call.objects.filter(pk=options["call_id"]).first()
        if call is None:
            raise CommandError(f"공고 {options['call_id']}번이 없습니다 / no call {options['call_id']}")
        actor = User.objects.filter(username=options["username"]).first()
        if actor is None:
            raise CommandError(f"사용자 '{options['username']}'이 없습니다 / no user "
                               f"'{options['username']}'")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"파일이 없습니다: {path} / no such file: {path}")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        try:
            created = do_import_applications(actor, call, path.name, data,
                                             dry_run=options["dry_run"])
        except ImportRefused as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"문제 {len(exc.problems)}건: 아무것도 저장하지 않았습니다 / "
                               f"{len(exc.problems)} problem(s): nothing was saved") from exc
        if options["dry_run"]:
            self.stdout.write("점검 통과, 저장하지 않음 (--dry-run) / checked, nothing saved")
        else:
            self.stdout.write(f"신청 {len(created)}건을 가져와 제출했습니다 / imported and "
                              f"submitted {len(created)} application(s)")
