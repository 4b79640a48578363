"""A call's ranking as an XLSX workbook (one sheet per stage), in Korean."""

from __future__ import annotations

import io

from openpyxl import Workbook

from rtis.review.queries import TIE_LABELS, ranking
from rtis.rnd.models import Call

HEADERS = ["순위", "신청기관", "과제명", "신청 시비(원)", "종합 점수", "평가위원 수", "결과",
           "선정 지원금(원)", "동점 처리", "확정"]


def ranking_workbook(call: Call) -> bytes:
    """The ranking of every stage of the call (decided results, or the preview so far)."""
    book = Workbook()
    book.remove(book.active)
    for stage in call.stages.order_by("order"):
        sheet = book.create_sheet(f"{stage.order}. {stage.name}"[:31])
        sheet.append(HEADERS)
        rows, decided, _missing = ranking(stage)
        for row in rows:
            sheet.append([row.rank, row.application.organisation.name, row.application.title,
                          row.application.requested_total_won, float(row.total), row.evaluators,
                          row.outcome_label, row.awarded_won, TIE_LABELS.get(row.tie, ""),
                          "확정" if decided else "미확정(미리보기)"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()
