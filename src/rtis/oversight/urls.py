from django.urls import path

from rtis.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("<slug:key>/", views.session_detail, name="detail"),
    path("<slug:key>/overdue/", views.overdue, name="overdue"),
    path("<slug:key>/items/<slug:category>/<int:number>/", views.item_detail, name="item"),
    path("<slug:key>/items/<slug:category>/<int:number>/edit/", views.item_edit,
         name="item_edit"),
]
