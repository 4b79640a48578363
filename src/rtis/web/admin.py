"""Admins see sign-in locks and clear them; the admin's own login form explains a lock."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rtis.web.actions import do_unlock_sign_in
from rtis.web.forms import AdminSignInForm
from rtis.web.models import SignInThrottle

admin.site.login_form = AdminSignInForm


@admin.register(SignInThrottle)
class SignInThrottleAdmin(admin.ModelAdmin):
    list_display = ["kind", "key", "locked_now", "locked_until", "failures", "lock_level",
                    "last_failure_at"]
    list_filter = ["kind"]
    search_fields = ["key"]
    actions = ["unlock"]

    @admin.display(boolean=True, description=_("잠김"))
    def locked_now(self, obj: SignInThrottle) -> bool:
        return obj.is_locked(timezone.now())

    @admin.action(description=_("선택한 잠금 해제"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[SignInThrottle]) -> None:
        cleared: list[str] = []
        for row in queryset:
            cleared += do_unlock_sign_in(request.user, row.key)
        self.message_user(request, gettext("잠금을 풀었습니다: %(names)s")
                          % {"names": ", ".join(cleared)}, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # clearing goes through the audited unlock action
