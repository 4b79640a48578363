"""Concurrency soak: N clients × T seconds of versioned writes on every versioned object.

A real RTIS server (`rtis serve`, waitress) runs on a fresh database (SQLite file, or a
PostgreSQL database created and dropped here); clients sign in as a planner or the owning
officer and race each other: read the version shown, write a value no one else writes, repeat.
Afterwards, for every object, straight from the database:

- the version moved exactly once per successful write (no success was lost or doubled);
- the audit trail holds exactly one update event per successful write;
- the value stored is the value of the last success (the one that sent version final - 1);
- no answer was a 5xx.

    python scripts/soak.py --database sqlite --clients 8 --seconds 30
    python scripts/soak.py --database postgres://postgres@127.0.0.1:5432/postgres

Exit status 0 when every check holds; the figures are printed as one JSON line at the end.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rtis.lib.scratch import free_port, postgres_database

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "soak-password-Seoul-2026"
KINDS = ("budget_line", "node", "audit_item", "import_mapping", "execution", "indicator_report",
         "milestone")
PLANNER_ONLY = {"import_mapping"}
LATENCIES: list[tuple[float, str, str]] = []  # every request's seconds, for the report
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')


# --- the server's side: set up, verify (run in a child process with Django) ------------------


def setup_world() -> dict[str, Any]:
    """Create the users and one object of every versioned kind; return what clients need."""
    import datetime as dt
    import io

    from openpyxl import Workbook
    from tests.conftest import ensure_funding_sources, import_doc
    from tests.factories import sample_plan_doc

    from rtis.ingest.staging import do_stage_import
    from rtis.orgs.actions import do_create_user, find_department
    from rtis.oversight.actions import do_import_council_session
    from rtis.plans.models import BudgetLine, Indicator
    from rtis.tracking.actions import (
        do_open_period,
        do_save_execution,
        do_save_indicator_report,
        do_save_milestone,
    )

    ensure_funding_sources()
    plan = import_doc(sample_plan_doc())
    planner = do_create_user(None, "soak-planner", PASSWORD, "planner")
    officer = do_create_user(None, "soak-officer", PASSWORD, "officer",
                             [find_department("신성장산업과")])  # type: ignore[list-item]
    unit = plan.nodes.get(code="2-1-1")
    line = BudgetLine.objects.filter(node=unit).order_by("year", "source_id").first()
    assert line is not None
    do_import_council_session(None, {"key": "soak", "title": "soak", "year": 2021,
                                     "plan": plan.slug, "committee": "기획경제위원회"},
                              [{"category": "corrective", "number": 1, "title": "soak",
                                "departments": ["신성장산업과"], "status": "추진중"}],
                              summary={"columns": [], "rows": [], "claims": []})
    month = do_open_period(planner, plan, kind="month", year=2019, number=7,
                           due_on=dt.date(2019, 8, 10))
    quarter = do_open_period(planner, plan, kind="quarter", year=2019, number=3,
                             due_on=dt.date(2019, 10, 10))
    record = do_save_execution(officer, unit, month, None, original_budget=10**12, transfers=0,
                               carryover=0, committed=10**11, spent=0)
    indicator = Indicator.objects.create(node=unit, name="창업기업 수", unit="개")
    report = do_save_indicator_report(officer, indicator, quarter, None, value="1", unit="개")
    milestone = do_save_milestone(officer, unit, quarter, None, planned="협약", achieved="협약",
                                  state="done", completed_on=dt.date(2019, 9, 2),
                                  today=dt.date(2019, 12, 1))
    book = Workbook()
    book.active.append(["과제", "2020"])
    book.active.append(["글로벌협력동 신축", 10])
    data = io.BytesIO()
    book.save(data)
    batch = do_stage_import(planner, plan, "soak.xlsx", data.getvalue())
    # Start from the mapping the clients write, so a client's save differs from the one before
    # it only in the unit it picks (the judge compares that field).
    from django.http import QueryDict

    from rtis.ingest.staging import do_set_import_mapping
    from rtis.ingest.views import _mapping_from_post

    form = QueryDict(mutable=True)
    form.update({"t0_unit": "원", "t0_source": "city", "t0_row_1": unit.code, "t0_col_1": "2020"})
    do_set_import_mapping(planner, batch, _mapping_from_post(batch, form), batch.version)
    from rtis.oversight.models import AuditItem

    item = AuditItem.objects.get(session__key="soak")
    return {
        "plan": plan.slug, "unit": unit.code, "line": [line.pk, line.year, line.source_id],
        "item": [item.session.key, item.category, item.number], "batch": batch.pk,
        "month": month.pk, "quarter": quarter.pk, "indicator": indicator.pk,
        "targets": {"budget_line": ["plans.budgetline", line.pk],
                    "node": ["plans.node", unit.pk],
                    "audit_item": ["oversight.audititem", item.pk],
                    "import_mapping": ["ingest.importbatch", batch.pk],
                    "execution": ["tracking.executionrecord", record.pk],
                    "indicator_report": ["tracking.indicatorreport", report.pk],
                    "milestone": ["tracking.milestone", milestone.pk]},
    }


VALUE_FIELDS = {"budget_line": "amount_won", "node": "title", "audit_item": "actions",
                "import_mapping": "mapping", "execution": "spent", "indicator_report": "value",
                "milestone": "achieved"}


def check_object(kind: str, start_version: int, start_events: int, start_value: Any,
                 final_version: int, events: int, stored: Any,
                 successes: list[tuple[int, Any]]) -> list[str]:
    """Judge one object: versions and audit events match the successes, no lost update.

    A success that wrote the value already stored moves the version but changes nothing, so
    the trail (which records real changes only) has no event for it.
    """
    problems = []
    if final_version != start_version + len(successes):
        problems.append(f"{kind}: version {final_version}, expected {start_version} + "
                        f"{len(successes)} successes")
    changes, previous = 0, _same(start_value)
    for _, value in sorted(successes, key=lambda success: success[0]):
        changes += _same(value) != previous
        previous = _same(value)
    if events != start_events + changes:
        problems.append(f"{kind}: {events} update events for {start_events} + "
                        f"{changes} changing successes")
    sent_twice = [v for v, n in Counter(sent for sent, _ in successes).items() if n > 1]
    if sent_twice:  # two editors who saw the same version both "succeeded": a lost update
        problems.append(f"{kind}: versions accepted more than once: {sorted(sent_twice)[:5]}")
    last = [value for sent, value in successes if sent == final_version - 1]
    if successes and (len(last) != 1 or _same(stored) != _same(last[0])):
        problems.append(f"{kind}: stored {stored!r}, last success wrote {last!r}")
    return problems


def verify_world(world: dict[str, Any], results: dict[str, Any]) -> list[str]:
    """Check the database against what the clients saw; return the problems."""
    from django.apps import apps

    from rtis.audit.models import AuditEvent

    problems = []
    for kind, (label, pk) in world["targets"].items():
        row = apps.get_model(label).objects.get(pk=pk)
        events = AuditEvent.objects.filter(target_type=label, target_id=str(pk),
                                           action="update").count()
        problems += check_object(kind, results["start_versions"][kind],
                                 results["start_events"][kind], results["start_values"][kind],
                                 row.version, events, stored_value(kind, row),
                                 [tuple(s) for s in results["successes"].get(kind, [])])
    return problems


def stored_value(kind: str, row: Any) -> Any:
    """Return the value a client writes, as the database holds it (JSON-comparable)."""
    from decimal import Decimal

    if kind == "import_mapping":
        return row.mapping[0].get("unit")  # the field each client chose at random
    value = getattr(row, VALUE_FIELDS[kind])
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


def start_state(world: dict[str, Any]) -> dict[str, Any]:
    from django.apps import apps

    from rtis.audit.models import AuditEvent

    versions, events, values = {}, {}, {}
    for kind, (label, pk) in world["targets"].items():
        row = apps.get_model(label).objects.get(pk=pk)
        versions[kind], values[kind] = row.version, stored_value(kind, row)
        events[kind] = AuditEvent.objects.filter(target_type=label, target_id=str(pk),
                                                 action="update").count()
    return {"start_versions": versions, "start_events": events, "start_values": values}


def _same(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def child(step: str) -> None:
    """Run one server-side step with Django (called as `soak.py --child STEP`)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if step == "setup":
        print(json.dumps(setup_world()))
    else:
        payload = json.loads(sys.stdin.read())
        if step == "start":
            print(json.dumps(start_state(payload["world"])))
        else:
            print(json.dumps(verify_world(payload["world"], payload["results"])))


# --- the clients' side ------------------------------------------------------------------------


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    successes: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def success(self, kind: str, sent: int, value: Any) -> None:
        with self.lock:
            self.successes.setdefault(kind, []).append((sent, value))

    def status(self, kind: str, code: int, text: str = "") -> None:
        with self.lock:
            self.statuses[f"{kind} {code}"] += 1
            if code >= 500 and len(self.errors) < 20:
                self.errors.append(f"{kind} {code}: {text[:300]}")


class Session:
    """One signed-in browser: cookies, CSRF token, form posts and JSON calls."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())
        self.get("/login/")
        status, _ = self.post("/login/", {"username": username, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")

    def csrf(self) -> str:
        return next(c.value or "" for c in self.jar if c.name == "csrftoken")

    def call(self, method: str, path: str, body: bytes | None = None,
             content_type: str = "") -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if method != "GET":
            request.add_header("X-CSRFToken", self.csrf())
            request.add_header("Referer", self.base + path)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        finally:
            LATENCIES.append((time.monotonic() - started, method, path))

    def get(self, path: str) -> tuple[int, str]:
        return self.call("GET", path)

    def post(self, path: str, fields: dict[str, Any]) -> tuple[int, str]:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        return self.call("POST", path, data, "application/x-www-form-urlencoded")

    def json(self, method: str, path: str, payload: dict[str, Any]) -> tuple[int, str]:
        return self.call(method, path, json.dumps(payload).encode(), "application/json")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def page_version(text: str, after: str = "") -> int | None:
    start = text.find(after) if after else 0
    match = VERSION_INPUT.search(text, max(start, 0))
    return int(match.group(1)) if match else None


def write_once(session: Session, kind: str, world: dict[str, Any], value_seed: str,
               tally: Tally) -> None:
    """Read the version shown, write a value of this client's own, record what happened."""
    plan, unit = world["plan"], world["unit"]
    value: Any
    node_path = f"/plans/{plan}/nodes/{unit}/"
    if kind == "budget_line":
        line_id, year, source = world["line"]
        status, text = session.get(f"{node_path}?edit={line_id}")
        version = page_version(text, 'data-testid="line-form"')
        amount = int(value_seed)
        fields = {"year": year, "source": source, "amount": amount, "unit": "원", "note": "",
                  "version": version}
        result = session.post(f"{node_path}lines/", fields)
        ok, value = result[0] == 302, amount
    elif kind == "node":
        status, text = session.get(f"{node_path}edit/")
        version = page_version(text)
        value = f"글로벌협력동 신축 {value_seed}"
        result = session.post(f"{node_path}edit/", {"title": value, "kind": "", "description": "",
                                                    "version": version})
        ok = result[0] == 302
    elif kind == "audit_item":
        key, category, number = world["item"]
        path = f"/oversight/{key}/items/{category}/{number}/"
        status, text = session.get(path)
        version = page_version(text)
        value = f"추진 {value_seed}"
        result = session.post(path + "edit/", {"status": "추진중", "actions": value,
                                               "next_steps": "", "due_on": "",
                                               "version": version})
        ok = result[0] == 302
    elif kind == "import_mapping":
        path = f"/imports/{world['batch']}/"
        status, text = session.get(path)
        version = page_version(text)
        unit_choice = random.choice(["원", "천원", "백만원", "억원"])
        fields = {"action": "map", "version": version, "t0_unit": unit_choice,
                  "t0_source": "city", "t0_row_1": unit, "t0_col_1": "2020"}
        result = session.post(path, fields)
        ok = result[0] == 302
        value = unit_choice
    else:
        status, text = session.get("/api/v1/tracking/my-entries")
        api_kind = {"execution": "execution", "indicator_report": "indicator",
                    "milestone": "milestone"}[kind]
        entries = [e for e in json.loads(text) if e["kind"] == api_kind] if status == 200 else []
        version = entries[0]["version"] if entries else None
        if kind == "execution":
            value = int(value_seed)
            result = session.json("PUT", "/api/v1/tracking/execution", {
                "plan": plan, "node": unit, "period_id": world["month"],
                "original_budget": 10**12, "transfers": 0, "carryover": 0,
                "committed": 10**11, "spent": value, "version": version})
        elif kind == "indicator_report":
            value = value_seed
            result = session.json("PUT", "/api/v1/tracking/indicator-reports", {
                "indicator_id": world["indicator"], "period_id": world["quarter"],
                "value": value, "unit": "개", "version": version})
        else:
            value = f"협약 {value_seed}건"
            result = session.json("PUT", "/api/v1/tracking/milestones", {
                "plan": plan, "node": unit, "period_id": world["quarter"], "achieved": value,
                "state": "done", "completed_on": "2019-09-02", "version": version})
        ok = result[0] == 200
    tally.status(kind, result[0], result[1])
    if ok and version is not None:
        tally.success(kind, version, value)


def client_loop(base: str, username: str, kinds: list[str], world: dict[str, Any],
                seconds: float, number: int, tally: Tally, ready: threading.Barrier) -> None:
    session = None
    try:
        session = Session(base, username)
    except Exception as exc:  # counted: a client that cannot sign in is a failure
        tally.status("sign-in", 599, str(exc))
    ready.wait()  # the clock starts when every client has signed in
    if session is None:
        return
    deadline = time.monotonic() + seconds
    sequence = 0
    # At least one write of every kind per client, however slow the machine is today.
    while time.monotonic() < deadline or sequence < len(kinds):
        kind = kinds[sequence % len(kinds)]
        sequence += 1
        seed = str(number * 1_000_000 + sequence)
        try:
            write_once(session, kind, world, seed, tally)
        except Exception as exc:  # a dropped connection is a failure, not a crash of the soak
            tally.status(kind, 598, repr(exc))


# --- orchestration ----------------------------------------------------------------------------


def run_child(step: str, env: dict[str, str], payload: Any = None) -> Any:
    result = subprocess.run([sys.executable, __file__, "--child", step], env=env, cwd=ROOT,
                            input=json.dumps(payload) if payload is not None else "",
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"soak step {step} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def soak(database: str, clients: int, seconds: float, kinds: list[str],
         migrated: Path | None = None) -> dict[str, Any]:
    """The soak on `database` ("sqlite": a file of its own). `migrated`: an SQLite file `rtis
    migrate` made, copied instead of migrating again (the test suite's; SQLite only)."""
    work = Path(tempfile.mkdtemp(prefix="rtis-soak-"))
    drop = None
    if database == "sqlite":
        url = f"sqlite:///{work / 'soak.sqlite3'}"
    else:
        url, drop = postgres_database(database, "rtis_soak")
    env = {**os.environ, "RTIS_DATABASE_URL": url, "RTIS_VAR_DIR": str(work),
           "RTIS_SECRET_KEY": secrets.token_urlsafe(48), "DJANGO_SETTINGS_MODULE":
           "rtis.config.settings", "PYTHONPATH": os.pathsep.join(
               [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    server = None
    try:
        if migrated is not None and database == "sqlite":
            shutil.copyfile(migrated, work / "soak.sqlite3")
        else:
            subprocess.run([sys.executable, "-m", "rtis", "migrate", "--verbosity", "0"],
                           env=env, cwd=ROOT, check=True)
        world = run_child("setup", env)
        before = run_child("start", env, {"world": world})
        port = free_port()
        # The server's log goes to a file: a pipe nobody reads fills up (every 409 is a log
        # line) and then blocks every server thread on its next write.
        server_log = (work / "server.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "rtis", "serve", "--port", str(port),
                                   "--threads", str(max(4, clients))], env=env, cwd=ROOT,
                                  stdout=server_log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        tally = Tally()
        LATENCIES.clear()
        ready = threading.Barrier(clients)
        threads = []
        for number in range(clients):
            # Planners write everything; officers everything but the import mapping.
            username = "soak-planner" if number % 2 == 0 else "soak-officer"
            mine = [k for k in kinds if username == "soak-planner" or k not in PLANNER_ONLY]
            mine = mine[number % len(mine):] + mine[:number % len(mine)]
            thread = threading.Thread(target=client_loop, args=(
                base, username, mine, world, seconds, number + 1, tally, ready))
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        server.terminate()
        server.wait(timeout=30)
        results = {"successes": tally.successes, **before}
        problems = run_child("verify", env, {"world": world, "results": results})
        server_errors = {k: n for k, n in tally.statuses.items() if int(k.split()[-1]) >= 500}
        seconds_each = sorted(latency for latency, _, _ in LATENCIES)
        latency = {"median": round(seconds_each[len(seconds_each) // 2], 3),
                   "p95": round(seconds_each[int(len(seconds_each) * 0.95)], 3),
                   "max": round(seconds_each[-1], 3)} if seconds_each else {}
        return {"database": "sqlite" if database == "sqlite" else "postgresql",
                "requests": len(seconds_each), "latency_s": latency,
                "clients": clients, "seconds": seconds,
                "writes": sum(tally.statuses.values()),
                "successes": {k: len(v) for k, v in tally.successes.items()},
                "statuses": dict(sorted(tally.statuses.items())),
                "server_errors": server_errors, "errors": tally.errors, "problems": problems}
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        if drop is not None:
            drop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite",
                        help="sqlite, or a PostgreSQL URL whose server gets a fresh database")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    kinds = [k for k in args.kinds.split(",") if k]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {sorted(unknown)}")
    figures = soak(args.database, args.clients, args.seconds, kinds)
    print(json.dumps(figures, ensure_ascii=False))
    return 1 if figures["problems"] or figures["server_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
