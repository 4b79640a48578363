"""The OpenAPI client against a local HTTP server serving fixture XML in the documented shape:
paging, a transient failure retried, a failure that outlasts the retries and a resumed run."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from rtis.ntis.fetch import FetchConfig, FetchError, do_fetch_projects
from rtis.ntis.importer import do_import_projects
from rtis.ntis.models import FetchState, Project
from rtis.ntis.synth import xml_hit
from tests.ntis.conftest import synth_rows

pytestmark = pytest.mark.django_db
ROWS = synth_rows(250, seed=11)
KEY = "test-key"


class Server:
    """Serves pages of ROWS; `fail` maps a start position to how many 503s come first."""

    def __init__(self) -> None:
        self.requests: list[tuple[int, int]] = []  # (startPosition, status)
        self.fail: dict[int, int] = {}
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                start = int(params.get("startPosition", "1"))
                if outer.fail.get(start, 0) > 0:
                    outer.fail[start] -= 1
                    outer.requests.append((start, 503))
                    self.send_response(503)
                    self.end_headers()
                    return
                outer.requests.append((start, 200))
                if params.get("apprvKey") != KEY:
                    body = ("<?xml version='1.0' encoding='UTF-8'?><RESULT><ERROR>"
                            "인증키가 유효하지 않습니다</ERROR></RESULT>").encode()
                else:
                    count = int(params.get("displayCnt", "100"))
                    page = ROWS[start - 1:start - 1 + count]
                    out = io.StringIO()
                    out.write(f'<?xml version="1.0" encoding="UTF-8"?><RESULT><TOTALHITS>'
                              f"{len(ROWS)}</TOTALHITS><SEARCHTIME>0.01</SEARCHTIME><RESULTSET>")
                    for i, row in enumerate(page, start=start):
                        hit = xml_hit(i, row).replace(
                            "<Korean>", '<Korean><span class="search_word">', 1).replace(
                            "</Korean>", "</span></Korean>", 1)
                        out.write(hit)
                    out.write("</RESULTSET></RESULT>")
                    body = out.getvalue().encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/xml; charset=UTF-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/openapi"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server(settings: Any, tmp_path: Path) -> Iterator[Server]:
    settings.VAR_DIR = tmp_path
    found = Server()
    yield found
    found.httpd.shutdown()


def config(server: Server, **extra: Any) -> FetchConfig:
    values = {"min_interval": 0.0, "backoff": 0.01, "retries": 2, **extra}
    return FetchConfig(url=server.url, key=KEY, **values)


def test_pages_through_every_hit_and_the_joined_file_imports(refdata: Any,
                                                            server: Server) -> None:
    waits: list[float] = []
    report = do_fetch_projects(None, "수소", config(server), sleep=waits.append)
    assert report.done and report.positions == [1, 101, 201] and report.total_hits == 250
    assert [s for _p, s in server.requests] == [200, 200, 200]
    assert report.output is not None
    imported = do_import_projects(None, report.output)
    assert imported.written and imported.added == 250
    first = Project.objects.get(project_no=ROWS[0]["project_no"], year=ROWS[0]["year"])
    assert first.title == ROWS[0]["title"]  # the search_word span unwrapped


def test_a_transient_failure_is_retried_with_back_off(refdata: Any, server: Server) -> None:
    server.fail[101] = 2
    waits: list[float] = []
    report = do_fetch_projects(None, "수소", config(server), sleep=waits.append)
    assert report.done and report.positions == [1, 101, 201]
    assert waits == [0.01, 0.02]  # doubling


def test_a_failure_mid_way_keeps_the_pages_and_the_next_run_resumes(refdata: Any,
                                                                   server: Server) -> None:
    server.fail[201] = 10
    with pytest.raises(FetchError, match="201"):
        do_fetch_projects(None, "수소", config(server), sleep=lambda _s: None)
    state = FetchState.objects.get()
    assert (state.next_position, state.done) == (201, False)
    server.requests.clear()
    server.fail.clear()
    report = do_fetch_projects(None, "수소", config(server), sleep=lambda _s: None)
    assert report.resumed_from == 201 and server.requests == [(201, 200)]
    assert report.output is not None
    assert do_import_projects(None, report.output).added == 250


def test_the_polite_rate_waits_between_requests(refdata: Any, server: Server) -> None:
    waits: list[float] = []
    do_fetch_projects(None, "수소", config(server, min_interval=5.0), sleep=waits.append)
    assert len(waits) == 2 and all(4.0 < w <= 5.0 for w in waits)


def test_a_wrong_key_stops_with_the_services_message(refdata: Any, server: Server) -> None:
    bad = FetchConfig(url=server.url, key="nope", min_interval=0.0, retries=0)
    with pytest.raises(FetchError, match="인증키"):
        do_fetch_projects(None, "수소", bad, sleep=lambda _s: None)
