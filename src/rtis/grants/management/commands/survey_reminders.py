"""`rtis survey-reminders`: remind performers of follow-up surveys (추적조사) due within 30 days
(once) or overdue (once a month). Run daily; a reminder already sent is not sent again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rtis.grants.actions import do_send_survey_reminders


class Command(BaseCommand):
    help = ("추적조사 제출 독촉 보내기 (매일 실행; 같은 독촉은 한 번만) / remind performers of due and "
            "overdue follow-up surveys (run daily; each is sent once)")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = do_send_survey_reminders(None)
        for line in sent:
            self.stdout.write(line)
        self.stdout.write(f"추적조사 독촉 {len(sent)}건 / {len(sent)} survey reminder(s)")
