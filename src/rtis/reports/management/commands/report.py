"""rtis report KIND --plan SLUG [--node CODE] [--as-of DATE] --format FMT -o FILE."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.plans.models import Plan
from rtis.reports.actions import do_generate_report, snapshot_report
from rtis.reports.models import ReportKind
from rtis.reports.queries import default_as_of
from rtis.reports.render import FORMATS, renderer


class Command(BaseCommand):
    help = ("보고서를 만듭니다 (주요 업무보고, 계획 총괄표, 공약 카드). 만든 보고서는 스냅숏으로 "
            "보관되어 같은 내용으로 다시 만들 수 있습니다. / Generate a report (work report, plan "
            "tables, pledge card) as HTML, PDF, XLSX or HWPX; a snapshot keeps its content.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ReportKind.values, help="보고서 종류 / report kind")
        parser.add_argument("--plan", required=True, help="계획 식별자 / plan slug")
        parser.add_argument("--node", default="", help="공약 카드의 과제 번호 / node code")
        parser.add_argument("--as-of", help="기준일 YYYY-MM-DD (기본: 승인된 마지막 월의 말일, "
                                            "없으면 계획 기간 안의 오늘) / as-of date (default: "
                                            "the end of the latest approved month, else today "
                                            "within the plan's years)")
        parser.add_argument("--format", required=True, choices=list(FORMATS), help="형식 / format")
        parser.add_argument("-o", "--output", required=True, help="저장할 파일 / output file")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"--plan: 계획 '{options['plan']}'이(가) 없습니다 / no such plan")
        try:
            as_of = (dt.date.fromisoformat(options["as_of"]) if options["as_of"]
                     else default_as_of([plan])[plan.slug])
        except ValueError:
            raise CommandError(f"--as-of: 날짜(YYYY-MM-DD)가 아닙니다: {options['as_of']} / "
                               "not a date") from None
        try:
            snapshot = do_generate_report(None, options["kind"], plan, as_of, options["node"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        data = renderer(options["format"])(snapshot_report(snapshot))
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"저장 / written: {options['output']} ({len(data):,} bytes, "
                          f"기준일 / as of {as_of.isoformat()}, snapshot {snapshot.pk})")
