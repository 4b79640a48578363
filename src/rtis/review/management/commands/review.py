"""`rtis review ranking CALL_ID -o FILE.xlsx`: a call's ranking per stage, as managers see it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rtis.review.exports import ranking_workbook
from rtis.rnd.models import Call


class Command(BaseCommand):
    help = "R&D 평가 순위표를 XLSX로 저장 / write a call's evaluation ranking as XLSX"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["ranking"], help="ranking: 순위표 / the ranking")
        parser.add_argument("call_id", type=int, help="공고 번호 / the call's id")
        parser.add_argument("-o", "--output", required=True,
                            help="저장할 XLSX 파일 / the XLSX file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        call = Call.objects.filter(pk=options["call_id"]).first()
        if call is None:
            raise CommandError(f"공고 {options['call_id']}번이 없습니다 / no call "
                               f"{options['call_id']}")
        path = Path(options["output"])
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"파일 이름은 .xlsx로 끝나야 합니다: {path} / the file must end in "
                               f".xlsx: {path}")
        data = ranking_workbook(call)
        path.write_bytes(data)
        self.stdout.write(f"순위표 저장: {path} ({len(data):,} bytes) / ranking written: {path}")
