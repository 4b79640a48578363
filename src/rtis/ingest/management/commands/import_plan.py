"""rtis import plan FILE: all or nothing; every problem is listed with its JSON path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from rtis.ingest.actions import do_import_plan, parse_plan_file_text
from rtis.ingest.planfile import PlanFileError


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = ("rtis-plan/1 JSON 계획 파일을 가져옵니다. 하나라도 오류가 있으면 아무것도 저장하지 "
            "않고 모든 문제를 JSON 경로와 함께 보여줍니다. / Import a plan file; if anything "
            "fails, nothing is saved and every problem is listed with its JSON path.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["plan"], help="가져올 대상 / what to import")
        parser.add_argument("file", help="JSON 파일 / the JSON file")
        parser.add_argument("--replace", action="store_true",
                            help="같은 식별자의 계획을 바꿉니다 / replace a plan with the same slug")
        parser.add_argument("--dry-run", action="store_true",
                            help="검사만 하고 저장하지 않습니다 / validate only, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
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
