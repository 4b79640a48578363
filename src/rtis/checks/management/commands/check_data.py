"""rtis check: compare what the documents printed with what the data computes."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.checks.run import run_checks
from rtis.plans.models import Plan


class Command(BaseCommand):
    help = ("데이터 점검: 문서에 인쇄된 합계·비율과 데이터로 계산한 값을 비교합니다. 결과는 "
            "자료이므로 종료 코드는 0입니다. / Consistency check of printed vs computed figures; "
            "findings are data, the exit code is 0.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="계획 식별자 / plan slug (default: all)")
        parser.add_argument("--format", default="text", choices=["text", "json"],
                            help="출력 형식 / output format")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["plan"] and not Plan.objects.filter(slug=options["plan"]).exists():
            raise CommandError(f"--plan: 계획 '{options['plan']}'이(가) 없습니다 / no such plan")
        findings = run_checks(options["plan"])
        if options["format"] == "json":
            self.stdout.write(json.dumps({"findings": [f.as_dict() for f in findings]},
                                         ensure_ascii=False, indent=2))
            return
        for f in findings:
            self.stdout.write(f"[{f.severity}] {f.plan} {f.rule}: {f.message}")
            if f.suggestion:
                self.stdout.write(f"    제안 / suggestion: {f.suggestion}")
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        self.stdout.write(f"오류 {counts['error']} · 경고 {counts['warning']} · 참고 {counts['info']} "
                          f"/ {counts['error']} errors, {counts['warning']} warnings, "
                          f"{counts['info']} info")
