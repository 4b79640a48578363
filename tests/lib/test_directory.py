"""The directory's groups in RTIS terms: role mapping and its configuration parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rtis.lib.directory import (
    ROLE_ORDER,
    DirectoryConfigError,
    choose_role,
    normal_dn,
    parse_role_groups,
)

GROUPS = {"planner": "cn=rtis-planners,ou=groups,dc=seoul", "viewer": "cn=council,dc=seoul"}


def test_the_highest_role_wins() -> None:
    assert choose_role(["CN=Council, dc=Seoul", "cn=rtis-planners,ou=groups,dc=seoul"],
                       GROUPS) == "planner"


def test_no_group_means_no_role_unless_a_default_is_set() -> None:
    assert choose_role(["cn=other,dc=seoul"], GROUPS) is None
    assert choose_role([], GROUPS, default="viewer") == "viewer"


def test_the_setting_reads_role_equals_dn_pairs() -> None:
    assert parse_role_groups(" planner = cn=a,dc=b ; viewer=cn=c,dc=d;") == {
        "planner": "cn=a,dc=b", "viewer": "cn=c,dc=d"}


@pytest.mark.parametrize("text", ["boss=cn=a,dc=b", "planner", "planner=abc",
                                  "planner=cn=a;planner=cn=b"])
def test_a_malformed_setting_is_refused_with_the_item(text: str) -> None:
    with pytest.raises(DirectoryConfigError):
        parse_role_groups(text)


dn_part = st.text(alphabet=st.characters(blacklist_characters=",=;\r\n"), min_size=1,
                  max_size=12).filter(str.strip)


@given(st.dictionaries(st.sampled_from(ROLE_ORDER), st.lists(dn_part, min_size=1, max_size=3)))
def test_any_wellformed_setting_round_trips(groups: dict[str, list[str]]) -> None:
    dns = {role: ",".join(f"cn={p.strip()}" for p in parts) for role, parts in groups.items()}
    text = ";".join(f"{role}={dn}" for role, dn in dns.items())
    parsed = parse_role_groups(text)
    normal = {r: normal_dn(d) for r, d in dns.items()}
    assert {r: normal_dn(d) for r, d in parsed.items()} == normal
    for role in dns:
        # A member of the group gets the highest role mapped to that same group.
        same_group = [r for r in dns if normal[r] == normal[role]]
        assert choose_role([dns[role]], parsed) == min(same_group, key=ROLE_ORDER.index)
