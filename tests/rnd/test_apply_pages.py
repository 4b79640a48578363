"""The applicant's pages end to end over HTTP: sign-up and its e-mail link, the form, files,
submission before and after the deadline; the manager's list is paged; strangers get 404."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rtis.orgs.models import User
from rtis.rnd.actions import do_add_person, do_attach_file, do_save_application
from rtis.rnd.models import Application, Attachment, Call, Organisation
from tests.conftest import PASSWORD, client_for
from tests.rnd.conftest import FUNDS, PDF, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("code_lists")]


def body(response: Any) -> str:
    return html.unescape(response.content.decode())


def form_data(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    pi = organisation.people.first()
    data: dict[str, Any] = {
        "title": "AI 기반 하수관로 진단", "summary": "관로 영상 자동 판독", "pi": pi.pk if pi else "",
        "private_matching_won": 40_000_000, "funds_2026": 200_000_000, "funds_2027": "",
        "funds_2028": "", "period_start": "2026-05-01", "period_end": "2026-12-31",
        "science_class": "EA", "six_t": "IT", "development_phase": "", "performer_type": "",
        "indicator_1_name": "특허 출원", "indicator_1_unit": "건", "indicator_1_target": 2}
    data.update(changes)
    return data


def test_sign_up_sends_a_link_that_confirms_the_account_and_lets_it_sign_in(
        plan: Any, call: Call) -> None:
    client = Client()
    response = client.post(reverse("rnd:sign_up"), {
        "organisation_name": "주식회사 홍릉테크", "kind": "startup",
        "business_number": "211-88-01534", "corporate_number": "", "name": "이담당",
        "department": "연구소", "position": "책임연구원", "email": "lee@hongtech.example",
        "username": "hongtech", "password": PASSWORD})
    assert response.status_code == 200 and "lee@hongtech.example" in body(response)
    assert not client.login(username="hongtech", password=PASSWORD)
    [message] = mail.outbox
    link = re.search(r"http://testserver(/rnd/sign-up/confirm/\?token=\S+)", message.body)
    assert link is not None
    confirmed = client.get(link.group(1))
    assert confirmed.status_code == 200 and "주식회사 홍릉테크" in body(confirmed)
    assert client.login(username="hongtech", password=PASSWORD)
    page = client.get(reverse("rnd:my_applications"))
    assert page.status_code == 200 and "이담당" in body(page)


def test_sign_up_with_a_wrong_business_number_names_the_field(plan: Any) -> None:
    response = Client().post(reverse("rnd:sign_up"), {
        "organisation_name": "x", "kind": "startup", "business_number": "211-88-01535",
        "name": "이", "email": "a@b.example", "username": "x1", "password": PASSWORD})
    assert response.status_code == 400 and "검증번호" in body(response)
    assert not mail.outbox and not Organisation.objects.exists()


def test_an_applicant_fills_uploads_and_submits_through_the_pages(
        applicant: User, sme: Organisation, call: Call, var_dir: Any) -> None:
    client = client_for(applicant)
    assert "온라인 신청" in body(client.get(reverse("rnd:call", args=[call.pk])))
    response = client.post(reverse("rnd:apply", args=[call.pk]), form_data(sme))
    assert response.status_code == 302, body(response)
    application = Application.objects.get()
    assert application.requested_funds == {"2026": 200_000_000}
    assert client.get(reverse("rnd:apply", args=[call.pk]))["Location"] == reverse(
        "rnd:application", args=[application.pk])
    upload = SimpleUploadedFile("사업계획서.pdf", PDF, content_type="application/pdf")
    assert client.post(reverse("rnd:attachment_upload", args=[application.pk]),
                       {"file": upload}).status_code == 302
    wrong = SimpleUploadedFile("가짜.pdf", b"GIF89a....", content_type="application/pdf")
    refused = client.post(reverse("rnd:attachment_upload", args=[application.pk]),
                          {"file": wrong})
    assert refused.status_code == 400 and "내용이 pdf" in body(refused)
    response = client.post(reverse("rnd:application_submit", args=[application.pk]),
                           {"version": application.version})
    assert response.status_code == 302
    page = body(client.get(reverse("rnd:my_applications")))
    assert "AI 기반 하수관로 진단" in page and "제출" in page
    attachment = Attachment.objects.get()
    download = client.get(reverse("rnd:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_submission_after_the_deadline_is_refused_with_the_time(
        applicant: User, sme: Organisation, call: Call,
        monkeypatch: pytest.MonkeyPatch) -> None:
    application = do_save_application(applicant, call, sme, title="늦은 과제",
                                       pi=sme.people.first(), requested_funds=FUNDS)
    monkeypatch.setattr("rtis.config.clock.now", at(call.closes_at + dt.timedelta(minutes=3)))
    client = client_for(applicant)
    page = body(client.get(reverse("rnd:application", args=[application.pk])))
    assert "접수가 마감되었습니다" in page and "2026-03-31 18:00" in page
    response = client.post(reverse("rnd:application_submit", args=[application.pk]),
                           {"version": application.version})
    assert response.status_code == 400
    assert "접수 마감(2026-03-31 18:00 KST)" in body(response)
    assert "지금 2026-03-31 18:03 KST" in body(response)
    assert Application.objects.get(pk=application.pk).status == "draft"


def test_a_stale_form_answers_409(applicant: User, sme: Organisation, call: Call) -> None:
    application = do_save_application(applicant, call, sme, title="과제", pi=sme.people.first(),
                                      requested_funds=FUNDS)
    client = client_for(applicant)
    url = reverse("rnd:application", args=[application.pk])
    assert client.post(url, form_data(sme, version=1, title="먼저")).status_code == 302
    assert client.post(url, form_data(sme, version=1, title="나중")).status_code == 409
    assert Application.objects.get().title == "먼저"


def test_another_organisations_applicant_gets_404_everywhere(
        applicant: User, other_applicant: User, sme: Organisation, call: Call) -> None:
    application = do_save_application(applicant, call, sme, title="비밀 과제",
                                      pi=sme.people.first(), requested_funds=FUNDS)
    attachment = do_attach_file(applicant, application, "a.pdf", PDF)
    client = client_for(other_applicant)
    for name, pk in (("rnd:application", application.pk), ("rnd:attachment", attachment.pk)):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    for name, pk in (("rnd:application", application.pk),
                     ("rnd:application_submit", application.pk),
                     ("rnd:attachment_upload", application.pk),
                     ("rnd:attachment_delete", attachment.pk)):
        assert client.post(reverse(name, args=[pk]), {"version": 1}).status_code == 404
    assert "비밀 과제" not in body(client.get(reverse("rnd:my_applications")))
    assert Attachment.objects.count() == 1
    assert Application.objects.get().title == "비밀 과제"


def test_a_manager_enters_an_application_on_an_applicants_behalf(
        planner: User, sme: Organisation, call: Call) -> None:
    do_add_person(planner, sme, name="김책임")
    client = client_for(planner)
    page = client.get(reverse("rnd:apply", args=[call.pk]), {"organisation": sme.pk})
    assert page.status_code == 200 and "김책임" in body(page)
    response = client.post(reverse("rnd:apply", args=[call.pk]),
                           {**form_data(sme), "organisation": sme.pk})
    assert response.status_code == 302
    assert Application.objects.get().created_by == planner


def test_the_managers_list_is_paged_with_a_bounded_number_of_queries(
        planner: User, call: Call, django_assert_max_num_queries: Any) -> None:
    from rtis.lib.bizno import business_check_digit
    from rtis.rnd.actions import do_create_organisation

    for n in range(55):
        nine = f"3018{n:05d}"
        org = do_create_organisation(planner, name=f"기업 {n:02d}", kind="seoul_sme",
                                     business_number=nine + str(business_check_digit(nine)))
        do_save_application(planner, call, org, title=f"과제 {n}", principal_investigator="김",
                            requested_funds=FUNDS)
    client = client_for(planner)
    with django_assert_max_num_queries(10):
        first = client.get(reverse("rnd:call_applications", args=[call.pk]))
    assert "1/2쪽, 모두 55건" in body(first) and "과제 54" not in body(first)
    assert "기업 54" in body(client.get(reverse("rnd:call_applications", args=[call.pk]),
                                       {"page": 2}))


def test_my_applications_takes_a_bounded_number_of_queries(
        applicant: User, sme: Organisation, call: Call,
        django_assert_max_num_queries: Any) -> None:
    do_save_application(applicant, call, sme, title="과제", pi=sme.people.first(),
                        requested_funds=FUNDS)
    client = client_for(applicant)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("rnd:my_applications"))
    assert response.status_code == 200 and "과제" in body(response)


def test_a_manager_closes_a_call_after_its_deadline(planner: User, call: Call,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(planner)
    client.post(reverse("rnd:call_close", args=[call.pk]), {"version": call.version})
    assert Call.objects.get(pk=call.pk).state == "published"
    monkeypatch.setattr("rtis.config.clock.now", at(call.closes_at + dt.timedelta(hours=1)))
    assert "공고 마감" in body(client.get(reverse("rnd:call", args=[call.pk])))
    client.post(reverse("rnd:call_close", args=[call.pk]), {"version": call.version})
    assert Call.objects.get(pk=call.pk).state == "closed"
