"""rtis demo-history [--plan SLUG ...] [--until DATE]: enter invented past reporting for a demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.config import clock
from rtis.orgs.models import Role, User
from rtis.plans.models import Plan
from rtis.tracking.history import HISTORY_SEED, generate_history


class Command(BaseCommand):
    help = ("데모용 과거 실적을 만듭니다: 기준일 전에 기한이 지난 월별 집행실적, 분기별 성과지표 "
            "실적과 추진일정을 부서 담당자가 입력·결재 요청하고 기획 담당자가 승인합니다(변경 "
            "이력에 남음). 수치는 시드에 맞춘 가상 자료이며 같은 시드로는 언제나 같습니다. 이미 "
            "있는 실적은 그대로 둡니다. 운영 DB에서는 실행하지 마십시오. / Enter INVENTED past "
            "reporting (execution, indicator actuals, milestones) through submit and approve, "
            "deterministic, keeping existing entries. Never on a production database.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", action="append", default=[],
                            help="계획 식별자(여러 번 가능, 기본: 기준일이 계획 기간에 드는 모든 "
                                 "계획) / plan slug (repeatable; default: every plan whose years "
                                 "include the day)")
        parser.add_argument("--until", help="기준일 YYYY-MM-DD (기본: 오늘, RTIS_TODAY) / "
                                            "the day to stop at (default: today)")
        parser.add_argument("--seed", type=int, default=HISTORY_SEED,
                            help="난수 시드 / random seed")
        parser.add_argument("--planner", default="",
                            help="승인할 기획 담당자 아이디(기본: 첫 기획 담당자) / approving "
                                 "planner's username")
        parser.add_argument("--story-plan", default="",
                            help="최근 월의 일부 실적을 미완료(작성 중·반려·결재 요청)로 남길 계획 "
                                 "/ plan whose latest due month keeps a few entries unfinished")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            until = (dt.date.fromisoformat(options["until"]) if options["until"]
                     else clock.today())
        except ValueError:
            raise CommandError(f"--until: 날짜(YYYY-MM-DD)가 아닙니다: {options['until']} / "
                               "not a date") from None
        planners = User.objects.filter(is_active=True, role=Role.PLANNER).order_by("pk")
        if options["planner"]:
            planners = planners.filter(username=options["planner"])
        planner = planners.first()
        if planner is None:
            raise CommandError("승인할 기획 담당자가 없습니다(rtis createuser로 만드십시오) / "
                               "no planner to approve (create one with rtis createuser)")
        plans = list(Plan.objects.order_by("slug"))
        if options["plan"]:
            unknown = sorted(set(options["plan"]) - {p.slug for p in plans})
            if unknown:
                raise CommandError(f"--plan: 계획이 없습니다: {', '.join(unknown)} / "
                                   f"no such plan: {', '.join(unknown)}")
            plans = [p for p in plans if p.slug in options["plan"]]
        try:
            report = generate_history(planner, plans, until, options["seed"],
                                      options["story_plan"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        write_report(self.stdout.write, until, report)


def write_report(write: Any, until: dt.date, report: Any) -> None:
    """Say what a history run entered, in Korean and English."""
    write(f"과거 실적 ({until.isoformat()}까지) / past reporting until {until.isoformat()}: "
          f"보고 기간 {report.periods_opened}개 열림·{report.periods_locked}개 확정, "
          f"집행실적 {report.execution}건, 성과지표 실적 {report.indicators}건, "
          f"추진일정 {report.milestones}건, 미완료로 남긴 항목 {report.pending}건 / "
          f"{report.periods_opened} periods opened, {report.periods_locked} locked, "
          f"{report.execution} execution, {report.indicators} indicator, "
          f"{report.milestones} milestone entries, {report.pending} left unfinished")
