"""WSGI entry point; runs the system checks once so a misconfigured server refuses to start."""

import os
from collections.abc import Callable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtis.config.settings")
application: Callable[..., Any] = get_wsgi_application()

from django.core import checks  # noqa: E402
from django.core.management.base import SystemCheckError  # noqa: E402

_errors = [m for m in checks.run_checks() if m.level >= checks.ERROR]
if _errors:
    raise SystemCheckError("\n".join(str(m) for m in _errors))

from rtis.apicache.wsgi import wrap  # noqa: E402

application = wrap(application)  # the public's plan reads from memory (rtis.apicache)
