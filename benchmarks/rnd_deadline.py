"""The deadline rush of an R&D call: 1,000 applications by 50 concurrent clients within a minute.

A real RTIS server (`rtis serve`, waitress) runs on a fresh database (a SQLite file, or a
PostgreSQL database created and dropped here). 1,000 applicant organisations each have a
confirmed applicant account already signed in (their session is made on the server's side: the
rush measures applying, not password hashing), like applicants who prepared their drafts and come
back in the last minute. 50 client threads share the 1,000 accounts; for each application a
client makes four requests through the JSON API: GET the call (CSRF cookie), POST the
application (save), POST one 1 MB PDF attachment, POST submit. Afterwards, straight from the
database and the disk:

- every application is submitted, once, with one attachment whose stored bytes hash to what was
  sent (0 lost), and no request answered an error (0 errors);
- the elapsed time of the rush, and the median / p95 / max seconds per request and per kind;
- the machine's load average before and after (a shared machine's figures follow it).

With --login each applicant signs in once through the sign-in form (GET /login/, POST its name
and password, Django's PBKDF2 hash checked by the server), as a real applicant does, before its
four requests; the sign-ins are reported as their own kind.

The server runs `--processes 2 --threads 8` (the deadline-day setting for two cores); the CPU
time of the server, of PostgreSQL's backends for the rush's database and of the clients is read
from /proc and reported per request; `--by-kind` sends one kind of request at a time for every
application, so that each kind's CPU is read alone; `--server-src` runs the server from another
checkout's `src/` (a before/after in the same session).

    python benchmarks/rnd_deadline.py --database sqlite
    python benchmarks/rnd_deadline.py --database postgres://postgres@127.0.0.1:5432/postgres
    python benchmarks/rnd_deadline.py --database postgres://… --login
    python benchmarks/rnd_deadline.py --database postgres://… --by-kind --processes 1 --threads 16

Exit status 0 when every check holds; the figures are printed as one JSON line at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import http.cookies
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

from rtis.lib.scratch import free_port, postgres_database

ROOT = Path(__file__).resolve().parent.parent
THREADS, PROCESSES = 8, 2  # the deadline-day setting for two cores (docs/operations.md)
LATENCIES: list[tuple[float, str]] = []
LOCK = threading.Lock()


# --- the server's side (a child process with Django) -----------------------------------------


PASSWORD = "deadline-rush-password"


def setup_world(applications: int, login: bool = False) -> dict[str, Any]:
    """A published call open for an hour and `applications` applicant accounts: signed in
    already, or (login) with a password to sign in with."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from rtis.lib.bizno import business_check_digit
    from rtis.orgs.models import Role, User
    from rtis.rnd.actions import do_create_call, do_create_programme, do_publish_call
    from rtis.rnd.models import Applicant, Organisation, Person
    from rtis.web.sessions import LAST_SEEN, SIGNED_IN_AT

    planner = User.objects.create(username="bench-planner", role=Role.PLANNER)
    programme = do_create_programme(planner, name="기술상용화 R&D (벤치마크)",
                                    kind="commercialisation")
    now = timezone.now()
    call = do_create_call(planner, programme, year=now.year, title="마감일 벤치마크 공고",
                          budget_won=100_000_000_000, opens_at=now - dt.timedelta(days=1),
                          closes_at=now + dt.timedelta(hours=1), eligibility=["seoul_sme"],
                          stages=[{"name": "서면평가", "criteria": [
                              {"name": "기술성", "weight": 100, "max_score": 100}]}])
    call = do_publish_call(planner, call, call.version)
    accounts = []
    # One hash for every account (each a valid PBKDF2 hash of the same password): hashing a
    # thousand would take minutes of setup; the server still checks one per sign-in.
    hashed = make_password(PASSWORD)
    with transaction.atomic():
        for n in range(applications):
            nine = f"5{n:08d}"
            organisation = Organisation.objects.create(
                name=f"벤치마크 기업 {n:04d}", kind="seoul_sme",
                business_number=nine + str(business_check_digit(nine)))
            user = User(username=f"bench-applicant-{n:04d}", role=Role.APPLICANT,
                        email=f"a{n}@example.org")
            user.password = hashed
            user.save()
            Applicant.objects.create(user=user, organisation=organisation, confirmed_at=now)
            person = Person.objects.create(organisation=organisation, name=f"책임자{n}")
            if login:
                accounts.append({"session": "", "username": user.username, "pi": person.pk})
                continue
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            # As a sign-in leaves it (rtis.web.sessions), last active a minute ago: the first
            # request of the rush records the activity (one session write), as it would then.
            session[SIGNED_IN_AT] = int(time.time()) - 600
            session[LAST_SEEN] = int(time.time()) - 60
            session.create()
            accounts.append({"session": session.session_key, "username": user.username,
                             "pi": person.pk})
    return {"call": call.pk, "year": call.year, "accounts": accounts}


def verify_world(world: dict[str, Any], sent: dict[str, str]) -> dict[str, Any]:
    """Count what the database and the disk hold against what the clients sent."""
    from rtis.rnd.models import ATTACHMENTS, Application, Attachment

    submitted = Application.objects.filter(call_id=world["call"], status="submitted").count()
    total = Application.objects.filter(call_id=world["call"]).count()
    stored = {a.application.organisation.name: a for a in
              Attachment.objects.select_related("application__organisation")}
    problems = []
    for organisation, digest in sent.items():
        attachment = stored.get(organisation)
        if attachment is None:
            problems.append(f"{organisation}: no attachment")
            continue
        with ATTACHMENTS.open(attachment.stored_name, "rb") as handle:
            on_disk = hashlib.sha256(handle.read()).hexdigest()
        if not (attachment.sha256 == digest == on_disk):
            problems.append(f"{organisation}: attachment differs")
    return {"applications": total, "submitted": submitted, "attachments": len(stored),
            "problems": problems[:20]}


def child(step: str, applications: int, login: bool) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if step == "setup":
        print(json.dumps(setup_world(applications, login)))
    else:
        payload = json.loads(sys.stdin.read())
        print(json.dumps(verify_world(payload["world"], payload["sent"])))


# --- the clients ---------------------------------------------------------------------------------
#
# The load generator runs on the same cores as the server, so it is kept cheap: one keep-alive
# HTTP/1.1 connection per client thread (as a reverse proxy keeps its upstream connections), the
# cookies kept per applicant, every request body prepared before the clock starts and the 1 MB
# attachment sent as three pieces (its distinct head, a shared 1 MB of random bytes, its tail)
# instead of being built and copied per request; what was sent is hashed before the rush too.


class Browser:
    """One client thread's connection to the server; each applicant's cookies kept apart."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.connection: http.client.HTTPConnection | None = None
        self.used = 0  # requests sent on the current connection
        self.reconnects = 0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def call(self, cookies: dict[str, str], kind: str, method: str, path: str,
             body: tuple[bytes | memoryview, ...] = (), content_type: str = "") -> tuple[int, str]:
        headers = {"Host": f"{self.host}:{self.port}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        if method != "GET":
            headers["X-CSRFToken"] = cookies.get("csrftoken", "")
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
            headers["Content-Length"] = str(sum(len(piece) for piece in body))
        started = time.monotonic()
        try:
            for attempt in (1, 2):
                reused = self.used > 0
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port,
                                                                 timeout=120)
                    self.used = 0
                try:
                    self.connection.putrequest(method, path, skip_host=True,
                                               skip_accept_encoding=True)
                    for name, value in headers.items():
                        self.connection.putheader(name, value)
                    self.connection.endheaders()
                    for piece in body:
                        self.connection.send(piece)
                    self.used += 1
                    response = self.connection.getresponse()
                    text = response.read().decode("utf-8", "replace")
                except (http.client.RemoteDisconnected, ConnectionResetError,
                        BrokenPipeError) as exc:
                    # The server closed a kept-alive connection before this request was read:
                    # a browser opens a new one and sends the request again (once).
                    self.close()
                    if attempt == 2 or not reused:
                        return 0, f"{type(exc).__name__}: {exc}"
                    self.reconnects += 1
                    continue
                except OSError as exc:
                    self.close()
                    return 0, f"{type(exc).__name__}: {exc}"
                for header in response.msg.get_all("Set-Cookie") or []:
                    for morsel in http.cookies.SimpleCookie(header).values():
                        cookies[morsel.key] = morsel.value
                if response.will_close:
                    self.close()
                return response.status, text
            raise AssertionError("unreachable")
        finally:
            with LOCK:
                LATENCIES.append((time.monotonic() - started, kind))


FILLER: bytes = b""  # one megabyte of random bytes that every attachment carries


def attachment_of(size: int, number: int) -> tuple[tuple[bytes | memoryview, ...], str, str]:
    """Application `number`'s multipart body (as pieces), its content type and the SHA-256 of
    its file: a `size`-byte file that starts and ends like a PDF, distinct by its first line."""
    head = b"%PDF-1.4\n% application-" + str(number).encode() + b"\n"
    tail = b"\n%%EOF"
    middle = memoryview(FILLER)[:size - len(head) - len(tail)]
    digest = hashlib.sha256(head)
    digest.update(middle)
    digest.update(tail)
    boundary = secrets.token_hex(16)
    preamble = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"사업계획서-{number}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
    closing = f"\r\n--{boundary}--\r\n".encode()
    return ((preamble.encode() + head, middle, tail + closing),
            f"multipart/form-data; boundary={boundary}", digest.hexdigest())


KINDS = ("login", "call", "save", "attach", "submit")


class Rush:
    """The applications' state and the four (five with sign-in) steps of each."""

    def __init__(self, world: dict[str, Any], size: int, login: bool) -> None:
        global FILLER
        FILLER = os.urandom(size)
        self.world = world
        self.kinds = KINDS if login else KINDS[1:]
        self.statuses: Counter[str] = Counter()
        self.errors: list[str] = []
        self.sent: dict[str, str] = {}
        self.cookies: list[dict[str, str]] = []
        self.bodies: list[tuple[tuple[bytes | memoryview, ...], str, str]] = []
        self.saves: list[bytes] = []
        for number, account in enumerate(world["accounts"]):
            self.cookies.append({"sessionid": account["session"]} if account["session"] else {})
            self.bodies.append(attachment_of(size, number))
            self.saves.append(json.dumps({
                "title": f"마감 직전 신청 {number}", "summary": "벤치마크 신청",
                "pi": account["pi"], "requested_funds": {str(world["year"]): 100_000_000},
                "private_matching_won": 20_000_000}).encode())
        self.application: dict[int, dict[str, Any]] = {}
        self.failed: set[int] = set()

    def check(self, number: int, kind: str, status: int, text: str, expected: int) -> bool:
        with LOCK:
            self.statuses[f"{kind} {status}"] += 1
            if status != expected:
                self.failed.add(number)
                if len(self.errors) < 20:
                    self.errors.append(f"{number} {kind} {status}: {text[:300]}")
        return status == expected

    def step(self, browser: Browser, number: int, kind: str) -> bool:
        """One request of application `number`; False when it failed (its later steps skipped)."""
        if number in self.failed:
            return False
        cookies, call = self.cookies[number], self.world["call"]
        if kind == "login":  # sign in once, through the form, as an applicant does
            status, text = browser.call(cookies, "login page", "GET", "/login/")
            if not self.check(number, "login page", status, text, 200):
                return False
            form = urllib.parse.urlencode({"username": self.world["accounts"][number]["username"],
                                           "password": PASSWORD}).encode()
            status, text = browser.call(cookies, "login", "POST", "/login/", (form,),
                                        "application/x-www-form-urlencoded")
            return self.check(number, "login", status, text, 302)
        if kind == "call":  # the call's page: the CSRF cookie
            status, text = browser.call(cookies, "call", "GET", f"/rnd/calls/{call}/")
            return self.check(number, "call page", status, text, 200)
        if kind == "save":
            status, text = browser.call(cookies, "save", "POST",
                                        f"/api/v1/rnd/calls/{call}/applications",
                                        (self.saves[number],), "application/json")
            if self.check(number, "save", status, text, 201):
                self.application[number] = json.loads(text)
                return True
            return False
        application = self.application[number]
        if kind == "attach":
            pieces, content_type, _ = self.bodies[number]
            status, text = browser.call(cookies, "attach", "POST",
                                        f"/api/v1/rnd/applications/{application['id']}"
                                        f"/attachments", pieces, content_type)
            return self.check(number, "attach", status, text, 201)
        body = json.dumps({"version": application["version"]}).encode()
        status, text = browser.call(cookies, "submit", "POST",
                                    f"/api/v1/rnd/applications/{application['id']}/submit",
                                    (body,), "application/json")
        if self.check(number, "submit", status, text, 200):
            with LOCK:
                self.sent[f"벤치마크 기업 {number:04d}"] = self.bodies[number][2]
            return True
        return False


def client_loop(rush: Rush, browser: Browser, numbers: list[int], ready: threading.Barrier,
                by_kind: bool) -> None:
    """Apply for `numbers`, application after application; or (by_kind) one kind of request
    for all of them at a time, between barriers, so the server's CPU per kind can be read."""
    try:
        if not by_kind:
            ready.wait()
            for number in numbers:
                for kind in rush.kinds:
                    if not rush.step(browser, number, kind):
                        break
            return
        for kind in rush.kinds:
            ready.wait()
            for number in numbers:
                rush.step(browser, number, kind)
            ready.wait()
    finally:
        browser.close()


# --- CPU time, read from /proc (Linux): the server with its workers, PostgreSQL's backends ---

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: str) -> tuple[int, float] | None:
    """A process's parent and its CPU seconds so far (user + system), or None if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


class CpuMeter:
    """CPU seconds used by a process and its descendants, and by the database server's backends
    for one database (found by their process title; sampled, so a backend that ends keeps what
    it used until its last sample)."""

    def __init__(self, root: int, database: str | None) -> None:
        self.root, self.database = root, database
        self.seen: dict[int, float] = {}
        self.stop = threading.Event()
        self.sampler = threading.Thread(target=self._sample_loop, daemon=True)
        if database and Path("/proc").is_dir():
            self.sampler.start()

    def _sample_loop(self) -> None:
        while not self.stop.wait(0.5):
            self.database_cpu()

    def server_cpu(self) -> float:
        parents = {}
        cpu = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (found := _stat(entry)) is not None:
                parents[int(entry)], cpu[int(entry)] = found
        total, family = 0.0, {self.root}
        for pid in sorted(cpu):  # children have higher pids than a fork's parent, mostly
            if pid in family or parents[pid] in family:
                family.add(pid)
                total += cpu[pid]
        return total

    def database_cpu(self) -> float:
        if not self.database:
            return 0.0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                title = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {self.database} ".encode() in title:
                found = _stat(entry)
                if found is not None:
                    with LOCK:
                        self.seen[int(entry)] = max(self.seen.get(int(entry), 0.0), found[1])
        with LOCK:
            return sum(self.seen.values())

    def snapshot(self) -> dict[str, float]:
        times = os.times()
        return {"server": self.server_cpu(), "database": self.database_cpu(),
                "clients": times.user + times.system, "wall": time.monotonic()}


def cpu_between(before: dict[str, float], after: dict[str, float],
                requests: int) -> dict[str, Any]:
    spent = {k: after[k] - before[k] for k in ("server", "database", "clients", "wall")}
    per = {f"{k}_ms_per_request": round(1000 * spent[k] / max(requests, 1), 2)
           for k in ("server", "database", "clients")}
    return {"requests": requests, **{f"{k}_cpu_s": round(v, 2) for k, v in spent.items()
                                     if k != "wall"},
            "wall_s": round(spent["wall"], 2), **per}


# --- the run -------------------------------------------------------------------------------------


def run_child(step: str, env: dict[str, str], applications: int, payload: Any = None,
              login: bool = False) -> Any:
    result = subprocess.run([sys.executable, __file__, "--child", step, "--applications",
                             str(applications), *(["--login"] if login else [])], env=env,
                            cwd=ROOT,
                            input=json.dumps(payload) if payload is not None else "",
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"step {step} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}
    return {"median": round(ordered[len(ordered) // 2], 3),
            "p95": round(ordered[int(len(ordered) * 0.95)], 3), "max": round(ordered[-1], 3)}


def rush(database: str, clients: int, applications: int, size: int, threads: int,
         processes: int = 1, login: bool = False, by_kind: bool = False,
         source: Path | None = None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="rtis-rush-"))
    drop = None
    if database == "sqlite":
        url = f"sqlite:///{work / 'rush.sqlite3'}"
    else:
        url, drop = postgres_database(database, "rtis_rush")
    src = (source or ROOT / "src").resolve()
    env = {**os.environ, "RTIS_DATABASE_URL": url, "RTIS_VAR_DIR": str(work),
           "RTIS_SECRET_KEY": secrets.token_urlsafe(48),
           "DJANGO_SETTINGS_MODULE": "rtis.config.settings", "PYTHONPATH": os.pathsep.join(
               [str(src), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("RTIS_DEBUG", None)
    server = None
    try:
        subprocess.run([sys.executable, "-m", "rtis", "migrate", "--verbosity", "0"],
                       env=env, cwd=ROOT, check=True)
        world = run_child("setup", env, applications, login=login)
        port = free_port()
        server_log = (work / "server.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "rtis", "serve", "--port", str(port),
                                   "--threads", str(threads), "--processes", str(processes)],
                                  env=env, cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        plan = Rush(world, size, login)
        meter = CpuMeter(server.pid, None if database == "sqlite"
                         else urllib.parse.urlsplit(url).path.lstrip("/"))
        LATENCIES.clear()
        browsers = [Browser("127.0.0.1", port) for _ in range(clients)]
        ready = threading.Barrier(clients + 1)
        workers = [threading.Thread(target=client_loop, args=(
            plan, browsers[n], list(range(n, applications, clients)), ready, by_kind))
            for n in range(clients)]
        for worker in workers:
            worker.start()
        load_before = os.getloadavg()[0]
        first = meter.snapshot()
        cpu_by_kind: dict[str, Any] = {}
        if by_kind:
            for kind in plan.kinds:
                before, count = meter.snapshot(), len(LATENCIES)
                ready.wait()  # go
                ready.wait()  # every client done with this kind
                cpu_by_kind[kind] = cpu_between(before, meter.snapshot(),
                                                len(LATENCIES) - count)
        else:
            ready.wait()
        for worker in workers:
            worker.join()
        last = meter.snapshot()
        elapsed = last["wall"] - first["wall"]
        load_after = os.getloadavg()[0]
        meter.stop.set()
        server.terminate()
        server.wait(timeout=30)
        found = run_child("verify", env, applications, {"world": world, "sent": plan.sent})
        by_kind_latency: dict[str, list[float]] = {}
        for seconds, kind in LATENCIES:
            by_kind_latency.setdefault(kind, []).append(seconds)
        failed = {k: n for k, n in plan.statuses.items()
                  if k.rsplit(" ", 1)[1] not in {"200", "201"} and k != "login 302"}
        return {"database": "sqlite" if database == "sqlite" else "postgresql",
                "clients": clients, "applications": applications, "attachment_bytes": size,
                "server_threads": threads, "server_processes": processes, "login": login,
                "by_kind": by_kind, "server_source": str(src), "elapsed_s": round(elapsed, 1),
                "load_average_1min": [round(load_before, 1), round(load_after, 1)],
                "requests": len(LATENCIES), "errors": sum(failed.values()),
                "lost": applications - found["submitted"],
                "reconnects": sum(b.reconnects for b in browsers),
                "latency_s": quantiles([s for s, _ in LATENCIES]),
                "latency_by_kind_s": {k: quantiles(v) for k, v in sorted(by_kind_latency.items())},
                "cpu": cpu_between(first, last, len(LATENCIES)), "cpu_by_kind": cpu_by_kind,
                "statuses": dict(sorted(plan.statuses.items())), "error_samples": plan.errors[:5],
                "stored": found}
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        if drop is not None:
            drop()
        shutil.rmtree(work, ignore_errors=True)  # a gigabyte of attachments


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite",
                        help="sqlite, or a PostgreSQL URL whose server gets a fresh database")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--attachment-bytes", type=int, default=1024 * 1024)
    parser.add_argument("--threads", type=int, default=THREADS,
                        help=f"the server's threads per process ({THREADS})")
    parser.add_argument("--processes", type=int, default=PROCESSES,
                        help=f"the server's processes (rtis serve --processes; {PROCESSES})")
    parser.add_argument("--login", action="store_true",
                        help="each applicant signs in once through the sign-in form first")
    parser.add_argument("--by-kind", action="store_true",
                        help="one kind of request at a time for every application, with the "
                             "CPU time each kind costs the server, the database and the clients")
    parser.add_argument("--server-src", type=Path,
                        help="run the server from this source tree (e.g. a checkout of the "
                             "previous commit's src/) to compare in the same run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.applications, args.login)
        return 0
    figures = rush(args.database, args.clients, args.applications, args.attachment_bytes,
                   args.threads, args.processes, args.login, args.by_kind, args.server_src)
    print(json.dumps(figures, ensure_ascii=False))
    ok = (not figures["errors"] and not figures["lost"] and not figures["stored"]["problems"]
          and figures["stored"]["attachments"] == figures["applications"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
