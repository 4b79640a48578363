"""rtis facilities recompute: write computed indicators' yearly actuals from the records."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from rtis.facilities.compute import do_recompute_indicators, refresh_outcome_summaries


class Command(BaseCommand):
    help = ("recompute: 시설·입주·펀드 기록으로 자동 산출 지표의 연도별 실적을 다시 계산합니다. 하나라도 실패하면 "
            "아무것도 저장하지 않습니다 / Recompute the computed indicators' yearly actuals from the "
            "facility, tenancy and fund records; if anything fails, nothing is saved.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["recompute"],
                            help="recompute: 자동 산출 지표 다시 계산 / recompute computed indicators")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        summaries = refresh_outcome_summaries()
        report = do_recompute_indicators()
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"자동 산출 지표 {report.indicators}개: 새 실적 {report.created}건, 바뀐 실적 "
            f"{report.changed}건, 그대로 {report.unchanged}건, 시설·연도별 성과 합계 {summaries}행 "
            f"({elapsed:.2f}초) / "
            f"{report.indicators} computed indicators: {report.created} created, "
            f"{report.changed} changed, {report.unchanged} unchanged, {summaries} yearly outcome "
            f"sums ({elapsed:.2f} s)")
