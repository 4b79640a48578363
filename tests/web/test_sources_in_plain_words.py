"""Provenance reads as document, section, table and page: never a seed file name."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from rtis.oversight.models import AuditItem
from rtis.plans.models import Plan
from tests.conftest import client_for, load_whole_seed, module_data

pytestmark = pytest.mark.django_db

# "000_0aceb20338ea57e3.txt", "seed/plans/x.yaml", "x.yaml": how the seed names its files.
FILE_NAME = re.compile(r"[0-9]{3}_[0-9a-f]{16}\.txt|seed/[a-z]+/|[\w-]+\.ya?ml\b")


seeded = module_data(load_whole_seed, share=True)  # one build per process (tests.conftest)


def pages() -> list[str]:
    urls = [reverse("plans:list"), reverse("oversight:list")]
    for plan in Plan.objects.all():
        urls.append(reverse("plans:detail", args=[plan.slug]))
        # the first node of each depth: task pages with sections, tables and pages
        seen: set[int] = set()
        for node in plan.nodes.order_by("position"):
            if node.depth not in seen:
                seen.add(node.depth)
                urls.append(reverse("plans:node", args=[plan.slug, node.code]))
    for item in AuditItem.objects.select_related("session").order_by("category", "number")[:3]:
        urls.append(reverse("oversight:detail", args=[item.session.key]))
        urls.append(reverse("oversight:item", args=[item.session.key, item.category, item.number]))
    return urls


def test_no_page_shows_a_seed_file_name(seeded: None, planner: Any) -> None:
    for who in (None, planner):
        client = client_for(who)
        for url in pages():
            response = client.get(url)
            assert response.status_code == 200, url
            found = FILE_NAME.findall(response.content.decode())
            assert not found, f"{url} shows {found}"


def test_sources_name_the_document_section_table_and_page(seeded: None) -> None:
    public = client_for(None)
    task = public.get(reverse("plans:node", args=["innovation-growth-2018", "1-1"])).text
    source = task.split('data-testid="node-source">', 1)[1].split("</dd>", 1)[0]
    assert source == ("「서울 미래 혁신성장 프로젝트 추진계획」 · Ⅴ · "
                      "「6대 프로젝트 23개 전략과제(신규 19, 확대 4)」 표 · 6쪽")

    item = public.get(reverse("oversight:item", args=["audit-2021", "corrective", 1])).text
    source = item.split('data-testid="item-source">', 1)[1].split("</dd>", 1)[0]
    assert source == "「경제정책실 주요 업무보고」 · IV-2"

    plan = public.get(reverse("plans:detail", args=["innovation-growth-2018"]))
    assert 'data-testid="source-document">「서울 미래 혁신성장 프로젝트 추진계획」<' in plan.text
    assert "「서울 미래 혁신성장 프로젝트 추진계획」 · Ⅴ-① · 「연차별 소요예산」 표" in plan.text

    # printed tables with the same title are told apart by their section
    titles = [t.display_title for t in plan.context["stated_tables"]]
    assert "연차별 소요예산 (Ⅴ-①)" in titles and "연차별 소요예산 (Ⅴ-②)" in titles
    assert len(titles) == len(set(titles))
