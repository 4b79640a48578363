"""rtis serve: the production-grade WSGI server (waitress), static files included.

`--processes N` (N > 1, POSIX only) binds the address once and forks N waitress processes that
accept on the same socket: Python runs one thread at a time per process, so on a machine with
several cores N processes answer more requests at once. Each process keeps its own answer cache
(rtis.apicache), all checked against the same data version in the database. The first process
stops the others on SIGTERM or Ctrl+C.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

# waitress's own defaults read a request body 8 KB per socket read and spill any body over
# 512 KB to a temporary file (written, then read back): a 1 MB attachment cost 3.3 ms of the
# server's CPU in waitress alone, 1.1 ms with these (docs/benchmarks.md, "deadline rush, third
# pass"). A body up to 2 MB stays in memory (at most 100 connections × 2 MB per process);
# larger ones still go to a temporary file, never whole into memory.
WAITRESS = {"recv_bytes": 64 * 1024, "inbuf_overflow": 2 * 1024 * 1024}


class Command(BaseCommand):
    help = ("웹 서버를 실행합니다 (waitress; 정적 파일 포함, 외부 네트워크 불필요). "
            "/ Serve RTIS with waitress (static files included, no network needed).")
    requires_system_checks = "__all__"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="주소 / address (127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="포트 / port (8000)")
        parser.add_argument("--threads", type=int, default=8, help="스레드 / threads (8)")
        parser.add_argument("--processes", type=int, default=1,
                            help="프로세스 수 (POSIX) / worker processes (POSIX; 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from rtis.config.wsgi import application

        host, port, threads = options["host"], options["port"], options["threads"]
        processes = options["processes"]
        if threads < 1 or processes < 1:
            raise CommandError("--threads, --processes: 1 이상 / at least 1")
        if processes > 1 and not hasattr(os, "fork"):
            raise CommandError("--processes는 POSIX에서만 / --processes needs POSIX (fork)")
        url = f"http://{host}:{port}/"
        self.stdout.write(f"RTIS 실행 중 / serving at {url}  (Ctrl+C 로 종료 / to stop)")
        try:
            if processes == 1:
                serve(application, host=host, port=port, threads=threads, ident="rtis",
                      **WAITRESS)
                return
            listener = _bind(host, port)
        except OSError as exc:
            raise CommandError(f"{host}:{port}에서 실행할 수 없습니다 "
                               f"(다른 프로그램이 사용 중이면 --port 로 바꾸십시오) / cannot serve "
                               f"on {host}:{port}: {exc.strerror}") from None
        _prefork(application, listener, processes, threads)


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(address)
    listener.listen(1024)
    return listener


def _prefork(application: Any, listener: socket.socket, processes: int, threads: int) -> None:
    from django.db import connections
    from waitress import serve

    connections.close_all()  # no connection may be shared across a fork
    children: list[int] = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # a worker: the default signal handling, serve until killed
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                serve(application, sockets=[listener], threads=threads, ident="rtis",
                      **WAITRESS)
            finally:
                os._exit(0)
        children.append(pid)
    listener.close()

    def stop(signum: int, frame: Any) -> None:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while children:
        try:
            pid, _ = os.wait()
        except ChildProcessError:
            break
        if pid in children:
            children.remove(pid)
        stop(signal.SIGTERM, None)  # one worker gone: stop the rest, do not serve half
