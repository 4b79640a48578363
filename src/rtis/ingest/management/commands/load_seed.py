"""rtis load-seed: load the Seoul dataset. If anything fails, nothing is saved."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.ingest.seed import load_seed
from rtis.lib.seed_schema import SeedError


class Command(BaseCommand):
    help = ("서울 시드 데이터(src/rtis/seed/)를 적재합니다. 이미 있는 계획은 그대로 둡니다. "
            "하나라도 오류가 있으면 아무것도 저장하지 않습니다. / Load the Seoul seed dataset; "
            "existing plans are kept. If anything fails, nothing is saved.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--replace", action="store_true",
                            help="있는 계획도 시드로 다시 만듭니다 / rebuild existing plans too")
        parser.add_argument("--only", metavar="SLUG",
                            help="이 계획 파일만 적재 / load only seed/plans/SLUG.yaml")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_seed(replace=options["replace"], only=options["only"])
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        for slug in report.created:
            self.stdout.write(f"적재 / loaded: {slug}")
        for slug in report.replaced:
            self.stdout.write(f"교체 / replaced: {slug}")
        for slug in report.kept:
            self.stdout.write(f"유지 / kept (already loaded): {slug}")
        for name in report.other_files:
            self.stdout.write(f"검증만 / validated, loaded by a later module: {name}")
