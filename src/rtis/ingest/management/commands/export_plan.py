"""rtis export plan SLUG --format json [-o FILE]; rtis export all -o FILE (the whole database)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.ingest.backup import FORMAT, BackupError, write_backup
from rtis.ingest.export import stream_plan
from rtis.plans.models import Plan


class Command(BaseCommand):
    help = ("계획을 rtis-plan/1 JSON으로 내보냅니다 (가져오기 형식과 같음). `export all -o FILE`은 "
            f"DB 전체를 {FORMAT} 보관 파일(ZIP)로 씁니다 (백업·이전용; 비밀번호 제외). / Export a "
            f"plan as rtis-plan/1 JSON; `export all -o FILE` writes the whole database as an "
            f"{FORMAT} archive (backup and migration; no passwords).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["plan", "all"],
                            help="내보낼 대상: plan(계획 하나) 또는 all(DB 전체) / what to export: "
                                 "one plan or the whole database")
        parser.add_argument("slug", nargs="?",
                            help="계획 식별자 / plan slug, e.g. innovation-growth-2018")
        parser.add_argument("--format", default="json", choices=["json"],
                            help="계획의 형식 / format of a plan")
        parser.add_argument("-o", "--output",
                            help="저장할 파일 (plan: 없으면 표준출력; all: 필수) / output file")
        parser.add_argument("--include-password-hashes", action="store_true",
                            help="all: 비밀번호 해시도 씁니다 (다른 DB로 옮길 때만; 파일을 비밀로 "
                                 "보관) / all: also write password hashes (for a migration; keep "
                                 "the file secret)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["kind"] == "all":
            self._export_all(options)
            return
        if not options["slug"]:
            raise CommandError("계획 식별자를 주십시오: rtis export plan SLUG / give a plan slug")
        plan = Plan.objects.filter(slug=options["slug"]).first()
        if plan is None:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "없음/none"
            raise CommandError(f"계획 '{options['slug']}'이(가) 없습니다 (있는 계획: {known}) "
                               f"/ no plan '{options['slug']}'")
        if options["output"]:
            with Path(options["output"]).open("wb") as out:
                out.writelines(stream_plan(plan))
            self.stderr.write(f"저장 / written: {options['output']}")
        else:
            sys.stdout.flush()
            raw = getattr(sys.stdout, "buffer", None)
            for block in stream_plan(plan):  # whole items: every block is complete UTF-8
                if raw is None:
                    sys.stdout.write(block.decode())
                else:
                    raw.write(block)
            sys.stdout.flush()

    def _export_all(self, options: dict[str, Any]) -> None:
        if options["slug"]:
            raise CommandError("export all은 식별자를 받지 않습니다 / export all takes no slug")
        if not options["output"]:
            raise CommandError("-o FILE 로 보관 파일을 지정하십시오 / give the archive file with "
                               "-o FILE")
        target = Path(options["output"])
        hashes = options["include_password_hashes"]
        # Written next to the target and renamed at the end: a failed export leaves no half file.
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        try:
            with os.fdopen(fd, "wb") as stream:
                summary = write_backup(stream, password_hashes=hashes)
            os.chmod(temp_name, 0o600)
            os.replace(temp_name, target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        finally:
            if os.path.exists(temp_name):
                os.unlink(temp_name)
        self.stderr.write(f"저장 / written: {target} ({FORMAT}, 표 {len(summary.tables)}개 tables, "
                          f"{summary.rows}행 rows, 파일 {len(summary.files)}개 files)")
        if summary.missing_files:
            shown = ", ".join(p for _m, p in summary.missing_files[:5])
            self.stderr.write(f"디스크에 없는 첨부파일 {len(summary.missing_files)}개는 담지 못했습니다 "
                              f"({shown}) / {len(summary.missing_files)} stored file(s) were "
                              f"missing on disk and are not in the archive")
        if hashes:
            self.stderr.write("비밀번호 해시가 들어 있습니다: 파일을 비밀로 보관하십시오 / the "
                              "archive holds password hashes: keep it secret")
        else:
            self.stderr.write("비밀번호는 들어 있지 않습니다: 가져온 뒤 `rtis manage changepassword "
                              "NAME`으로 정하십시오 / passwords are not included: set them after "
                              "an import with `rtis manage changepassword NAME`")
