"""The demo's agreements: for every application selected in a call that closed before the demo's
day, an agreement, a first annual report and two outputs (a patent application and a
commercialisation), all dated before that day and entered through the grants actions.

Clearly synthetic: the documents print programme-level figures (loaded by the migration as
"printed" and shown on the statistics page), not projects. Amounts follow the application (its
requested years; the award split over them, the private matching likewise); the report and the
outputs are invented text. Until the evaluation's demo selects applications, this finds none and
does nothing. Running it again changes nothing (an application with an agreement is skipped).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rtis.grants.actions import (
    do_make_agreement,
    do_record_output,
    do_save_annual_report,
    do_submit_annual_report,
)
from rtis.grants.models import Agreement
from rtis.rnd.models import Application, ApplicationStatus

START_AFTER_CLOSE = dt.timedelta(days=30)


def _split(total: int, years: list[int]) -> dict[int, int]:
    """Split won over the years, the remainder in the first year (sum is exactly total)."""
    share, rest = divmod(total, len(years))
    return {y: share + (rest if i == 0 else 0) for i, y in enumerate(years)}


def _period(application: Application, today: dt.date) -> tuple[dt.date, dt.date, list[int]]:
    closed = application.call.closes_at.date()
    starts = closed + START_AFTER_CLOSE
    if starts >= today:
        starts = closed + dt.timedelta(days=1)
    requested = sorted(int(y) for y in application.requested_funds) or [starts.year]
    years = [y for y in requested if y >= starts.year] or [starts.year]
    return starts, dt.date(years[-1], 12, 31), years


def do_demo_grants(manager: Any, today: dt.date) -> list[str]:
    """Make the demo's agreements, first reports and outputs; return what was done."""
    done: list[str] = []
    selected = (Application.objects.filter(status=ApplicationStatus.SELECTED,
                                           awarded_won__gt=0, agreement__isnull=True,
                                           call__closes_at__date__lt=today)
                .select_related("call__programme", "organisation").order_by("call", "pk"))
    for application in selected:
        starts, ends, years = _period(application, today)
        if starts >= today or ends <= starts:
            continue
        award = application.awarded_won or 0
        city = _split(award, years)
        private = _split(application.private_matching_won, years)
        amounts = {y: {"city": city[y], "private_cash": private[y]} for y in years}
        agreement = do_make_agreement(
            manager, application, starts_on=starts, ends_on=ends, amounts=amounts,
            conditions="민간부담금은 현금으로 부담하고, 연차보고서는 다음 해 1월 말까지 제출한다. (데모)",
            targets=[{"kind": "deliverable", "name": "시제품 1식", "due_on": ends},
                     {"kind": "indicator", "name": "특허 출원", "unit": "건", "target": 1},
                     {"kind": "indicator", "name": "매출", "unit": "백만원", "target": 100}])
        done.append(f"협약 / agreement: {agreement.number} {application.organisation}")
        done.extend(_first_year(manager, agreement, today))
    return done


def _first_year(manager: Any, agreement: Agreement, today: dt.date) -> list[str]:
    done: list[str] = []
    first = agreement.starts_on.year
    if first < today.year:
        city = sum(a.amount_won for a in agreement.amounts.all()
                   if a.year == first and a.source == "city")
        report = do_save_annual_report(
            manager, agreement, year=first,
            progress="시제품 설계와 1차 시작품 제작을 마치고 현장 시험을 준비했다. (데모)",
            spent_city_won=city * 9 // 10, issues="부품 수급 지연 (데모)")
        do_submit_annual_report(manager, report, report.version)
        done.append(f"연차보고서 / annual report: {agreement.number} {first}")
    span = (today - agreement.starts_on).days
    if span >= 3:
        patent_on = agreement.starts_on + dt.timedelta(days=span // 3)
        sold_on = agreement.starts_on + dt.timedelta(days=2 * span // 3)
        do_record_output(manager, agreement, kind="patent_application",
                         title=f"{agreement.application.title} 핵심 기술 (데모)",
                         occurred_on=patent_on, reference=f"10-{patent_on.year}-DEMO{agreement.pk:04d}",
                         evidence="특허 출원서 사본 (데모)")
        do_record_output(manager, agreement, kind="commercialisation",
                         title=f"{agreement.application.organisation} 첫 제품 출시 (데모)",
                         occurred_on=sold_on, amount_won=None,
                         evidence="판매 계약서 사본 (데모)")
        done.append(f"성과 / outputs: {agreement.number} 특허 출원 {patent_on}, 사업화 {sold_on}")
    return done
