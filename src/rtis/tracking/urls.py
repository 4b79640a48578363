from django.urls import include, path

from rtis.tracking import views

app_name = "tracking"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/decide/", views.approvals_decide, name="approvals_decide"),
    path("entries/<slug:kind>/<int:pk>/approve/", views.entry_approve, name="approve"),
    path("entries/<slug:kind>/<int:pk>/return/", views.entry_return, name="return"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("bulk/", include("rtis.tracking.bulk_urls")),
    path("plans/<slug:slug>/", views.plan_page, name="plan"),
    path("plans/<slug:slug>/settings/", views.plan_settings, name="plan_settings"),
    path("plans/<slug:slug>/generate/", views.plan_generate, name="plan_generate"),
    path("plans/<slug:slug>/periods/<int:pk>/<slug:move>/", views.period_move,
         name="period_move"),
    path("plans/<slug:slug>/nodes/<str:code>/", views.node_page, name="node"),
    path("plans/<slug:slug>/nodes/<str:code>/execution/<int:period_id>/", views.execution_save,
         name="execution_save"),
    path("plans/<slug:slug>/nodes/<str:code>/execution/<int:period_id>/correct/",
         views.execution_correct, name="execution_correct"),
    path("plans/<slug:slug>/nodes/<str:code>/indicators/<int:indicator_id>/<int:period_id>/",
         views.indicator_save, name="indicator_save"),
    path("plans/<slug:slug>/nodes/<str:code>/milestones/<int:period_id>/", views.milestone_save,
         name="milestone_save"),
    path("plans/<slug:slug>/nodes/<str:code>/status/", views.status_save, name="status_save"),
    path("plans/<slug:slug>/nodes/<str:code>/participation/", views.participation_add,
         name="participation_add"),
    path("plans/<slug:slug>/nodes/<str:code>/participation/<int:pk>/delete/",
         views.participation_delete, name="participation_delete"),
]
