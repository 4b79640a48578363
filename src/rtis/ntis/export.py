"""`rtis ntis export`: Seoul-type R&D projects (selected applications, rtis.rnd) in NTIS's field
set, as OpenAPI-shaped XML or web-export CSV, so Seoul's records can be handed to the national
system; the files import back through `rtis ntis import` unchanged (round trip).

Mapping (what the city's records hold, nothing invented beyond the stated rules):
- 과제고유번호: an RTIS provisional number, "99" and the application's id in 8 digits, until
  NTIS assigns its own (NTIS numbers never start with 99 in the synthetic or real sets here);
- 기준년도: each year of the requested city funds; 신규 for the first year, 계속 after;
- 정부투자연구비: the city funds (시비) of that year — the field NTIS uses for public funds;
  민간연구비: the private matching, spread evenly over the years (the remainder in the last);
- 지역: 서울; 연구수행주체: 대학 for universities, 중소기업 for SMEs, start-ups and would-be
  founders, 기타 otherwise; 사업명/내역사업명: the programme and the call.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rtis.ntis.synth import write_csv, write_xml
from rtis.rnd.models import Application, ApplicationStatus, OrganisationKind

PERFORMER: dict[str, str] = {OrganisationKind.UNIVERSITY: "대학", OrganisationKind.SEOUL_SME: "중소기업",
             OrganisationKind.STARTUP: "중소기업", OrganisationKind.PRE_FOUNDER: "중소기업"}


def provisional_number(application_id: int) -> str:
    return f"99{application_id:08d}"


def seoul_rows(year: int | None = None) -> Iterator[dict[str, Any]]:
    """One NTIS row per selected application and year of its city funds."""
    selected = (Application.objects.filter(status=ApplicationStatus.SELECTED)
                .select_related("call__programme", "organisation").order_by("pk"))
    for app in selected:
        years = sorted((int(y), int(v)) for y, v in app.requested_funds.items())
        if not years:
            continue
        share, rest = divmod(app.private_matching_won, len(years))
        for i, (funds_year, city) in enumerate(years):
            if year is not None and funds_year != year:
                continue
            private = share + (rest if i == len(years) - 1 else 0)
            yield {
                "year": funds_year, "project_no": provisional_number(app.pk),
                "title": app.title, "ministry": "", "business_name": app.call.programme.name,
                "sub_business_name": app.call.title, "manager": app.principal_investigator,
                "organisation": app.organisation.name, "goal": app.summary,
                "total_funds": city + private, "gov_funds": city, "private_funds": private,
                "continuing": "신규" if i == 0 else "계속", "previous_numbers": "",
                "performer": PERFORMER.get(app.organisation.kind, "기타"), "region": "서울",
                "start_date": f"{years[0][0]}-01-01", "end_date": f"{years[-1][0]}-12-31",
            }


def export_seoul(path: Path, file_format: str, year: int | None = None) -> int:
    """Write the rows to `path` (xml or csv, UTF-8); return how many."""
    with path.open("w", encoding="utf-8", newline="") as out:
        if file_format == "csv":
            return write_csv(seoul_rows(year), out)
        return write_xml(seoul_rows(year), out)


def project_rows(projects: Any) -> Iterator[dict[str, Any]]:
    """National project rows from the database back in NTIS's field set (codes as names in
    their list's version of the year), for XML → DB → XML and CSV → DB → CSV round trips."""
    from rtis.ntis.queries import names
    from rtis.ntis.rows import COLUMNS

    lists = {"stage_code": names("rnd_stage"), "performer_code": names("performer"),
             "region_code": names("region"), "six_t_code": names("six_t")}
    science = names("science_class")
    for values in projects.values_list(*COLUMNS):
        row = dict(zip(COLUMNS, values, strict=True))
        out = {k: v for k, v in row.items() if not k.endswith("_code") and k != "science_large"}
        out["stage"] = lists["stage_code"].get(row["stage_code"], "")
        out["performer"] = lists["performer_code"].get(row["performer_code"], "")
        out["region"] = lists["region_code"].get(row["region_code"], "")
        out["six_t"] = row["six_t_code"]
        out["science_code"] = row["science_code"]
        out["science_name"] = science.get(row["science_large"], "")
        for key in ("start_date", "end_date"):
            out[key] = row[key].isoformat() if row[key] else ""
        yield out
