"""Applicants' pages: sign-up and its e-mail link, my applications and people, the online
application form, attachments; and the R&D managers' entry on an applicant's behalf."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rtis.config import clock
from rtis.ingest.tables import MAX_FILE_BYTES
from rtis.lib.conflict import EditConflict
from rtis.lib.numbers import ascii_int
from rtis.rnd import actions
from rtis.rnd.access import (
    applicant_organisation,
    can_manage_rnd,
    get_application_for_user,
    get_attachment_for_user,
    get_call_for_user,
    require_rnd_manager,
)
from rtis.rnd.forms import (
    ApplicantForm,
    ApplicationForm,
    AttachmentForm,
    ImportForm,
    PersonForm,
    SignUpForm,
)
from rtis.rnd.importing import COLUMNS, SHEET, ImportRefused
from rtis.rnd.join_views import join_from_sign_up
from rtis.rnd.models import (
    ATTACHMENTS,
    Application,
    ApplicationStatus,
    Call,
    CallState,
    Organisation,
)
from rtis.rnd.queries import organisation_applications, organisation_people
from rtis.web.language import in_language


def _messages(exc: ValidationError) -> list[str]:
    return [in_language(m) for m in exc.messages]


def _field_errors(form: Any, exc: ValidationError) -> None:
    """Put an action's refusals on the form, by field where the form has it."""
    named = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, texts in named.items():
        target = field if field in form.fields else None
        for text in texts:
            form.add_error(target, in_language(text))


def _is_open(call: Call) -> bool:
    now = clock.now()
    return call.state == CallState.PUBLISHED and call.opens_at <= now < call.closes_at


# --- sign-up -----------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() \
            and actions.registered_organisation(form.cleaned_data["business_number"]):
        # A registered business number: a join request, decided by the organisation (rnd-pages)
        sent = join_from_sign_up(request, form)
        if sent is not None:
            return sent
    elif request.method == "POST" and form.is_valid():
        try:
            applicant = actions.do_sign_up_applicant(**form.cleaned_data)
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            token = actions.confirmation_token(applicant.user)
            link = request.build_absolute_uri(
                f"{reverse('rnd:sign_up_confirm')}?{urlencode({'token': token})}")
            send_mail(_("[서울 RTIS] 신청자 계정 이메일 확인"),
                      _("아래 링크를 열면 계정을 쓸 수 있습니다 (3일 안에):\n%(link)s")
                      % {"link": link}, None, [applicant.user.email])
            return render(request, "rnd/sign_up_sent.html", {"email": applicant.user.email})
    return render(request, "rnd/sign_up.html", {"form": form},
                  status=400 if form.errors else 200)


@require_GET
def sign_up_confirm(request: HttpRequest) -> HttpResponse:
    try:
        applicant = actions.do_confirm_applicant(request.GET.get("token", ""))
    except ValidationError as exc:
        return render(request, "rnd/sign_up_confirmed.html", {"errors": _messages(exc)},
                      status=400)
    return render(request, "rnd/sign_up_confirmed.html", {"applicant": applicant})


# --- my applications and people ----------------------------------------------------------------

def _own_organisation(request: HttpRequest) -> Organisation:
    organisation = applicant_organisation(request.user)
    if organisation is None:
        raise PermissionDenied(_("신청자 계정만 볼 수 있습니다 / applicant accounts only"))
    return organisation


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    return render(request, "rnd/my_applications.html", {
        "organisation": organisation,
        "applications": organisation_applications(organisation),
        "people": organisation_people(organisation), "person_form": PersonForm()})


@login_required
@require_POST
def person_add(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    form = PersonForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_person(request.user, organisation, **form.cleaned_data)
        except ValidationError as exc:
            _field_errors(form, exc)
    if form.errors:
        return render(request, "rnd/my_applications.html", {
            "organisation": organisation,
            "applications": organisation_applications(organisation),
            "people": organisation_people(organisation), "person_form": form}, status=400)
    messages.success(request, _("인력을 추가했습니다."))
    return redirect("rnd:my_applications")


# --- the application form ----------------------------------------------------------------------

def _form_page(request: HttpRequest, call: Call, organisation: Organisation | None,
               form: ApplicationForm, application: Application | None = None, *,
               errors: list[str] | None = None, status: int = 200,
               organisations: Any = None) -> HttpResponse:
    editable = _is_open(call) and (application is None
                                   or application.status == ApplicationStatus.DRAFT)
    return render(request, "rnd/application_form.html", {
        "call": call, "organisation": organisation, "form": form, "application": application,
        "editable": editable, "errors": errors or [], "now": clock.now(),
        "attachments": list(application.attachments.all()) if application else [],
        "attachment_form": AttachmentForm(), "organisations": organisations,
        "participants": list(application.participants.all()) if application else [],
        "can_manage": can_manage_rnd(request.user)}, status=status)


def _organisation_for_new(request: HttpRequest) -> tuple[Organisation | None, Any]:
    """The applicant's own organisation; for an R&D manager, the one chosen (?organisation=)."""
    if can_manage_rnd(request.user):
        organisations = Organisation.objects.order_by("name")
        raw = request.POST.get("organisation") or request.GET.get("organisation") or ""
        chosen_id = ascii_int(raw)
        chosen = organisations.filter(pk=chosen_id).first() if chosen_id is not None else None
        return chosen, organisations
    return _own_organisation(request), None


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_user(request.user, pk)
    organisation, organisations = _organisation_for_new(request)
    if organisation is not None and not can_manage_rnd(request.user):
        existing = call.applications.filter(organisation=organisation).exclude(
            status=ApplicationStatus.WITHDRAWN).first()
        if existing is not None:
            return redirect("rnd:application", pk=existing.pk)
    form = ApplicationForm(request.POST or None, call=call, organisation=organisation)
    if request.method == "POST" and organisation is not None and form.is_valid():
        try:
            application = actions.do_save_application(request.user, call, organisation,
                                                       **form.action_fields())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("신청서를 저장했습니다. 첨부파일을 올리고 제출하세요."))
            return redirect("rnd:application", pk=application.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, call, organisation, form, status=status,
                      organisations=organisations)


@login_required
@require_http_methods(["GET", "POST"])
def application_page(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    call, organisation = application.call, application.organisation
    if request.method == "GET":
        form = ApplicationForm(initial=ApplicationForm.initial_for(application), call=call,
                               organisation=organisation)
        return _form_page(request, call, organisation, form, application)
    form = ApplicationForm(request.POST, call=call, organisation=organisation)
    if form.is_valid():
        try:
            actions.do_save_application(request.user, call, organisation, application,
                                        form.cleaned_data["version"], **form.action_fields())
        except EditConflict as exc:
            application.refresh_from_db()
            return _form_page(request, call, organisation, form, application,
                              errors=[in_language(str(exc))], status=409)
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("신청서를 저장했습니다."))
            return redirect("rnd:application", pk=application.pk)
    return _form_page(request, call, organisation, form, application, status=400)


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    raw = request.POST.get("version", "")
    try:
        actions.do_submit_application(request.user, application,
                                      ascii_int(raw) or 0)
    except (EditConflict, ValidationError) as exc:
        application.refresh_from_db()
        texts = [in_language(str(exc))] if isinstance(exc, EditConflict) else _messages(exc)
        form = ApplicationForm(initial=ApplicationForm.initial_for(application),
                               call=application.call, organisation=application.organisation)
        return _form_page(request, application.call, application.organisation, form,
                          application, errors=texts,
                          status=409 if isinstance(exc, EditConflict) else 400)
    messages.success(request, _("신청서를 제출했습니다."))
    return redirect("rnd:application", pk=application.pk)


# --- attachments -------------------------------------------------------------------------------

@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_user(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    errors: list[str] = []
    if not form.is_valid():
        errors = [_("올릴 파일을 고르세요 / choose a file to upload")]
    else:
        upload = form.cleaned_data["file"]
        if upload.size > actions.MAX_ATTACHMENT_BYTES:
            data = b"\0" * (actions.MAX_ATTACHMENT_BYTES + 1)  # refused by size, not read
        else:
            data = upload.read()
        try:
            actions.do_attach_file(request.user, application, upload.name, data)
        except ValidationError as exc:
            errors = _messages(exc)
    if errors:
        page_form = ApplicationForm(initial=ApplicationForm.initial_for(application),
                                    call=application.call, organisation=application.organisation)
        return _form_page(request, application.call, application.organisation, page_form,
                          application, errors=errors, status=400)
    messages.success(request, _("첨부파일을 올렸습니다."))
    return redirect("rnd:application", pk=application.pk)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_attachment_for_user(request.user, pk)
    try:
        handle = ATTACHMENTS.open(attachment.stored_name, "rb")
    except FileNotFoundError as exc:
        raise Http404(f"첨부파일 {pk}번의 파일이 없습니다 / the file of attachment {pk} is "
                      f"missing") from exc
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_attachment_for_user(request.user, pk)
    application = attachment.application
    try:
        actions.do_remove_attachment(request.user, attachment)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages(exc)))
    return redirect("rnd:application", pk=application.pk)


# --- R&D managers ------------------------------------------------------------------------------

@login_required
@require_POST
def call_close(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_user(request.user, pk)
    require_rnd_manager(request.user)
    raw = request.POST.get("version", "")
    try:
        actions.do_close_call(request.user, call, ascii_int(raw) or 0)
    except EditConflict as exc:
        messages.error(request, in_language(str(exc)))
    except ValidationError as exc:
        messages.error(request, " ".join(_messages(exc)))
    else:
        messages.success(request, _("공고를 마감했습니다."))
    return redirect("rnd:call", pk=call.pk)


@login_required
@require_http_methods(["GET", "POST"])
def call_import(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call_for_user(request.user, pk)
    require_rnd_manager(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            created = actions.do_import_applications(request.user, call, upload.name, data)
        except ImportRefused as exc:
            problems = [in_language(str(p)) for p in exc.problems]
        else:
            messages.success(request, _("신청 %(n)s건을 가져왔습니다.") % {"n": len(created)})
            return redirect("rnd:call_applications", pk=call.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "rnd/call_import.html", {
        "call": call, "form": form, "problems": problems, "columns": list(COLUMNS), "sheet": SHEET,
        "years": [f"{call.year + n}년 신청 시비(원)" for n in range(3)]}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def applicant_new(request: HttpRequest) -> HttpResponse:
    require_rnd_manager(request.user)
    form = ApplicantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            applicant = actions.do_register_applicant(request.user, **data)
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, _("신청자 계정 %(user)s(%(org)s)을 만들었습니다.") % {
                "user": applicant.user.username, "org": applicant.organisation.name})
            return redirect("rnd:calls")
    return render(request, "rnd/applicant_new.html", {"form": form},
                  status=400 if form.errors else 200)
