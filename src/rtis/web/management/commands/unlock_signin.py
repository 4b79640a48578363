"""rtis unlock: list sign-in locks, or clear those of an account name or client address."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rtis.web.actions import do_unlock_sign_in
from rtis.web.models import SignInThrottle


class Command(BaseCommand):
    help = ("로그인 잠금을 풉니다: unlock 아이디|주소, 목록은 unlock --list "
            "/ Clear the sign-in lock of an account or an address; --list shows them.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", nargs="?", help="아이디 또는 접속 주소 / account name or address")
        parser.add_argument("--list", action="store_true",
                            help="잠금과 실패 기록 보기 / list locks and failure counts")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        if not options["target"]:
            raise CommandError("아이디나 주소를 주거나 --list 를 쓰세요 / give an account name or "
                               "an address, or use --list")
        cleared = do_unlock_sign_in(None, options["target"])
        if not cleared:
            raise CommandError(f"'{options['target']}'에 대한 잠금이나 실패 기록이 없습니다 / "
                               f"no lock or failures recorded for '{options['target']}'")
        for name in cleared:
            self.stdout.write(f"잠금 해제 / unlocked: {name}")

    def _list(self) -> None:
        now = timezone.now()
        rows = list(SignInThrottle.objects.all())
        if not rows:
            self.stdout.write("잠금 없음 / no locks")
            return
        for row in rows:
            state = (f"잠김 ~{timezone.localtime(row.locked_until):%Y-%m-%d %H:%M:%S} / locked"
                     if row.is_locked(now) else "풀림 / not locked")
            self.stdout.write(f"{row.kind}\t{row.key}\t{state}\t실패 failures {row.failures}\t"
                              f"잠금 횟수 locks {row.lock_level}")
