"""{% open_data "departments" %}: download links of another app's list page, through the portal's
dataset of the same table, keeping the page's filters that the dataset knows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template

from rtis.portal.datasets import DATASETS

register = template.Library()


@register.inclusion_tag("portal/_open_data.html", takes_context=True)
def open_data(context: dict[str, Any], name: str, **fixed: str) -> dict[str, Any]:
    dataset = DATASETS[name]
    request = context.get("request")
    params = request.GET if request is not None else {}
    chosen = {k: params.get(k) for k in dataset.filters if params.get(k)}
    chosen.update({k: v for k, v in fixed.items() if v})  # what the page shows wins
    filters = list(chosen.items())

    def url(**options: str) -> str:
        return f"{dataset.url}?{urlencode([*filters, *options.items()])}"

    return {"dataset": dataset, "page": url(), "csv": url(format="csv"),
            "cp949": url(format="csv", encoding="cp949"), "xlsx": url(format="xlsx")}
