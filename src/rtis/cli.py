"""The `rtis` console script: every operator task behind one command."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

# Subcommand → (Django management command, Korean help, English help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "demo": ("rtis_demo", "데모: DB 준비, 시드 적재, 데모 사용자 생성 후 서버 실행",
             "demo: migrate, load the seed, create demo users, serve"),
    "serve": ("rtis_serve", "웹 서버 실행 (waitress)", "run the web server (waitress)"),
    "migrate": ("migrate", "데이터베이스 스키마 적용", "apply database migrations"),
    "createuser": ("createuser", "사용자 만들기 (역할·부서 지정)", "create a user with a role"),
    "load-seed": ("load_seed", "서울 시드 데이터 적재 (있는 계획은 유지)",
                  "load the Seoul seed dataset (keeps existing plans)"),
    "export": ("export_plan", "내보내기: export plan SLUG --format json | export all -o 백업.zip (DB 전체)",
               "export a plan as rtis-plan/1 JSON, or the whole database (rtis-backup/1)"),
    "import": ("import_plan", "가져오기: import plan FILE | import all 백업.zip (전부 아니면 전무)",
               "import a plan file, or restore a whole-database archive (all or nothing)"),
    "check": ("check_data", "데이터 점검: 인쇄된 합계와 계산값 비교",
              "consistency check of stated vs computed figures"),
    "report": ("report", "보고서 만들기: report KIND --plan SLUG --format hwpx|pdf|xlsx|html -o FILE",
               "generate a report (work report, plan tables, pledge card)"),
    "remind": ("remind", "제출 기한 알림 보내기 (매일 실행; 같은 알림은 한 번만)",
               "send due-date reminders (run daily; each is sent once)"),
    "demo-history": ("demo_history", "데모용 과거 실적 만들기 (가상 자료, 입력·결재 요청·승인 거침)",
                     "enter invented past reporting for a demo (through submit and approve)"),
    "unlock": ("unlock_signin", "로그인 잠금 풀기: unlock 아이디|주소 (목록: unlock --list)",
               "clear a sign-in lock of an account or address (--list shows locks)"),
    "portal": ("portal", "공개 포털: portal bundle (모든 공개 자료 묶음 ZIP·SQLite 만들기)",
               "public portal: portal bundle (build the open data ZIP and SQLite)"),
    "facilities": ("facilities", "시설·펀드: facilities recompute (자동 산출 지표 다시 계산)",
                   "facilities and funds: recompute the computed indicators"),
    "review": ("review", "R&D 평가: review ranking 공고번호 -o 순위표.xlsx",
               "R&D evaluation: a call's ranking as XLSX (review ranking CALL_ID -o FILE.xlsx)"),
    "survey-reminders": ("survey_reminders", "R&D 추적조사 제출 독촉 (매일 실행; 같은 독촉은 한 번만)",
                         "remind R&D performers of due follow-up surveys (run daily)"),
    "rnd-import": ("import_rnd_applications",
                   "R&D 신청 가져오기: rnd-import 공고번호 FILE.xlsx --as 아이디 [--dry-run]",
                   "import R&D applications from XLSX, all or nothing"),
    "search": ("rtis_search", "검색 색인: search reindex [--kind 종류] (전체 다시 만들기)",
               "search index: search reindex [--kind KIND] (full rebuild)"),
    "ntis": ("ntis", "국가R&D(NTIS): ntis synth|import|outputs|fetch|export|columnar",
             "national R&D data (NTIS): synthetic files, import, fetch, export, statistics copy"),
    "manage": ("", "Django 관리 명령 직접 실행 (예: rtis manage shell)",
               "run any Django management command"),
}


def usage() -> str:
    """Return the top-level help in Korean and English."""
    width = max(len(name) for name in COMMANDS)
    lines = [
        "rtis — 서울 R&D·혁신성장 정보시스템 운영 명령 / Seoul RTIS operator command",
        "",
        "사용법 / usage: rtis <명령 command> [옵션 options]   (rtis <명령> --help 로 자세히)",
        "",
        "명령 / commands:",
    ]
    for name, (_, korean, english) in COMMANDS.items():
        lines.append(f"  {name.ljust(width)}  {korean}")
        lines.append(f"  {' ' * width}  {english}")
    lines += [
        "",
        "환경변수 / environment: RTIS_DATABASE_URL, RTIS_SECRET_KEY(_FILE), RTIS_DEBUG,",
        "  RTIS_ALLOWED_HOSTS, RTIS_TIME_ZONE, RTIS_LANGUAGE, RTIS_TODAY (docs/operations.md)",
    ]
    return "\n".join(lines)


def _ensure_demo_secret() -> None:
    """Give the demo a persistent random secret under var/ unless one is configured."""
    if os.environ.get("RTIS_SECRET_KEY") or os.environ.get("RTIS_SECRET_KEY_FILE"):
        return
    # Settings read the secret when first imported, so this must not import them.
    path = Path(os.environ["RTIS_VAR_DIR"]) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    os.environ["RTIS_SECRET_KEY_FILE"] = str(path)


def _use_stored_demo_secret() -> None:
    """Outside `rtis demo`, sign with the key `rtis demo` keeps in the var folder if none is set.

    So `rtis export …` and the other commands work on the demo database as they are; said once
    on stderr, since a server should have its own key (docs/operations.md §5).
    """
    if os.environ.get("RTIS_SECRET_KEY") or os.environ.get("RTIS_SECRET_KEY_FILE"):
        return
    # The folder settings use: RTIS_VAR_DIR, else var/ of the checkout (src/rtis/cli.py -> ../../).
    var_dir = os.environ.get("RTIS_VAR_DIR") or str(Path(__file__).resolve().parents[2] / "var")
    path = Path(var_dir) / "secret_key"
    if path.is_file():
        os.environ["RTIS_SECRET_KEY_FILE"] = str(path)
        print(f"rtis: 비밀키 설정이 없어 데모가 저장한 키 {path}를 씁니다 / no secret key "
              f"configured: using the key the demo stored in {path}", file=sys.stderr)


def _use_demo_today(create: bool) -> None:
    """Fix RTIS_TODAY to the demo's day stored in the var folder (written first by `rtis demo`).

    An RTIS_TODAY already in the environment wins (empty: follow the clock). Like the secret,
    this runs before settings are imported.
    """
    from rtis.lib.demo_day import TODAY_FILE, VARIABLE, read_demo_today, write_demo_today

    if VARIABLE in os.environ:
        return
    var_dir = Path(os.environ.get("RTIS_VAR_DIR") or Path(__file__).resolve().parents[2] / "var")
    if create:
        write_demo_today(var_dir)
    day = read_demo_today(var_dir)
    if day is not None:
        os.environ[VARIABLE] = day
        print(f"rtis: 데모 기준일 {day} ({var_dir / TODAY_FILE}에서 읽음; RTIS_TODAY로 바꿀 수 "
              f"있음) / today is {day} (the demo's day; set RTIS_TODAY to change it)",
              file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Dispatch `rtis <command>` to its management command."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"rtis: 알 수 없는 명령 '{name}' / unknown command '{name}'\n", file=sys.stderr)
        print(usage(), file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtis.config.settings")
    wants_help = any(arg in {"-h", "--help"} for arg in rest)
    if name == "demo" and not wants_help:
        os.environ.setdefault("RTIS_VAR_DIR", str(Path.cwd() / "var"))
        _ensure_demo_secret()
    elif not wants_help:
        _use_stored_demo_secret()
    if not wants_help:
        _use_demo_today(create=name == "demo")
    if wants_help:
        print(f"rtis {name}: {COMMANDS[name][1]} / {COMMANDS[name][2]}\n")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        print(f"rtis: 설정 오류 / configuration error: {exc}", file=sys.stderr)
        return 2
    from django.conf import settings
    from django.core.management import execute_from_command_line, get_commands, load_command_class

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)

    command = COMMANDS[name][0]
    if name == "manage":
        execute_from_command_line(["rtis manage", *rest])
        return 0
    # Run the command under its rtis name so its --help reads "rtis load-seed ...".
    handler = load_command_class(get_commands()[command], command)
    handler.run_from_argv(["rtis", name, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
