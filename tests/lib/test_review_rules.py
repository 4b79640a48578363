"""The evaluation rules: aggregation, trimming, ties, cut-off, budget and conflict screening."""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtis.lib.review_rules import (
    AVOIDED,
    BELOW_PASS_MARK,
    DECLARED,
    MEAN,
    MEDIAN,
    OVER_BUDGET,
    PARTICIPANT,
    PAST_COWORK,
    SAME_DEPARTMENT,
    SAME_ORGANISATION,
    SELECTED,
    TIE_REQUESTED,
    TIE_SUBMITTED,
    TIE_TOP_CRITERION,
    TRIMMED_MEAN,
    ApplicationFacts,
    Candidate,
    Criterion,
    EvaluatorFacts,
    aggregate,
    choose_members,
    evaluate,
    missing_or_out_of_range,
    name_key,
    person_key,
    rank,
    screen,
    screen_naive,
    select,
    weighted_total,
)

scores = st.lists(st.integers(0, 100), min_size=1, max_size=12)
T0 = dt.datetime(2021, 10, 1, 9, 0, tzinfo=dt.UTC)


@given(scores)
def test_the_mean_is_the_exact_average(values: list[int]) -> None:
    assert aggregate(values, MEAN) == Fraction(sum(values), len(values))


@given(scores)
def test_every_aggregate_lies_between_the_lowest_and_highest_score(values: list[int]) -> None:
    for rule in (MEAN, TRIMMED_MEAN, MEDIAN):
        assert min(values) <= aggregate(values, rule) <= max(values)


@given(scores)
def test_the_median_matches_the_statistics_module(values: list[int]) -> None:
    assert aggregate(values, MEDIAN) == Fraction(statistics.median(values)).limit_denominator(2)


@given(st.lists(st.integers(0, 100), min_size=5, max_size=12))
def test_the_trimmed_mean_from_five_evaluators_ignores_one_highest_and_one_lowest(
        values: list[int]) -> None:
    ordered = sorted(values)
    assert aggregate(values, TRIMMED_MEAN) == Fraction(sum(ordered[1:-1]), len(values) - 2)


@given(st.lists(st.integers(0, 100), min_size=1, max_size=4))
def test_fewer_than_five_evaluators_are_not_trimmed(values: list[int]) -> None:
    assert aggregate(values, TRIMMED_MEAN) == aggregate(values, MEAN)


@given(st.lists(st.integers(0, 100), min_size=5, max_size=10), st.integers(0, 100))
def test_raising_the_single_highest_score_never_changes_the_trimmed_mean(
        values: list[int], extra: int) -> None:
    ordered = sorted(values)
    raised = [*ordered[:-1], ordered[-1] + extra]
    assert aggregate(raised, TRIMMED_MEAN) == aggregate(ordered, TRIMMED_MEAN)


def test_an_unknown_rule_or_no_values_is_an_error() -> None:
    with pytest.raises(ValueError):
        aggregate([1, 2], "mode")
    with pytest.raises(ValueError):
        aggregate([], MEAN)


CRITERIA = [Criterion(1, 40, 100), Criterion(2, 35, 50), Criterion(3, 25, 20)]


@given(st.integers(0, 100), st.integers(0, 50), st.integers(0, 20))
def test_a_weighted_total_is_out_of_one_hundred(a: int, b: int, c: int) -> None:
    total = weighted_total({1: a, 2: b, 3: c}, CRITERIA)
    assert 0 <= total <= 100
    assert weighted_total({1: 100, 2: 50, 3: 20}, CRITERIA) == 100


def test_a_score_sheet_with_missing_unknown_or_out_of_range_scores_is_named() -> None:
    missing, bad, unknown = missing_or_out_of_range({1: 101, 3: 5, 9: 1}, CRITERIA)
    assert (missing, bad, unknown) == ([2], [1], [9])
    assert missing_or_out_of_range({1: True, 2: 1.5, 3: 0}, CRITERIA) == ([], [1, 2], [])


def candidate(key: int, total: int, top: int = 0, requested: int = 100,
              minutes: int = 0) -> Candidate:
    return Candidate(key, Fraction(total), Fraction(top, 100), requested,
                     T0 + dt.timedelta(minutes=minutes))


def test_ties_are_broken_by_the_top_criterion_then_request_then_submission() -> None:
    ranked = rank([candidate(1, 80, top=70, requested=200, minutes=1),
                   candidate(2, 80, top=90),
                   candidate(3, 80, top=70, requested=100, minutes=5),
                   candidate(4, 80, top=70, requested=100, minutes=2),
                   candidate(5, 95)])
    assert [(r, c.key, tie) for r, c, tie in ranked] == [
        (1, 5, ""), (2, 2, ""), (3, 4, TIE_TOP_CRITERION), (4, 3, TIE_SUBMITTED),
        (5, 1, TIE_REQUESTED)]


candidates = st.lists(
    st.builds(candidate, st.integers(1, 10_000), st.integers(0, 100), st.integers(0, 100),
              st.integers(1, 1000), st.integers(0, 100)),
    max_size=40, unique_by=lambda c: c.key)


@given(candidates)
def test_ranking_is_a_total_order_independent_of_input_order(items: list[Candidate]) -> None:
    forward = [c.key for _, c, _ in rank(items)]
    backward = [c.key for _, c, _ in rank(list(reversed(items)))]
    assert forward == backward
    ranked = rank(items)
    for (_, above, _), (_, below, tie) in itertools.pairwise(ranked):
        assert above.total >= below.total
        if above.total == below.total:
            assert tie
            assert (-above.top_criterion, above.requested_won, above.submitted_at) <= (
                -below.top_criterion, below.requested_won, below.submitted_at)


@given(candidates, st.integers(0, 100), st.integers(0, 20_000))
@settings(max_examples=200)
def test_selection_never_exceeds_the_budget_and_respects_the_pass_mark(
        items: list[Candidate], pass_mark: int, budget: int) -> None:
    decisions = select(items, pass_mark=pass_mark, budget_won=budget)
    by_key = {c.key: c for c in items}
    assert sum(d.awarded_won for d in decisions) <= budget
    for d in decisions:
        c = by_key[d.key]
        if c.total < pass_mark:
            assert d.outcome == BELOW_PASS_MARK and d.awarded_won == 0
        elif d.outcome == SELECTED:
            assert d.awarded_won == c.requested_won
        else:
            assert d.outcome == OVER_BUDGET
    # greedy: an application passed over for budget did not fit in what remained at its turn
    spent = 0
    for d in sorted(decisions, key=lambda d: d.rank):
        if d.outcome == OVER_BUDGET:
            assert by_key[d.key].requested_won > budget - spent
        spent += d.awarded_won


def test_a_lower_ranked_application_that_fits_is_selected_after_one_that_does_not() -> None:
    decisions = select([candidate(1, 90, requested=600), candidate(2, 80, requested=500),
                        candidate(3, 70, requested=300), candidate(4, 50, requested=10)],
                       pass_mark=60, budget_won=1000)
    assert [(d.key, d.outcome, d.awarded_won) for d in decisions] == [
        (1, SELECTED, 600), (2, OVER_BUDGET, 0), (3, SELECTED, 300), (4, BELOW_PASS_MARK, 0)]


def test_evaluate_trims_evaluator_totals_and_reports_each_criterion() -> None:
    sheets = [{1: 100, 2: 50, 3: 20}, {1: 0, 2: 0, 3: 0}, {1: 50, 2: 25, 3: 10},
              {1: 50, 2: 25, 3: 10}, {1: 50, 2: 25, 3: 10}]
    total, top = evaluate(sheets, CRITERIA, TRIMMED_MEAN)
    assert total == 50 and top == Fraction(1, 2)


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 50), st.integers(0, 20)),
                min_size=1, max_size=9), st.sampled_from([MEAN, TRIMMED_MEAN, MEDIAN]))
def test_evaluate_equals_aggregating_each_evaluators_weighted_total(
        rows: list[tuple[int, int, int]], rule: str) -> None:
    sheets = [{1: a, 2: b, 3: c} for a, b, c in rows]
    total, top = evaluate(sheets, CRITERIA, rule)
    assert total == aggregate([weighted_total(s, CRITERIA) for s in sheets], rule)
    assert top == aggregate([s[1] for s in sheets], rule) / 100


def test_organisation_names_compare_without_legal_forms_or_spaces() -> None:
    assert name_key("(주) 홍릉 바이오랩") == name_key("주식회사 홍릉바이오랩") == "홍릉바이오랩"


def evaluator(key: int, org: str = "서울대학교", dept: str = "기계공학과", **kw: object
              ) -> EvaluatorFacts:
    return EvaluatorFacts(key=key, user_key=kw.get("user"), name=str(kw.get("name", f"위원{key}")),  # type: ignore[arg-type]
                          organisation=org, department=dept,
                          declared=frozenset(kw.get("declared", ())),  # type: ignore[call-overload]
                          cowork=dict(kw.get("cowork", {})))  # type: ignore[call-overload]


def application(key: int, org: str = "서울대학교", dept: str = "기계공학과", **kw: object
                ) -> ApplicationFacts:
    return ApplicationFacts(key=key, organisation=org, department=dept,
                            people=frozenset(kw.get("people", ())),  # type: ignore[call-overload]
                            creator_key=kw.get("creator"),  # type: ignore[arg-type]
                            avoid=frozenset(kw.get("avoid", ())))  # type: ignore[call-overload]


def test_same_institution_conflicts_only_within_the_same_department() -> None:
    found = screen([evaluator(1), evaluator(2, dept="전기공학부"), evaluator(3, org="연세대학교")],
                   [application(10)], year=2021, lookback_years=3)
    assert found == {(1, 10): [SAME_DEPARTMENT]}


def test_an_application_without_a_department_excludes_the_whole_institution() -> None:
    found = screen([evaluator(1), evaluator(2, dept="전기공학부")], [application(10, dept="")],
                   year=2021, lookback_years=3)
    assert found == {(1, 10): [SAME_ORGANISATION], (2, 10): [SAME_ORGANISATION]}


def test_participation_declaration_avoidance_and_recent_cowork_are_conflicts() -> None:
    found = screen(
        [evaluator(1, org="고려대학교", user=7), evaluator(2, org="고려대학교", declared={"홍릉바이오랩"}),
         evaluator(3, org="KAIST"), evaluator(4, org="KAIST", cowork={"홍릉바이오랩": 2018}),
         evaluator(5, org="KAIST", cowork={"홍릉바이오랩": 2017})],
        [application(10, org="(주)홍릉바이오랩", creator=7, avoid={3})],
        year=2021, lookback_years=3)
    assert found == {(1, 10): [PARTICIPANT], (2, 10): [DECLARED], (3, 10): [AVOIDED],
                     (4, 10): [PAST_COWORK]}


orgs = st.sampled_from(["서울대학교", "(주)가온", "주식회사 가온", "연세대학교", "KAIST"])
depts = st.sampled_from(["", "기계공학과", "전기공학부", "경영학과"])


@given(st.lists(st.builds(evaluator, st.integers(1, 60), orgs, depts, user=st.none() | st.integers(1, 5),
                          declared=st.sets(st.sampled_from(["가온", "서울대학교", "kaist"])),
                          cowork=st.dictionaries(st.sampled_from(["가온", "연세대학교"]),
                                                 st.integers(2010, 2021))),
                unique_by=lambda e: e.key, max_size=25),
       st.lists(st.builds(application, st.integers(1, 30), orgs, depts,
                          creator=st.none() | st.integers(1, 5),
                          avoid=st.sets(st.integers(1, 60), max_size=3)),
                unique_by=lambda a: a.key, max_size=10),
       st.integers(0, 10))
def test_indexed_screening_finds_exactly_what_comparing_every_pair_finds(
        evaluators: list[EvaluatorFacts], applications: list[ApplicationFacts],
        lookback: int) -> None:
    assert screen(evaluators, applications, year=2021, lookback_years=lookback) == screen_naive(
        evaluators, applications, year=2021, lookback_years=lookback)


def test_members_are_chosen_for_uncovered_expertise_then_lighter_load() -> None:
    pool = [(1, frozenset({"AI"}), 0), (2, frozenset({"AI"}), 0), (3, frozenset({"바이오"}), 5),
            (4, frozenset(), 0), (5, frozenset({"AI", "바이오"}), 9)]
    assert choose_members(pool, frozenset({"AI", "바이오"}), 3) == [5, 1, 2]
    assert choose_members(pool, frozenset({"AI", "바이오"}), 3, excluded=frozenset({5})) == [1, 3, 2]
    assert choose_members(pool, frozenset({"AI"}), 10) == [1, 2, 5, 4, 3]


fractional = st.lists(
    st.builds(lambda key, total, share, requested, minutes: Candidate(
        key, total, share, requested, T0 + dt.timedelta(minutes=minutes)),
        st.integers(1, 10_000),
        st.fractions(min_value=0, max_value=100, max_denominator=60),
        st.fractions(min_value=0, max_value=1, max_denominator=60),
        st.integers(1, 5), st.integers(0, 3)),
    max_size=60, unique_by=lambda c: c.key)


@given(fractional)
def test_ranking_compares_exactly_as_the_fraction_key_does(items: list[Candidate]) -> None:
    """rank() sorts integers over a common denominator: the same order and ties as sorting
    by the Fractions themselves."""
    from rtis.lib.review_rules import rank_key

    expected = sorted(items, key=rank_key)
    ranked = rank(items)
    assert [c.key for _, c, _ in ranked] == [c.key for c in expected]
    for (_, above, _), (_, below, tie) in itertools.pairwise(ranked):
        assert bool(tie) == (above.total == below.total)
        if tie:
            assert (tie == TIE_TOP_CRITERION) == (above.top_criterion != below.top_criterion)
# rnd-pages: people named by the applicant (name and organisation), declarations on one application

def test_a_person_named_by_name_and_organisation_is_avoided_wherever_spelled_alike() -> None:
    pool = [evaluator(1, org="(주)가온", name="김 가상"), evaluator(2, org="연세대학교", name="김가상"),
            evaluator(3, org="KAIST", name="이예시")]
    named = ApplicationFacts(key=10, organisation="서울대학교", department="경영학과",
                             people=frozenset(), creator_key=None,
                             avoid_people=frozenset({person_key("김가상", "주식회사 가온")}))
    assert screen(pool, [named], year=2021, lookback_years=3) == {(1, 10): [AVOIDED]}


def test_a_conflict_declared_with_one_application_spares_its_organisations_others() -> None:
    pool = [evaluator(1, org="KAIST")]
    first = ApplicationFacts(key=10, organisation="(주)가온", department="", people=frozenset(),
                             creator_key=None, declared_by=frozenset({1}))
    second = ApplicationFacts(key=11, organisation="(주)가온", department="", people=frozenset(),
                              creator_key=None)
    assert screen(pool, [first, second], year=2021, lookback_years=3) == {(1, 10): [DECLARED]}


names = st.sampled_from(["위원1", "위원2", "위원 3", "위원4"])


@given(st.lists(st.builds(evaluator, st.integers(1, 40), orgs, depts,
                          name=names, declared=st.sets(st.sampled_from(["가온", "kaist"]))),
                unique_by=lambda e: e.key, max_size=20),
       st.lists(st.builds(lambda key, org, dept, named, declared: ApplicationFacts(
           key=key, organisation=org, department=dept, people=frozenset(), creator_key=None,
           avoid_people=frozenset(person_key(n, o) for n, o in named),
           declared_by=frozenset(declared)),
           st.integers(1, 30), orgs, depts, st.sets(st.tuples(names, orgs), max_size=3),
           st.sets(st.integers(1, 40), max_size=3)),
           unique_by=lambda a: a.key, max_size=10))
def test_indexed_screening_of_named_people_and_declarations_matches_every_pair(
        evaluators: list[EvaluatorFacts], applications: list[ApplicationFacts]) -> None:
    assert screen(evaluators, applications, year=2021, lookback_years=3) == screen_naive(
        evaluators, applications, year=2021, lookback_years=3)


# rnd-screen: the application's own people (PI and participants with organisation and
# department, as submitted online) ----------------------------------------------------------------

from rtis.lib.review_rules import Member, explain, screen_explained  # noqa: E402


def test_a_participant_matches_by_name_and_organisation_never_by_name_alone() -> None:
    """Two people share a Korean name: 김가상 of 연세대학교 is not 김가상 of (주)가온."""
    team = frozenset({Member("김가상", "주식회사 가온", "연구소"), Member("이책임", "주식회사 가온", "")})
    app = ApplicationFacts(key=10, organisation="주식회사 가온", department="", people=team,
                           creator_key=None)
    pool = [evaluator(1, org="연세대학교", dept="경영학과", name="김가상"),
            evaluator(2, org="(주)가온", dept="", name="김 가상")]
    found = screen_explained(pool, [app], year=2021, lookback_years=3)
    assert (1, 10) not in found  # same name, another organisation: no conflict at all
    assert found[(2, 10)] == [(SAME_ORGANISATION, "주식회사 가온"),
                              (PARTICIPANT, "김가상 (주식회사 가온)")]


def test_what_matched_names_the_organisation_and_department_of_the_application() -> None:
    app = ApplicationFacts(
        key=10, organisation="서울대학교", department="기계공학부",
        people=frozenset({Member("박책임", "서울대학교", "기계공학부"),
                          Member("최참여", "서울대학교", "재료공학부")}), creator_key=None)
    pool = [evaluator(1, org="서울대학교", dept="기계 공학부"),
            evaluator(2, org="서울대학교", dept="재료공학부"),
            evaluator(3, org="서울대학교", dept="화학생물공학부")]
    found = screen_explained(pool, [app], year=2021, lookback_years=3)
    assert found == {(1, 10): [(SAME_DEPARTMENT, "서울대학교 기계공학부")],
                     (2, 10): [(SAME_DEPARTMENT, "서울대학교 재료공학부")]}


member_names = st.sampled_from(["위원1", "위원2", "위원 3", "책임자"])
members = st.builds(Member, member_names, orgs, depts)


def application_with(key: int, org: str, dept: str, people: frozenset[Member],
                     creator: int | None) -> ApplicationFacts:
    return ApplicationFacts(key=key, organisation=org, department=dept, people=people,
                            creator_key=creator)


applications_with_people = st.lists(
    st.builds(application_with, st.integers(1, 30), orgs, depts,
              st.frozensets(members, max_size=4), st.none() | st.integers(1, 5)),
    unique_by=lambda a: a.key, max_size=8)
pool_with_names = st.lists(
    st.builds(evaluator, st.integers(1, 60), orgs, depts, name=member_names,
              user=st.none() | st.integers(1, 5),
              declared=st.sets(st.sampled_from(["가온", "kaist"])),
              cowork=st.dictionaries(st.sampled_from(["가온", "연세대학교"]), st.integers(2010, 2021))),
    unique_by=lambda e: e.key, max_size=20)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pool_with_names, applications_with_people, st.integers(0, 10))
def test_indexed_screening_with_the_applications_people_finds_what_every_pair_finds(
        evaluators: list[EvaluatorFacts], applications: list[ApplicationFacts],
        lookback: int) -> None:
    assert screen(evaluators, applications, year=2021, lookback_years=lookback) == screen_naive(
        evaluators, applications, year=2021, lookback_years=lookback)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pool_with_names, applications_with_people)
def test_the_rule_of_people_and_departments_holds_for_every_pair(
        evaluators: list[EvaluatorFacts], applications: list[ApplicationFacts]) -> None:
    for e in evaluators:
        for a in applications:
            found = dict(explain(e, a, year=2021, lookback_years=3))
            same_org = name_key(e.organisation) == name_key(a.organisation)
            # participation: the name AND the organisation of someone on the application (or
            # the account that wrote it), never the name alone
            named = any(person_key(p.name, p.organisation) == person_key(e.name, e.organisation)
                        for p in a.people)
            assert (PARTICIPANT in found) == (named or (e.user_key is not None
                                                        and e.user_key == a.creator_key))
            # an application without a department excludes its whole organisation
            assert (SAME_ORGANISATION in found) == (same_org and not name_key(a.department))
            # otherwise the same organisation AND the same department of the application or
            # of one of its people, and what matched names that department
            departments = {(name_key(a.organisation), name_key(a.department))} | {
                (name_key(p.organisation), name_key(p.department)) for p in a.people}
            expected = (SAME_ORGANISATION not in found and bool(name_key(e.department))
                        and (name_key(e.organisation), name_key(e.department)) in departments)
            assert (SAME_DEPARTMENT in found) == expected
            if expected:
                assert name_key(found[SAME_DEPARTMENT]) == (name_key(e.organisation)
                                                            + name_key(e.department))
