"""rtis serve --processes: several waitress processes accept on one socket; SIGTERM stops all."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

SRC = Path(__file__).resolve().parents[2] / "src"
WORKERS = textwrap.dedent("""
    import os
    from django.conf import settings
    settings.configure(DATABASES={})
    from rtis.web.management.commands.rtis_serve import _bind, _prefork

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(os.getpid()).encode()]

    listener = _bind("127.0.0.1", 0)
    print(listener.getsockname()[1], flush=True)
    _prefork(app, listener, 2, 2)
""")


def _get(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/")
    pid = int(conn.getresponse().read())
    conn.close()
    return pid


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_two_processes_answer_on_one_port_and_stop_together() -> None:
    parent = subprocess.Popen([sys.executable, "-c", WORKERS], stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(SRC)}, text=True)
    try:
        assert parent.stdout is not None
        port = int(parent.stdout.readline())
        pids: set[int] = set()
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            try:
                pids.add(_get(port))
            except OSError:
                time.sleep(0.05)
        assert len(pids) == 2 and parent.pid not in pids
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=30) == 0
        for pid in pids:  # the workers are gone too (reaped by the parent)
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_processes_and_threads_must_be_positive() -> None:
    with pytest.raises(CommandError):
        call_command("rtis_serve", processes=0, port=1)
    with pytest.raises(CommandError):
        call_command("rtis_serve", threads=0, port=1)
