from django.urls import path

from rtis.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<slug:slug>/", views.plan_detail, name="detail"),
    path("<slug:slug>/budget/", views.plan_budget, name="budget"),
    path("<slug:slug>/publish/", views.plan_publish, name="publish"),
    path("<slug:slug>/nodes/<str:code>/", views.node_detail, name="node"),
    path("<slug:slug>/nodes/<str:code>/subtree/", views.plan_subtree, name="subtree"),
    path("<slug:slug>/nodes/<str:code>/edit/", views.node_edit, name="node_edit"),
    path("<slug:slug>/nodes/<str:code>/lines/", views.budget_line_save, name="line_save"),
    path("<slug:slug>/nodes/<str:code>/lines/<int:line_id>/delete/", views.budget_line_delete,
         name="line_delete"),
]
