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
    "export": ("export_plan", "계획 내보내기: export plan SLUG --format json",
               "export a plan as rtis-plan/1 JSON"),
    "import": ("import_plan", "계획 가져오기: import plan FILE (전부 아니면 전무)",
               "import a plan file (all or nothing)"),
    "check": ("check_data", "데이터 점검: 인쇄된 합계와 계산값 비교",
              "consistency check of stated vs computed figures"),
    "report": ("report", "보고서 만들기: report KIND --plan SLUG --format hwpx|pdf|xlsx|html -o FILE",
               "generate a report (work report, plan tables, pledge card)"),
    "remind": ("remind", "제출 기한 알림 보내기 (매일 실행; 같은 알림은 한 번만)",
               "send due-date reminders (run daily; each is sent once)"),
    "unlock": ("unlock_signin", "로그인 잠금 풀기: unlock 아이디|주소 (목록: unlock --list)",
               "clear a sign-in lock of an account or address (--list shows locks)"),
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
        "  RTIS_ALLOWED_HOSTS, RTIS_TIME_ZONE, RTIS_LANGUAGE (docs/operations.md)",
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
