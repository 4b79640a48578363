"""{% portal_tree items %}: a plan's collapsible tree on the progress page, written in one pass.

The same markup as a recursive template include would give, built in Python: the tree of the
2018 plan has 63 nodes with seven values each, and a template include per level made it half the
page's rendering time. Every text is escaped; the labels are translated once per tree.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from rtis.lib.money import format_won

register = template.Library()


def _figures(item: object, planned: str, executed: str) -> str:
    rate = item.execution_rate  # type: ignore[attr-defined]
    text = (f"{planned} {format_won(item.planned_won, '백만원')} · "  # type: ignore[attr-defined]
            f"{executed} {format_won(item.executed_won, '백만원')}")  # type: ignore[attr-defined]
    if rate is not None:
        text += f" ({rate}%)"
    if item.status_label:  # type: ignore[attr-defined]
        text += f' · <span class="status">{escape(item.status_label)}</span>'  # type: ignore[attr-defined]
    return f'<span class="portal-tree-figures small">{text}</span>'


@register.simple_tag
def portal_tree(items: Sequence[object]) -> SafeString:
    """Return the nested lists of the tree's items (rtis.portal.summaries.TreeItem)."""
    planned, executed = escape(gettext("계획")), escape(gettext("집행"))
    badge = f' <span class="badge">{escape(gettext("비공개"))}</span>'
    see = gettext("%(code)s 추진 현황 보기")
    out: list[str] = []

    def write(level: Sequence[object]) -> None:
        out.append("<ul>")
        for item in level:
            node = item.node  # type: ignore[attr-defined]
            code, title = escape(node.code), escape(node.title)
            level_name = escape(node.level_name)
            url = escape(item.url)  # type: ignore[attr-defined]
            hidden = badge if item.withheld else ""  # type: ignore[attr-defined]
            out.append("<li>")
            if item.children:  # type: ignore[attr-defined]
                opened = " open" if node.depth == 1 else ""
                out.append(f'<details{opened}><summary>{code} {title} <span class="muted small">'
                           f"{level_name}</span>{hidden}</summary>\n"
                           f'<p class="portal-tree-row">{_figures(item, planned, executed)} '
                           f'<a href="{url}">{escape(see % {"code": node.code})}</a></p>\n')
                write(item.children)  # type: ignore[attr-defined]
                out.append("</details>")
            else:
                out.append(f'<a href="{url}">{code} {title}</a> <span class="muted small">'
                           f"{level_name}</span>{hidden}\n{_figures(item, planned, executed)}")
            out.append("</li>")
        out.append("</ul>")

    write(items)
    return mark_safe("".join(out))
