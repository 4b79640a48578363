"""rtis export plan SLUG --format json [-o FILE]."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.ingest.export import dumps, export_plan
from rtis.plans.models import Plan


class Command(BaseCommand):
    help = ("계획을 rtis-plan/1 JSON으로 내보냅니다 (가져오기 형식과 같음). "
            "/ Export a plan as rtis-plan/1 JSON (the import format).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["plan"], help="내보낼 대상 / what to export")
        parser.add_argument("slug", help="계획 식별자 / plan slug, e.g. innovation-growth-2018")
        parser.add_argument("--format", default="json", choices=["json"], help="형식 / format")
        parser.add_argument("-o", "--output", help="저장할 파일 (없으면 표준출력) / output file")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(slug=options["slug"]).first()
        if plan is None:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "없음/none"
            raise CommandError(f"계획 '{options['slug']}'이(가) 없습니다 (있는 계획: {known}) "
                               f"/ no plan '{options['slug']}'")
        text = dumps(export_plan(plan))
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"저장 / written: {options['output']}")
        else:
            sys.stdout.write(text)
