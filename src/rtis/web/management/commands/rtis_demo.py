"""rtis demo: migrate, load the seed, create demo users, enter past reporting, then serve.

Keeps existing data: users, entries and periods that exist are left as they are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from rtis.audit.log import record_delete
from rtis.config import clock
from rtis.facilities.demo import do_demo_facilities
from rtis.grants.demo import do_demo_grants
from rtis.lib.demo_day import DEMO_TODAY
from rtis.ntis.demo import do_demo_ntis
from rtis.orgs.actions import do_create_user, find_department
from rtis.orgs.models import Role, User
from rtis.plans.models import Plan
from rtis.portal.demo import do_demo_portal
from rtis.review.demo import do_demo_review
from rtis.review.demo_pages import do_demo_rnd_pages
from rtis.rnd.demo import do_demo_call
from rtis.search.demo import build_demo_index
from rtis.tracking.history import generate_history
from rtis.tracking.management.commands.demo_history import write_report
from rtis.tracking.models import (
    ExecutionRecord,
    IndicatorReport,
    Milestone,
    PeriodState,
    ReportingPeriod,
)

# The plan whose officer (신성장산업과) the demo invites to enter figures; its latest due month
# keeps a few entries unfinished so 내 업무 and the approval queue have something to show.
DEMO_TRACKED_PLAN = "innovation-growth-2018"
# The plans whose past reporting the demo enters: those whose unit projects departments own. The
# 5th S&T plan and the 2022 work report print no owning department per item (their figures would
# all fall under "no department"), and the work report's printed execution table must stay the
# figure of record of that report; the 2014–2018 pledge ended before the demo's day.
DEMO_HISTORY_PLANS = (DEMO_TRACKED_PLAN,)

DEMO_USERS = [
    # username, password, role, departments
    ("planner", "rtis-demo-planner", Role.PLANNER, []),
    ("officer", "rtis-demo-officer", Role.OFFICER, ["신성장산업과"]),
    ("viewer", "rtis-demo-viewer", Role.VIEWER, []),
    ("admin", "rtis-demo-admin", Role.ADMIN, []),
]


class Command(BaseCommand):
    help = ("데모를 준비하고 실행합니다: DB 적용, 시드 적재, 데모 사용자 생성(있으면 유지), 데모 "
            "기준일까지의 과거 실적 입력, http://127.0.0.1:8000 실행. / Prepare and run the demo "
            "(past reporting up to the demo's day); re-running keeps data.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="주소 / address")
        parser.add_argument("--port", type=int, default=8000, help="포트 / port")
        parser.add_argument("--no-serve", action="store_true",
                            help="준비만 하고 서버는 실행하지 않음 / prepare only")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("DB 준비 완료 / database migrated")
        setup_demo(self.stdout.write)
        if not options["no_serve"]:
            call_command("rtis_serve", host=options["host"], port=options["port"])


def demo_today() -> dt.date:
    """Return the demo's day: RTIS_TODAY when set (the `rtis` script sets it), else DEMO_TODAY."""
    return clock.fixed_today() or DEMO_TODAY


def setup_demo(write: Any) -> dt.date:
    """Load the seed, create the demo users and enter past reporting up to the demo's day."""
    call_command("load_seed", stdout=_Writer(write))
    write("")
    write("데모 사용자 / demo users (아이디 / 비밀번호 / 역할):")
    for username, password, role, departments in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            found = [d for d in (find_department(n) for n in departments) if d is not None]
            do_create_user(None, username, password, role, found)
        write(f"  {username:8} / {password:20} / {role} {' '.join(departments)}")
    today = demo_today()
    planner = User.objects.get(username="planner")
    _drop_empty_periods_outside_plan_years(planner)
    report = generate_history(planner, Plan.objects.filter(slug__in=DEMO_HISTORY_PLANS), today,
                              story_plan=DEMO_TRACKED_PLAN)
    write_report(write, today, report)
    for line in do_demo_call(planner, today):
        write(f"R&D: {line}")
    for line in do_demo_review(planner, today):
        write(f"R&D 평가: {line}")
    for line in do_demo_grants(planner, today):  # the agreements of the review's selections
        write(f"R&D: {line}")
    for line in do_demo_facilities(planner, today):
        write(f"시설 / facilities: {line}")
    for line in do_demo_ntis():
        write(f"NTIS: {line}")
    for line in do_demo_rnd_pages(planner, today):  # rnd-pages: declarations, join request
        write(f"R&D: {line}")
    # Last: the public bundle and the search index are made of everything above.
    for line in do_demo_portal(planner, today):
        write(f"portal: {line}")
    build_demo_index(write)
    if clock.fixed_today() is None:
        write(f"주의: 화면은 실제 날짜를 씁니다. RTIS_TODAY={today.isoformat()}로 실행하십시오 / "
              f"note: pages follow the wall clock; run with RTIS_TODAY={today.isoformat()}")
    write(f"데모 기준일 / demo today: {today.isoformat()} "
          "(docs/operations.md, '데모 기준일 / The demo's today')")
    return today


def _drop_empty_periods_outside_plan_years(planner: User) -> None:
    """Remove open periods an earlier demo opened outside their plan's years, if still empty."""
    for period in ReportingPeriod.objects.filter(state=PeriodState.OPEN).select_related("plan"):
        if period.plan.period_start <= period.year <= period.plan.period_end:
            continue
        if any(m.objects.filter(period=period).exists()
               for m in (ExecutionRecord, IndicatorReport, Milestone)):
            continue
        record_delete(planner, period, "demo: outside the plan's years")
        period.delete()


class _Writer:
    """A stdout-like object over a write function (call_command's stdout)."""

    def __init__(self, write: Any) -> None:
        self._write = write

    def write(self, text: str) -> None:
        self._write(text.rstrip("\n"))

    def flush(self) -> None:
        pass
