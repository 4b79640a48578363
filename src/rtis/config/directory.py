"""Settings for sign-in through the city's directory (LDAP), read from RTIS_LDAP_* variables.

Only imported when RTIS_LDAP_SERVER_URI is set, so that django-auth-ldap (the `ldap` extra:
`pip install 'rtis[ldap]'`, which needs Debian's libldap2-dev and libsasl2-dev to build) is not
needed otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rtis.lib.directory import DirectoryConfigError, parse_role_groups
from rtis.lib.env import SettingError, env_bool, env_choice, env_secret, env_str


def directory_settings(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the AUTH_LDAP_* and RTIS_LDAP_* settings for the variables given."""
    try:
        import ldap
        from django_auth_ldap.config import GroupOfNamesType, LDAPGroupQuery, LDAPSearch
    except ImportError as exc:
        raise SettingError(
            "RTIS_LDAP_SERVER_URI: 디렉터리 로그인에는 django-auth-ldap이 필요합니다 "
            "(pip install 'rtis[ldap]') / directory sign-in needs django-auth-ldap "
            "(pip install 'rtis[ldap]')") from exc

    def need(name: str) -> str:
        value = env_str(name, "", environ).strip()
        if not value:
            raise SettingError(f"{name}: RTIS_LDAP_SERVER_URI와 함께 설정해야 합니다 / "
                               f"{name} is required with RTIS_LDAP_SERVER_URI")
        return value

    try:
        role_groups = parse_role_groups(need("RTIS_LDAP_ROLE_GROUPS"))
    except DirectoryConfigError as exc:
        raise SettingError(f"RTIS_LDAP_ROLE_GROUPS: {exc}") from None
    default_role = env_choice("RTIS_LDAP_DEFAULT_ROLE", "", {"", "viewer"}, environ)
    user_filter = env_str("RTIS_LDAP_USER_FILTER", "(uid=%(user)s)", environ)
    group_base = need("RTIS_LDAP_GROUP_BASE")
    values: dict[str, Any] = {
        "AUTH_LDAP_SERVER_URI": need("RTIS_LDAP_SERVER_URI"),
        "AUTH_LDAP_BIND_DN": env_str("RTIS_LDAP_BIND_DN", "", environ),
        "AUTH_LDAP_BIND_PASSWORD": env_secret("RTIS_LDAP_BIND_PASSWORD",
                                              "RTIS_LDAP_BIND_PASSWORD_FILE", "", environ),
        "AUTH_LDAP_START_TLS": env_bool("RTIS_LDAP_START_TLS", False, environ),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(need("RTIS_LDAP_USER_BASE"), ldap.SCOPE_SUBTREE,
                                            user_filter),
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn",
                                    "email": "mail"},
        "AUTH_LDAP_GROUP_SEARCH": LDAPSearch(group_base, ldap.SCOPE_SUBTREE,
                                             "(objectClass=groupOfNames)"),
        "AUTH_LDAP_GROUP_TYPE": GroupOfNamesType(),
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CONNECTION_OPTIONS": {ldap.OPT_NETWORK_TIMEOUT: 5, ldap.OPT_TIMEOUT: 10},
        "RTIS_LDAP_ROLE_GROUPS": role_groups,
        "RTIS_LDAP_DEFAULT_ROLE": default_role,
        # Groups below this base whose cn is a department's name (or alias) give departments.
        "RTIS_LDAP_DEPARTMENT_GROUP_BASE": env_str("RTIS_LDAP_DEPARTMENT_GROUP_BASE", "",
                                                   environ),
        # Or an attribute of the person holding the department's name (e.g. ou).
        "RTIS_LDAP_DEPARTMENT_ATTR": env_str("RTIS_LDAP_DEPARTMENT_ATTR", "", environ),
    }
    if not default_role:
        # Nobody outside the mapped groups gets an account (checked before one is created).
        query = None
        for dn in role_groups.values():
            query = LDAPGroupQuery(dn) if query is None else query | LDAPGroupQuery(dn)
        values["AUTH_LDAP_REQUIRE_GROUP"] = query
    return values
