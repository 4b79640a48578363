from django.urls import path

from rtis.rnd import apply_views, join_views, views

app_name = "rnd"
urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/publish/", views.call_publish, name="call_publish"),
    path("calls/<int:pk>/applications/", views.call_applications_page, name="call_applications"),
    path("calls/<int:pk>/close/", apply_views.call_close, name="call_close"),
    path("calls/<int:pk>/apply/", apply_views.apply, name="apply"),
    path("calls/<int:pk>/import/", apply_views.call_import, name="call_import"),
    path("applicants/new/", apply_views.applicant_new, name="applicant_new"),
    path("sign-up/", apply_views.sign_up, name="sign_up"),
    path("sign-up/confirm/", apply_views.sign_up_confirm, name="sign_up_confirm"),
    path("my/", apply_views.my_applications, name="my_applications"),
    path("my/people/", apply_views.person_add, name="person_add"),
    path("applications/<int:pk>/", apply_views.application_page, name="application"),
    path("applications/<int:pk>/submit/", apply_views.application_submit,
         name="application_submit"),
    path("applications/<int:pk>/attachments/", apply_views.attachment_upload,
         name="attachment_upload"),
    path("attachments/<int:pk>/", apply_views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", apply_views.attachment_delete, name="attachment_delete"),
    # rnd-pages
    path("sign-up/join/confirm/", join_views.join_confirm, name="join_confirm"),
    path("join-requests/", join_views.join_requests, name="join_requests"),
    path("join-requests/<int:pk>/decide/", join_views.join_decide, name="join_decide"),
]
