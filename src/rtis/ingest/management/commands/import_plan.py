"""rtis import plan FILE: all or nothing; every problem is listed with its JSON path.

rtis import all FILE: restore an rtis-backup/1 archive into an empty database, all or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from rtis.ingest.actions import do_import_plan, parse_plan_file_text
from rtis.ingest.backup import FORMAT, BackupError, restore_backup
from rtis.ingest.planfile import PlanFileError


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = ("rtis-plan/1 JSON 계획 파일을 가져옵니다. 하나라도 오류가 있으면 아무것도 저장하지 "
            "않고 모든 문제를 JSON 경로와 함께 보여줍니다. `import all FILE`은 "
            f"{FORMAT} 보관 파일을 빈 DB에 그대로 되살립니다. / Import a plan file; if anything "
            "fails, nothing is saved and every problem is listed with its JSON path. "
            f"`import all FILE` restores an {FORMAT} archive into an empty database.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["plan", "all"],
                            help="가져올 대상: plan(계획 파일) 또는 all(DB 보관 파일) / what to "
                                 "import: a plan file or a whole-database archive")
        parser.add_argument("file", help="JSON 파일 또는 보관 파일 / the JSON file or archive")
        parser.add_argument("--replace", action="store_true",
                            help="plan: 같은 식별자의 계획을 바꿉니다; all: DB 내용을 지우고 보관 "
                                 "파일로 바꿉니다 / plan: replace a plan with the same slug; all: "
                                 "erase the database's content and replace it")
        parser.add_argument("--dry-run", action="store_true",
                            help="검사만 하고 저장하지 않습니다 / validate only, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["kind"] == "all":
            self._import_all(path, options)
            return
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: 읽을 수 없습니다 / cannot read: {exc}") from None
        try:
            doc = parse_plan_file_text(text, str(path))
            with transaction.atomic():
                plan = do_import_plan(None, doc, replace=options["replace"], source=path.name)
                if options["dry_run"]:
                    raise DryRun
        except PlanFileError as exc:
            raise CommandError(str(exc)) from None
        except DryRun:
            self.stdout.write(f"검사 통과, 저장하지 않음 / valid, nothing saved (--dry-run): "
                              f"{doc.plan.slug}")
            return
        self.stdout.write(f"가져옴 / imported: {plan.slug} ({plan.nodes.count()} nodes)")

    def _import_all(self, path: Path, options: dict[str, Any]) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: 파일이 없습니다 / no such file")
        try:
            summary = restore_backup(path, label=str(path), replace=options["replace"],
                                     dry_run=options["dry_run"])
        except BackupError as exc:
            raise CommandError(f"{exc}\n아무것도 저장하지 않았습니다 / nothing was saved") from None
        if options["dry_run"]:
            self.stdout.write(f"검사 통과, 저장하지 않음 / valid, nothing saved (--dry-run): "
                              f"표 {summary.tables}개 tables, {summary.rows}행 rows")
            return
        self.stdout.write(f"가져옴 / restored: {path} (표 {summary.tables}개 tables, "
                          f"{summary.rows}행 rows, 파일 {summary.files}개 files)")
        if options["replace"]:
            self.stdout.write(f"어느 행도 가리키지 않는 이전 첨부파일 {len(summary.removed_files)}개 "
                              f"삭제 / removed {len(summary.removed_files)} old stored file(s) "
                              f"no restored row names")
        if summary.missing_files:
            self.stderr.write(f"백업할 때 디스크에 없던 첨부파일 {len(summary.missing_files)}개는 "
                              f"복원되지 않았습니다 / {len(summary.missing_files)} stored file(s) "
                              f"were missing when the backup was written")
        if summary.users and not summary.password_hashes:
            names = ", ".join(summary.users[:10]) + (" …" if len(summary.users) > 10 else "")
            self.stderr.write(
                f"사용자 {len(summary.users)}명은 비밀번호가 없어 로그인할 수 없습니다 ({names}). "
                f"각자 `rtis manage changepassword NAME`으로 정하십시오 / {len(summary.users)} "
                f"users have no password and cannot sign in until you set one with "
                f"`rtis manage changepassword NAME`")
