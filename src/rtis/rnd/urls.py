from django.urls import path

from rtis.rnd import views

app_name = "rnd"
urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/publish/", views.call_publish, name="call_publish"),
    path("calls/<int:pk>/applications/", views.call_applications_page, name="call_applications"),
]
