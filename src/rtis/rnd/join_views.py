"""A second account for an already registered organisation: the join request made at sign-up,
its e-mail link, and the decision by the organisation's applicant or an R&D manager. The
requester's account acts for nobody until approved; every step is mailed (console backend in
the demo, as sign-up does)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rtis.lib.bizno import format_business_number
from rtis.lib.conflict import EditConflict
from rtis.lib.numbers import ascii_int
from rtis.rnd import actions
from rtis.rnd.access import get_join_request_for_user, join_requests_for_user
from rtis.rnd.models import Applicant, JoinRequest, JoinState
from rtis.web.language import in_language

JOIN_FIELDS = ("username", "password", "email", "name", "business_number", "department",
               "position")


def join_from_sign_up(request: HttpRequest, form: Any) -> HttpResponse | None:
    """Turn a sign-up naming a registered business number into a join request; None when the
    action refused it (its reasons are then on the form)."""
    data = {k: form.cleaned_data.get(k, "") for k in JOIN_FIELDS}
    try:
        join = actions.do_request_to_join(**data)
    except ValidationError as exc:
        named = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for field, texts in named.items():
            for text in texts:
                form.add_error(field if field in form.fields else None, in_language(text))
        return None
    link = request.build_absolute_uri(
        f"{reverse('rnd:join_confirm')}?{urlencode({'token': actions.join_token(join)})}")
    send_mail(_("[서울 RTIS] 기관 가입 요청 이메일 확인"),
              _("사업자등록번호 %(number)s로 등록된 기관의 신청자 계정 가입을 요청했습니다. 아래 링크를 "
                "열면(3일 안에) 요청이 기관 담당자와 SBA에 전달되고, 승인되면 로그인할 수 "
                "있습니다:\n%(link)s")
              % {"number": format_business_number(join.organisation.business_number),
                 "link": link}, None, [join.email])
    return render(request, "rnd/join_sent.html", {"email": join.email})


@require_GET
def join_confirm(request: HttpRequest) -> HttpResponse:
    try:
        join = actions.do_confirm_join_request(request.GET.get("token", ""))
    except ValidationError as exc:
        return render(request, "rnd/join_confirmed.html",
                      {"errors": [in_language(m) for m in exc.messages]}, status=400)
    deciders = list(Applicant.objects.filter(
        organisation=join.organisation, confirmed_at__isnull=False, user__is_active=True)
        .exclude(user__email="").values_list("user__email", flat=True))
    if deciders and join.state == JoinState.PENDING:
        send_mail(_("[서울 RTIS] 기관 가입 요청이 있습니다"),
                  _("%(name)s(%(email)s)님이 %(org)s의 신청자 계정 가입을 요청했습니다. 승인하거나 "
                    "거절하세요:\n%(link)s")
                  % {"name": join.name, "email": join.email, "org": join.organisation.name,
                     "link": request.build_absolute_uri(reverse("rnd:join_requests"))},
                  None, deciders)
    return render(request, "rnd/join_confirmed.html", {"join": join})


@login_required
@require_GET
def join_requests(request: HttpRequest) -> HttpResponse:
    rows = join_requests_for_user(request.user)
    return render(request, "rnd/join_requests.html", {
        "pending": list(rows.filter(state=JoinState.PENDING)),
        "decided": list(rows.exclude(state=JoinState.PENDING)[:50])})


def notify_decision(join: JoinRequest, request: HttpRequest) -> None:
    """Mail the requester the decision (the page and the API alike)."""
    if join.state == JoinState.APPROVED:
        body = (_("%(org)s의 신청자 계정 가입이 승인되었습니다. 이제 로그인할 수 있습니다: %(link)s")
                % {"org": join.organisation.name,
                   "link": request.build_absolute_uri(reverse("login"))})
    else:
        body = (_("사업자등록번호 %(number)s 기관의 신청자 계정 가입 요청이 거절되었습니다. "
                  "사유: %(reason)s")
                % {"number": format_business_number(join.organisation.business_number),
                   "reason": join.reason})
    send_mail(_("[서울 RTIS] 기관 가입 요청 처리 결과"), body, None, [join.email])


@login_required
@require_POST
def join_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join = get_join_request_for_user(request.user, pk)
    raw = request.POST.get("version", "")
    try:
        join = actions.do_decide_join_request(
            request.user, join, ascii_int(raw) or 0,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""))
    except EditConflict as exc:
        messages.error(request, in_language(str(exc)))
    except ValidationError as exc:
        messages.error(request, " ".join(in_language(m) for m in exc.messages))
    else:
        notify_decision(join, request)
        messages.success(request, _("가입 요청을 승인했습니다.") if join.state == JoinState.APPROVED
                         else _("가입 요청을 거절했습니다."))
    return redirect("rnd:join_requests")
