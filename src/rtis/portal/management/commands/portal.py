"""rtis portal bundle: build the bulk download of all public data now (ZIP of CSVs and SQLite)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rtis.portal.bundle import build, rebuild_if_stale


class Command(BaseCommand):
    help = ("공개 포털 작업: bundle — 모든 공개 자료 묶음(CSV ZIP과 자료 사전, SQLite)을 만듭니다 "
            "(공개하면 자동으로 다시 만들어짐). / Portal tasks: bundle — build the bulk download "
            "of all public data (ZIP of CSVs with a dictionary, and SQLite); rebuilt on publish.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("task", choices=["bundle"], help="bundle: 공개 자료 묶음 만들기 / "
                            "build the open data bundle")
        parser.add_argument("--if-stale", action="store_true",
                            help="자료가 바뀐 경우에만 / only when the data changed since the last build")

    def handle(self, *args: Any, **options: Any) -> None:
        built = rebuild_if_stale() if options["if_stale"] else build()
        self.stdout.write(f"공개 자료 묶음을 만들었습니다 / built the open data bundle: "
                          f"{built.zip_path} · {built.sqlite_path} ({built.stamp})")
