from django.urls import path

from rtis.facilities import fund_views, manage_views, views

app_name = "facilities"
urlpatterns = [
    path("", views.facility_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("funds/", views.fund_list, name="funds"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/edit/", views.facility_edit, name="edit"),
    path("<int:pk>/outcomes/", views.outcome_upload_page, name="outcomes"),
    path("<int:pk>/outcomes/template/", views.outcome_template, name="outcome_template"),
    path("<int:pk>/outcomes/upload/", views.outcome_upload, name="outcome_upload"),
    # facilities-ui: management screens
    path("<int:pk>/tenancies/new/", manage_views.tenancy_new, name="tenancy_new"),
    path("<int:pk>/leavers/", manage_views.leavers, name="leavers"),
    path("<int:pk>/publish/", manage_views.facility_publish, name="publish"),
    path("tenancies/<int:pk>/move-out/", manage_views.tenancy_end, name="tenancy_end"),
    path("tenancies/<int:pk>/outcome/", manage_views.outcome_edit, name="outcome_edit"),
    path("tenants/", manage_views.tenant_list, name="tenants"),
    path("tenants/<int:pk>/", manage_views.tenant_edit, name="tenant_edit"),
    path("computed/", manage_views.computed_list, name="computed"),
    path("computed/preview/", manage_views.computed_preview, name="computed_preview"),
    path("computed/declare/", manage_views.computed_declare, name="computed_declare"),
    path("computed/recompute/", manage_views.computed_recompute, name="computed_recompute"),
    path("funds/new/", fund_views.fund_new, name="fund_new"),
    path("funds/<int:pk>/", fund_views.fund_detail, name="fund"),
    path("funds/<int:pk>/edit/", fund_views.fund_edit, name="fund_edit"),
    path("funds/<int:pk>/commitments/", fund_views.commitment_add, name="commitment_add"),
    path("funds/<int:pk>/calls/", fund_views.call_add, name="call_add"),
    path("funds/<int:pk>/investments/", fund_views.investment_add, name="investment_add"),
    path("funds/<int:pk>/exits/", fund_views.exit_add, name="exit_add"),
]
