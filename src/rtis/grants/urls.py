from django.urls import path

from rtis.grants import views

app_name = "grants"
urlpatterns = [
    path("agreements/", views.agreement_list, name="agreements"),
    path("applications/<int:pk>/agreement/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/changes/", views.change_request, name="change_request"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
    path("agreements/<int:pk>/reports/", views.report_save, name="report_save"),
    path("reports/<int:pk>/evaluate/", views.annual_evaluate, name="annual_evaluate"),
    path("agreements/<int:pk>/final/", views.final_evaluate, name="final_evaluate"),
    path("agreements/<int:pk>/outputs/", views.output_add, name="output_add"),
    path("surveys/<int:pk>/submit/", views.survey_submit, name="survey_submit"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/remind/", views.survey_remind, name="survey_remind"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/download/", views.statistics_download, name="statistics_download"),
]
