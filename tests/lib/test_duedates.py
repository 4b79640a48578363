"""Due dates read from the printed schedules (향후계획) of council follow-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.duedates import due_date, scheduled_dates
from rtis.lib.kdate import KoreanDate

SEED = Path(__file__).resolve().parents[2] / "src/rtis/seed/oversight/audit-2021.yaml"

# Next steps exactly as src/rtis/seed/oversight/audit-2021.yaml holds them, and their due dates.
SEED_EXAMPLES = [
    ("캠퍼스타운 사업 추진('22년 32개소): '22년 연중; 5단계 신규 대학 공모: '22년 상반기 중",
     dt.date(2022, 6, 30)),
    ("청년취업사관학교 마포캠퍼스 개설: '22.4월(예정)", dt.date(2022, 4, 30)),
    ("'22년 일자리 목표 및 예산 산정: '22.2.", dt.date(2022, 2, 28)),
    ("지역활성화협의회 운영: '22년 연중", dt.date(2022, 12, 31)),
    ("법인의 지정조건 이행여부 종합심사: '22.12월 중", dt.date(2022, 12, 31)),
    ("건립공사 1차수 준공: '22.5월; 2차수 준공: '22.12월; 3차수 준공 및 개관: '23.7월",
     dt.date(2023, 7, 31)),
    ("뷰티산업 육성방안 학술용역 완료: ~'22.3; 뷰티산업 육성 기본계획 수립: ~'22.3",
     dt.date(2022, 3, 31)),
    ("DMC 활성화와 정부정책이 조화된 개발방안 추진(~'23년): 8.4대책 포함 개발방향 설정·공급조건 "
     "변경(전문가·DMC기획위원회 자문), 지구단위계획 변경 등 법정절차, 용지공급 및 사업자 선정(계약)",
     dt.date(2023, 12, 31)),
    ("자치구 협의·민간전문가 자문으로 중장기 발전방향·개선방안 모색; 전문가 자문회의(경제·일자리·"
     "컨설팅 분야 전문가 5명): 2022.2월", dt.date(2022, 2, 28)),
    ("서울투자청·서울글로벌센터 운영: '22.1.~; 외국인학교 수요조사 반영 및 지원대책 구상: '22.上",
     dt.date(2022, 6, 30)),
    ("콘텐츠산업 육성전략 기본계획 수립 완료('22.상)", dt.date(2022, 6, 30)),
    ("금융·투자 규제개선 추진계획 마련: '22.上.; 규제관련 공공기관 MOU 체결 및 포럼 개최 등: '22.下.",
     dt.date(2022, 12, 31)),
    ("'22년 외국 청소년 초청 및 선발: '22.2.~3.; 직업훈련 실시: '22.4.~12.", dt.date(2022, 12, 31)),
    ("사업계획 수립: '22.2월; 민간단체 공모 및 선정: '22.3월; 사업추진: '22.4월~11월",
     dt.date(2022, 11, 30)),
    ("해당 참여자 복지포인트 지급: '22.1~6월", dt.date(2022, 6, 30)),
    ("신규 수탁법인 선정 시 통합위탁 사업모델 제안·평가: '22.2.; 시-신규 수탁법인-교직원 협의로 "
     "통합운영 방안 마련: '22.2.; 통합·개별 위탁 교육원 성과 비교 후 운영방식 재결정: '24년중",
     dt.date(2024, 12, 31)),
    ("학술용역 방침수립·공고: '22.1.; 수행기관 선정·계약: '22.1.; 용역시행: '22.1.; 경과보고·자문회의: "
     "상시 (용역기간 '22.4.~10.과 일정이 어긋나게 인쇄됨)", dt.date(2022, 10, 31)),
    ("과정평가형 산업기사 자격 과정 공모사업(한국산업인력공단) 응모(각 기술교육원): '22.7.~12.; "
     "과정 운영: '23.31.~ (인쇄된 그대로)", dt.date(2022, 12, 31)),
    ("외국인 투자유치 심의위원 후보자 발굴·확충: '22.2.; 심의위원회 운영: '22.3.~",
     dt.date(2022, 2, 28)),
    ("주제 중심 청소년 과학교육에 학습플랫폼 적용('22.3.~11), 교육청 협업 디지털 기반 강사역량과정"
     "(교사연수, '22.1월), AR 전시연계 교육('22.3~), 과학진로 박람회 등 체험 프로그램('22.6월~); "
     "과학의날(4.18.)·개관기념행사(5.19)·별빛축제(10월) 등 문화행사에 활용", dt.date(2022, 10, 31)),
]

# Nothing with an end: ongoing work from a start, or no date at all.
SEED_WITHOUT_DUE_DATE = [
    "자치구 협의 및 제도 활성화 추진: '22.1월~",
    "서울시 여성기업 활성화 지원계획 수립 및 운영: '22.3 ~",
    "양재 AI지역특화발전특구(양재·우면) 지정 재추진('22.~); 양재 ICT 특정개발진흥지구 지정 추진"
    "('21.12.~); AI지원센터 건립 추진('21.5.~)",
    "기술교육원 종합성과 평가: '22.6.~; 신규 수탁기관 선정 시 성과평가 점수 반영: '24년~",
    "사무총장-종사자 소통·의견수렴으로 근로자 권익 보호(분기별 1회); 담당 부서장의 서울인쇄센터 정기 "
    "방문으로 애로사항 청취(분기별 1회)",
    "학과별 커리큘럼 개선을 위한 기술교육원 통합운영위원회(총 18명: 위촉직 12, 당연직 6; 임기 2년) "
    "운영: '22.3.~",
    "",
]


@pytest.mark.parametrize(("text", "expected"), SEED_EXAMPLES)
def test_it_reads_the_last_dated_step_of_a_printed_schedule(text: str, expected: dt.date) -> None:
    assert due_date(text, 2022) == expected


@pytest.mark.parametrize("text", SEED_WITHOUT_DUE_DATE)
def test_an_open_ended_or_undated_schedule_has_no_due_date(text: str) -> None:
    assert due_date(text, 2022) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("'22년 상반기 중", dt.date(2022, 6, 30)),
    ("'22.3.", dt.date(2022, 3, 31)),
    ("'22.12월", dt.date(2022, 12, 31)),
    ("'22년 연중", dt.date(2022, 12, 31)),
    ("'22.4.~10.", dt.date(2022, 10, 31)),
    ("’22.1.21.", dt.date(2022, 1, 21)),
    ("'21. 4분기", dt.date(2021, 12, 31)),
    ("'15~'23", dt.date(2023, 12, 31)),
    ("2023년 2월 28일", dt.date(2023, 2, 28)),
])
def test_it_reads_the_forms_the_documents_print(text: str, expected: dt.date) -> None:
    assert due_date(text) == expected


def test_a_month_or_half_without_a_year_takes_the_last_printed_year_or_the_default() -> None:
    assert due_date("상반기 중 공모", 2022) == dt.date(2022, 6, 30)
    assert due_date("상반기 중 공모") is None
    assert due_date("'23.1. 착수, 10월 준공", 2022) == dt.date(2023, 10, 31)


def test_a_duration_or_a_count_is_not_a_year() -> None:
    assert due_date("임기 2년, 위원 12명, 2030명 참여") is None
    assert due_date("'22년 32개소 운영") == dt.date(2022, 12, 31)


def test_the_listing_keeps_open_ranges_in_printed_order() -> None:
    listed = scheduled_dates("위원 위촉: '22.1; 위원회 운영: '22.2 ~; 지원계획 수립: '22.3")
    assert [(s.printed, s.due) for s in listed] == [
        ("'22.1", dt.date(2022, 1, 31)), ("'22.2 ~", None), ("'22.3", dt.date(2022, 3, 31))]


def test_every_schedule_of_the_seed_is_read_within_its_follow_up_years() -> None:
    items = yaml.safe_load(SEED.read_text(encoding="utf-8"))["items"]
    dues = [due_date(i.get("next_steps"), 2022) for i in items]
    assert all(d is None or dt.date(2021, 1, 1) <= d <= dt.date(2024, 12, 31) for d in dues)
    assert sum(d is not None for d in dues) >= 50


# --- properties -----------------------------------------------------------------------------

printed_dates = st.builds(
    KoreanDate,
    year=st.integers(1990, 2100),
    month=st.one_of(st.none(), st.integers(1, 12)),
).flatmap(lambda d: st.just(d) if d.month is None else st.one_of(
    st.just(d), st.integers(1, 28).map(lambda day: KoreanDate(d.year, d.month, day))))
steps = st.sampled_from(["사업 추진", "위원회 운영", "공모 및 선정", "협의", "용역 시행"])


@given(printed_dates)
def test_a_printed_date_is_due_on_its_last_day(date: KoreanDate) -> None:
    assert due_date(date.short()) == date.last_day()


@given(st.lists(st.tuples(steps, printed_dates), min_size=1, max_size=5))
def test_the_last_step_decides(schedule: list[tuple[str, KoreanDate]]) -> None:
    text = "; ".join(f"{step}: {date.short()}" for step, date in schedule)
    assert due_date(text) == schedule[-1][1].last_day()


@given(printed_dates, st.integers(2000, 2089), st.integers(1, 12))
def test_an_open_range_after_a_step_changes_nothing(date: KoreanDate, year: int,
                                                    month: int) -> None:
    opened = KoreanDate(year, month).short()
    assert due_date(f"착수: {date.short()}; 운영: {opened}~") == date.last_day()


@given(st.integers(2000, 2089), st.integers(1, 12), st.integers(1, 12))
def test_a_range_is_due_at_its_end(year: int, first: int, last: int) -> None:
    first, last = min(first, last), max(first, last)
    expected = KoreanDate(year, last).last_day()
    assert due_date(f"'{year % 100:02d}.{first}.~{last}.") == expected
    assert due_date(f"'{year % 100:02d}.{first}~{last}월") == expected


@given(st.integers(1990, 2089), st.sampled_from(["상반기", "하반기", "上", "下"]))
def test_a_half_is_due_at_its_last_day(year: int, half: str) -> None:
    expected = dt.date(year, 6, 30) if half in ("상반기", "上") else dt.date(year, 12, 31)
    assert due_date(f"'{year % 100:02d}년 {half} 중") == expected
    assert due_date(f"'{year % 100:02d}.{half}") == expected


@given(st.text(alphabet=st.sampled_from(list("0123456789'’.~～년월일중상하반기분上下 :;()-,")),
               max_size=60),
       st.one_of(st.none(), st.integers(1900, 2200)))
def test_it_never_raises_and_stays_within_the_accepted_years(text: str,
                                                             default: int | None) -> None:
    found = due_date(text, default)
    assert found is None or dt.date(1990, 1, 1) <= found <= dt.date(2100, 12, 31)


@given(st.text(alphabet=st.characters(blacklist_categories=["Nd", "No", "Cs"],
                                      blacklist_characters="상하上下")))
def test_text_without_digits_or_halves_has_no_due_date(text: str) -> None:
    assert due_date(text, 2022) is None
