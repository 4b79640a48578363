from django.urls import path

from rtis.lineage import views

app_name = "lineage"
urlpatterns = [
    path("", views.portfolio_page, name="portfolio"),
    path("nodes/<int:pk>/", views.lineage_page, name="node"),
    path("nodes/<int:pk>/links/", views.link_create, name="link"),
]
