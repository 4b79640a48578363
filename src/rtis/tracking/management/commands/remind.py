"""rtis remind: in-app and e-mail reminders of due and overdue reporting (run daily by cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.tracking.notify import send_due_reminders


class Command(BaseCommand):
    help = ("제출 기한이 다가오거나 지난 실적을 부서 담당자에게 알립니다(같은 알림은 한 번만). "
            "/ Remind officers of due and overdue reporting; each reminder is sent once.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="기준일 YYYY-MM-DD (기본: 오늘) / reference day")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(f"--today: '{options['today']}'은(는) 날짜(YYYY-MM-DD)가 "
                                   f"아닙니다 / is not a date") from None
        created = send_due_reminders(today)
        self.stdout.write(f"알림 {created}건을 만들었습니다 / {created} reminders created")
