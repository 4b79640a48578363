"""rtis createuser: make a user with a role and departments."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.orgs.actions import do_create_user, find_department
from rtis.orgs.models import Role


class Command(BaseCommand):
    help = ("사용자를 만듭니다. 부서 담당자(officer)는 --department 로 소속 부서를 지정합니다. "
            "/ Create a user; officers need --department (repeatable).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="아이디 / login name")
        parser.add_argument("--role", required=True, choices=Role.values,
                            help="역할 / role: admin, planner, officer, viewer")
        parser.add_argument("--department", action="append", default=[],
                            help="소속 부서명 (여러 번 가능) / department name (repeatable)")
        parser.add_argument("--email", default="", help="전자우편 / e-mail")
        parser.add_argument("--password-file", help="비밀번호가 든 파일 / file holding the password")

    def handle(self, *args: Any, **options: Any) -> None:
        departments = []
        for name in options["department"]:
            department = find_department(name)
            if department is None:
                raise CommandError(f"--department: 알 수 없는 부서 '{name}' / unknown department")
            departments.append(department)
        if options["role"] == Role.OFFICER and not departments:
            raise CommandError("--department: 부서 담당자는 소속 부서가 필요합니다 / "
                               "an officer needs at least one department")
        if options["password_file"]:
            try:
                password = Path(options["password_file"]).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"--password-file: 읽을 수 없습니다 / cannot read: "
                                   f"{exc.strerror}") from None
        else:
            password = getpass.getpass("비밀번호 / password: ")
        # do_create_user applies the password rules and names what failed in both languages.
        try:
            user = do_create_user(None, options["username"], password, options["role"],
                                  departments, options["email"])
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in
                                         exc.message_dict.items())) from None
        self.stdout.write(f"만들었습니다 / created: {user.username} ({user.role})")
