"""rtis search reindex [--kind KIND]: rebuild the full-text index (all or nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.search.backend import size_bytes
from rtis.search.index import reindex
from rtis.search.registry import KINDS


class Command(BaseCommand):
    help = ("검색 색인 다시 만들기: search reindex [--kind 종류] (실패하면 아무것도 바뀌지 않음) / "
            "rebuild the search index (if anything fails, nothing is changed)")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reindex"], help="reindex: 색인 다시 만들기 / rebuild")
        parser.add_argument("--kind", action="append", choices=sorted(KINDS),
                            help="이 종류만 (여러 번 가능) / only this kind (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = reindex(options["kind"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for kind, count in report.counts.items():
            self.stdout.write(f"{kind}: {count:,}")
        size = size_bytes()
        extra = f", {size / 1_048_576:.1f} MiB" if size is not None else ""
        self.stdout.write(f"검색 색인 완료 / search index rebuilt: {sum(report.counts.values()):,} "
                          f"({report.seconds:.2f} s{extra})")
