"""The rules of an R&D evaluation, without Django: aggregation, ranking, cut-off, selection
within a budget, conflict-of-interest screening and panel member choice.

Scores are integers within 0..max_score per criterion. An evaluator's weighted total is
sum(score / max_score × weight) over the stage's criteria (weights add up to 100), so a total is
out of 100. Arithmetic is exact (Fraction) so that ties are real ties and never float noise.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, lru_cache

MEAN = "mean"
TRIMMED_MEAN = "trimmed_mean"
MEDIAN = "median"
RULES = (MEAN, TRIMMED_MEAN, MEDIAN)
TRIM_FROM = 5  # a trimmed mean drops one highest and one lowest from five evaluators on


def aggregate(values: Sequence[Fraction | int], rule: str) -> Fraction:
    """Aggregate the evaluators' values by the template's rule; an empty list is an error.
    Integers stay integers until the one division at the end (exact, and fast)."""
    numerator, divisor = _aggregate_parts(values, rule)
    return Fraction(numerator) / divisor


def _aggregate_parts(values: Sequence[Fraction | int], rule: str
                     ) -> tuple[Fraction | int, int]:
    """aggregate() as (numerator, divisor), the division left to the caller."""
    if not values:
        raise ValueError("no values to aggregate")
    ordered = sorted(values)
    if rule == MEAN:
        return sum(ordered), len(ordered)
    if rule == TRIMMED_MEAN:
        kept = ordered[1:-1] if len(ordered) >= TRIM_FROM else ordered
        return sum(kept), len(kept)
    if rule == MEDIAN:
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle], 1
        return ordered[middle - 1] + ordered[middle], 2
    raise ValueError(f"unknown aggregation rule: {rule!r}")


@dataclass(frozen=True)
class Criterion:
    key: int
    weight: int
    max_score: int


def weighted_total(scores: Mapping[int, int], criteria: Sequence[Criterion]) -> Fraction:
    """An evaluator's total out of 100; every criterion must have a score within its range."""
    total = Fraction(0)
    for criterion in criteria:
        score = scores[criterion.key]
        if not 0 <= score <= criterion.max_score:
            raise ValueError(f"score {score} outside 0..{criterion.max_score}")
        total += Fraction(score * criterion.weight, criterion.max_score)
    return total


def missing_or_out_of_range(scores: Mapping[int, object], criteria: Sequence[Criterion]
                            ) -> tuple[list[int], list[int], list[int]]:
    """Return (missing, out of range or not integers, unknown) criterion keys of a score sheet."""
    missing, bad = [], []
    for criterion in criteria:
        value = scores.get(criterion.key)
        if value is None:
            missing.append(criterion.key)
        elif (isinstance(value, bool) or not isinstance(value, int)
              or not 0 <= value <= criterion.max_score):
            bad.append(criterion.key)
    known = {c.key for c in criteria}
    unknown = [k for k in scores if k not in known]
    return missing, bad, unknown


@dataclass(frozen=True)
class Candidate:
    """One application's aggregated result, with the facts the tie rules need."""

    key: int
    total: Fraction
    top_criterion: Fraction  # the aggregated score (0..1 share) on the highest-weight criterion
    requested_won: int
    submitted_at: dt.datetime


def top_criterion(criteria: Sequence[Criterion]) -> Criterion:
    """The highest-weight criterion (the first of equals in template order)."""
    return max(criteria, key=lambda c: c.weight)  # max keeps the first of equal weights


def _scale(criteria: Sequence[Criterion]) -> tuple[int, list[tuple[int, int]]]:
    """A common denominator of the criteria and each one's integer factor: an evaluator's
    weighted total is sum(score × factor) / denominator, in integers until the end."""
    denominator = math.lcm(*(c.max_score for c in criteria))
    return denominator, [(c.key, c.weight * (denominator // c.max_score)) for c in criteria]


def evaluate(sheets: Sequence[Mapping[int, int]], criteria: Sequence[Criterion],
             rule: str) -> tuple[Fraction, Fraction]:
    """Aggregate one application's submitted sheets: (total out of 100, the aggregated share
    0..1 of the highest-weight criterion).

    The total aggregates the evaluators' weighted totals by the rule (a trimmed mean drops the
    evaluator with the highest and the one with the lowest total); the top criterion's share
    aggregates that criterion's scores by the same rule (a tie rule)."""
    denominator, factors = _scale(criteria)
    totals = [sum(sheet[key] * factor for key, factor in factors) for sheet in sheets]
    top = top_criterion(criteria)
    # integers throughout, one Fraction each (its gcd) at the end
    total, count = _aggregate_parts(totals, rule)
    share, share_count = _aggregate_parts([sheet[top.key] for sheet in sheets], rule)
    return (Fraction(total, count * denominator),
            Fraction(share, share_count * top.max_score))


# Why an application sits below its neighbour above, when totals are equal.
TIE_TOP_CRITERION = "top_criterion"
TIE_REQUESTED = "requested"
TIE_SUBMITTED = "submitted"
TIE_KEY = "key"


def rank_key(c: Candidate) -> tuple[Fraction, Fraction, int, dt.datetime, int]:
    return (-c.total, -c.top_criterion, c.requested_won, c.submitted_at, c.key)


def _over_common_denominator(values: Sequence[Fraction | int]) -> list[int]:
    """The numerators of the values over their least common denominator (order-preserving)."""
    common = math.lcm(*(v.denominator for v in values))
    return [v.numerator * (common // v.denominator) for v in values]


def rank(candidates: Iterable[Candidate]) -> list[tuple[int, Candidate, str]]:
    """Order by total, then the tie rules: higher share on the highest-weight criterion, lower
    requested amount, earlier submission, and last the lower key. Returns (rank, candidate, the
    tie rule that placed it below the one above or '')."""
    items = list(candidates)
    # The order of rank_key, compared as integers: totals (and shares) over one common
    # denominator each, so the sort compares ints at C speed instead of cross-multiplying
    # Fractions in Python per comparison (most of the time for 2,000 candidates); exact.
    totals = _over_common_denominator([c.total for c in items])
    shares = _over_common_denominator([c.top_criterion for c in items])
    keyed = sorted(zip(((-t, -s, c.requested_won, c.submitted_at, c.key)
                        for t, s, c in zip(totals, shares, items, strict=True)), items,
                       strict=True), key=lambda pair: pair[0])
    result: list[tuple[int, Candidate, str]] = []
    for position, (key, candidate) in enumerate(keyed, start=1):
        tie = ""
        if position > 1:
            above_key, above = keyed[position - 2]
            if above_key[0] == key[0]:
                if above_key[1] != key[1]:
                    tie = TIE_TOP_CRITERION
                elif above.requested_won != candidate.requested_won:
                    tie = TIE_REQUESTED
                elif above.submitted_at != candidate.submitted_at:
                    tie = TIE_SUBMITTED
                else:
                    tie = TIE_KEY
        result.append((position, candidate, tie))
    return result


SELECTED = "selected"
BELOW_PASS_MARK = "below_pass_mark"
OVER_BUDGET = "over_budget"


@dataclass(frozen=True)
class Decision:
    key: int
    rank: int
    outcome: str  # SELECTED, BELOW_PASS_MARK or OVER_BUDGET
    awarded_won: int
    tie: str


def select(candidates: Iterable[Candidate], *, pass_mark: Fraction | int,
           budget_won: int) -> list[Decision]:
    """Rank, cut at the pass mark, then select greedily in rank order within the budget: an
    application whose request no longer fits is passed over (never a partial award) and the
    next ones that still fit are selected. The awarded sum never exceeds budget_won."""
    if budget_won < 0:
        raise ValueError("negative budget")
    remaining = budget_won
    decisions = []
    for position, candidate, tie in rank(candidates):
        if candidate.total < pass_mark:
            decisions.append(Decision(candidate.key, position, BELOW_PASS_MARK, 0, tie))
        elif candidate.requested_won <= remaining:
            remaining -= candidate.requested_won
            decisions.append(Decision(candidate.key, position, SELECTED, candidate.requested_won,
                                      tie))
        else:
            decisions.append(Decision(candidate.key, position, OVER_BUDGET, 0, tie))
    return decisions


# --- conflicts of interest -------------------------------------------------------------------

SAME_DEPARTMENT = "same_department"
SAME_ORGANISATION = "same_organisation"  # the application names no department: whole institution
PARTICIPANT = "participant"
DECLARED = "declared"
AVOIDED = "avoided"
PAST_COWORK = "past_cowork"
REASONS = (SAME_DEPARTMENT, SAME_ORGANISATION, PARTICIPANT, DECLARED, AVOIDED, PAST_COWORK)

_LEGAL_FORMS = re.compile(r"\(주\)|㈜|주식회사|\(재\)|재단법인|\(사\)|사단법인|유한회사|\(유\)")
_NOISE = re.compile(r"[\s·.,()\-]+")


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """A comparable key of an organisation or department name: legal forms, spaces and
    punctuation dropped, case folded ('(주) 홍릉 바이오랩' == '주식회사 홍릉바이오랩'). Cached:
    screening keys the same few thousand organisation and department names again and again."""
    return _NOISE.sub("", _LEGAL_FORMS.sub("", name or "")).casefold()


@dataclass(frozen=True)
class EvaluatorFacts:
    key: int
    user_key: int | None
    name: str
    organisation: str
    department: str
    declared: frozenset[str] = frozenset()  # organisation keys declared as conflicts
    cowork: Mapping[str, int] = field(default_factory=dict)  # organisation key → last year


@dataclass(frozen=True)
class Member:
    """A person named in an application (its principal investigator or a participant) with
    the organisation and department (학과·부서) the application gives for them."""

    name: str
    organisation: str
    department: str = ""


@dataclass(frozen=True)
class ApplicationFacts:
    key: int
    organisation: str
    department: str  # the principal investigator's department: the application's (IRIS 2024)
    people: frozenset[Member]  # the principal investigator and the participants
    creator_key: int | None
    avoid: frozenset[int] = frozenset()  # evaluator keys the applicant asked to avoid
    # People the applicant named to avoid, as (name_key(name), name_key(organisation)): the
    # applicant never sees the pool, so the match is made here, against every evaluator.
    avoid_people: frozenset[tuple[str, str]] = frozenset()
    # Evaluator keys that declared a conflict with this application alone.
    declared_by: frozenset[int] = frozenset()

    @cached_property
    def people_by_key(self) -> dict[tuple[str, str], Member]:
        """The application's people by person_key (name and organisation)."""
        return {person_key(p.name, p.organisation): p for p in sorted(
            self.people, key=lambda p: (p.name, p.organisation, p.department))}

    @cached_property
    def departments(self) -> dict[tuple[str, str], Member]:
        """(organisation key, department key) → the person of the application it names."""
        named = {(name_key(self.organisation), name_key(self.department)):
                 Member("", self.organisation, self.department)} if name_key(
            self.department) else {}
        for p in sorted(self.people, key=lambda p: (p.name, p.organisation, p.department)):
            key = (name_key(p.organisation), name_key(p.department))
            if key[0] and key[1]:
                named.setdefault(key, p)
        return named

    @cached_property
    def organisations(self) -> frozenset[str]:
        """The keys of the application's organisation and of its people's organisations."""
        return frozenset(k for k in {name_key(self.organisation),
                                     *(name_key(p.organisation) for p in self.people)} if k)


def person_key(name: str, organisation: str) -> tuple[str, str]:
    """The key a person is matched by: name and organisation (a name alone is too weak: two
    people share a Korean name)."""
    return name_key(name), name_key(organisation)


def explain(e: EvaluatorFacts, a: ApplicationFacts, *, year: int,
            lookback_years: int) -> list[tuple[str, str]]:
    """Why one evaluator may not score one application: (reason code, what matched) pairs,
    empty when there is no conflict. What matched is the data itself (an organisation and its
    department, a person and organisation, a year), never a sentence."""
    reasons: list[tuple[str, str]] = []
    org = name_key(a.organisation)
    own = name_key(e.organisation)
    dept = name_key(e.department)
    if org and own == org and not name_key(a.department):
        reasons.append((SAME_ORGANISATION, a.organisation.strip()))
    elif own and dept and (own, dept) in a.departments:
        matched = a.departments[(own, dept)]
        reasons.append((SAME_DEPARTMENT,
                        f"{matched.organisation.strip()} {matched.department.strip()}"))
    person = a.people_by_key.get(person_key(e.name, e.organisation)) if e.name.strip() else None
    if person is not None:
        reasons.append((PARTICIPANT, f"{person.name.strip()} ({person.organisation.strip()})"))
    elif e.user_key is not None and e.user_key == a.creator_key:
        reasons.append((PARTICIPANT, ""))
    if org and org in e.declared:
        reasons.append((DECLARED, a.organisation.strip()))
    elif e.key in a.declared_by:
        reasons.append((DECLARED, ""))
    if e.key in a.avoid or (a.avoid_people and person_key(e.name, e.organisation)
                            in a.avoid_people):
        reasons.append((AVOIDED, f"{e.name.strip()} ({e.organisation.strip()})"))
    last = e.cowork.get(org) if org else None
    if last is not None and last >= year - lookback_years:
        reasons.append((PAST_COWORK, f"{a.organisation.strip()} {last}"))
    return reasons


def pair_reasons(e: EvaluatorFacts, a: ApplicationFacts, *, year: int,
                 lookback_years: int) -> list[str]:
    """The reason codes one evaluator may not score one application (empty: no conflict)."""
    return [code for code, _ in explain(e, a, year=year, lookback_years=lookback_years)]


def _suspects(evaluators: Sequence[EvaluatorFacts], applications: Sequence[ApplicationFacts]
              ) -> Iterable[tuple[ApplicationFacts, Iterable[EvaluatorFacts]]]:
    """Per application, the evaluators that may conflict with it, without comparing every
    pair: evaluators indexed by organisation key (their own, declared and co-work ones), by
    user and by person key, so the work grows with the matches, not pool × applications."""
    by_org: dict[str, list[EvaluatorFacts]] = defaultdict(list)
    by_user: dict[int, list[EvaluatorFacts]] = defaultdict(list)
    by_key = {e.key: e for e in evaluators}
    touching: dict[str, list[EvaluatorFacts]] = defaultdict(list)
    by_person: dict[tuple[str, str], list[EvaluatorFacts]] = defaultdict(list)
    named = any(a.avoid_people for a in applications)  # the people index only when needed
    for e in evaluators:
        by_org[name_key(e.organisation)].append(e)
        if named:  # participants are found through their organisations (by_org)
            by_person[person_key(e.name, e.organisation)].append(e)
        if e.user_key is not None:
            by_user[e.user_key].append(e)
        for org in set(e.declared) | set(e.cowork):
            touching[org].append(e)
    for a in applications:
        suspects: dict[int, EvaluatorFacts] = {}
        org = name_key(a.organisation)
        for people_org in a.organisations:  # the organisations of the application's people
            for e in by_org.get(people_org, ()):
                suspects[e.key] = e
        if org:
            for e in touching.get(org, ()):
                suspects[e.key] = e
        if a.creator_key is not None:
            for e in by_user.get(a.creator_key, ()):
                suspects[e.key] = e
        for key in a.avoid | a.declared_by:
            if key in by_key:
                suspects[key] = by_key[key]
        for person in a.avoid_people:
            for e in by_person.get(person, ()):
                suspects[e.key] = e
        yield a, suspects.values()


def screen_explained(evaluators: Sequence[EvaluatorFacts],
                     applications: Sequence[ApplicationFacts], *, year: int,
                     lookback_years: int) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """Every conflicting (evaluator, application) pair with its reasons and what matched."""
    found: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for a, suspects in _suspects(evaluators, applications):
        for e in suspects:
            reasons = explain(e, a, year=year, lookback_years=lookback_years)
            if reasons:
                found[(e.key, a.key)] = reasons
    return found


def screen(evaluators: Sequence[EvaluatorFacts], applications: Sequence[ApplicationFacts], *,
           year: int, lookback_years: int) -> dict[tuple[int, int], list[str]]:
    """Every conflicting (evaluator, application) pair with its reason codes."""
    return {pair: [code for code, _ in reasons] for pair, reasons in screen_explained(
        evaluators, applications, year=year, lookback_years=lookback_years).items()}


def screen_naive(evaluators: Sequence[EvaluatorFacts], applications: Sequence[ApplicationFacts],
                 *, year: int, lookback_years: int) -> dict[tuple[int, int], list[str]]:
    """The same answer by comparing every pair (the baseline the benchmark and tests use)."""
    found = {}
    for a in applications:
        for e in evaluators:
            reasons = pair_reasons(e, a, year=year, lookback_years=lookback_years)
            if reasons:
                found[(e.key, a.key)] = reasons
    return found


def choose_members(pool: Sequence[tuple[int, frozenset[str], int]], fields: frozenset[str],
                   size: int, excluded: frozenset[int] = frozenset()) -> list[int]:
    """Choose a panel of `size` from (evaluator key, expertise, current load): the widest
    expertise overlap with the panel's fields first, then the lighter load, then the key.
    Each chosen member's fields count once, so a second expert in the same field ranks below
    an expert of a field not yet covered (balance)."""
    chosen: list[int] = []
    covered: set[str] = set()
    available = [p for p in pool if p[0] not in excluded]
    while available and len(chosen) < size:
        best = min(available, key=lambda p: (-len((p[1] & fields) - covered),
                                             -len(p[1] & fields), p[2], p[0]))
        chosen.append(best[0])
        covered |= best[1] & fields
        available.remove(best)
    return chosen
