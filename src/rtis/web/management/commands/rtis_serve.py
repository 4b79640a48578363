"""rtis serve: the production-grade WSGI server (waitress), static files included."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = ("웹 서버를 실행합니다 (waitress; 정적 파일 포함, 외부 네트워크 불필요). "
            "/ Serve RTIS with waitress (static files included, no network needed).")
    requires_system_checks = "__all__"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="주소 / address (127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="포트 / port (8000)")
        parser.add_argument("--threads", type=int, default=8, help="스레드 / threads (8)")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from rtis.config.wsgi import application

        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"RTIS 실행 중 / serving at {url}  (Ctrl+C 로 종료 / to stop)")
        try:
            serve(application, host=options["host"], port=options["port"],
                  threads=options["threads"], ident="rtis")
        except OSError as exc:
            raise CommandError(f"{options['host']}:{options['port']}에서 실행할 수 없습니다 "
                               f"(다른 프로그램이 사용 중이면 --port 로 바꾸십시오) / cannot serve "
                               f"on {options['host']}:{options['port']}: {exc.strerror}") from None
