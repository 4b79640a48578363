"""`rtis manage load_rnd_programmes`: the Seoul-type R&D programmes of seed 001, linked to the
5th S&T plan's items (load the plan seed first to get the links; re-run to link later)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rtis.rnd.seed import do_load_programmes


class Command(BaseCommand):
    help = "서울형 R&D 사업(시드 001) 적재 / load the Seoul-type R&D programmes of seed 001"

    def handle(self, *args: Any, **options: Any) -> None:
        done = do_load_programmes(None)
        for line in done:
            self.stdout.write(line)
        self.stdout.write(f"R&D 사업 {len(done)}건 반영 / {len(done)} programme change(s)")
