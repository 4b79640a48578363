"""The portal's pages as data: the portfolio at a glance and a plan's (or node's) progress,
with the plain-language sentences a citizen reads first and the charts' data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.translation import gettext as _

from rtis.dashboards.charts import bar_chart, in_millions, number
from rtis.lib.money import format_won
from rtis.plans.models import Node, Plan
from rtis.plans.queries import descendant_ids
from rtis.portal import queries as q
from rtis.tracking.models import MilestoneState


def eok(won: int) -> str:
    """Say an amount in 억원 for a sentence ("1,234억원")."""
    return _("%(amount)s억원") % {"amount": format_won(won, "억원")}


def percent_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


@dataclass
class Glance:
    """One plan on the home page: its period, money, execution, indicators, milestones, council."""

    plan: Plan
    planned_won: int
    planned_to_date_won: int
    executed_won: int
    indicators: int
    computed: int
    achievement: Decimal | None
    milestones: dict[str, int]
    council: dict[str, int]

    @property
    def execution_rate(self) -> Decimal | None:
        return q.rate(self.executed_won, self.planned_to_date_won)

    @property
    def milestone_total(self) -> int:
        return sum(self.milestones.values())

    @property
    def milestones_done(self) -> int:
        return self.milestones.get(MilestoneState.DONE, 0)

    @property
    def milestones_delayed(self) -> int:
        return self.milestones.get(MilestoneState.DELAYED, 0)

    @property
    def council_total(self) -> int:
        return sum(self.council.values())

    @property
    def council_done(self) -> int:
        return self.council.get("완료", 0)

    @property
    def published_on(self) -> dt.date | None:
        publication = getattr(self.plan, "publication", None)
        return publication.published_on if publication is not None else None


@dataclass
class Portfolio:
    today: dt.date
    plans: list[Glance]
    changes: list[q.Change]

    @property
    def planned_won(self) -> int:
        return sum(g.planned_won for g in self.plans)

    @property
    def planned_to_date_won(self) -> int:
        return sum(g.planned_to_date_won for g in self.plans)

    @property
    def executed_won(self) -> int:
        return sum(g.executed_won for g in self.plans)

    @property
    def reporting(self) -> list[Glance]:
        """Return the plans with any execution reported (the others have no rate to show)."""
        return [g for g in self.plans if g.executed_won]

    @property
    def execution_rate(self) -> Decimal | None:
        """Return executed ÷ planned to date over the plans that report execution."""
        return q.rate(self.executed_won, sum(g.planned_to_date_won for g in self.reporting))

    @property
    def council_total(self) -> int:
        return sum(g.council_total for g in self.plans)

    @property
    def council_done(self) -> int:
        return sum(g.council_done for g in self.plans)

    def sentences(self) -> list[str]:
        """Say the portfolio in plain words."""
        said = [_("서울시 경제정책실이 공개한 계획은 %(n)d건이며, 계획 기간 전체에 %(planned)s을 "
                  "투입할 계획입니다.") % {"n": len(self.plans), "planned": eok(self.planned_won)}]
        if self.reporting:
            said.append(_("집행 실적을 보고하는 계획 %(n)d건은 %(today)s까지 계획된 %(due)s 가운데 "
                          "%(done)s(%(rate)s)을 집행했습니다.")
                        % {"n": len(self.reporting), "today": self.today.strftime("%Y-%m-%d"),
                           "due": eok(sum(g.planned_to_date_won for g in self.reporting)),
                           "done": eok(self.executed_won),
                           "rate": percent_text(self.execution_rate)})
        if self.council_total:
            said.append(_("의회 지적사항 %(n)d건 중 %(done)d건을 완료했습니다.")
                        % {"n": self.council_total, "done": self.council_done})
        return said

    def money_chart(self) -> dict[str, Any]:
        names = [g.plan.title for g in self.plans]
        return bar_chart(_("계획별 계획 대비 집행 (현재까지)"), [short_title(g.plan.title) for g in self.plans],
                         [(_("계획(현재까지)"), [in_millions(g.planned_to_date_won) for g in self.plans]),
                          (_("집행"), [in_millions(g.executed_won) for g in self.plans])],
                         [reverse("portal:progress", args=[g.plan.slug]) for g in self.plans],
                         _("백만원"), names=names)

    def achievement_chart(self) -> dict[str, Any]:
        return bar_chart(_("계획별 성과지표 평균 달성률"), [short_title(g.plan.title) for g in self.plans],
                         [(_("평균 달성률"), [number(g.achievement) for g in self.plans])],
                         [reverse("portal:progress", args=[g.plan.slug]) for g in self.plans],
                         "%", mark=(100.0, _("목표")), names=[g.plan.title for g in self.plans])


def portfolio(plans: list[Plan], hidden: set[int], today: dt.date) -> Portfolio:
    """Return the home page's figures for the reader's plans (a constant number of queries).

    Money is summed per plan and year in the database (execution per node and year first, for
    the settled-or-latest rule); every row below is read once and filed under its plan.
    """
    ids = [p.pk for p in plans]
    planned = q.planned_by_plan_year(ids, hidden)
    executed = q.executed_by_plan_year(ids, hidden)
    money: dict[int, list[int]] = {pk: [0, 0, 0] for pk in ids}  # planned, to date, executed
    for (plan_id, year), won in planned.items():
        money[plan_id][0] += won
        if year <= today.year:
            money[plan_id][1] += won
    for (plan_id, year), won in executed.items():
        if year <= today.year:
            money[plan_id][2] += won
    indicators: dict[int, list[q.IndicatorProgress]] = {pk: [] for pk in ids}
    for item in q.indicator_progress(ids, hidden):
        indicators[item.plan_id].append(item)
    milestones = q.milestone_counts(ids, hidden)
    council = q.council_counts(ids)
    glances = []
    for plan in plans:
        mine = indicators[plan.pk]
        planned_won, to_date, executed_won = money[plan.pk]
        glances.append(Glance(
            plan, planned_won=planned_won, planned_to_date_won=to_date, executed_won=executed_won,
            indicators=len(mine),
            computed=sum(1 for i in mine if i.latest and i.latest.rate is not None),
            achievement=q.achievement_of(mine),
            milestones=dict(milestones[plan.pk]), council=dict(council[plan.pk])))
    return Portfolio(today, glances, q.recent_changes(ids, hidden))


# --- a plan's progress ------------------------------------------------------------------------------


@dataclass
class TreeItem:
    node: Node
    planned_won: int
    executed_won: int
    status: str
    status_label: str
    withheld: bool
    children: list[TreeItem] = field(default_factory=list)
    url: str = ""

    @property
    def execution_rate(self) -> Decimal | None:
        return q.rate(self.executed_won, self.planned_won)


@dataclass(frozen=True)
class YearRow:
    year: int
    planned_won: int
    executed_won: int | None  # None: a year still to come

    @property
    def execution_rate(self) -> Decimal | None:
        return None if self.executed_won is None else q.rate(self.executed_won, self.planned_won)


MILESTONES_SHOWN = 40  # the page lists the latest; the milestones dataset has every one


@dataclass
class Progress:
    plan: Plan
    node: Node | None
    today: dt.date
    years: list[YearRow]
    tree: list[TreeItem]
    indicators: list[q.IndicatorProgress]
    milestones: list[q.MilestoneRow]
    statuses: list[q.StatusRow]
    nodes: list[Node] = field(default_factory=list)  # the plan's shown nodes, for breadcrumbs

    @property
    def planned_won(self) -> int:
        return sum(r.planned_won for r in self.years)

    @property
    def planned_to_date_won(self) -> int:
        return sum(r.planned_won for r in self.years if r.year <= self.today.year)

    @property
    def executed_won(self) -> int:
        return sum(r.executed_won or 0 for r in self.years)

    @property
    def execution_rate(self) -> Decimal | None:
        return q.rate(self.executed_won, self.planned_to_date_won)

    @property
    def achievement(self) -> Decimal | None:
        return q.achievement_of(self.indicators)

    @property
    def recent_milestones(self) -> list[q.MilestoneRow]:
        """Return the latest milestones, newest period first (the rest are in the dataset)."""
        return list(reversed(self.milestones[-MILESTONES_SHOWN:]))

    def milestone_count(self, state: str) -> int:
        return sum(1 for m in self.milestones if m.state == state)

    def sentences(self) -> list[str]:
        """Say the progress in plain words, as a citizen would ask it."""
        name = self.node.title if self.node is not None else self.plan.title
        said = [_("「%(name)s」은(는) %(start)d년부터 %(end)d년까지 모두 %(planned)s을 투입할 "
                  "계획입니다.") % {"name": name, "start": self.plan.period_start,
                                    "end": self.plan.period_end, "planned": eok(self.planned_won)}]
        if self.planned_to_date_won:
            said.append(_("올해까지 계획된 %(due)s 가운데 %(done)s을 집행해 집행률은 %(rate)s입니다.")
                        % {"due": eok(self.planned_to_date_won), "done": eok(self.executed_won),
                           "rate": percent_text(self.execution_rate)})
        computed = [i for i in self.indicators if i.latest and i.latest.rate is not None]
        if self.indicators:
            said.append(_("성과지표 %(n)d개 중 %(c)d개의 달성률을 산정할 수 있고, 평균 달성률은 "
                          "%(rate)s입니다.") % {"n": len(self.indicators), "c": len(computed),
                                                "rate": percent_text(self.achievement)})
        if self.milestones:
            said.append(_("추진일정 %(n)d건 중 %(done)d건 완료, %(late)d건 지연입니다.")
                        % {"n": len(self.milestones),
                           "done": self.milestone_count(MilestoneState.DONE),
                           "late": self.milestone_count(MilestoneState.DELAYED)})
        return said

    def money_chart(self) -> dict[str, Any]:
        return bar_chart(_("연도별 계획 대비 집행"), [str(r.year) for r in self.years],
                         [(_("계획"), [in_millions(r.planned_won) for r in self.years]),
                          (_("집행"), [None if r.executed_won is None else in_millions(r.executed_won)
                                       for r in self.years])],
                         ["" for _r in self.years], _("백만원"))

    def achievement_chart(self) -> dict[str, Any]:
        shown = [i for i in self.indicators if i.latest and i.latest.rate is not None]
        return bar_chart(_("성과지표 달성률 (최근 산정 연도)"), [i.name for i in shown],
                         [(_("달성률"), [number(i.latest.rate) if i.latest else None for i in shown])],
                         ["" for _i in shown], "%", mark=(100.0, _("목표")))


def _tree(slug: str, nodes: list[Node], planned: dict[tuple[int, int], int],
          executed: dict[tuple[int, int], int], statuses: dict[int, tuple[str, str]],
          withheld: set[int], root_id: int | None, today: dt.date) -> list[TreeItem]:
    by_parent: dict[int | None, list[Node]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)
    own_planned: dict[int, int] = {}
    for (node_id, _year), amount in planned.items():
        own_planned[node_id] = own_planned.get(node_id, 0) + amount
    own_executed: dict[int, int] = {}
    for (node_id, year), amount in executed.items():
        if year <= today.year:
            own_executed[node_id] = own_executed.get(node_id, 0) + amount

    # One reverse() for the tree, not one per node: the page has hundreds of links.
    base = reverse("portal:node_progress", args=[slug, "CODE"])

    def build(node: Node) -> TreeItem:
        children = [build(c) for c in by_parent.get(node.pk, [])]
        status, label = statuses.get(node.pk, ("", ""))
        return TreeItem(node, own_planned.get(node.pk, 0) + sum(c.planned_won for c in children),
                        own_executed.get(node.pk, 0) + sum(c.executed_won for c in children),
                        status, label, node.pk in withheld, children,
                        base.replace("CODE", quote(node.code, safe="")))

    return [build(n) for n in by_parent.get(root_id, [])]


def progress(plan: Plan, node: Node | None, hidden: set[int], withheld: set[int],
             today: dt.date) -> Progress:
    """Return a plan's (or a node's subtree's) progress for the reader (a constant number of queries)."""
    nodes = q.visible_nodes(plan, hidden)
    scope = descendant_ids(nodes, node.pk) if node is not None else {n.pk for n in nodes}
    planned = {k: v for k, v in q.planned_by_node_year([plan.pk], hidden).items() if k[0] in scope}
    executed = {k: v for k, v in q.executed_by_node_year([plan.pk], hidden).items()
                if k[0] in scope}
    planned_years = q.by_year(planned)
    executed_years = q.by_year(executed)
    years = [YearRow(y, planned_years.get(y, 0),
                     executed_years.get(y, 0) if y <= today.year else None)
             for y in sorted(set(plan.years) | set(planned_years) | set(executed_years))]
    tree_nodes = [n for n in nodes if n.pk in scope]
    tree = _tree(plan.slug, tree_nodes, planned, executed, q.latest_statuses(scope), withheld,
                 node.pk if node is not None else None, today)
    return Progress(plan, node, today, years, tree,
                    q.indicator_progress([plan.pk], hidden, scope),
                    q.milestones_of(plan, scope), q.status_history(plan, scope), nodes)


def short_title(title: str, limit: int = 14) -> str:
    """A plan's title short enough for a chart's axis (the table beside it has it whole)."""
    return title if len(title) <= limit else title[:limit - 1].rstrip() + "…"
