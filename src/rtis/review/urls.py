from django.urls import path

from rtis.review import own_views, views

app_name = "review"
urlpatterns = [
    path("", views.call_list, name="calls"),
    path("pool/", views.pool, name="pool"),
    path("stages/<int:pk>/", views.stage_page, name="stage"),
    path("stages/<int:pk>/rule/", views.stage_rule, name="stage_rule"),
    path("stages/<int:pk>/panels/", views.panel_create, name="panel_create"),
    path("stages/<int:pk>/ranking/", views.ranking_page, name="ranking"),
    path("stages/<int:pk>/select/", views.select, name="select"),
    path("calls/<int:pk>/ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("panels/<int:pk>/", views.panel_page, name="panel"),
    path("panels/<int:pk>/screen/", views.panel_screen, name="panel_screen"),
    path("panels/<int:pk>/auto/", views.panel_auto, name="panel_auto"),
    path("panels/<int:pk>/assign/", views.panel_assign, name="panel_assign"),
    path("my/", views.my_assignments, name="mine"),
    path("sheets/<int:pk>/", views.sheet, name="sheet"),
    path("sheets/<int:pk>/recuse/", views.recuse, name="recuse"),
    path("applications/<int:pk>/", views.disclosure_page, name="disclosure"),
    # rnd-pages
    path("my/conflicts/", own_views.my_conflicts, name="my_conflicts"),
    path("my/conflicts/declare/", own_views.declare_conflict, name="declare_conflict"),
    path("applications/<int:pk>/avoid/", own_views.avoid, name="avoid"),
    path("avoid/<int:pk>/delete/", own_views.avoid_delete, name="avoid_delete"),
]
