"""rtis demo: migrate, load the seed, create demo users, then serve. Keeps existing data."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from rtis.config import clock
from rtis.orgs.actions import do_create_user, find_department
from rtis.orgs.models import Role, User
from rtis.plans.models import Plan
from rtis.tracking.actions import do_generate_periods
from rtis.tracking.models import ReportingPeriod

# The plan whose officers the demo invites to enter this year's figures.
DEMO_TRACKED_PLAN = "innovation-growth-2018"

DEMO_USERS = [
    # username, password, role, departments
    ("planner", "rtis-demo-planner", Role.PLANNER, []),
    ("officer", "rtis-demo-officer", Role.OFFICER, ["신성장산업과"]),
    ("viewer", "rtis-demo-viewer", Role.VIEWER, []),
    ("admin", "rtis-demo-admin", Role.ADMIN, []),
]


class Command(BaseCommand):
    help = ("데모를 준비하고 실행합니다: DB 적용, 시드 적재, 데모 사용자 생성(있으면 유지), "
            "http://127.0.0.1:8000 실행. / Prepare and run the demo; re-running keeps data.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="주소 / address")
        parser.add_argument("--port", type=int, default=8000, help="포트 / port")
        parser.add_argument("--no-serve", action="store_true",
                            help="준비만 하고 서버는 실행하지 않음 / prepare only")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("DB 준비 완료 / database migrated")
        call_command("load_seed", stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write("데모 사용자 / demo users (아이디 / 비밀번호 / 역할):")
        for username, password, role, departments in DEMO_USERS:
            if not User.objects.filter(username=username).exists():
                found = [d for d in (find_department(n) for n in departments) if d is not None]
                do_create_user(None, username, password, role, found)
            self.stdout.write(f"  {username:8} / {password:20} / {role} {' '.join(departments)}")
        self._demo_periods()
        if not options["no_serve"]:
            call_command("rtis_serve", host=options["host"], port=options["port"])

    def _demo_periods(self) -> None:
        """Open this year's reporting periods of one plan, so the demo has something to enter."""
        plan = Plan.objects.filter(slug=DEMO_TRACKED_PLAN).first()
        planner = User.objects.filter(username="planner").first()
        if plan is None or planner is None or ReportingPeriod.objects.filter(plan=plan).exists():
            return
        year = clock.today().year
        created = do_generate_periods(planner, plan, year)
        self.stdout.write(f"{plan.slug}: {year}년 보고 기간 {len(created)}개 / "
                          f"{len(created)} reporting periods of {year} opened")
