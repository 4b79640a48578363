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

    python benchmarks/rnd_deadline.py --database sqlite
    python benchmarks/rnd_deadline.py --database postgres://postgres@127.0.0.1:5432/postgres
    python benchmarks/rnd_deadline.py --database postgres://… --login

Exit status 0 when every check holds; the figures are printed as one JSON line at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
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
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from rtis.lib.scratch import free_port, postgres_database

ROOT = Path(__file__).resolve().parent.parent
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


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Applicant:
    """One signed-in applicant's browser: its session cookie and CSRF token."""

    def __init__(self, base: str, session: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        host = urllib.parse.urlsplit(base).hostname or "127.0.0.1"
        if session:
            self.jar.set_cookie(http.cookiejar.Cookie(
                0, "sessionid", session, None, False, host, False, False, "/", True, False, None,
                False, None, None, {}))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())

    def call(self, kind: str, method: str, path: str, body: bytes | None = None,
             content_type: str = "") -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if method != "GET":
            token = next((c.value or "" for c in self.jar if c.name == "csrftoken"), "")
            request.add_header("X-CSRFToken", token)
            request.add_header("Referer", self.base + path)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")
        finally:
            with LOCK:
                LATENCIES.append((time.monotonic() - started, kind))


def pdf_of(size: int, seed: str) -> bytes:
    """A 1 MB file that starts like a PDF, different for each application."""
    head = b"%PDF-1.4\n% " + seed.encode() + b"\n"
    filler = hashlib.sha256(seed.encode()).digest() * (size // 32 + 1)
    return (head + filler)[:size - 6] + b"\n%%EOF"


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def apply_once(base: str, world: dict[str, Any], number: int, size: int,
               statuses: Counter[str], errors: list[str], sent: dict[str, str]) -> None:
    account = world["accounts"][number]
    browser = Applicant(base, account["session"])
    call = world["call"]

    def check(kind: str, status: int, text: str, expected: int) -> bool:
        with LOCK:
            statuses[f"{kind} {status}"] += 1
            if status != expected and len(errors) < 20:
                errors.append(f"{number} {kind} {status}: {text[:300]}")
        return status == expected

    if not account["session"]:  # sign in once, through the form, as an applicant does
        status, text = browser.call("login page", "GET", "/login/")
        if not check("login page", status, text, 200):
            return
        form = urllib.parse.urlencode({"username": account["username"], "password": PASSWORD})
        status, text = browser.call("login", "POST", "/login/", form.encode(),
                                    "application/x-www-form-urlencoded")
        if not check("login", status, text, 302):
            return
    status, text = browser.call("call", "GET", f"/rnd/calls/{call}/")
    if not check("call page", status, text, 200):
        return
    payload = {"title": f"마감 직전 신청 {number}", "summary": "벤치마크 신청",
               "pi": account["pi"], "requested_funds": {str(world["year"]): 100_000_000},
               "private_matching_won": 20_000_000}
    status, text = browser.call("save", "POST", f"/api/v1/rnd/calls/{call}/applications",
                                json.dumps(payload).encode(), "application/json")
    if not check("save", status, text, 201):
        return
    application = json.loads(text)
    data = pdf_of(size, f"application-{number}")
    body, content_type = multipart(f"사업계획서-{number}.pdf", data)
    status, text = browser.call("attach", "POST",
                                f"/api/v1/rnd/applications/{application['id']}/attachments",
                                body, content_type)
    if not check("attach", status, text, 201):
        return
    status, text = browser.call("submit", "POST",
                                f"/api/v1/rnd/applications/{application['id']}/submit",
                                json.dumps({"version": application["version"]}).encode(),
                                "application/json")
    if check("submit", status, text, 200):
        with LOCK:
            sent[f"벤치마크 기업 {number:04d}"] = hashlib.sha256(data).hexdigest()


def client_loop(base: str, world: dict[str, Any], numbers: list[int], size: int,
                statuses: Counter[str], errors: list[str], sent: dict[str, str],
                ready: threading.Barrier) -> None:
    ready.wait()
    for number in numbers:
        apply_once(base, world, number, size, statuses, errors, sent)


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


def rush(database: str, clients: int, applications: int, size: int,
         threads: int, login: bool = False) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="rtis-rush-"))
    drop = None
    if database == "sqlite":
        url = f"sqlite:///{work / 'rush.sqlite3'}"
    else:
        url, drop = postgres_database(database, "rtis_rush")
    env = {**os.environ, "RTIS_DATABASE_URL": url, "RTIS_VAR_DIR": str(work),
           "RTIS_SECRET_KEY": secrets.token_urlsafe(48),
           "DJANGO_SETTINGS_MODULE": "rtis.config.settings", "PYTHONPATH": os.pathsep.join(
               [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    server = None
    try:
        subprocess.run([sys.executable, "-m", "rtis", "migrate", "--verbosity", "0"],
                       env=env, cwd=ROOT, check=True)
        world = run_child("setup", env, applications, login=login)
        port = free_port()
        server_log = (work / "server.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "rtis", "serve", "--port", str(port),
                                   "--threads", str(threads)], env=env, cwd=ROOT,
                                  stdout=server_log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        statuses: Counter[str] = Counter()
        errors: list[str] = []
        sent: dict[str, str] = {}
        LATENCIES.clear()
        ready = threading.Barrier(clients + 1)
        workers = [threading.Thread(target=client_loop, args=(
            base, world, list(range(n, applications, clients)), size, statuses, errors, sent,
            ready)) for n in range(clients)]
        for worker in workers:
            worker.start()
        ready.wait()
        load_before = os.getloadavg()[0]
        started = time.monotonic()
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()[0]
        server.terminate()
        server.wait(timeout=30)
        found = run_child("verify", env, applications, {"world": world, "sent": sent})
        by_kind: dict[str, list[float]] = {}
        for seconds, kind in LATENCIES:
            by_kind.setdefault(kind, []).append(seconds)
        failed = {k: n for k, n in statuses.items()
                  if k.rsplit(" ", 1)[1] not in {"200", "201"} and k != "login 302"}
        return {"database": "sqlite" if database == "sqlite" else "postgresql",
                "clients": clients, "applications": applications, "attachment_bytes": size,
                "server_threads": threads, "login": login, "elapsed_s": round(elapsed, 1),
                "load_average_1min": [round(load_before, 1), round(load_after, 1)],
                "requests": len(LATENCIES), "errors": sum(failed.values()),
                "lost": applications - found["submitted"],
                "latency_s": quantiles([s for s, _ in LATENCIES]),
                "latency_by_kind_s": {k: quantiles(v) for k, v in sorted(by_kind.items())},
                "statuses": dict(sorted(statuses.items())), "error_samples": errors[:5],
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
    parser.add_argument("--threads", type=int, default=16, help="the server's threads")
    parser.add_argument("--login", action="store_true",
                        help="each applicant signs in once through the sign-in form first")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.applications, args.login)
        return 0
    figures = rush(args.database, args.clients, args.applications, args.attachment_bytes,
                   args.threads, args.login)
    print(json.dumps(figures, ensure_ascii=False))
    ok = (not figures["errors"] and not figures["lost"] and not figures["stored"]["problems"]
          and figures["stored"]["attachments"] == figures["applications"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
